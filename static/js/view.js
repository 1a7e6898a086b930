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

/**
 * The loss chart's vertical scale: frac(J) in [0, 1] from the bottom, and three ticks.
 * Linear from 0 to just above the largest J; or logarithmic between the powers of ten around
 * the smallest and largest J (J ≤ 0 sits on the bottom line).
 */
export function lossScale(values, log) {
  const hi = Math.max(...values);
  if (!log) {
    const top = hi * 1.05 || 1;
    return { frac: (J) => J / top, ticks: [0, top / 2, top] };
  }
  const positive = values.filter((J) => J > 0);
  const a = Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1e-3));
  const b = Math.max(Math.ceil(Math.log10(hi > 0 ? hi : 1)), a + 1);
  const frac = (J) => (J > 0 ? Math.max(0, (Math.log10(J) - a) / (b - a)) : 0);
  return { frac, ticks: [10 ** a, 10 ** Math.round((a + b) / 2), 10 ** b] };
}

/** Whether a selection {type, id} still names a unit or an edge of these layers. */
export function exists(sel, layers) {
  if (!sel) return false;
  const [k, r, q] = sel.id.split('-').map(Number);
  const inLayer = (kk, rr) => kk >= 0 && kk < layers.length && rr < layers[kk];
  if (sel.type === 'unit') return inLayer(k, r);
  if (sel.type === 'bias') return k >= 1 && inLayer(k, r);
  return k >= 1 && inLayer(k, r) && inLayer(k - 1, q);
}

/**
 * The graph's numbers as table rows, for reading without the picture: every unit's net, o and
 * δ (and y) for the example shown, and every weight's and bias's w, ∂J/∂w and Δw, each named
 * as the graph names it. `shown`: what graph.render() is given ({weights, biases, units,
 * edges}); a number not computed (yet) is undefined.
 */
export function numberRows(layers, shown, names) {
  const units = [];
  layers.forEach((n, k) => {
    for (let r = 0; r < n; r += 1) {
      const id = `${k}-${r}`;
      units.push({ id, name: names.unit(k, r), ...(shown.units.get(id) || {}) });
    }
  });
  const e = shown.edges;
  const weights = [];
  for (let k = 1; k < layers.length; k += 1) {
    for (let r = 0; r < layers[k]; r += 1) {
      for (let q = 0; q < layers[k - 1]; q += 1) {
        weights.push({
          id: `${k}-${r}-${q}`,
          name: names.edge(k, r, q),
          w: shown.weights[k - 1][r][q],
          gradient: e?.gradients.weights[k - 1][r][q],
          deltaW: e?.weight_deltas[k - 1][r][q],
        });
      }
      weights.push({
        id: `${k}-${r}`,
        bias: true,
        name: `bias of ${names.unit(k, r)}`,
        w: shown.biases[k - 1][r],
        gradient: e?.gradients.biases[k - 1][r],
        deltaW: e?.bias_deltas[k - 1][r],
      });
    }
  }
  return { units, weights };
}

// -- saturated outputs ------------------------------------------------------------------
const BOUNDS = { sigmoid: [0, 1], tanh: [-1, 1] };
/** An output this close to a bound of its activation is saturated: f′(net) is about 0 there. */
export const SATURATED = 1e-3;

/**
 * Saturated outputs in a pass (`output`: o per example and output unit; `y`: the targets):
 * {saturated, wrong, total} counts of outputs within SATURATED of a bound, and of those on
 * the wrong side of the middle; null for an activation without bounds (relu, linear).
 */
export function saturation(output, y, activation) {
  const bounds = BOUNDS[activation];
  if (!bounds || !output || !y || output.length !== y.length) return null;
  const [lo, hi] = bounds;
  const middle = (lo + hi) / 2;
  let saturated = 0;
  let wrong = 0;
  let total = 0;
  output.forEach((row, i) =>
    row.forEach((o, l) => {
      total += 1;
      if (o - lo > SATURATED && hi - o > SATURATED) return;
      saturated += 1;
      if (o > middle !== y[i][l] > middle) wrong += 1;
    }),
  );
  return { saturated, wrong, total };
}

/**
 * The warning for a pass, or '': outputs pinned at a bound on the wrong side, for at least a
 * tenth of them (a trained network's right answers may saturate too: that is no warning).
 */
export function saturationWarning(counts, loss) {
  if (!counts || counts.wrong === 0 || counts.wrong < counts.total / 10) return '';
  const head = `Saturated outputs: ${counts.saturated} of ${counts.total} are within ${SATURATED} of a bound of f, ${counts.wrong} of them on the wrong side.`;
  const why =
    loss === 'squared_error'
      ? ' There f′(net) ≈ 0, so δ and every Δw are nearly 0 and J barely moves.'
      : ' J is large and the steps overshoot.';
  return `${head}${why} Try a smaller η, the mean over the batch, or cross-entropy (Network panel).`;
}
