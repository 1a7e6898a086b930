// The page in words: the lines that say where the page stands, above the graph (the phase, J
// and the update count, the saturation warning), the scores, the menu of examples, and the
// Numbers tables, the graph as text for a screen reader (view.js's numberRows); and the
// one-screen layout's measures. The page state S (main.js) in, text out; scoreText is pure.

import { $, h } from './dom.js';
import { fmt } from './format.js';
import { edgeName, unitName } from './layout.js';
import { confusionTables } from './confusion.js';
import { modeNote } from './updatemode.js';
import { numberRows, saturation, saturationWarning } from './view.js';

const percent = (a) => `${Math.round(a * 1000) / 10} %`;

/** J and accuracy on the training and the test set, as one line of text. evaluation: the step
 * response's {train: {loss, accuracy, examples}, test: … | null}. */
export function scoreText(evaluation) {
  if (!evaluation) return '';
  const part = (name, sc) =>
    `${name}: J = ${fmt(sc.loss)}${sc.accuracy === null ? '' : `, accuracy ${percent(sc.accuracy)}`} (${sc.examples})`;
  const parts = [part('Training', evaluation.train)];
  if (evaluation.test) parts.push(part('test', evaluation.test));
  return parts.join(' · ');
}

const PHASE_TEXT = {
  idle: 'Press Forward (F) to run the examples through the network.',
  forward: 'Forward pass: each unit shows net and o = f(net) for the selected example.',
  backward: 'Backward pass: each unit shows δ = −∂J/∂net; edges show ∂J/∂w (or Δw).',
  update:
    'Update: every weight moved by Δw = −η ∂J/∂w at once. Numbers on the units are those that produced it.',
};

/** The status lines; `t`: the pass as shown (step by step: what is computed so far). */
export function renderStatus(S, t) {
  for (const radio of document.querySelectorAll('input[name="edge-mode"]'))
    radio.checked = radio.value === S.edgeMode;
  const note = S.phase === 'update' ? modeNote(S.mode, S.trace) : '';
  $('#phase').textContent = PHASE_TEXT[S.phase] + note;
  const after =
    S.phase === 'update' && S.losses.length ? ` → ${fmt(S.losses[S.losses.length - 1].J)}` : '';
  // no pass shown: J of the state the network is at, from its history (after Ctrl+Z, say)
  const J = t ? t.loss : S.at ? null : S.historyLoss;
  const loss = J != null ? `J = ${fmt(J)}${t ? after : ''}` : '';
  const n = S.network.updates;
  $('#loss-now').textContent = [loss, `${n} update${n === 1 ? '' : 's'}`]
    .filter(Boolean)
    .join(' · ');
  renderScores(S.scores);
  const net = S.network;
  const warning = saturationWarning(
    saturation(S.trace?.output, net.dataset?.y, net.output_activation),
    net.loss,
  );
  $('#saturation').textContent = warning;
  $('#saturation').hidden = !warning;
  document.body.dataset.phase = S.phase;
}

/** J and accuracy from the last step, as text and as data-* for tests. */
function renderScores(evaluation) {
  const scores = $('#scores');
  scores.textContent = scoreText(evaluation);
  for (const part of ['train', 'test']) {
    const sc = evaluation?.[part];
    scores.dataset[`${part}Loss`] = sc ? String(sc.loss) : '';
    scores.dataset[`${part}Accuracy`] = sc && sc.accuracy !== null ? String(sc.accuracy) : '';
  }
  renderConfusion($('#confusion'), evaluation);
}

/** The confusion matrices beside accuracy: a small table per part, rows the true class and
 * columns the class the network says. */
function renderConfusion(root, evaluation) {
  root.replaceChildren(
    ...confusionTables(evaluation).map((t) =>
      h(
        'table',
        {
          class: 'confusion',
          'data-part': t.part,
          title: 'Rows: the true class. Columns: the class the network says.',
        },
        h('caption', { text: `${t.title}: ${t.right} of ${t.total} right` }),
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: 'true \\ said' }),
          t.classes.map((c) => h('th', { scope: 'col', text: c })),
        ),
        t.rows.map((row, r) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', text: row.label }),
            row.counts.map((n, p) =>
              h('td', { text: String(n), class: r === p ? 'right' : '', 'data-cell': `${r}-${p}` }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The menu of examples (the first 500); S.i back to 0 when the data set shrank below it. */
export function renderExamples(S) {
  const sel = $('#example');
  const d = S.network.dataset;
  const n = d ? d.x.length : 0;
  if (S.i >= n) S.i = 0;
  const three = (row) => row.map((v) => fmt(v, 3)).join(', ');
  sel.replaceChildren(
    ...(d
      ? d.x.slice(0, 500).map((x, i) =>
          h('option', {
            value: String(i),
            text: `${i + 1}: x = (${three(x)}) → y = (${three(d.y[i])})`,
          }),
        )
      : []),
  );
  sel.value = String(S.i);
}

/**
 * The one-screen layout's measures: --above, how far down the page it starts (below the
 * header, and the share box and the class's banners when shown), so that it ends at the
 * window's bottom; and onGraphBox(width, height) whenever the graph's box changes size.
 */
export function followScreen(onGraphBox) {
  const screen = $('.screen');
  const above = () => {
    const top = screen.getBoundingClientRect().top + window.scrollY;
    document.documentElement.style.setProperty('--above', `${Math.round(top)}px`);
  };
  above();
  const watch = new ResizeObserver(above);
  for (const sel of ['header.top', '#share-box', '#class-banner', '#paused-notice'])
    watch.observe($(sel));
  const wrap = $('#graph-wrap');
  const box = () => {
    const r = wrap.getBoundingClientRect();
    onGraphBox(r.width, r.height);
  };
  box();
  new ResizeObserver(box).observe(wrap);
}

// -- the Numbers tables ------------------------------------------------------------------------
// Every unit's net, o and δ (the example shown) and every weight's w, ∂J/∂w and Δw, named as the
// graph names them. Kept up to date with the graph while their box is open; the rows are rebuilt
// only when the layers change, the cells written in place. Rows carry data-row="unit k-r",
// "weight k-r-q" or "bias k-r" (the graph's ids).

const show = (v) => (v === undefined ? '' : fmt(v));

export class NumberTables {
  constructor(box, root) {
    this.box = box;
    this.root = root;
    this.key = null;
    this.last = null;
    box.addEventListener('toggle', () => this.last && this.update(...this.last));
  }

  /** layers, the view graph.render() was given, and the example shown (0-based). */
  update(layers, shown, i) {
    this.last = [layers, shown, i];
    if (!this.box.open) return;
    const names = {
      unit: (k, r) => unitName(layers, k, r),
      edge: (k, r, q) => edgeName(layers, k, r, q),
    };
    const rows = numberRows(layers, shown, names);
    if (this.key !== layers.join('-')) this.build(rows);
    this.caption.textContent = `Units, example ${i + 1}: net, o = f(net) and δ = −∂J/∂net`;
    rows.units.forEach((u, n) => {
      const cells = this.unitCells[n];
      [u.net, u.o, u.delta, u.y].forEach((v, c) => set(cells[c], show(v)));
    });
    rows.weights.forEach((w, n) => {
      const cells = this.weightCells[n];
      [w.w, w.gradient, w.deltaW].forEach((v, c) => set(cells[c], show(v)));
    });
  }

  build(rows) {
    this.key = rows.units.length ? this.last[0].join('-') : null;
    this.caption = h('caption');
    const table = (caption, heads, list, count, kind) => {
      const cells = [];
      const body = list.map((row) => {
        const tds = [...Array(count)].map(() => h('td'));
        cells.push(tds);
        const what = kind(row);
        return h(
          'tr',
          { 'data-row': `${what} ${row.id}` },
          h('th', { scope: 'row', text: row.name }),
          tds,
        );
      });
      const head = h(
        'tr',
        {},
        heads.map((text) => h('th', { scope: 'col', text })),
      );
      return { el: h('table', {}, caption, h('thead', {}, head), h('tbody', {}, body)), cells };
    };
    const units = table(
      this.caption,
      ['Unit', 'net', 'o', 'δ', 'target y'],
      rows.units,
      4,
      () => 'unit',
    );
    const weights = table(
      h('caption', { text: 'Weights and biases: w, ∂J/∂w over the batch, and Δw = −η ∂J/∂w' }),
      ['Weight', 'w', '∂J/∂w', 'Δw'],
      rows.weights,
      3,
      (row) => (row.bias ? 'bias' : 'weight'),
    );
    this.unitCells = units.cells;
    this.weightCells = weights.cells;
    this.root.replaceChildren(units.el, weights.el);
  }
}

function set(cell, text) {
  if (cell.textContent !== text) cell.textContent = text;
}
