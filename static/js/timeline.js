// The history's timeline, without the DOM: where the slider stands, what Ctrl+Z goes back
// to, and what the label says. `entries` are GET …/history's, oldest first; `current` is the
// entry the network is at.

import { fmt } from './format.js';

/** The slider's position (an index into entries) of the entry numbered `entry`; -1 if none. */
export function indexOf(entries, entry) {
  return entries.findIndex((e) => e.entry === entry);
}

/** The entry Ctrl+Z rewinds to: the one before the current entry, or null at the first. */
export function undoTarget(entries, current) {
  const at = indexOf(entries, current);
  return at > 0 ? entries[at - 1] : null;
}

/** The entry Reset rewinds to: the network as created (update 0), or null if not kept. */
export function startEntry(entries) {
  const first = entries[0];
  return first && first.update === 0 && first.kind === 'create' ? first : null;
}

/** What the label under the slider says about an entry. */
export function describe(entry, current) {
  const what = { create: 'as created', step: 'after a step', edit: 'after an edit' }[entry.kind];
  const n = entry.update;
  const parts = [`${n} update${n === 1 ? '' : 's'}`, what];
  if (entry.loss !== null && entry.loss !== undefined) parts.push(`J = ${fmt(entry.loss)}`);
  if (entry.entry === current) parts.push('current');
  else if (entry.branch) parts.push('undone');
  return parts.join(' · ');
}
