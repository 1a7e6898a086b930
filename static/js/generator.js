// The Data panel's generator: a data set drawn on the server (circle, gaussians, spiral, XOR
// cloud) with noise and a test fraction, and by default the settings that train such data
// (advice.js). Thin DOM: the values live here between rebuilds of the panel, the points come
// back in the network's state.

import { SUITED } from './advice.js';
import { h } from './dom.js';

const KINDS = [
  ['circle', 'Circle'],
  ['gaussians', 'Two Gaussians'],
  ['spiral', 'Spiral'],
  ['xor', 'XOR cloud'],
];
const spec = {
  generate: 'circle',
  n: 200,
  noise: 0.1,
  test_fraction: 0.3,
  one_hot: false,
  seed: 0,
};
let suited = true; // with the settings that suit the data (advice.js)
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
          spec.generate = e.target.value;
        },
      },
      KINDS.map(([value, text]) => h('option', { value, text, selected: value === spec.generate })),
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
