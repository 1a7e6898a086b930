// Several outputs as classes: with one-hot targets, each point of the input plane belongs to
// the output with the largest o. Pure: colours and class indices, no DOM.

// Okabe–Ito, colour-blind safe; class 1 and 2 match the one-output heatmap's orange and blue.
export const CLASS_COLORS = [
  '#E69F00',
  '#0072B2',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

/** Whether targets y name classes one-hot: several columns of 0 and 1, one 1 per row. */
export function isOneHot(y) {
  if (!y || y.length === 0 || y[0].length < 2) return false;
  return y.every((row) => row.every((v) => v === 0 || v === 1) && row.filter(Boolean).length === 1);
}

/** The index of the largest value (the first of equal ones). */
export function argmax(row) {
  let best = 0;
  for (let k = 1; k < row.length; k += 1) if (row[k] > row[best]) best = k;
  return best;
}

/** The colour of class k as [r, g, b]; classes past the palette reuse it. */
export function classRgb(k) {
  const hex = CLASS_COLORS[k % CLASS_COLORS.length];
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

/**
 * The fill of one heatmap cell: the winning class's colour, paler where the win is narrow
 * (the margin between the largest and the second largest o, over the output range).
 */
export function regionRgb(o, range = 1) {
  const k = argmax(o);
  const second = Math.max(...o.filter((_, j) => j !== k));
  const margin = Math.min(Math.max((o[k] - second) / (range || 1), 0), 1);
  const strength = 0.35 + 0.45 * margin; // never white: every cell shows its class
  return classRgb(k).map((c) => Math.round(255 + (c - 255) * strength));
}

/** The legend: one entry per output unit. */
export function classLegend(nOut) {
  return [...Array(nOut)].map((_, k) => ({
    k,
    color: CLASS_COLORS[k % CLASS_COLORS.length],
    label: `class ${k + 1}: output ${k + 1} has the largest o`,
  }));
}
