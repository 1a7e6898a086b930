// The size of δ and of ∂J/∂w in each layer, from a backward (or step) answer: the view of
// vanishing gradients. Pure: no DOM. A deep sigmoid network's δ shrinks going back by
// f'(net) ≤ ¼ per layer (δ_j = f'(net_j) Σ_l w_lj δ_l), so the chart plots it on a log scale.

const abs = (values) => values.flat(Infinity).map(Math.abs);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * For each layer k = 1..L: {layer, deltaMean, deltaMax} over every example and unit of the
 * layer (|δ|), and {gradMean, gradMax} over its weights (|∂J/∂w|, the batch's gradient).
 */
export function layerMagnitudes(trace) {
  if (!trace?.deltas) return [];
  return trace.deltas.map((d, k) => {
    const deltas = abs(d);
    const grads = abs(trace.gradients.weights[k]);
    return {
      layer: k + 1,
      deltaMean: mean(deltas),
      deltaMax: Math.max(...deltas),
      gradMean: mean(grads),
      gradMax: Math.max(...grads),
    };
  });
}

/** The decades a log axis needs to show every positive value: [lo, hi] as powers of 10. */
export function logRange(values) {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (pos.length === 0) return [-1, 0];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos))) + 0; // + 0: never −0
  return [lo, hi > lo ? hi : lo + 1];
}
