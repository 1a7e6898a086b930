// The hidden space, without the DOM: every training example at (o_a, o_b) of two units of the
// last hidden layer (the server's o, from POST …/predict with hidden), coloured by its target,
// and the output's decision line in that plane, clipped to the plot. Pure.
//
// The line is where the output's class changes, as the server counts accuracy (o ≥ ½ with
// one output unit, the largest o with several: app/nn/metrics.py):
// - one output unit: f(w_a o_a + w_b o_b + b) = ½, that is w_a o_a + w_b o_b + b = f⁻¹(½):
//   0 for sigmoid (o = ½), atanh ½ ≈ 0.549 for tanh, ½ for relu and linear;
// - two output units: o_1 = o_2, that is net_1 = net_2 (both units share f, which rises):
//   (w_1a − w_2a) o_a + (w_1b − w_2b) o_b + (b_1 − b_2) = 0 (for relu, where either net is
//   above 0; where both are at most 0 the two o tie at 0);
// - three or more output units: no one line (each pair of classes has its own): none drawn.
// With 3 or more hidden units, net also takes the units not shown, whose o differs from one
// example to the next: no single line in the chosen plane divides the examples as the
// network does, so none is drawn (the points still show how the layer moves them).

import { divergingRgb, NEGATIVE, POSITIVE, rgbString } from './colors.js';

/** The last hidden layer: {k, units}, or null for a network without a hidden layer. */
export function lastHidden(layers) {
  const L = layers.length - 1;
  return L >= 2 ? { k: L - 1, units: layers[L - 1] } : null;
}

/** f⁻¹(½): the net at which one output unit says ½. */
export const HALF_AT = { sigmoid: 0, tanh: Math.atanh(0.5), relu: 0.5, linear: 0.5 };

/**
 * The decision line in the plane of hidden units `pair` = [a, b]: {a, b, c} with
 * a·o_a + b·o_b + c = 0 on it, and `rule` saying which; or {why} when none is drawn.
 */
export function decisionLine(network, pair) {
  const { layers } = network;
  const L = layers.length - 1;
  const hidden = lastHidden(layers);
  if (!hidden || hidden.units < 2) return { why: 'The last hidden layer needs 2 units.' };
  if (hidden.units > 2)
    return {
      why:
        `No line: net of the output also takes the other ${hidden.units - 2} hidden ` +
        `unit${hidden.units > 3 ? 's' : ''}, whose o changes from one example to the next.`,
    };
  const w = network.weights[L - 1];
  const bias = network.biases[L - 1];
  const [p, q] = pair;
  if (layers[L] === 1) {
    const t = HALF_AT[network.output_activation];
    return { a: w[0][p], b: w[0][q], c: bias[0] - t, rule: `net = ${t === 0 ? '0' : t}` };
  }
  if (layers[L] === 2)
    return {
      a: w[0][p] - w[1][p],
      b: w[0][q] - w[1][q],
      c: bias[0] - bias[1],
      rule: 'net₁ = net₂',
      flip: true, // the positive side is class 0's (net₁ > net₂)
    };
  return { why: `No line: ${layers[L]} output units split the plane into ${layers[L]} regions.` };
}

/** The plot's bounds [[x0, x1], [y0, y1]]: f's range for sigmoid and tanh, else the points'. */
export function plotBounds(activation, points) {
  if (activation === 'sigmoid')
    return [
      [-0.05, 1.05],
      [-0.05, 1.05],
    ];
  if (activation === 'tanh')
    return [
      [-1.05, 1.05],
      [-1.05, 1.05],
    ];
  return [0, 1].map((d) => {
    const vs = [0, ...points.map((pt) => pt.o[d])];
    const lo = Math.min(...vs);
    const hi = Math.max(...vs, lo + 1);
    const pad = (hi - lo) * 0.08;
    return [lo - pad, hi + pad];
  });
}

/** The line's two ends inside the bounds, [[x, y], [x, y]], or null when it misses them. */
export function clipLine({ a, b, c }, [[x0, x1], [y0, y1]]) {
  const found = [];
  const near = (v, lo, hi) => v >= lo - 1e-12 * (hi - lo) && v <= hi + 1e-12 * (hi - lo);
  if (b !== 0)
    for (const x of [x0, x1]) {
      const y = -(a * x + c) / b;
      if (near(y, y0, y1)) found.push([x, y]);
    }
  if (a !== 0)
    for (const y of [y0, y1]) {
      const x = -(b * y + c) / a;
      if (near(x, x0, x1)) found.push([x, y]);
    }
  let best = null;
  let far = 0;
  for (let i = 0; i < found.length; i += 1)
    for (let j = i + 1; j < found.length; j += 1) {
      const d = Math.hypot(found[i][0] - found[j][0], found[i][1] - found[j][1]);
      if (d > far) [best, far] = [[found[i], found[j]], d];
    }
  return best;
}

/** The class a target names (0/1 for one output, the one-hot's index), or null. */
export function classOf(row) {
  if (row.length === 1) return row[0] === 0 || row[0] === 1 ? row[0] : null;
  const ones = row.filter((v) => v === 1).length;
  const zeros = row.filter((v) => v === 0).length;
  return ones === 1 && zeros === row.length - 1 ? row.indexOf(1) : null;
}

/**
 * The examples' points: {i, o: [o_a, o_b], target, cls, color}; `hidden` is the last hidden
 * layer's o per example (predict's hidden[L − 2]), `y` the targets, `range` the output's.
 */
export function hiddenPoints(hidden, y, [p, q], range = [0, 1]) {
  const classes = y.map(classOf);
  const named = classes.every((c) => c !== null);
  return hidden.map((row, i) => {
    const cls = named ? classes[i] : null;
    let color = rgbString(divergingRgb(y[i][0], range[0], range[1]));
    if (cls !== null) color = cls === 0 ? NEGATIVE : POSITIVE;
    return { i, o: [row[p], row[q]], target: y[i], cls, color };
  });
}

/**
 * How many examples lie on their class's side of the line (the side where the output says
 * their class), with two classes: {right, of}; null otherwise.
 */
export function onTheirSide(points, line) {
  if (!('a' in line) || points.some((pt) => pt.cls === null || pt.cls > 1)) return null;
  const positive = line.flip ? 0 : 1; // the class on the side where a·o_a + b·o_b + c ≥ 0
  const right = points.filter(
    (pt) => line.a * pt.o[0] + line.b * pt.o[1] + line.c >= 0 === (pt.cls === positive),
  ).length;
  return { right, of: points.length };
}

/** Plot coordinates of (x, y) in a `size` square over `bounds` (y up). */
export function toPlot([x, y], [[x0, x1], [y0, y1]], size) {
  return [((x - x0) / (x1 - x0)) * size, size - ((y - y0) / (y1 - y0)) * size];
}
