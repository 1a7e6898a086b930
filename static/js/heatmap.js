// The output over the input plane for 2-input networks: one POST /predict with a 25 × 25 grid
// (asking for every hidden unit's o too when the units get pictures, unitmaps.js), throttled so
// that no more than one grid request runs at a time, nor too often; while playing, the grid of
// each batch's own answer (useGrid, frames.js), and no /predict. The canvas always
// shows output 1 (with several outputs and one-hot targets, the class of the largest o); a
// unit's own picture is drawn apart (paintUnit, beside its formula card); onUnits gets every
// unit's grid. Training examples are dots, test examples rings. Clicks add and remove
// examples on the server (points.js says which), in the page's turn (act).

import { api } from './api.js';
import { drawHeatmap, gridInputs } from './charts.js';
import { GRID } from './frames.js';
import { argmax, CLASS_COLORS, classLegend, isOneHot, regionRgb } from './classes.js';
import { divergingRgb, NEGATIVE, POSITIVE } from './colors.js';
import { h } from './dom.js';
import { clickAction, stableBounds, targetFor, toInput } from './points.js';
import { picturesUnits, unitGrids } from './unitmaps.js';

const N = GRID;
const EVERY_MS = 400;

export class Heatmap {
  /**
   * legend: the element for the class legend; onUnits(grids, n): every unit's grid;
   * changed(state) and error(message): after a click changed the dataset, or failed;
   * act(name, fn): runs a change in the page's turn.
   */
  constructor(
    canvas,
    note,
    state,
    {
      legend,
      onUnits = () => {},
      changed = () => {},
      error = () => {},
      act = (name, fn) => fn(),
    } = {},
  ) {
    this.canvas = canvas;
    this.note = note;
    this.legend = legend;
    this.S = state;
    this.onUnits = onUnits;
    this.hooks = { changed, error, act };
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

  /**
   * Unit `id`'s o over the plane on `canvas`, with the examples, from the last answer (no new
   * request); false when there is no picture of it.
   */
  paintUnit(canvas, id) {
    const grid = this.grids?.units.get(id);
    if (!grid || !picturesUnits(this.grids.layers)) return false;
    const { bounds, data, test } = this.grids;
    drawHeatmap(
      canvas,
      grid.values.map((v) => divergingRgb(v, grid.range[0], grid.range[1])),
      N,
      bounds,
      this.points(data, test),
    );
    return true;
  }

  click(e) {
    const net = this.S.network;
    if (!this.grids || net.layers[0] !== 2) return;
    e.preventDefault();
    // offsetX/Y count from the canvas's padding box, where the picture is drawn (inside the
    // border), as clientWidth/Height measure it
    const c = this.canvas;
    const x = toInput(e.offsetX, e.offsetY, c.clientWidth, c.clientHeight, this.grids.bounds);
    const action = clickAction(e);
    const nOut = net.layers[net.layers.length - 1];
    this.hooks.act(action === 'remove' ? 'Remove an example' : 'Add an example', async () => {
      try {
        const state =
          action === 'remove'
            ? await api.removeExample(this.S.id, { nearest: x })
            : await api.addExamples(this.S.id, {
                x: [x],
                y: [targetFor(action === 'add1' ? 1 : 0, nOut)],
              });
        this.hooks.changed(state);
      } catch (err) {
        this.hooks.error(err.detail || String(err));
      }
    });
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

  /** What a step's grid should hold for this heatmap ({hidden}), or null when none is drawn. */
  gridAsk() {
    const net = this.S.network;
    if (net.layers[0] !== 2 || !net.dataset?.x.length) return null;
    return { hidden: picturesUnits(net.layers) };
  }

  /** Draw from a step's own grid (frames.js): the network after the step, no /predict. */
  useGrid(grid) {
    const net = this.S.network;
    if (!grid || grid.n !== N || !this.gridAsk()) return;
    const data = net.dataset;
    const test = data.test || { x: [], y: [] };
    const units = unitGrids(grid, net);
    this.grids = {
      bounds: grid.bounds,
      data,
      test,
      units,
      output: grid.output,
      layers: net.layers,
    };
    this.onUnits(grid.hidden ? units : null, N);
    this.paint();
  }

  /** The output's range [lo, hi] for colours: a linear or relu output's is the targets'. */
  outputRange() {
    const { data, units, layers } = this.grids;
    const act = this.S.network.output_activation;
    if (act === 'sigmoid' || act === 'tanh') return units.get(`${layers.length - 1}-0`).range;
    const ys = data.y.map((r) => r[0]);
    return [Math.min(...ys), Math.max(...ys)];
  }

  /** The examples as drawn: training examples as dots, test examples as rings, by target. */
  points(data, test) {
    const { layers } = this.grids;
    const classes = layers[layers.length - 1] > 1 && isOneHot(data.y);
    const [lo, hi] = this.outputRange();
    const color = (y) => {
      if (classes) return CLASS_COLORS[argmax(y) % CLASS_COLORS.length];
      return y[0] >= (lo + hi) / 2 ? POSITIVE : NEGATIVE;
    };
    return [
      ...data.x.map((x, i) => ({ x, color: color(data.y[i]), hollow: false })),
      ...test.x.map((x, i) => ({ x, color: color(test.y[i]), hollow: true })),
    ];
  }

  paint() {
    if (!this.grids) return;
    const { bounds, data, test, units, output, layers } = this.grids;
    const outputId = `${layers.length - 1}-0`;
    const nOut = layers[layers.length - 1];
    const regions = nOut > 1 && isOneHot(data.y);
    const [lo, hi] = this.outputRange();
    const cells = regions
      ? output.map((o) => regionRgb(o, hi - lo))
      : units.get(outputId).values.map((v) => divergingRgb(v, lo, hi));
    const points = this.points(data, test);
    drawHeatmap(this.canvas, cells, N, bounds, points);
    this.canvas.dataset.heatmapUnit = outputId;
    this.canvas.dataset.bounds = JSON.stringify(bounds);
    this.canvas.dataset.points = String(points.length);
    const what = regions
      ? 'Each region: the output with the largest o'
      : 'Output 1 over the input plane';
    this.note.textContent = `${what}. Dots: training examples, rings: test examples (never trained on), coloured by target. Click: add class 1, shift-click: class 0, alt-click: remove the nearest.`;
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
