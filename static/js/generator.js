// The Data panel's generator: a data set drawn on the server (circle, gaussians, spiral, XOR
// cloud) with noise and a test fraction. Thin DOM: the values live here between rebuilds of
// the panel, the points come back in the network's state.

import { h } from './dom.js';

const KINDS = [
  ['circle', 'Circle'],
  ['gaussians', 'Two Gaussians'],
  ['spiral', 'Spiral'],
  ['xor', 'XOR cloud'],
];
const spec = {
  shape: 'circle',
  n: 200,
  noise: 0.1,
  test_fraction: 0.3,
  one_hot: false,
  seed: 0,
};

/** The controls; `generate(spec)` is called with the request's `generate` object. */
export function generatorControls(generate) {
  const slider = (id, label, key, max, step, show) => {
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
  };
  const number = (id, label, key, min, max, title = undefined) =>
    h(
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
  return h(
    'details',
    { class: 'generator', open: true },
    h('summary', { text: 'Generate a data set' }),
    h(
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
    ),
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
    h(
      'div',
      { class: 'field check' },
      h('input', {
        id: 'gen-one-hot',
        type: 'checkbox',
        checked: spec.one_hot,
        onchange: (e) => {
          spec.one_hot = e.target.checked;
        },
      }),
      h('label', { for: 'gen-one-hot', text: 'Two outputs, one per class (one-hot)' }),
    ),
    h('p', {
      class: 'note',
      text: 'Test examples are drawn as rings on the heatmap and never trained on; the loss chart shows J on both sets.',
    }),
    h('button', {
      type: 'button',
      id: 'gen-go',
      text: 'Generate',
      onclick: () => generate({ ...spec }),
    }),
  );
}
