// The per-layer chart of vanishing gradients: mean and largest |δ| and |∂J/∂w| of each layer
// (magnitudes.js) on a log scale, from the last backward or step answer; drawn while its
// <details> is open, after every answer (Play's too).

import { layerMagnitudes, logRange } from './magnitudes.js';

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 420;
const HEIGHT = 220;
const PAD = { left: 52, right: 30, top: 10, bottom: 30 };
const SERIES = [
  ['deltaMean', 'mean |δ|', '#0072B2', ''],
  ['deltaMax', 'largest |δ|', '#0072B2', '4 3'],
  ['gradMean', 'mean |∂J/∂w|', '#D55E00', ''],
  ['gradMax', 'largest |∂J/∂w|', '#D55E00', '4 3'],
];

function el(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

export class LayerChart {
  constructor(box, svg, note) {
    Object.assign(this, { box, svg, note, last: null });
    box.addEventListener('toggle', () => box.open && this.draw(this.last));
  }

  /** Draw from `trace` (a backward or step answer; anything else says what is needed). */
  draw(trace) {
    this.last = trace;
    if (!this.box.open) return;
    const rows = layerMagnitudes(trace);
    this.svg.replaceChildren();
    if (rows.length === 0) {
      this.note.textContent = 'Press Backward, Step or Play: the chart shows the last δ and ∂J/∂w.';
      return;
    }
    const [lo, hi] = logRange(rows.flatMap((r) => SERIES.map(([key]) => r[key])));
    const w = WIDTH - PAD.left - PAD.right;
    const h = HEIGHT - PAD.top - PAD.bottom;
    const x = (layer) =>
      PAD.left + (rows.length === 1 ? w / 2 : ((layer - 1) / (rows.length - 1)) * w);
    const y = (v) => PAD.top + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
    for (let d = lo; d <= hi; d += 1) {
      this.svg.append(
        el('line', {
          x1: PAD.left,
          x2: PAD.left + w,
          y1: y(10 ** d),
          y2: y(10 ** d),
          class: 'grid',
        }),
      );
      this.svg.append(
        el('text', { x: PAD.left - 6, y: y(10 ** d) + 4, 'text-anchor': 'end' }, `1e${d}`),
      );
    }
    for (const r of rows)
      this.svg.append(
        el('text', { x: x(r.layer), y: HEIGHT - 10, 'text-anchor': 'middle' }, `layer ${r.layer}`),
      );
    for (const [key, , color, dash] of SERIES) {
      const points = rows.map((r) => `${x(r.layer).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
      const line = el('polyline', {
        points,
        class: 'series',
        stroke: color,
        'stroke-dasharray': dash,
        'data-series': key,
      });
      line.dataset.values = JSON.stringify(rows.map((r) => r[key]));
      this.svg.append(line);
    }
    const first = rows[0].deltaMean;
    const last = rows[rows.length - 1].deltaMean;
    this.note.textContent =
      `Mean |δ| of layer 1 is ${(first / last).toPrecision(2)} × layer ${rows.length}'s. ` +
      SERIES.map(([, label, , dash]) => `${dash ? 'dashed' : 'solid'} ${label}`).join(', ') +
      ' (blue δ, orange ∂J/∂w).';
  }
}
