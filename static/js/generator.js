// The Data panel's generator: a data set drawn on the server (circle, gaussians, spiral, XOR
// cloud) with noise and a test fraction, and by default the settings that train such data
// (suitedFields, pure, with sizeAdvice). Thin DOM: the values live here between rebuilds of
// the panel, the points come back in the network's state.

import { h } from './dom.js';

const KINDS = [
  ['circle', 'Circle'],
  ['gaussians', 'Two Gaussians'],
  ['spiral', 'Spiral'],
  ['xor', 'XOR cloud'],
];
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

const spec = {
  shape: 'circle',
  n: 200,
  noise: 0.1,
  test_fraction: 0.3,
  one_hot: false,
  seed: 0,
};
let suited = true; // with the settings that suit the data (SUITED)
let advice = ''; // about the last data set generated, kept across rebuilds of the panel
const SUITED_TEXT = `Start afresh with settings that suit it: weights drawn again, ${SUITED.hidden_activation} hidden units, a ${SUITED.output_activation} output, cross-entropy, the mean over the batch, η = ${SUITED.learning_rate}`;

/** A slider for spec[key] from 0 to max, its value shown beside it by show(). */
function slider(id, label, key, max, step, show) {
  const out = h('output', { for: id, text: show(spec[key]) });
  const input = h('input', {
    id,
    type: 'range',
    min: '0',
    max: String(max),
    step: String(step),
    value: String(spec[key]),
    oninput: (e) => {
      spec[key] = Number(e.target.value);
      out.textContent = show(spec[key]);
    },
  });
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, out);
}

/** A whole-number field for spec[key]. */
function number(id, label, key, min, max, title = undefined) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, text: label }),
    h('input', {
      id,
      title,
      type: 'number',
      min: String(min),
      max: String(max),
      step: '1',
      value: String(spec[key]),
      onchange: (e) => {
        spec[key] = Number(e.target.value);
      },
    }),
  );
}

/** A checkbox; set(checked) keeps its value. */
function check(id, label, checked, set) {
  return h(
    'div',
    { class: 'field check' },
    h('input', { id, type: 'checkbox', checked, onchange: (e) => set(e.target.checked) }),
    h('label', { for: id, text: label }),
  );
}

/** The menu of shapes. */
function shapeMenu() {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: 'gen-kind', text: 'Shape' }),
    h(
      'select',
      {
        id: 'gen-kind',
        onchange: (e) => {
          spec.shape = e.target.value;
        },
      },
      KINDS.map(([value, text]) => h('option', { value, text, selected: value === spec.shape })),
    ),
  );
}

/**
 * The controls; `generate(spec, suited)` is called with the request's `generate` object and
 * whether to set the suited settings too.
 */
export function generatorControls(generate) {
  return h(
    'details',
    { class: 'generator', open: true },
    h('summary', { text: 'Generate a data set' }),
    shapeMenu(),
    number('gen-n', 'Examples', 'n', 2, 5000),
    slider('gen-noise', 'Noise', 'noise', 0.5, 0.01, (v) => v.toFixed(2)),
    slider(
      'gen-test',
      'Test fraction',
      'test_fraction',
      0.9,
      0.05,
      (v) => `${Math.round(v * 100)} %`,
    ),
    // not labelled "Seed": that is the weights' seed in the Build panel
    number(
      'gen-seed',
      'Draw number',
      'seed',
      0,
      2 ** 32 - 1,
      "The random generator's seed: the same number draws the same points",
    ),
    check('gen-one-hot', 'Two outputs, one per class (one-hot)', spec.one_hot, (on) => {
      spec.one_hot = on;
    }),
    check('gen-suited', SUITED_TEXT, suited, (on) => {
      suited = on;
    }),
    h('p', {
      class: 'note',
      text: 'Test examples are drawn as rings on the heatmap and never trained on; the loss chart shows J on both sets.',
    }),
    h('button', {
      type: 'button',
      id: 'gen-go',
      text: 'Generate',
      onclick: () => generate({ ...spec }, suited),
    }),
    h('p', { class: 'note gen-advice', id: 'gen-advice', role: 'status', text: advice }),
  );
}

/** Say something about the data set just generated (its fit to the network), or nothing. */
export function adviseGenerated(text) {
  advice = text;
  const line = document.getElementById('gen-advice');
  if (line) line.textContent = text;
}
