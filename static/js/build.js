// The "Network" panel: hidden layers and their units, and the settings the API knows.
// Emits changes through `act`; never talks to the server itself.

import { h, refresh } from './dom.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'linear'];

function select(id, label, options, value, onchange) {
  const s = h(
    'select',
    { id, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h('option', { value: v, text, selected: v === value })),
  );
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), s);
}

/**
 * act: {setLayers(layers), patch(fields), setMode(mode), redraw(seed)}
 */
export function renderBuild(root, s, act) {
  const net = s.network;
  const values = {
    'hidden-activation': net.hidden_activation,
    'output-activation': net.output_activation,
    loss: net.loss,
    reduction: net.reduction,
    mode: s.mode,
    'learning-rate': String(net.learning_rate),
    l2: String(net.l2 ?? 0),
    seed: String(net.seed),
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
    },
  );
}

function build(root, s, act) {
  const net = s.network;
  const layers = net.layers;
  const hidden = layers.slice(1, -1);
  root.replaceChildren(h('h2', { text: 'Network' }));
  const setHidden = (next) => act.setLayers([layers[0], ...next, layers[layers.length - 1]]);
  const list = h('ol', { class: 'layers' });
  list.append(h('li', { class: 'fixed', text: `Inputs: ${layers[0]} (set by the data)` }));
  hidden.forEach((n, idx) => {
    const k = idx + 1;
    const change = (d) => {
      const next = hidden.slice();
      next[idx] = n + d;
      setHidden(next);
    };
    list.append(
      h(
        'li',
        {},
        h('span', {
          class: 'layer-name',
          text: `Hidden layer ${k}: ${n} unit${n === 1 ? '' : 's'}`,
        }),
        h(
          'span',
          { class: 'layer-buttons' },
          h('button', {
            type: 'button',
            class: 'small',
            'aria-label': `Remove a unit from hidden layer ${k}`,
            text: '−',
            disabled: n <= 1,
            onclick: () => change(-1),
          }),
          h('button', {
            type: 'button',
            class: 'small',
            'aria-label': `Add a unit to hidden layer ${k}`,
            text: '+',
            disabled: n >= 16,
            onclick: () => change(1),
          }),
          h('button', {
            type: 'button',
            class: 'small',
            'aria-label': `Remove hidden layer ${k}`,
            text: '×',
            onclick: () => setHidden(hidden.filter((_, j) => j !== idx)),
          }),
        ),
      ),
    );
  });
  list.append(
    h('li', { class: 'fixed', text: `Outputs: ${layers[layers.length - 1]} (set by the data)` }),
  );
  root.append(
    list,
    h('button', {
      type: 'button',
      text: 'Add hidden layer',
      disabled: layers.length >= 8,
      onclick: () => setHidden([...hidden, hidden.length ? hidden[hidden.length - 1] : 2]),
    }),
  );

  const acts = ACTIVATIONS.map((a) => [a, a]);
  const grid = h(
    'div',
    { class: 'settings' },
    select('hidden-activation', 'Hidden activation f', acts, net.hidden_activation, (v) =>
      act.patch({ hidden_activation: v }),
    ),
    select('output-activation', 'Output activation f', acts, net.output_activation, (v) =>
      act.patch({ output_activation: v }),
    ),
    select(
      'loss',
      'Loss J',
      [
        ['squared_error', 'squared error ½Σ(y − o)²'],
        ['cross_entropy', 'cross-entropy'],
      ],
      net.loss,
      (v) => act.patch({ loss: v }),
    ),
    select(
      'reduction',
      'Over the batch',
      [
        ['sum', 'sum Σ_i J_i'],
        ['mean', 'mean (1/N) Σ_i J_i'],
      ],
      net.reduction,
      (v) => act.patch({ reduction: v }),
    ),
    select(
      'mode',
      'Update mode',
      [
        ['batch', 'batch: one update per pass'],
        ['online', 'online: one per example'],
      ],
      s.mode,
      (v) => act.setMode(v),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'learning-rate', text: 'Learning rate η' }),
      h('input', {
        id: 'learning-rate',
        type: 'number',
        min: '0',
        step: 'any',
        value: String(net.learning_rate),
        onchange: (e) => act.patch({ learning_rate: Number(e.target.value) }),
      }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', {
        for: 'l2',
        text: 'L2 λ',
        title: 'J = Σ_i J_i + (λ/2) Σ w² over the weights (not the biases); 0 leaves it out',
      }),
      h('input', {
        id: 'l2',
        type: 'number',
        min: '0',
        step: 'any',
        value: String(net.l2 ?? 0),
        onchange: (e) => act.patch({ l2: Number(e.target.value) }),
      }),
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
  const seed = h('input', {
    id: 'seed',
    type: 'number',
    min: '0',
    step: '1',
    value: String(net.seed),
  });
  const seedRow = h(
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
  root.append(grid, seedRow);
  if (root.dataset.listening) return; // root outlives rebuilds: listen once
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
