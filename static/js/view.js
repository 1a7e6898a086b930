// Page state → what the graph draws. Pure: no DOM.

/** The range of outputs of an activation, for the unit fill colour ([lo, hi] of the data otherwise). */
export function outputRange(activation, y) {
  if (activation === 'sigmoid') return [0, 1];
  if (activation === 'tanh') return [-1, 1];
  const ys = y ? y.flat() : [0, 1];
  return [Math.min(...ys, 0), Math.max(...ys, 1)];
}

/**
 * Map "k-r" → {o, net?, delta?, y?} for example i of the trace. Empty when the trace does not
 * hold example i (an online update's payload holds example 1 only) or there is no trace.
 */
export function unitValues(layers, trace, i, y) {
  const m = new Map();
  if (!trace || i >= trace.activations[0].length) return m;
  const L = layers.length - 1;
  layers.forEach((n, k) => {
    for (let r = 0; r < n; r += 1) {
      const v = { o: trace.activations[k][i][r] };
      if (k > 0) v.net = trace.net[k - 1][i][r];
      if (k > 0 && trace.deltas) v.delta = trace.deltas[k - 1][i][r];
      if (k === L && y) v.y = y[i][r];
      m.set(`${k}-${r}`, v);
    }
  });
  return m;
}
