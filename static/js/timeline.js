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

/**
 * The entry Reset rewinds to: the network before its first update, that is the last entry at
 * the update count it was created at (the network as created, then the edits made before
 * training: new layers, weights drawn from a seed); a fork, created at its origin's count,
 * goes back to where it was forked. Null if the history does not start at creation (an older
 * release's).
 */
export function startEntry(entries) {
  const first = entries[0];
  if (!first || first.kind !== 'create') return null;
  let start = first;
  for (const e of entries) if (e.update === first.update && !e.branch) start = e;
  return start;
}

/**
 * The entry a class network starts again from: the last one that made the network anew (the
 * activity as the teacher gave it, or as the teacher last reset it), on the current line.
 */
export function activityStart(entries) {
  let start = null;
  for (const e of entries) if (e.kind === 'create' && !e.branch) start = e;
  return start;
}

/** J of the entry the network is at (null when unknown): the loss of the state shown. */
export function currentLoss(entries, current) {
  const at = entries[indexOf(entries, current)];
  return at && at.loss !== undefined ? at.loss : null;
}

/**
 * The loss chart's points from the history, for a browser that has none of its own (the
 * network trained elsewhere, or through the API): J of each entry on the line up to the
 * current one, [{u, J}]. Empty unless the line has an update beyond 0 with a J.
 */
export function lossPoints(entries) {
  const line = entries.filter((e) => !e.branch && e.loss !== null && e.loss !== undefined);
  if (!line.some((e) => e.update > 0)) return [];
  return line.map((e) => ({ u: e.update, J: e.loss }));
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
