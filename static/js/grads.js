// The lecture notes' arithmetic, redone in the browser from the API's δ and o, for the batch view and
// the formula cards. Pure. Indices as in the API: layer k = 1..L, unit r, input q.

/** f′(net) written in terms of what the card shows: o(1 − o) for sigmoid, 1 − o² for tanh. */
export function fPrime(activation, net, o) {
  switch (activation) {
    case 'sigmoid':
      return o * (1 - o);
    case 'tanh':
      return 1 - o * o;
    case 'relu':
      return net > 0 ? 1 : 0;
    default:
      return 1;
  }
}

/** u_rq for example i: the output o_q of layer k−1, or 1 for the bias (q === null). */
export function input(trace, k, i, q) {
  return q === null ? 1 : trace.activations[k - 1][i][q];
}

/**
 * Each example's ∂J_i/∂w_rq = −δ_r u_rq (the lecture notes, Observation 1), and their sum Σ_i, which is
 * the batch gradient for reduction "sum"; "mean" divides by N. q === null means the bias.
 */
export function perExample(trace, k, r, q, reduction = 'sum') {
  const n = trace.deltas[k - 1].length;
  const rows = [];
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    const delta = trace.deltas[k - 1][i][r];
    const u = input(trace, k, i, q);
    const g = -delta * u;
    sum += g;
    rows.push({ i, delta, u, g });
  }
  const total = reduction === 'mean' ? sum / n : sum;
  return { rows, sum, total, n };
}

/** Σ_l w_lj δ_l for hidden unit j = r of layer k, example i (weights before the update). */
export function backSum(weights, trace, k, r, i) {
  const next = weights[k]; // into layer k+1 from layer k
  const terms = next.map((row, l) => ({ l, w: row[r], delta: trace.deltas[k][i][l] }));
  return { terms, sum: terms.reduce((s, t) => s + t.w * t.delta, 0) };
}

/** The output δ_l for one loss/activation pair, from y, o and net (the lecture notes' sign). */
export function outputDelta(loss, activation, y, o, net) {
  if (loss === 'cross_entropy') {
    if (activation === 'sigmoid') return y - o;
    return (y / o - (1 - y) / (1 - o)) * fPrime(activation, net, o);
  }
  return (y - o) * fPrime(activation, net, o);
}
