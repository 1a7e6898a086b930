// The output over the input plane for 2-input networks: one POST /predict (the output o alone)
// with a 25 × 25 grid, throttled so that Play never sends more than one grid request at a
// time, nor too often. Training examples are dots, test examples rings; with several outputs
// and one-hot targets each region takes the colour of the output with the largest o. Clicks
// add and remove examples on the server (points.js says which).

import { api } from './api.js';
import { drawHeatmap, gridInputs } from './charts.js';
import { argmax, CLASS_COLORS, classLegend, isOneHot, regionRgb } from './classes.js';
import { divergingRgb, NEGATIVE, POSITIVE } from './colors.js';
import { h } from './dom.js';
import { clickAction, stableBounds, targetFor, toInput } from './points.js';

const N = 25;
const EVERY_MS = 400;

/** The colour scale's range for the output activation (the targets' range otherwise). */
function outputRange(act, ys) {
  if (act === 'sigmoid') return [0, 1];
  if (act === 'tanh') return [-1, 1];
  return [Math.min(...ys), Math.max(...ys)];
}

export class Heatmap {
  /** hooks: {changed(state), error(message)}: after a click changed the dataset, or failed. */
  constructor(canvas, note, legend, state, hooks) {
    this.canvas = canvas;
    this.note = note;
    this.legend = legend;
    this.S = state;
    this.hooks = hooks;
    this.busy = false;
    this.due = false;
    this.last = 0;
    this.timer = null;
    this.bounds = null;
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

  async click(e) {
    const net = this.S.network;
    if (!this.bounds || net.layers[0] !== 2) return;
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const x = toInput(
      e.clientX - rect.left,
      e.clientY - rect.top,
      rect.width,
      rect.height,
      this.bounds,
    );
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
      this.bounds = null;
      this.note.textContent =
        net.layers[0] === 2
          ? 'No examples yet: click here after adding one in the Data panel, or generate some.'
          : 'The heatmap needs a network with 2 inputs and some examples.';
      this.legend.replaceChildren();
      return;
    }
    const test = data.test || { x: [], y: [] };
    const nOut = net.layers[net.layers.length - 1];
    const classes = nOut > 1 && isOneHot(data.y);
    this.note.textContent = `${classes ? 'Each region: the output with the largest o' : 'Output 1 over the input plane'}; dots are training examples, rings test examples (never trained on). Click: add class 1, shift-click: class 0, alt-click: remove the nearest.`;
    this.due = false;
    this.busy = true;
    this.last = performance.now();
    try {
      const bounds = stableBounds([...data.x, ...test.x]);
      const res = await api.predict(this.S.id, { x: gridInputs(bounds, N) });
      const ys = data.y.map((r) => r[0]);
      const [lo, hi] = outputRange(net.output_activation, ys);
      const cells = classes
        ? res.output.map((o) => regionRgb(o, hi - lo))
        : res.output.map((r) => divergingRgb(r[0], lo, hi));
      const color = (y) => {
        if (classes) return CLASS_COLORS[argmax(y) % CLASS_COLORS.length];
        return y[0] >= (lo + hi) / 2 ? POSITIVE : NEGATIVE;
      };
      const points = [
        ...data.x.map((x, i) => ({ x, color: color(data.y[i]), hollow: false })),
        ...test.x.map((x, i) => ({ x, color: color(test.y[i]), hollow: true })),
      ];
      drawHeatmap(this.canvas, cells, N, bounds, points);
      this.bounds = bounds;
      this.canvas.dataset.bounds = JSON.stringify(bounds);
      this.canvas.dataset.points = String(points.length);
      this.legend.replaceChildren(
        ...(classes
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
    } catch (err) {
      this.note.textContent = `Heatmap: ${err.detail || err}`;
    } finally {
      this.busy = false;
      if (this.due) this.schedule();
    }
  }
}
