// Runs side by side, without the DOM: the settings the Fork control offers, the fork's body,
// what a link says, and the loss chart's overlaid curves from the linked runs' histories
// (GET …/forks, GET …/history). Pure.

import { fmt } from './format.js';
import { lossPoints } from './timeline.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'];

/** The settings a fork may change (the API's ForkRequest), as the control offers them. */
export const FORK_SETTINGS = [
  { name: 'learning_rate', label: 'η', kind: 'number', min: 0, max: 1000, exclusive: true },
  { name: 'l2', label: 'λ (L2)', kind: 'number', min: 0, max: 100, exclusive: false },
  { name: 'hidden_activation', label: 'hidden f', options: ACTIVATIONS },
  { name: 'output_activation', label: 'output f', options: ACTIVATIONS },
  { name: 'loss', label: 'J', options: ['squared_error', 'cross_entropy'] },
  { name: 'reduction', label: 'reduction', options: ['sum', 'mean'] },
  { name: 'train_biases', label: 'train biases', options: ['true', 'false'] },
];

const byName = (name) => FORK_SETTINGS.find((s) => s.name === name);

/** The value the control proposes for `name`: another than the network's (2η, λ 0.01). */
export function proposed(name, network) {
  const setting = byName(name);
  const now = network[name];
  if (setting.kind === 'number') {
    if (name === 'learning_rate') return String(Math.min(now * 2, setting.max));
    return String(now > 0 ? now * 2 : 0.01);
  }
  return setting.options.find((o) => o !== String(now)) ?? setting.options[0];
}

/** The fork's body from the control: {body} or {error} (a sentence naming the setting). */
export function forkBody(name, text) {
  const setting = byName(name);
  if (!setting) return { error: `A fork cannot change ${name}.` };
  if (setting.kind !== 'number') {
    if (!setting.options.includes(text))
      return { error: `${setting.label} is one of ${setting.options.join(', ')}.` };
    return { body: { [name]: name === 'train_biases' ? text === 'true' : text } };
  }
  const value = Number(text);
  const low = setting.exclusive ? value <= setting.min : value < setting.min;
  if (text.trim() === '' || !Number.isFinite(value) || low || value > setting.max) {
    const above = setting.exclusive ? `above ${setting.min}` : `${setting.min} or more`;
    return { error: `${setting.label} must be a number ${above}, at most ${setting.max}.` };
  }
  return { body: { [name]: value } };
}

/** What a fork changed, in the notes' symbols: "η = 2", or "an exact copy". */
export function describeChange(changed) {
  const [name] = Object.keys(changed || {});
  if (!name) return 'an exact copy';
  const value = changed[name];
  return `${byName(name)?.label ?? name} = ${typeof value === 'number' ? fmt(value) : value}`;
}

/**
 * The runs linked to this one (a GET …/forks answer): its origin first, then its forks, at
 * most `max`, each {id, role, label} (the label short: the chart's legend is narrow).
 */
export function linkedRuns(links, max = 4) {
  const runs = [];
  if (links?.origin) {
    const o = links.origin;
    runs.push({
      id: o.id,
      role: 'origin',
      label: 'origin',
    });
  }
  for (const f of links?.forks || [])
    runs.push({
      id: f.id,
      role: 'fork',
      label: `fork ${describeChange(f.changed)}`,
    });
  return runs.slice(0, max);
}

/** Colours of the overlaid runs (Okabe–Ito, apart from the chart's own blue and orange). */
export const OVERLAY_COLORS = ['#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

/** An overlaid curve: the run's J after each kept entry on its line (timeline.lossPoints). */
export function overlay(run, entries, n) {
  const points = lossPoints(entries);
  const shown = points.length === 0 && entries.length ? lastPoint(entries) : points;
  return { ...run, points: shown, color: OVERLAY_COLORS[n % OVERLAY_COLORS.length] };
}

/** A run not trained yet has one point: J now. */
function lastPoint(entries) {
  const line = entries.filter((e) => !e.branch && e.loss !== null && e.loss !== undefined);
  const last = line[line.length - 1];
  return last ? [{ u: last.update, J: last.loss }] : [];
}

/** The chart's update range [u0, u1] over its own points and every overlaid curve's. */
export function updateRange(points, others = []) {
  const us = [points, ...others.map((o) => o.points)].flat().map((p) => p.u);
  if (us.length === 0) return [0, 1];
  const u0 = Math.min(...us);
  return [u0, Math.max(...us, u0 + 1)];
}
