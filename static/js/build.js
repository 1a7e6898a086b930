// The "Network" panel: hidden layers and their units, and the settings the API knows.
// Emits changes through `act`; never talks to the server itself.

import { h, refresh } from './dom.js';
import { MODES, parseBatchSize } from './updatemode.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'];
const LOSSES = [
  ['squared_error', 'squared error ½Σ(y − o)²'],
  ['cross_entropy', 'cross-entropy'],
];
const REDUCTIONS = [
  ['sum', 'sum Σ_i J_i'],
  ['mean', 'mean (1/N) Σ_i J_i'],
];
const INITS = [
  ['glorot_uniform', 'Glorot uniform (a = √(6 / (n_in + n_out)))'],
  ['glorot_normal', 'Glorot normal (σ² = 2 / (n_in + n_out))'],
  ['he_normal', 'He normal (σ² = 2 / n_in)'],
  ['uniform', 'Uniform U(−s, s)'],
  ['normal', 'Normal N(0, s²)'],
];

function select(id, label, options, value, onchange) {
  const s = h(
    'select',
    { id, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h('option', { value: v, text, selected: v === value })),
  );
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), s);
}

/**
 * act: {setLayers(layers), patch(fields), setMode(mode), setBatchSize(B), redraw(seed)}
 */
export function renderBuild(root, s, act) {
  const net = { ...s.network, ...s.sending };
  const values = {
    'hidden-activation': net.hidden_activation,
    'output-activation': net.output_activation,
    loss: net.loss,
    reduction: net.reduction,
    mode: s.mode,
    'batch-size': String(s.batchSize),
    'learning-rate': String(net.learning_rate),
    l2: String(net.l2 ?? 0),
    seed: String(net.seed),
    init: net.init ?? 'glorot_uniform',
    'init-scale': String(net.init_scale ?? 1),
  };
  // the stored values win (a refused one included), except in a field being typed into:
  // `dirty` is set by typing and cleared when the change is sent
  refresh(
    root,
    net.layers.join('-'),
    () => build(root, s, act),
    () => {
      for (const [id, v] of Object.entries(values)) {
        const e = root.querySelector(`#${id}`);
        if (!e.dataset.dirty) e.value = v;
      }
      root.querySelector('#train-biases').checked = net.train_biases;
      root.querySelector('#batch-size').closest('.field').hidden = s.mode !== 'minibatch';
      root.querySelector('#batch-size').max = String(net.dataset?.x.length ?? '');
    },
  );
}

/** The panel: a list of small builders, one per section. */
function build(root, s, act) {
  root.replaceChildren(
    h('h2', { text: 'Network' }),
    ...layersSection(s.network.layers, act),
    settingsSection(s, act),
    initSection(s.network, act),
    seedSection(s.network, act),
  );
  listen(root);
}

/** One hidden layer's line: its size, and buttons for a unit less, a unit more, no layer. */
function hiddenLayer(k, n, change, remove) {
  const button = (label, text, disabled, onclick) =>
    h('button', { type: 'button', class: 'small', 'aria-label': label, text, disabled, onclick });
  return h(
    'li',
    {},
    h('span', { class: 'layer-name', text: `Hidden layer ${k}: ${n} unit${n === 1 ? '' : 's'}` }),
    h(
      'span',
      { class: 'layer-buttons' },
      button(`Remove a unit from hidden layer ${k}`, '−', n <= 1, () => change(-1)),
      button(`Add a unit to hidden layer ${k}`, '+', n >= 16, () => change(1)),
      button(`Remove hidden layer ${k}`, '×', false, remove),
    ),
  );
}

/** The layers, inputs to outputs (hidden ones editable), and "Add hidden layer". */
function layersSection(layers, act) {
  const hidden = layers.slice(1, -1);
  const setHidden = (next) => act.setLayers([layers[0], ...next, layers[layers.length - 1]]);
  const list = h('ol', { class: 'layers' });
  list.append(h('li', { class: 'fixed', text: `Inputs: ${layers[0]} (set by the data)` }));
  hidden.forEach((n, idx) => {
    const change = (d) => setHidden(hidden.map((m, j) => (j === idx ? n + d : m)));
    const remove = () => setHidden(hidden.filter((_, j) => j !== idx));
    list.append(hiddenLayer(idx + 1, n, change, remove));
  });
  list.append(
    h('li', { class: 'fixed', text: `Outputs: ${layers[layers.length - 1]} (set by the data)` }),
  );
  const add = h('button', {
    type: 'button',
    text: 'Add hidden layer',
    disabled: layers.length >= 8,
    onclick: () => setHidden([...hidden, hidden.length ? hidden[hidden.length - 1] : 2]),
  });
  return [list, add];
}

/** A number field sending its value as `field` when changed. */
function numberField(id, label, value, send, title = undefined) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, text: label, title }),
    h('input', {
      id,
      type: 'number',
      min: '0',
      step: 'any',
      value,
      onchange: (e) => send(Number(e.target.value)),
    }),
  );
}

/** f, J, the batch's sum or mean, the update mode, η, λ and whether biases train. */
function settingsSection(s, act) {
  const net = s.network;
  const acts = ACTIVATIONS.map((a) => [a, a]);
  const patch = (key) => (v) => act.patch({ [key]: v });
  return h(
    'div',
    { class: 'settings' },
    select(
      'hidden-activation',
      'Hidden activation f',
      acts,
      net.hidden_activation,
      patch('hidden_activation'),
    ),
    select(
      'output-activation',
      'Output activation f',
      acts,
      net.output_activation,
      patch('output_activation'),
    ),
    select('loss', 'Loss J', LOSSES, net.loss, patch('loss')),
    select('reduction', 'Over the batch', REDUCTIONS, net.reduction, patch('reduction')),
    select('mode', 'Update mode', MODES, s.mode, (v) => act.setMode(v)),
    batchSizeField(s, act),
    numberField(
      'learning-rate',
      'Learning rate η',
      String(net.learning_rate),
      patch('learning_rate'),
    ),
    numberField(
      'l2',
      'L2 λ',
      String(net.l2 ?? 0),
      patch('l2'),
      'J = Σ_i J_i + (λ/2) Σ w² over the weights (not the biases); 0 leaves it out',
    ),
    h(
      'div',
      { class: 'field check' },
      h('input', {
        id: 'train-biases',
        type: 'checkbox',
        checked: net.train_biases,
        onchange: (e) => act.patch({ train_biases: e.target.checked }),
      }),
      h('label', { for: 'train-biases', text: 'Train biases' }),
    ),
  );
}

/** B, the examples of a mini-batch (shown in mini-batch mode; 1 to N, the server checks). */
function batchSizeField(s, act) {
  const field = h(
    'div',
    { class: 'field' },
    h('label', { for: 'batch-size', text: 'Batch size B' }),
    h('input', {
      id: 'batch-size',
      type: 'number',
      min: '1',
      step: '1',
      value: String(s.batchSize),
      onchange: (e) => {
        const b = parseBatchSize(e.target.value);
        if (b !== null) act.setBatchSize(b);
      },
    }),
  );
  field.hidden = s.mode !== 'minibatch';
  return field;
}

/** How the weights are drawn (a change draws them again) and the scale s of two schemes. */
function initSection(net, act) {
  return h(
    'div',
    { class: 'settings init' },
    select('init', 'Initial weights', INITS, net.init ?? 'glorot_uniform', (v) =>
      act.patch({ init: v }),
    ),
    numberField('init-scale', 'Scale s', String(net.init_scale ?? 1), (v) =>
      act.patch({ init_scale: v }),
    ),
  );
}

/** The seed, and "Draw weights" from it. */
function seedSection(net, act) {
  const seed = h('input', {
    id: 'seed',
    type: 'number',
    min: '0',
    step: '1',
    value: String(net.seed),
  });
  return h(
    'div',
    { class: 'field seed' },
    h('label', { for: 'seed', text: 'Seed' }),
    seed,
    h('button', {
      type: 'button',
      text: 'Draw weights',
      onclick: () => act.redraw(Number(seed.value)),
    }),
  );
}

/** Typing marks a field dirty (its value wins over the stored one until sent); root outlives rebuilds: listen once. */
function listen(root) {
  if (root.dataset.listening) return;
  root.dataset.listening = '1';
  root.addEventListener('input', (e) => {
    if (e.target.matches('input[type="number"]')) e.target.dataset.dirty = '1';
  });
  root.addEventListener(
    'change',
    (e) => {
      delete e.target.dataset.dirty;
    },
    true,
  );
}
