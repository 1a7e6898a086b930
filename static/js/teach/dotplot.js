// The class's answers to one question as a dot plot, without the DOM: sizes → positions.
// Students have different numbers, so a dot is not a value: it is a try's error v − e
// against that student's own e, in units of that try's tolerance (GET …/answers/{q}'s
// `error` / `allowed`). A try is right exactly when that lies in [−1, 1]: one band for
// every student. Mistakes are far out (the sign: about −2|e| / tolerance), so the axis is
// linear inside the band and logarithmic beyond it: 1, 10, 100… tolerances, each a step.
// Dots that fall on one place stack upwards, one a dot's width apart.

import { MISTAKES } from './diagnoses.js';

/** Steps of the axis beyond the band: at most 10^4 tolerances; farther dots sit at the edge. */
export const MAX_STEPS = 5;

/** Each kind of dot's colour: right, wrong with no mistake named, and each mistake. */
export const DOT_COLORS = {
  right: '#009E73',
  wrong: '#9aa3ad',
  sign: '#D55E00',
  missing_derivative: '#E69F00',
  derivative_of_wrong_value: '#CC79A7',
  updated_weights: '#0072B2',
  missing_rate: '#56B4E9',
  one_example: '#F0E442',
  mean_vs_sum: '#000000',
  wrong_input: '#8C564B',
};

const LABELS = { right: 'right', wrong: 'wrong, no common mistake', ...MISTAKES };

/** A dot's kind: 'right', a mistake's code, or 'wrong'. */
export function kindOf(dot) {
  if (dot.correct) return 'right';
  return dot.diagnosis && DOT_COLORS[dot.diagnosis] ? dot.diagnosis : 'wrong';
}

/** The error in tolerances (±Infinity for an error where no tolerance is allowed). */
export function inTolerances(dot) {
  if (dot.allowed > 0) return dot.error / dot.allowed;
  return dot.error === 0 ? 0 : Math.sign(dot.error) * Infinity;
}

/** The axis's coordinate of z tolerances: z inside [−1, 1], 1 + log10|z| steps beyond. */
export function axisValue(z) {
  const a = Math.abs(z);
  return a <= 1 ? z : Math.sign(z) * (1 + Math.log10(a));
}

/** The steps each side of 0: enough for the farthest dot, at least 2, at most MAX_STEPS. */
export function extent(dots) {
  const far = Math.max(0, ...dots.map((d) => Math.abs(axisValue(inTolerances(d)))));
  return Math.min(MAX_STEPS, Math.max(2, Math.ceil(far)));
}

/** The ticks of an axis of `m` steps each side: 0, ±1, ±10, ±100… as {z, label}. */
export function ticks(m) {
  const out = [{ z: 0, label: '0' }];
  for (let s = 1; s <= m; s += 1) {
    const z = 10 ** (s - 1);
    const text = z.toLocaleString('en-US');
    out.push({ z, label: text }, { z: -z, label: `−${text}` });
  }
  return out.sort((a, b) => a.z - b.z);
}

/** Group dots into stacks: each dot joins the last stack if within `gap` of its start. */
function stacksOf(placed, gap) {
  const stacks = [];
  for (const d of [...placed].sort((a, b) => a.x - b.x)) {
    const last = stacks[stacks.length - 1];
    if (last && d.x - last.x < gap) last.dots.push(d);
    else stacks.push({ x: d.x, dots: [d] });
  }
  return stacks;
}

/**
 * The plot in a width × height box (px) with text at `font` px: {axis: {y, x1, x2}, band:
 * {x1, x2}, ticks [{x, label}], radius, dots [{x, y, kind, color, beyond}], legend [{kind,
 * color, label, count}]}. The radius is as large as the box lets the highest stack be, at
 * most 0.75 font and at least 3 px; dots past the axis's end sit on its end (`beyond`).
 */
export function dotPlot(dots, width, height, font = 24) {
  const m = extent(dots);
  const pad = 2 * font; // room for the end ticks' labels
  const x1 = pad;
  const x2 = Math.max(x1 + 1, width - pad);
  const axisY = height - 2 * font; // the tick labels below it
  const xOf = (s) => x1 + ((Math.max(-m, Math.min(m, s)) + m) / (2 * m)) * (x2 - x1);
  const placed = dots.map((d) => {
    const s = axisValue(inTolerances(d));
    const kind = kindOf(d);
    return { x: xOf(s), kind, color: DOT_COLORS[kind], beyond: Math.abs(s) > m };
  });
  let radius = Math.max(3, 0.75 * font); // a dot a room sees: 1.5 times the text's height
  let stacks = stacksOf(placed, 2 * radius);
  const room = axisY - font / 2; // the dots stand on the axis, under the box's top
  while (radius > 3 && Math.max(0, ...stacks.map((s) => s.dots.length)) * 2 * radius > room) {
    radius = Math.max(3, radius * 0.85);
    stacks = stacksOf(placed, 2 * radius);
  }
  const out = [];
  for (const stack of stacks) {
    stack.dots
      .sort(
        (a, b) => Object.keys(DOT_COLORS).indexOf(a.kind) - Object.keys(DOT_COLORS).indexOf(b.kind),
      )
      .forEach((d, i) => out.push({ ...d, x: stack.x, y: axisY - radius - i * 2 * radius }));
  }
  return {
    axis: { y: axisY, x1, x2 },
    band: { x1: xOf(-1), x2: xOf(1) },
    ticks: ticks(m).map((t) => ({ x: xOf(axisValue(t.z)), label: t.label })),
    radius,
    dots: out,
    legend: legend(placed),
  };
}

/** One entry per kind of dot present, in DOT_COLORS's order, with its count. */
export function legend(placed) {
  return Object.keys(DOT_COLORS)
    .map((kind) => ({
      kind,
      color: DOT_COLORS[kind],
      label: LABELS[kind] || kind,
      count: placed.filter((d) => d.kind === kind).length,
    }))
    .filter((entry) => entry.count > 0);
}

/** The plot's caption: "3 of 4 students answered · 1 right". */
export function summary(plot) {
  const right = plot.dots.filter((d) => d.correct).length;
  const n = plot.students;
  return `${plot.dots.length} of ${n} ${n === 1 ? 'student' : 'students'} answered · ${right} right`;
}
