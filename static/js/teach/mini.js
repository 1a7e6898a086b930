// A student's network, small, for a dashboard card: the graph's layout, edge colour by the
// sign of w and width by |w| (as on the student's page), no labels. SVG only; reads numbers.

import { edgeWidth, signColor } from '../colors.js';
import { layoutNetwork } from '../layout.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with these attributes, appended to `parent`. */
export function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e);
  return e;
}

/** Draw layers / weights / biases into `svg` (rebuilt when the layer sizes change). */
export function drawMini(svg, { layers, weights, biases }) {
  if (!layers || layers.length < 2) {
    svg.replaceChildren();
    delete svg.dataset.layers;
    return;
  } // deleted
  const key = layers.join('-');
  if (svg.dataset.layers !== key) {
    svg.dataset.layers = key;
    svg.replaceChildren();
    const g = layoutNetwork(layers);
    const ys = [...g.units.map((u) => u.y), ...g.biasNodes.map((b) => b.y)];
    const top = Math.min(...ys) - g.radius - 8;
    const bottom = Math.max(...ys) + g.radius + 8;
    svg.setAttribute('viewBox', `0 ${top.toFixed(0)} ${g.width} ${(bottom - top).toFixed(0)}`);
    const edges = svgEl('g', { class: 'edges' }, svg);
    svg._edges = g.edges.map((e) => ({
      e,
      line: svgEl('line', { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 }, edges),
    }));
    svg._bias = g.biasEdges.map((e) => ({
      e,
      line: svgEl('line', { class: 'bias', x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 }, edges),
    }));
    const nodes = svgEl('g', { class: 'nodes' }, svg);
    for (const u of g.units) svgEl('circle', { cx: u.x, cy: u.y, r: g.radius * 1.2 }, nodes);
    for (const b of g.biasNodes)
      svgEl('rect', { x: b.x - 12, y: b.y - 9, width: 24, height: 18, rx: 4 }, nodes);
  }
  if (!weights || !biases) return;
  let maxAbs = 1e-12;
  for (const v of [...weights.flat(2), ...biases.flat()]) maxAbs = Math.max(maxAbs, Math.abs(v));
  const style = (item, w, scale) => {
    item.line.setAttribute('stroke', signColor(w));
    item.line.setAttribute('stroke-width', (2.5 * scale * edgeWidth(w, maxAbs)).toFixed(2));
  };
  for (const item of svg._edges) style(item, weights[item.e.k - 1][item.e.r][item.e.q], 1);
  for (const item of svg._bias) style(item, biases[item.e.k - 1][item.e.r], 0.6);
}
