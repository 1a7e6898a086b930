// What the page advises about training: settings that suit a generated data set, and a
// warning when the outputs are saturated. Pure: no DOM.

/**
 * The settings a generated data set trains with (two classes in the plane), as the built-in
 * circle and spiral presets have them: tanh hidden units, a sigmoid output read as a
 * probability, cross-entropy (its δ = y − o does not vanish when o saturates) and the mean
 * over the batch, so η does not grow with the number of examples.
 */
export const SUITED = {
  hidden_activation: 'tanh',
  output_activation: 'sigmoid',
  loss: 'cross_entropy',
  reduction: 'mean',
  learning_rate: 1,
};

/** Hidden units (in all) each shape needs, roughly, to be learnt at all. */
const NEEDS = { circle: 3, xor: 4, spiral: 16, gaussians: 1 };
const TITLES = { circle: 'circle', xor: 'XOR cloud', spiral: 'spiral', gaussians: 'two Gaussians' };

/**
 * The PATCH fields beside `generate` that suit the generated data: weights drawn again (from
 * the network's seed: a new data set is a new start, as in the playground), the settings
 * above (those that differ from `net`'s) and a name that says what the data is. `kind`: the
 * shape.
 */
export function suitedFields(kind, net) {
  const fields = { seed: net.seed };
  for (const [key, value] of Object.entries(SUITED)) if (net[key] !== value) fields[key] = value;
  fields.name = `${TITLES[kind] ? TITLES[kind][0].toUpperCase() + TITLES[kind].slice(1) : kind} (generated)`;
  return fields;
}

/** A sentence when the network's hidden layers look too small for the shape, else ''. */
export function sizeAdvice(kind, layers) {
  const hidden = layers.slice(1, -1).reduce((a, n) => a + n, 0);
  const need = NEEDS[kind] ?? 0;
  if (hidden >= need) return '';
  const title = TITLES[kind] || kind;
  return `A ${title} needs more hidden units than this network's ${hidden}: add some in the Network panel (at least ${need} in all).`;
}

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
