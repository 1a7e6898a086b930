// The graph as two tables, for a screen reader and for anyone who reads numbers better than
// colours: every unit's net, o and δ (the example shown) and every weight's w, ∂J/∂w and Δw,
// named as the graph names them (view.js's numberRows). Kept up to date with the graph while
// its box is open; the rows are rebuilt only when the layers change, the cells written in place.
// Rows carry data-row="unit k-r", "weight k-r-q" or "bias k-r" (the graph's ids).

import { h } from './dom.js';
import { fmt } from './format.js';
import { edgeName, unitName } from './layout.js';
import { numberRows } from './view.js';

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
