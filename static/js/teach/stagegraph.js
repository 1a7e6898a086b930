// The projector's network in SVG: built from stage.js's layout for the size the SVG has on
// screen (one SVG unit is one CSS pixel, so the font size is the size read from the room),
// then painted from the numbers: w on the edges; o, net and δ of one example on the units.
// Reads numbers; never computes them.

import { divergingRgb, edgeWidth, rgbString, signColor } from '../colors.js';
import { fmt, full } from '../format.js';
import { svgEl as el } from './mini.js';
import { stageLayout } from './stage.js';

function write(parent, cls, x, y) {
  return el('text', { class: cls, x, y, 'text-anchor': 'middle' }, parent);
}

export class Stage {
  constructor(svg) {
    this.svg = svg;
    this.key = '';
  }

  /** Lay out and build for `layers` at the SVG's present size (nothing if neither changed). */
  build(layers) {
    const { width, height } = this.svg.getBoundingClientRect();
    const key = `${layers.join('-')} ${Math.round(width)}×${Math.round(height)}`;
    if (key === this.key || width < 1 || height < 1) return;
    this.key = key;
    const s = stageLayout(layers, width, height);
    this.s = s;
    const svg = this.svg;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${width.toFixed(1)} ${height.toFixed(1)}`);
    svg.setAttribute('font-size', s.font.toFixed(1));
    svg.classList.toggle('bare', !s.text);
    const edgeLayer = el('g', { class: 'edges' }, svg);
    const line = (e, attrs) =>
      el('line', { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 }, el('g', attrs, edgeLayer));
    this.bias = s.biasEdges.map((e) => ({
      e,
      line: line(e, { class: 'bias', 'data-bias-id': e.id }),
    }));
    this.edges = s.edges.map((e) => ({ e, line: line(e, { 'data-weight-id': e.id }) }));
    for (const item of this.edges) {
      const at = s.labels.get(item.e.id);
      if (at) item.label = write(item.line.parentNode, 'wlabel', at.x, at.y + 0.35 * s.font);
    }
    const nodeLayer = el('g', { class: 'nodes' }, svg);
    const r = s.radius;
    for (const b of s.biasNodes) {
      const g = el('g', { class: 'bias-node' }, nodeLayer);
      const [w, h] = s.text ? [1.6 * s.font, 1.3 * s.font] : [r, 0.8 * r];
      el('rect', { x: b.x - w / 2, y: b.y - h / 2, width: w, height: h, rx: h / 4 }, g);
      if (s.text) write(g, 'bias-text', b.x, b.y + 0.35 * s.font).textContent = '+1';
    }
    this.units = s.units.map((u) => {
      const g = el('g', { class: 'unit', 'data-unit': u.id }, nodeLayer);
      const item = { u, g, circle: el('circle', { cx: u.x, cy: u.y, r }, g), lines: [] };
      if (s.text) {
        write(g, 'uname', u.x, u.y - r - 0.35 * s.font).textContent = u.name;
        item.inside = write(g, 'uvalue', u.x, u.y + 0.35 * s.font);
        for (let n = 0; n < s.lines; n += 1)
          item.lines.push(write(g, 'uextra', u.x, u.y + r + (n + 1) * 1.2 * s.font));
      }
      return item;
    });
  }

  /**
   * numbers: POST …/backward's payload for one example (net, activations, deltas), or null;
   * weights and biases: the network's, as the card has them.
   */
  paint({ networkId, weights, biases, numbers }) {
    if (!this.s) return;
    this.svg.setAttribute('data-network-id', networkId);
    const scale = this.s.text ? this.s.font / 16 : Math.max(0.5, this.s.radius / 20);
    const all = [...weights.flat(2), ...biases.flat()];
    const maxAbs = Math.max(1e-12, ...all.map(Math.abs));
    const style = (item, w, factor) => {
      item.line.setAttribute('stroke', signColor(w));
      item.line.setAttribute('stroke-width', (factor * scale * edgeWidth(w, maxAbs)).toFixed(2));
      item.line.parentNode.setAttribute('data-value', full(w));
    };
    for (const item of this.edges) {
      const { k, r, q } = item.e;
      style(item, weights[k - 1][r][q], 1);
      if (item.label) item.label.textContent = fmt(weights[k - 1][r][q], 3);
    }
    for (const item of this.bias) style(item, biases[item.e.k - 1][item.e.r], 0.6);
    for (const item of this.units) this.paintUnit(item, numbers);
  }

  paintUnit({ u, g, circle, inside, lines }, numbers) {
    const o = numbers?.activations[u.k][0][u.r];
    const net = u.k > 0 ? numbers?.net[u.k - 1][0][u.r] : undefined;
    const delta = u.k > 0 ? numbers?.deltas[u.k - 1][0][u.r] : undefined;
    for (const [name, v] of [
      ['o', o],
      ['net', net],
      ['delta', delta],
    ])
      if (v === undefined) g.removeAttribute(`data-${name}`);
      else g.setAttribute(`data-${name}`, full(v));
    circle.setAttribute('fill', o === undefined ? '#ffffff' : rgbString(divergingRgb(o, 0, 1)));
    circle.setAttribute('stroke', delta === undefined ? '#55606b' : signColor(delta));
    if (inside) inside.textContent = o === undefined ? '' : fmt(o, 3);
    const below = [net === undefined ? '' : `net ${fmt(net, 3)}`];
    below.push(delta === undefined ? '' : `δ ${fmt(delta, 3)}`);
    lines.forEach((t, n) => {
      t.textContent = below[n];
    });
  }
}
