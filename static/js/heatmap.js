// The output over the input plane for 2-input networks: one POST /predict (the output o alone)
// with a 25 × 25 grid,
// throttled so that Play never sends more than one grid request at a time, nor too often.

import { api } from './api.js';
import { drawHeatmap, gridInputs, inputBounds } from './charts.js';

const N = 25;
const EVERY_MS = 400;

export class Heatmap {
  constructor(canvas, note, state) {
    this.canvas = canvas;
    this.note = note;
    this.S = state;
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

  async draw() {
    const net = this.S.network;
    const data = net.dataset;
    const usable = net.layers[0] === 2 && data && data.x.length > 0;
    this.canvas.hidden = !usable;
    this.note.textContent = usable
      ? 'Output 1 over the input plane; dots are the examples, coloured by target.'
      : 'The heatmap needs a network with 2 inputs and some examples.';
    if (!usable) return;
    this.due = false;
    this.busy = true;
    this.last = performance.now();
    try {
      const bounds = inputBounds(data.x);
      const res = await api.predict(this.S.id, { x: gridInputs(bounds, N) });
      const act = net.output_activation;
      const ys = data.y.map((r) => r[0]);
      const range =
        act === 'sigmoid' ? [0, 1] : act === 'tanh' ? [-1, 1] : [Math.min(...ys), Math.max(...ys)];
      drawHeatmap(
        this.canvas,
        res.output.map((r) => r[0]),
        N,
        bounds,
        data,
        range,
      );
    } catch (err) {
      this.note.textContent = `Heatmap: ${err.detail || err}`;
    } finally {
      this.busy = false;
      if (this.due) this.schedule();
    }
  }
}
