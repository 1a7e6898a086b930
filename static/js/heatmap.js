// The output over the input plane for 2-input networks: one POST /predict with a 25 × 25 grid
// (asking for every hidden unit's o too when the units get pictures, unitmaps.js), throttled so
// that Play never sends more than one grid request at a time, nor too often. The canvas shows
// output 1 (with several outputs and one-hot targets, the class of the largest o), or the unit
// whose picture was clicked (show()); onUnits gets every unit's grid. Training examples are
// dots, test examples rings. Clicks add and remove examples on the server (points.js says
// which).

import { api } from './api.js';
import { drawHeatmap, gridInputs } from './charts.js';
import { argmax, CLASS_COLORS, classLegend, isOneHot, regionRgb } from './classes.js';
import { divergingRgb, NEGATIVE, POSITIVE } from './colors.js';
import { h } from './dom.js';
import { clickAction, stableBounds, targetFor, toInput } from './points.js';
import { picturesUnits, unitGrids } from './unitmaps.js';

const N = 25;
const EVERY_MS = 400;

export class Heatmap {
  /**
   * legend: the element for the class legend; onUnits(grids, n): every unit's grid;
   * nameOf(id): a unit's name; changed(state) and error(message): after a click changed the
   * dataset, or failed.
   */
  constructor(
    canvas,
    note,
    state,
    { legend, onUnits = () => {}, nameOf = (id) => id, changed = () => {}, error = () => {} } = {},
  ) {
    this.canvas = canvas;
    this.note = note;
    this.legend = legend;
    this.S = state;
    this.onUnits = onUnits;
    this.nameOf = nameOf;
    this.hooks = { changed, error };
    this.shown = null; // unit id "k-r" shown large; null: output 1
    this.grids = null;
    this.busy = false;
    this.due = false;
    this.last = 0;
    this.timer = null;
    canvas.addEventListener('click', (e) => this.click(e));
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

  async click(e) {
    const net = this.S.network;
    if (!this.grids || net.layers[0] !== 2) return;
    e.preventDefault();
    // offsetX/Y count from the canvas's padding box, where the picture is drawn (inside the
    // border), as clientWidth/Height measure it
    const c = this.canvas;
    const x = toInput(e.offsetX, e.offsetY, c.clientWidth, c.clientHeight, this.grids.bounds);
    const action = clickAction(e);
    try {
      const state =
        action === 'remove'
          ? await api.removeExample(this.S.id, { nearest: x })
          : await api.addExamples(this.S.id, {
              x: [x],
              y: [targetFor(action === 'add1' ? 1 : 0, net.layers[net.layers.length - 1])],
            });
      this.hooks.changed(state);
    } catch (err) {
      this.hooks.error(err.detail || String(err));
    }
  }

  async draw() {
    const net = this.S.network;
    const data = net.dataset;
    const usable = net.layers[0] === 2 && data && data.x.length > 0;
    this.canvas.hidden = !usable;
    if (!usable) {
      this.grids = null;
      this.onUnits(null);
      this.note.textContent =
        net.layers[0] === 2
          ? 'No examples yet: click here after adding one in the Data panel, or generate some.'
          : 'The heatmap needs a network with 2 inputs and some examples.';
      this.legend.replaceChildren();
      delete this.canvas.dataset.bounds;
      return;
    }
    this.due = false;
    this.busy = true;
    this.last = performance.now();
    try {
      const test = data.test || { x: [], y: [] };
      const bounds = stableBounds([...data.x, ...test.x]);
      const hidden = picturesUnits(net.layers);
      const res = await api.predict(this.S.id, { x: gridInputs(bounds, N), hidden }, this.S.at);
      const units = unitGrids(res, net);
      this.grids = { bounds, data, test, units, output: res.output, layers: net.layers };
      this.onUnits(hidden ? units : null, N);
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
    const { bounds, data, test, units, output, layers } = this.grids;
    const outputId = `${layers.length - 1}-0`;
    const id = this.shown && units.has(this.shown) ? this.shown : outputId;
    const { values, range } = units.get(id);
    const nOut = layers[layers.length - 1];
    const classes = nOut > 1 && isOneHot(data.y);
    // a linear or relu output is coloured over the targets' range, as the examples are
    const ys = data.y.map((r) => r[0]);
    const act = this.S.network.output_activation;
    const [lo, hi] =
      act === 'sigmoid' || act === 'tanh'
        ? units.get(outputId).range
        : [Math.min(...ys), Math.max(...ys)];
    const regions = id === outputId && classes;
    const [a, b] = id === outputId ? [lo, hi] : range;
    const cells = regions
      ? output.map((o) => regionRgb(o, hi - lo))
      : values.map((v) => divergingRgb(v, a, b));
    const color = (y) => {
      if (classes) return CLASS_COLORS[argmax(y) % CLASS_COLORS.length];
      return y[0] >= (lo + hi) / 2 ? POSITIVE : NEGATIVE;
    };
    const points = [
      ...data.x.map((x, i) => ({ x, color: color(data.y[i]), hollow: false })),
      ...test.x.map((x, i) => ({ x, color: color(test.y[i]), hollow: true })),
    ];
    drawHeatmap(this.canvas, cells, N, bounds, points);
    this.canvas.dataset.heatmapUnit = id;
    this.canvas.dataset.bounds = JSON.stringify(bounds);
    this.canvas.dataset.points = String(points.length);
    const what =
      id !== outputId
        ? `o of unit ${this.nameOf(id)} over the input plane`
        : regions
          ? 'Each region: the output with the largest o'
          : 'Output 1 over the input plane';
    const back = id === outputId ? '' : " Click output 1's picture to go back.";
    this.note.textContent = `${what}; dots are training examples, rings test examples (never trained on), coloured by target. Click: add class 1, shift-click: class 0, alt-click: remove the nearest.${back}`;
    this.legend.replaceChildren(
      ...(regions
        ? classLegend(nOut).map((entry) => {
            const swatch = h('span', { class: 'swatch class-swatch' });
            swatch.style.background = entry.color; // CSSOM: the CSP allows no style attributes
            return h(
              'span',
              { class: 'class-key', 'data-class': String(entry.k) },
              swatch,
              entry.label,
            );
          })
        : []),
    );
  }
}
