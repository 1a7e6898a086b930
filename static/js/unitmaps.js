// Every unit's o over the input plane, for networks with 2 inputs: which units get a picture,
// and each one's values and colour range, from one /predict answer ({output, hidden}). Pure.

/** Most hidden units for which the page asks /predict for every unit's o (625 numbers each). */
export const MAX_PICTURED_HIDDEN = 16;

/** Whether the units get pictures: 2 inputs, and few enough hidden units to answer cheaply. */
export function picturesUnits(layers) {
  const hidden = layers.slice(1, -1).reduce((a, n) => a + n, 0);
  return layers[0] === 2 && hidden <= MAX_PICTURED_HIDDEN;
}

/** The range of o an activation can take; for relu and linear, the range of the values. */
export function activationRange(activation, values) {
  if (activation === 'sigmoid') return [0, 1];
  if (activation === 'tanh') return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo < hi ? [lo, hi] : [lo - 1, lo + 1];
}

/**
 * Map unit id "k-r" (k = 1..L) → {values, range}: o of that unit at every grid point, in the
 * grid's order. answer: /predict's {output: [N][n_L], hidden?: [L-1][N][n_k]}; hidden layers
 * are left out when the answer has none. net: {layers, hidden_activation, output_activation}.
 */
export function unitGrids(answer, net) {
  const L = net.layers.length - 1;
  const grids = new Map();
  const add = (k, rows, activation) => {
    for (let r = 0; r < net.layers[k]; r += 1) {
      const values = rows.map((row) => row[r]);
      grids.set(`${k}-${r}`, { values, range: activationRange(activation, values) });
    }
  };
  (answer.hidden || []).forEach((rows, n) => add(n + 1, rows, net.hidden_activation));
  add(L, answer.output, net.output_activation);
  return grids;
}
