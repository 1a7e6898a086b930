// The "Data" panel: presets, the editable table of examples, CSV paste and import.

import { parseCsv, toCsv } from './csv.js';
import { h, refresh } from './dom.js';
import { fmt, full } from './format.js';
import { generatorControls } from './generator.js';

/**
 * act: {loadPreset(name), loadNote (what loading does here, or ''), saveDataset(x, y),
 * generate(spec, suited), error(message)}
 */
export function renderData(root, s, presets, act) {
  const { dataset, layers } = s.network;
  // rebuilt only when the data, the layer shape or the presets change: typing is never lost
  refresh(
    root,
    JSON.stringify([
      dataset,
      layers[0],
      layers[layers.length - 1],
      presets.length,
      s.network.name,
      act.loadNote,
    ]),
    () => build(root, s, presets, act),
  );
  renderOutputs(root, s);
}

/** The network's output o for every example, beside its target, from the last full pass. */
export function renderOutputs(root, s) {
  const out = s.trace?.output;
  const n = s.network.dataset?.x.length ?? 0;
  root.querySelectorAll('tbody tr').forEach((tr, i) => {
    tr.classList.toggle('current', i === s.i);
    const cell = tr.querySelector('td.out');
    cell.textContent = out && out.length === n && i < n ? out[i].map((v) => fmt(v)).join(', ') : '';
  });
}

/** The panel: a list of small builders, one per section. */
function build(root, s, presets, act) {
  const net = s.network;
  const shape = { nIn: net.layers[0], nOut: net.layers[net.layers.length - 1] };
  const data = net.dataset || { x: [], y: [] };
  root.replaceChildren(
    h('h2', { text: 'Data' }),
    ...presetSection(net, presets, act),
    generatorControls(act.generate),
    splitNote(data),
    ...tableSection(data, shape, act),
    csvSection(data, shape, act),
  );
}

/**
 * The preset menu, on the network's own preset when its name is one, else on "none" (a
 * generated or hand-made network is no preset); and what loading does (act.loadNote).
 */
function presetSection(net, presets, act) {
  if (!presets.length) return [];
  const current = presets.find((p) => p.title === net.name || p.name === net.name);
  const sel = h(
    'select',
    { id: 'preset' },
    current ? [] : h('option', { value: '', text: 'none: choose one', selected: true }),
    presets.map((p) =>
      h('option', { value: p.name, text: p.title || p.name, selected: p === current }),
    ),
  );
  const desc = h('p', { class: 'note preset-desc' });
  const describe = () => {
    desc.textContent = presets.find((p) => p.name === sel.value)?.description || '';
  };
  sel.addEventListener('change', describe);
  describe();
  const load = h('button', {
    type: 'button',
    id: 'preset-load',
    text: 'Load preset',
    onclick: () => sel.value && act.loadPreset(sel.value),
  });
  const note = act.loadNote ? h('p', { class: 'note load-here', text: act.loadNote }) : null;
  return [
    h('div', { class: 'field preset' }, h('label', { for: 'preset', text: 'Preset' }), sel, load),
    desc,
    note,
  ].filter(Boolean);
}

/** How many training and test examples there are. */
function splitNote(data) {
  const nTest = data.test ? data.test.x.length : 0;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return h('p', {
    class: 'note split',
    'data-train': String(data.x.length),
    'data-test': String(nTest),
    text: `${plural(data.x.length, 'training example')}${
      nTest ? `, ${plural(nTest, 'test example')} (kept when the table is saved)` : ''
    }. The table lists the training examples.`,
  });
}

/** One row of the table: the example's inputs and targets, each a field, and its output. */
function exampleRow(body, x, y) {
  const n = body.children.length + 1;
  const cell = (v, label) =>
    h(
      'td',
      {},
      h('input', {
        type: 'number',
        step: 'any',
        value: v === undefined ? '0' : full(v),
        'aria-label': `${label} of example ${n}`,
      }),
    );
  const tr = h(
    'tr',
    {},
    h('td', { class: 'idx', text: String(n) }),
    x.map((v, j) => cell(v, `x${j + 1}`)),
    y.map((v, j) => cell(v, `y${j + 1}`)),
    h('td', { class: 'out' }),
    h(
      'td',
      {},
      h('button', {
        type: 'button',
        class: 'small',
        text: '×',
        'aria-label': `Remove example ${n}`,
        onclick: () => tr.remove(),
      }),
    ),
  );
  body.append(tr);
}

/** The table's fields as a dataset, or an error naming the first field that is no number. */
function readTable(body, nIn) {
  const bad = [...body.querySelectorAll('input')].find(
    (inp) => inp.value === '' || !Number.isFinite(Number(inp.value)),
  );
  if (body.children.length === 0) return { error: 'The dataset needs at least one example.' };
  if (bad) return { error: `${bad.getAttribute('aria-label')} is not a number.` };
  const x = [];
  const y = [];
  for (const tr of body.children) {
    const v = [...tr.querySelectorAll('input')].map((inp) => Number(inp.value));
    x.push(v.slice(0, nIn));
    y.push(v.slice(nIn));
  }
  return { x, y };
}

/** The editable table (one row per example, inputs then targets) and its buttons. */
function tableSection(data, { nIn, nOut }, act) {
  const head = h(
    'tr',
    {},
    h('th', { text: 'i' }),
    [...Array(nIn)].map((_, j) => h('th', { text: `x${j + 1}` })),
    [...Array(nOut)].map((_, j) => h('th', { text: `y${j + 1}` })),
    h('th', {
      class: 'out',
      text: 'o (network)',
      title: 'The output o for this example, from the last Forward, Backward or Update',
    }),
    h('th', { text: '' }),
  );
  const body = h('tbody');
  data.x.forEach((x, i) => exampleRow(body, x, data.y[i]));
  const save = () => {
    const read = readTable(body, nIn);
    if (read.error) act.error(read.error);
    else act.saveDataset(read.x, read.y);
  };
  return [
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'examples' }, h('thead', {}, head), body),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', {
        type: 'button',
        text: 'Add example',
        onclick: () => exampleRow(body, Array(nIn).fill(0), Array(nOut).fill(0)),
      }),
      h('button', { type: 'button', text: 'Save examples', onclick: save }),
    ),
  ];
}

/** CSV: paste or import a file; errors name the row and the column. */
function csvSection(data, { nIn, nOut }, act) {
  const area = h('textarea', { id: 'csv', rows: '5', spellcheck: 'false' });
  area.value = toCsv(data.x, data.y);
  const errors = h('ul', { class: 'csv-errors', 'aria-live': 'polite' });
  const importCsv = () => {
    const r = parseCsv(area.value, { inputs: nIn, outputs: nOut });
    errors.replaceChildren(...r.errors.slice(0, 6).map((m) => h('li', { text: m })));
    if (r.errors.length) return;
    act.saveDataset(r.x, r.y);
  };
  const file = h('input', {
    type: 'file',
    id: 'csv-file',
    accept: '.csv,text/csv,text/plain',
    class: 'visually-hidden',
    onchange: async (e) => {
      const f = e.target.files[0];
      if (f) {
        area.value = await f.text();
        importCsv();
      }
    },
  });
  return h(
    'details',
    { class: 'csv' },
    h('summary', { text: 'CSV: paste or import' }),
    h('label', {
      for: 'csv',
      text: 'One example per row: inputs, then targets. A header names targets y1, y2, …',
    }),
    area,
    errors,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', text: 'Import CSV', onclick: importCsv }),
      file,
      h('label', { for: 'csv-file', class: 'button', text: 'CSV file…' }),
    ),
  );
}
