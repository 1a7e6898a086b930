// One unit opened into its scalar graph for one example: the chain rule, node by node, in the
// lecture notes' notation. Pure: no DOM. Every value comes from the server's forward or
// backward payload (net, o, δ) and the weights it was computed with; each gradient is the
// notes' own expression of it:
//
//   u_rq, w_rq → w_rq u_rq → Σ (+ b_r) = net_r → f → o_r → J_i
//   ∂J_i/∂net_r = −δ_r                      (the notes' sign: δ = −∂J/∂net)
//   ∂J_i/∂(w_rq u_rq) = ∂J_i/∂b_r = −δ_r    (a sum passes its gradient on unchanged)
//   ∂J_i/∂w_rq = −δ_r u_rq,  ∂J_i/∂u_rq = −δ_r w_rq   (a product swaps its factors)
//   ∂J_i/∂o_r = −(y_r − o_r) for J_i = ½ Σ (y − o)², (o_r − y_r) / (o_r (1 − o_r)) for
//   cross-entropy; for a hidden unit −Σ_l w_lr δ_l, through the layer above
//
// ∂J_i/∂u_rq is the share of J_i's gradient that flows through this unit only (u_rq is the
// input of unit r: the same o of layer k − 1 feeds the other units too).

const LOSS_NAMES = { squared_error: '½ Σ (y − o)²', cross_entropy: 'cross-entropy' };

/** J_i of example i from the outputs o and the targets y. */
function exampleLoss(loss, o, y) {
  let total = 0;
  for (let l = 0; l < o.length; l += 1) {
    if (loss === 'cross_entropy') total -= y[l] * Math.log(o[l]) + (1 - y[l]) * Math.log(1 - o[l]);
    else total += 0.5 * (y[l] - o[l]) ** 2;
  }
  return total;
}

/** ∂J_i/∂o_r: from the loss at an output unit, from the layer above at a hidden one. */
function outputGradient(ctx, k, r) {
  const { trace, weights, i, layers, settings, y } = ctx;
  const L = layers.length - 1;
  const o = trace.activations[k][i][r];
  if (k < L) {
    let sum = 0;
    for (let l = 0; l < layers[k + 1]; l += 1) sum += weights[k][l][r] * trace.deltas[k][i][l];
    return -sum;
  }
  const t = y[i][r];
  return settings.loss === 'cross_entropy' ? (o - t) / (o * (1 - o)) : -(t - o);
}

/** Input q of unit r: u_rq and w_rq, and their product. */
function inputNodes({ trace, weights, i }, k, r, q, g, delta) {
  const u = trace.activations[k - 1][i][q];
  const w = weights[k - 1][r][q];
  const rq = `${sub(r)}${sub(q)}`;
  return [
    { id: `u${q}`, label: `u${rq}`, op: null, value: u, grad: g(-delta * w), inputs: [] },
    { id: `w${q}`, label: `w${rq}`, op: null, value: w, grad: g(-delta * u), inputs: [] },
    {
      id: `p${q}`,
      label: `w${rq} u${rq}`,
      op: '×',
      value: w * u,
      grad: g(-delta),
      inputs: [`w${q}`, `u${q}`],
    },
  ];
}

/**
 * The graph of unit r of layer k (1..L) for example i. ctx: {layers, settings (loss,
 * activations), weights, biases (those the trace was computed with), trace (forward or backward
 * payload), y (targets), i}. Returns {nodes, order}: nodes {id, label, op, value, grad, inputs}
 * (grad null before Backward; the net node also carries delta), order the ids in the order
 * Backward reaches them.
 */
export function unitGraph(ctx, k, r) {
  const { layers, settings, biases, trace, y, i } = ctx;
  const L = layers.length - 1;
  const back = Boolean(trace.deltas);
  const delta = back ? trace.deltas[k - 1][i][r] : null;
  const g = (v) => (back ? v : null);
  const nodes = [];
  for (let q = 0; q < layers[k - 1]; q += 1) nodes.push(...inputNodes(ctx, k, r, q, g, delta));
  const products = nodes.filter((n) => n.op === '×').map((n) => n.id);
  const f = k === L ? settings.output_activation : settings.hidden_activation;
  nodes.push(
    {
      id: 'b',
      label: `b${sub(r)}`,
      op: null,
      value: biases[k - 1][r],
      grad: g(-delta),
      inputs: [],
    },
    {
      id: 'net',
      label: `net${sub(r)}`,
      op: 'Σ',
      value: trace.net[k - 1][i][r],
      grad: g(-delta),
      delta,
      inputs: [...products, 'b'],
    },
    {
      id: 'o',
      label: `o${sub(r)}`,
      op: f,
      value: trace.activations[k][i][r],
      grad: back ? outputGradient(ctx, k, r) : null,
      inputs: ['net'],
    },
    {
      id: 'J',
      label: 'J_i',
      op: k === L ? LOSS_NAMES[settings.loss] : `via layer ${k + 1}`,
      value: y ? exampleLoss(settings.loss, trace.activations[L][i], y[i]) : null,
      grad: g(1),
      inputs: ['o'],
    },
  );
  const ws = products.map((p) => `w${p.slice(1)}`);
  const us = products.map((p) => `u${p.slice(1)}`);
  return { nodes, order: ['J', 'o', 'net', 'b', ...products, ...ws, ...us] };
}

/** Digits as subscripts. */
export function sub(n) {
  return String(n).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[c]);
}
