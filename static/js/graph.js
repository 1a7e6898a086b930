// The network as SVG. Three phases, as in NN-SVG: build the elements (ids from layout.js),
// place them, then style them from the numbers. It reads numbers; it never computes them.

import { edgeWidth, signColor, divergingRgb, rgbString } from './colors.js';
import { fmt, full } from './format.js';
import {
  edgeName,
  layoutNetwork,
  placeLabels,
  pointAlong,
  showsAllLabels,
  unitName,
} from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';
let graphs = 0; // clip-path ids stay unique when a page draws several graphs
const W = 900;
const H = 520;

function el(tag, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// Writes only what changed: Play restyles every edge each frame, and most values stay put.
function set(e, name, value) {
  const key = `_${name}`;
  if (e[key] === value) return;
  e[key] = value;
  if (value === null) e.removeAttribute(name);
  else e.setAttribute(name, value);
}

function setText(e, value) {
  if (e._text === value) return;
  e._text = value;
  e.textContent = value;
}

function text(parent, cls, x, y, anchor = 'middle') {
  return el('text', { class: cls, x, y, 'text-anchor': anchor }, parent);
}

/** A band `half` px either side of the edge: easy to click, and never an empty box. */
function hitArea(e, half) {
  const len = Math.hypot(e.x2 - e.x1, e.y2 - e.y1) || 1;
  const nx = (-(e.y2 - e.y1) / len) * half;
  const ny = ((e.x2 - e.x1) / len) * half;
  return [
    [e.x1 + nx, e.y1 + ny],
    [e.x2 + nx, e.y2 + ny],
    [e.x2 - nx, e.y2 - ny],
    [e.x1 - nx, e.y1 - ny],
  ]
    .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ');
}

export class Graph {
  constructor(svg, onSelect) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.layers = null;
    this.frame = null;
    this.prefix = `g${(graphs += 1)}`;
    this.size = { w: W, h: H }; // the drawing's units; setSize() makes them the screen's pixels
    this.fitted = false;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.addEventListener('click', (e) => this.pick(e));
    svg.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        e.stopPropagation();
        this.pick(e);
      }
    });
  }

  /**
   * Lay the network out for a box of w × h CSS pixels, so that text drawn at 12 px shows at
   * about 12 px on any screen (a phone's 340 px as a desktop's 900). The next build() draws
   * it anew; false when the size barely changed (nothing to draw again).
   */
  setSize(w, h) {
    const size = { w: Math.floor(Math.max(300, w)), h: Math.floor(Math.max(220, h)) };
    const same = Math.abs(size.w - this.size.w) < 6 && Math.abs(size.h - this.size.h) < 6;
    if (this.fitted && same) return false;
    this.size = size;
    this.fitted = true;
    this.layers = null;
    return true;
  }

  pick(event) {
    const target = event.target.closest('[data-unit],[data-weight-id],[data-bias-id]');
    if (!target) return;
    if (target.dataset.unit) this.onSelect({ type: 'unit', id: target.dataset.unit });
    else if (target.dataset.weightId) this.onSelect({ type: 'edge', id: target.dataset.weightId });
    else this.onSelect({ type: 'bias', id: target.dataset.biasId });
  }

  /** (Re)create every element when the layer sizes change. */
  build(layers) {
    if (this.layers && this.layers.join() === layers.join()) return;
    this.layers = layers.slice();
    this.drawn = layers.join(); // as this.layers, but kept when setSize() asks for a new drawing
    const textBelow = layers.every((n) => n <= 4) ? 72 : 30; // up to four lines of numbers
    const g = this.layout(layers, textBelow);
    this.geo = g;
    this.allLabels = showsAllLabels(layers);
    // labels shown all at once are placed apart; a hover label shows alone
    const spots = this.allLabels ? placeLabels(g) : null;
    this.svg.classList.toggle('compact', !this.allLabels);
    this.svg.classList.toggle('crowded', g.spacing < 2 * g.radius + 30);
    this.svg.replaceChildren();
    const defs = el('defs', {}, this.svg);
    const edgeLayer = el('g', { class: 'edges' }, this.svg);
    const labelLayer = el('g', { class: 'labels' });
    this.edges = new Map();
    this.biasEdges = new Map();
    const focusable = g.edges.length + g.biasEdges.length <= 40;
    const layersOf = { edgeLayer, labelLayer, spots, focusable };
    g.edges.forEach((e) => this.drawEdge(layers, e, false, layersOf));
    g.biasEdges.forEach((e) => this.drawEdge(layers, e, true, layersOf));
    const nodeLayer = el('g', { class: 'nodes' }, this.svg);
    for (const b of g.biasNodes) {
      const bg = el('g', { class: 'bias-node' }, nodeLayer);
      el('rect', { x: b.x - 13, y: b.y - 10, width: 26, height: 20, rx: 5 }, bg);
      text(bg, 'bias-text', b.x, b.y + 4).textContent = '+1';
      el('title', {}, bg).textContent =
        `The constant input 1 that carries the biases of layer ${b.k}`;
    }
    this.units = new Map();
    for (const u of g.units) this.drawUnit(layers, u, g.radius, nodeLayer, defs);
    this.svg.appendChild(labelLayer);
    this.crop(g, textBelow);
    // drawn again at a new size, the units keep their pictures until the next ones come
    if (this.shown?.layers === layers.join()) this.pictures(this.shown.grids, this.shown.n);
    if (this.onBuild) this.onBuild(); // zoom (graphzoom.js) starts from the new drawing
  }

  /**
   * The geometry for the box (setSize): the radius and the numbers below the lowest unit fit
   * in it, and units are never closer than a unit and its numbers need: a box too short for
   * them gets a taller drawing, shown whole and smaller (crop() widens the view to the box).
   */
  layout(layers, textBelow) {
    const { w: width, h: height } = this.size;
    const least = 128 + (Math.max(...layers) - 1) * (textBelow > 30 ? 96 : 24);
    return layoutNetwork(layers, {
      width,
      height: this.fitted ? Math.max(least, height - (textBelow - 4)) : height,
    });
  }

  /** One edge (a weight, or a bias from the +1 node): its line, hit area, title and label. */
  drawEdge(layers, e, bias, { edgeLayer, labelLayer, spots, focusable }) {
    const group = el(
      'g',
      { class: bias ? 'edge bias' : 'edge', role: 'button', tabindex: focusable ? '0' : '-1' },
      edgeLayer,
    );
    group.setAttribute(bias ? 'data-bias-id' : 'data-weight-id', e.id);
    el('polygon', { class: 'hit', points: hitArea(e, 6) }, group);
    const line = el('line', { class: 'stroke', x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 }, group);
    const title = el('title', {}, group);
    const name = bias ? `bias of ${unitName(layers, e.k, e.r)}` : edgeName(layers, e.k, e.r, e.q);
    const p = bias || !spots ? pointAlong(e, bias ? 0.5 : 0.25 + 0.2 * (e.q % 2)) : spots.get(e.id);
    const label = el(
      'g',
      {
        class: bias ? 'wlabel bias-label' : 'wlabel',
        'data-label-for': e.id,
        transform: `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`,
      },
      labelLayer,
    );
    const value = text(label, 'wvalue', 0, 4);
    const extra = text(label, 'wextra', 0, 17);
    const item = { group, line, title, label, value, extra, e, name };
    const show = () => {
      label.classList.add('hover');
      this.labelEdge(item);
    };
    const hide = () => label.classList.remove('hover');
    group.addEventListener('mouseenter', show);
    group.addEventListener('focus', show);
    group.addEventListener('blur', hide);
    group.addEventListener('mouseleave', hide);
    (bias ? this.biasEdges : this.edges).set(e.id, item);
  }

  /** One unit: its circle, its picture over the input plane (hidden until it has one), texts. */
  drawUnit(layers, u, radius, nodeLayer, defs) {
    const name = unitName(layers, u.k, u.r);
    const group = el(
      'g',
      {
        class: u.k === 0 ? 'unit input' : 'unit',
        'data-unit': u.id,
        role: 'button',
        tabindex: '0',
      },
      nodeLayer,
    );
    const circle = el('circle', { cx: u.x, cy: u.y, r: radius }, group);
    let picture = null;
    if (u.k > 0) {
      // o over the input plane, inside a band of the fill (o for the example shown)
      const clip = el('clipPath', { id: `${this.prefix}-clip-${u.id}` }, defs);
      const inner = radius * 0.78;
      el('circle', { cx: u.x, cy: u.y, r: inner }, clip);
      picture = el(
        'image',
        {
          class: 'unit-heatmap',
          'data-unit-heatmap': u.id,
          x: u.x - inner,
          y: u.y - inner,
          width: 2 * inner,
          height: 2 * inner,
          preserveAspectRatio: 'none',
          'clip-path': `url(#${this.prefix}-clip-${u.id})`,
        },
        group,
      );
      picture.setAttribute('hidden', '');
    }
    // the <title> is the unit's name for assistive technology (its name and numbers), so
    // the drawn texts, the same numbers, are hidden from it
    const title = el('title', {}, group);
    const inside = text(group, 'uvalue', u.x, u.y + 4);
    const nameText = text(group, 'uname', u.x, u.y - radius - 6);
    nameText.textContent = name;
    const below = [0, 1, 2, 3].map((n) => text(group, 'uextra', u.x, u.y + radius + 14 + n * 13));
    for (const t of [inside, nameText, ...below]) t.setAttribute('aria-hidden', 'true');
    this.units.set(u.id, { group, circle, picture, inside, below, title, name, u });
  }

  /**
   * Crops the view to what is drawn, so small networks do not float in empty space; a drawing
   * taller than its box is seen whole (Fit) in a view widened to the box's shape.
   */
  crop(g, textBelow) {
    const { w: width, h: height } = this.size;
    const ys = [...g.units.map((u) => u.y), ...g.biasNodes.map((b) => b.y)];
    const top = Math.round(Math.max(0, Math.min(...ys) - g.radius - 26));
    const bottom = Math.round(Math.min(height + 90, Math.max(...ys) + g.radius + textBelow));
    const w = this.fitted ? Math.max(width, ((bottom - top) * width) / height) : width;
    this.base = { x: (width - w) / 2, y: top, w, h: bottom - top };
    this.svg.setAttribute('viewBox', `${this.base.x} ${top} ${w} ${bottom - top}`);
  }

  /**
   * Style everything from the numbers.
   * view: {networkId, weights, biases, units: Map id → {net?, o?, delta?}, edges: null |
   *   {gradients, weight_deltas, bias_deltas}, edgeMode: 'gradient' | 'delta', selected,
   *   rangeFor(k) → [lo, hi] of the unit outputs of layer k, for the fill colour}
   */
  render(view) {
    this.svg.setAttribute('data-network-id', view.networkId);
    this.view = view;
    this.styleEdges(view.weights, view.biases, true);
    const deltas = [...view.units.values()].map((v) => Math.abs(v.delta ?? 0));
    const maxDelta = Math.max(...deltas, 1e-12);
    for (const [id, item] of this.units) {
      const v = view.units.get(id) || {};
      const g = item.group;
      for (const key of ['net', 'o', 'delta'])
        set(g, `data-${key}`, v[key] === undefined ? null : full(v[key]));
      const [lo, hi] = view.rangeFor(item.u.k);
      set(
        item.circle,
        'fill',
        v.o === undefined ? '#ffffff' : rgbString(divergingRgb(v.o, lo, hi)),
      );
      const hasDelta = v.delta !== undefined;
      set(item.circle, 'stroke', hasDelta ? signColor(v.delta) : '#55606b');
      set(
        item.circle,
        'stroke-width',
        hasDelta ? (1.5 + (4.5 * Math.abs(v.delta)) / maxDelta).toFixed(2) : '1.5',
      );
      setText(item.inside, this.allLabels && v.o !== undefined ? fmt(v.o, 3) : '');
      const lines = [];
      if (this.allLabels || this.layers.every((n) => n <= 4)) {
        if (v.net !== undefined) lines.push(`net ${fmt(v.net)}`);
        if (v.o !== undefined && !this.allLabels) lines.push(`o ${fmt(v.o)}`);
        if (v.delta !== undefined) lines.push(`δ ${fmt(v.delta)}`);
        const b = item.u.k > 0 ? `b ${fmt(view.biases[item.u.k - 1][item.u.r])}` : '';
        const y = v.y !== undefined ? `y ${fmt(v.y)}` : '';
        if (b || y) lines.push([b, y].filter(Boolean).join(' · '));
      }
      item.below.forEach((t, n) => setText(t, lines[n] || ''));
      const tip = [item.name];
      if (v.net !== undefined) tip.push(`net = ${fmt(v.net)}`);
      if (v.o !== undefined) tip.push(`o = ${fmt(v.o)}`);
      if (v.delta !== undefined) tip.push(`δ = ${fmt(v.delta)}`);
      if (v.y !== undefined) tip.push(`target y = ${fmt(v.y)}`);
      setText(item.title, tip.join('\n'));
      g.classList.toggle('selected', view.selected?.type === 'unit' && view.selected.id === id);
    }
  }

  /** Widths, colours, labels and data-* of the edges; `final` also writes data-value. */
  styleEdges(weights, biases, final) {
    const view = this.view;
    let maxAbs = 1e-12;
    weights.forEach((m) =>
      m.forEach((row) =>
        row.forEach((w) => {
          maxAbs = Math.max(maxAbs, Math.abs(w));
        }),
      ),
    );
    biases.forEach((row) =>
      row.forEach((b) => {
        maxAbs = Math.max(maxAbs, Math.abs(b));
      }),
    );
    const style = (item, w, g, dw, sel, isBias) => {
      set(item.line, 'stroke', signColor(w));
      set(item.line, 'stroke-width', (edgeWidth(w, maxAbs) * (isBias ? 0.6 : 1)).toFixed(2));
      if (final) {
        set(item.group, 'data-value', full(w));
        set(item.group, 'data-gradient', g === undefined ? null : full(g));
        set(item.group, 'data-delta-w', g === undefined ? null : full(dw));
      }
      item.group.classList.toggle('selected', sel);
      item.label.classList.toggle('selected', sel);
      item.now = { w, g, dw, isBias };
      // hidden labels are written when they are shown (hover, focus), not on every frame
      if (this.allLabels || sel || item.label.classList.contains('hover')) this.labelEdge(item);
    };
    const e = view.edges;
    for (const [id, item] of this.edges) {
      const { k, r, q } = item.e;
      const sel = view.selected?.type === 'edge' && view.selected.id === id;
      style(
        item,
        weights[k - 1][r][q],
        e?.gradients.weights[k - 1][r][q],
        e?.weight_deltas[k - 1][r][q],
        sel,
        false,
      );
    }
    for (const [id, item] of this.biasEdges) {
      const { k, r } = item.e;
      const sel = view.selected?.type === 'bias' && view.selected.id === id;
      style(
        item,
        biases[k - 1][r],
        e?.gradients.biases[k - 1][r],
        e?.bias_deltas[k - 1][r],
        sel,
        true,
      );
    }
  }

  /**
   * Each unit's o over the input plane (unitmaps.js's grids: id → {values, range}, n × n
   * values row by row from the top), or null to take the pictures away.
   */
  pictures(grids, n) {
    this.shown = grids ? { grids, n, layers: this.drawn } : null;
    this.svg.classList.toggle('pictured', Boolean(grids));
    for (const [id, item] of this.units) {
      if (!item.picture) continue;
      const grid = grids && grids.get(id);
      set(item.picture, 'hidden', grid ? null : '');
      if (!grid) continue;
      const canvas = document.createElement('canvas');
      canvas.width = n;
      canvas.height = n;
      const ctx = canvas.getContext('2d');
      const img = ctx.createImageData(n, n);
      grid.values.forEach((v, idx) => {
        img.data.set([...divergingRgb(v, grid.range[0], grid.range[1]), 255], idx * 4);
      });
      ctx.putImageData(img, 0, 0);
      set(item.picture, 'href', canvas.toDataURL());
    }
  }

  /**
   * A wave through the layers: left to right after Forward (o flows forward), right to left
   * after Backward (δ flows back). CSS does the glow; only the delays are set here.
   */
  pulse(direction) {
    const L = this.layers.length - 1;
    for (const item of this.units.values()) {
      const step = direction === 'forward' ? item.u.k : L - item.u.k;
      item.group.classList.remove('pulse');
      item.circle.style.animationDelay = `${step * 160}ms`;
    }
    void this.svg.getBoundingClientRect(); // restart the animation
    for (const item of this.units.values()) item.group.classList.add('pulse');
  }

  /** The label and tooltip of one edge, from the numbers styleEdges() left on it. */
  labelEdge(item) {
    if (!item.now) return;
    const { w, g, dw, isBias } = item.now;
    const view = this.view;
    const sym = isBias ? 'b' : 'w';
    const [op, v] = view.edgeMode === 'delta' ? ['Δ', dw] : ['∂J/∂', g];
    setText(item.value, fmt(w));
    setText(item.extra, g === undefined ? '' : `${op}${sym} ${fmt(v)}`);
    item.extra.classList.toggle('applied', view.applied === true && view.edgeMode === 'delta');
    setText(
      item.title,
      `${item.name}: ${sym} = ${fmt(w)}${g === undefined ? '' : `\n∂J/∂${sym} = ${fmt(g)}\nΔ${sym} = ${fmt(dw)}`}`,
    );
  }

  /** Edges move from the old weights to the new ones; data-value is final at once. */
  animate(from, to, ms = 700) {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.styleEdges(to.weights, to.biases, true);
    const lerp = (a, b, t) =>
      Array.isArray(a) ? a.map((x, n) => lerp(x, b[n], t)) : a + (b - a) * t;
    const start = performance.now();
    this.svg.classList.add('updating');
    const tick = (now) => {
      const t = Math.min((now - start) / ms, 1);
      const ease = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      this.styleEdges(
        lerp(from.weights, to.weights, ease),
        lerp(from.biases, to.biases, ease),
        false,
      );
      if (t < 1) this.frame = requestAnimationFrame(tick);
      else {
        this.frame = null;
        this.svg.classList.remove('updating');
      }
    };
    this.frame = requestAnimationFrame(tick);
  }
}
