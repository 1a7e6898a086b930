// The loss surface panel: J over a grid of two chosen parameters, every other one held
// (POST …/surface), drawn as contour lines, with the path the two took (trace.json) and the
// network now at the centre. Drawn when opened, on Draw, and again after the network changes
// while open (at most one request at a time; during Play at most every PLAY_EVERY ms).

import { api } from './api.js';
import { contourLevels, contours, parameterPaths, pathLabel, pathTaken } from './contours.js';
import { h } from './dom.js';
import { fmt } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const SIZE = 280; // the plot's side, in SVG units
const PAD = 62; // room for the axes' numbers
const N = 41; // points on each axis
const PLAY_EVERY = 1500;

function svgEl(tag, attrs = {}) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The two parameters drawn by default: the first output unit's first two weights. */
function defaults(paths, layers) {
  const L = layers.length - 1;
  const out = paths.filter((p) => p.startsWith(`weights[${L - 1}][0]`));
  return out.length >= 2 ? out.slice(0, 2) : paths.slice(0, 2);
}

export class SurfaceView {
  /** `box`: the <details> it lives in; `state()`: the page state ({id, network}). */
  constructor(box, root, state, onError) {
    Object.assign(this, { box, root, state, onError });
    this.layersKey = '';
    this.busy = false;
    this.again = false;
    this.last = 0;
    box.addEventListener('toggle', () => {
      if (box.open) this.changed();
    });
  }

  /** The controls, made again when the layers change. */
  setup(layers) {
    const key = JSON.stringify(layers);
    if (key === this.layersKey) return;
    this.layersKey = key;
    const paths = parameterPaths(layers);
    const [a, b] = defaults(paths, layers);
    const choose = (id, label, chosen) =>
      h(
        'span',
        { class: 'field inline' },
        h('label', { for: id, text: label }),
        h(
          'select',
          { id },
          paths.map((p) => h('option', { value: p, selected: p === chosen, text: pathLabel(p) })),
        ),
      );
    this.plot = svgEl('svg', {
      id: 'surface-plot',
      class: 'surface-plot',
      viewBox: `0 0 ${SIZE + PAD + 8} ${SIZE + 44}`,
      role: 'img',
      'aria-label': 'Contours of J over the two chosen parameters',
    });
    this.note = h('p', { class: 'note', id: 'surface-note', 'aria-live': 'polite' });
    this.root.replaceChildren(
      h(
        'div',
        { class: 'surface-controls' },
        choose('surface-first', 'Weight across', a),
        choose('surface-second', 'Weight up', b),
        h(
          'span',
          { class: 'field inline' },
          h('label', { for: 'surface-span', text: '± span' }),
          h('input', { id: 'surface-span', type: 'number', min: '0.01', step: 'any', value: '2' }),
        ),
        h('button', {
          type: 'button',
          id: 'surface-draw',
          text: 'Draw',
          onclick: () => this.draw(),
        }),
      ),
      this.plot,
      this.note,
    );
  }

  /** The network changed (or the box opened): draw again if open. */
  changed(playing = false) {
    const net = this.state().network;
    if (!net) return;
    this.setup(net.layers);
    if (!this.box.open || !net.dataset) {
      if (this.box.open) this.note.textContent = 'The loss surface needs examples.';
      return;
    }
    if (playing && performance.now() - this.last < PLAY_EVERY) return;
    this.draw();
  }

  async draw() {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.last = performance.now();
    try {
      const id = this.state().id;
      const first = this.root.querySelector('#surface-first').value;
      const second = this.root.querySelector('#surface-second').value;
      if (first === second) {
        this.note.textContent = 'Choose two different parameters.';
        return;
      }
      const span = Number(this.root.querySelector('#surface-span').value) || 2;
      const [surface, trace] = await Promise.all([
        api.surface(id, { weights: [first, second], n: N, span }),
        api.trace(id).catch(() => null),
      ]);
      this.paint(surface, trace ? pathTaken(trace, first, second) : []);
    } catch (err) {
      this.onError(err.detail || err.message || String(err));
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.draw();
      }
    }
  }

  /** Contours, the path taken and the point now, in the surface's own coordinates. */
  paint(surface, taken) {
    const { axes, loss, at } = surface;
    const n = axes[0].length;
    const [x0, x1] = [axes[0][0], axes[0][n - 1]];
    const [y0, y1] = [axes[1][0], axes[1][n - 1]];
    const px = (v) => PAD + ((v - x0) / (x1 - x0)) * SIZE;
    const py = (v) => 4 + SIZE - ((v - y0) / (y1 - y0)) * SIZE;
    const gx = (i) => PAD + (i / (n - 1)) * SIZE; // grid coordinates to SVG
    const gy = (j) => 4 + SIZE - (j / (n - 1)) * SIZE;
    const plot = this.plot;
    plot.replaceChildren();
    const clip = svgEl('clipPath', { id: 'surface-clip' });
    clip.append(svgEl('rect', { x: PAD, y: 4, width: SIZE, height: SIZE }));
    plot.append(clip, svgEl('rect', { class: 'frame', x: PAD, y: 4, width: SIZE, height: SIZE }));
    const levels = contourLevels(loss);
    const lines = svgEl('g', { class: 'contours', 'clip-path': 'url(#surface-clip)' });
    contours(loss, levels).forEach(({ level, segments }, k) => {
      const d = segments
        .map(
          ([[i1, j1], [i2, j2]]) =>
            `M${gx(i1).toFixed(1)} ${gy(j1).toFixed(1)}L${gx(i2).toFixed(1)} ${gy(j2).toFixed(1)}`,
        )
        .join('');
      const shade = Math.round(30 + (170 * k) / Math.max(1, levels.length - 1));
      lines.append(
        svgEl('path', { d, 'data-level': level, stroke: `rgb(${shade}, ${shade}, 200)` }),
      );
    });
    const path = svgEl('polyline', {
      class: 'surface-path',
      'clip-path': 'url(#surface-clip)',
      points: taken.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' '),
      'data-values': JSON.stringify(taken),
    });
    const now = svgEl('circle', {
      class: 'surface-now',
      cx: px(at[0]),
      cy: py(at[1]),
      r: 4,
      'data-values': JSON.stringify(at),
    });
    const text = (x, y, s, anchor = 'middle') =>
      Object.assign(svgEl('text', { x, y, 'text-anchor': anchor }), { textContent: s });
    plot.append(
      lines,
      path,
      now,
      text(PAD, SIZE + 18, fmt(x0), 'start'),
      text(PAD + SIZE, SIZE + 18, fmt(x1), 'end'),
      text(PAD + SIZE / 2, SIZE + 32, pathLabel(surface.weights[0])),
      text(PAD - 4, SIZE + 4, fmt(y0), 'end'),
      text(PAD - 4, 14, fmt(y1), 'end'),
    );
    const finite = loss.flat().filter((v) => v !== null);
    this.note.textContent =
      `Across: ${pathLabel(surface.weights[0])}; up: ${pathLabel(surface.weights[1])}. ` +
      `J from ${fmt(Math.min(...finite))} to ${fmt(Math.max(...finite))}, every other weight held; ` +
      `the dot is the network now, the line the path these two took over ${taken.length} recorded states.`;
  }
}
