// The output over the input plane for 2-input networks: one POST /predict with a 25 × 25 grid
// (asking for every hidden unit's o too when the units get pictures, unitmaps.js), throttled so
// that Play never sends more than one grid request at a time, nor too often. The canvas shows
// output 1, or the unit whose picture was clicked (show()); onUnits gets every unit's grid.

import { api } from './api.js';
import { drawHeatmap, gridInputs, inputBounds } from './charts.js';
import { picturesUnits, unitGrids } from './unitmaps.js';

const N = 25;
const EVERY_MS = 400;

export class Heatmap {
  constructor(canvas, note, state, { onUnits = () => {}, nameOf = (id) => id } = {}) {
    this.canvas = canvas;
    this.note = note;
    this.S = state;
    this.onUnits = onUnits;
    this.nameOf = nameOf;
    this.shown = null; // unit id "k-r" shown large; null: output 1
    this.grids = null;
    this.busy = false;
    this.due = false;
    this.last = 0;
    this.timer = null;
  }

  /** Ask for a redraw soon; repeated calls while one is pending or running merge. */
  schedule() {
    this.due = true;
    if (this.busy || this.timer) return;
    const wait = Math.max(0, this.last + EVERY_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, wait);
  }

  /** Show unit `id`'s o large (null: output 1), from the last answer: no new request. */
  show(id) {
    this.shown = id;
    this.paint();
  }

  async draw() {
    const net = this.S.network;
    const data = net.dataset;
    const usable = net.layers[0] === 2 && data && data.x.length > 0;
    this.canvas.hidden = !usable;
    if (!usable) {
      this.grids = null;
      this.onUnits(null);
      this.note.textContent = 'The heatmap needs a network with 2 inputs and some examples.';
      return;
    }
    this.due = false;
    this.busy = true;
    this.last = performance.now();
    try {
      const bounds = inputBounds(data.x);
      const hidden = picturesUnits(net.layers);
      const res = await api.predict(this.S.id, { x: gridInputs(bounds, N), hidden }, this.S.at);
      this.grids = { bounds, data, units: unitGrids(res, net), layers: net.layers };
      this.onUnits(hidden ? this.grids.units : null, N);
      this.paint();
    } catch (err) {
      this.note.textContent = `Heatmap: ${err.detail || err}`;
    } finally {
      this.busy = false;
      if (this.due) this.schedule();
    }
  }

  paint() {
    if (!this.grids) return;
    const { bounds, data, units, layers } = this.grids;
    const output = `${layers.length - 1}-0`;
    const id = this.shown && units.has(this.shown) ? this.shown : output;
    const { values, range } = units.get(id);
    // a linear or relu output is coloured over the targets' range, as the examples are
    const ys = data.y.map((r) => r[0]);
    const act = this.S.network.output_activation;
    const outRange =
      act === 'sigmoid' || act === 'tanh' ? range : [Math.min(...ys), Math.max(...ys)];
    drawHeatmap(this.canvas, values, N, bounds, data, id === output ? outRange : range);
    this.canvas.dataset.heatmapUnit = id;
    this.note.textContent =
      id === output
        ? 'Output 1 over the input plane; dots are the examples, coloured by target.'
        : `o of unit ${this.nameOf(id)} over the input plane; dots are the examples, coloured by target. Click output 1's picture to go back.`;
  }
}
