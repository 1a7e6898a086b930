// The projector's drawing of a network, laid out for the box it fills: every text at one size
// (at least MIN_FONT px, read from the back of a room), as large as the box allows. Pure:
// sizes → positions; stagegraph.js draws them. Ids as in layout.js.
//
// A unit's cell: its name above the circle, o inside, and, when there is room, two lines
// below (net, δ). Weight labels (w) sit on their edges, between the circles, for the networks
// small enough to label every weight (showsAllLabels). When the text cannot be that large,
// it goes: first the lines below and the weight labels, then every text.

import { layoutNetwork, placeLabels, showsAllLabels, unitName } from '../layout.js';

export const MIN_FONT = 24;
export const MAX_FONT = 40;

// In units of the font size F:
const R = 1.6; // a unit's radius: o ("0.751") fits inside
const NAME = 1.3; // the name's line above the circle
const LINE = 1.25; // a line of numbers below it
const BIAS_ROW = 2; // the row of "+1" nodes at the top
const LABEL = { width: 4.4, height: 1.3, above: 0.65 }; // a weight label's box around its anchor

/** What is written, from the most to nothing: the first whose font is MIN_FONT or more. */
const TIERS = [
  { lines: 2, weights: true },
  { lines: 0, weights: false },
];

function tierSizes({ lines, weights }) {
  const cellH = NAME + 2 * R + (lines ? lines * LINE + 0.3 : 0) + 0.5;
  const cellW = lines ? 5.6 : 2 * R + 1;
  // between two columns: the circles and, with weight labels, a label between them
  const colGap = weights ? 2 * R + LABEL.width + 1 : cellW + 1;
  return { cellH, cellW, colGap };
}

/** The largest font (capped at MAX_FONT) at which a tier's cells fit the box. */
function fontFor(layers, width, height, sizes) {
  const L = layers.length - 1;
  const widest = Math.max(...layers);
  const byHeight = height / (widest * sizes.cellH + BIAS_ROW);
  const byWidth = width / (sizes.cellW + L * sizes.colGap);
  return Math.min(MAX_FONT, byHeight, byWidth);
}

/**
 * The drawing of `layers` in a width × height box (px): {font, lines, weights (whether the
 * weight labels are written), text (whether anything is), radius, units [{id, k, r, x, y,
 * name}], edges [{id, k, r, q, x1, y1, x2, y2}], biasNodes [{id, k, x, y}], biasEdges, labels
 * (Map edge id → {x, y, box}: a weight label's anchor, its text centred on it, and its box)}.
 */
export function stageLayout(layers, width, height) {
  let tier = TIERS.find((t) => fontFor(layers, width, height, tierSizes(t)) >= MIN_FONT);
  const text = Boolean(tier);
  tier = tier || TIERS[TIERS.length - 1];
  const sizes = tierSizes(tier);
  const font = fontFor(layers, width, height, sizes);
  const weights = text && tier.weights && showsAllLabels(layers);
  const L = layers.length - 1;
  const left = (sizes.cellW * font) / 2;
  const gap = L > 0 ? (width - 2 * left) / L : 0;
  const top = BIAS_ROW * font;
  const rowH = (height - top) / Math.max(...layers);
  // the circle's centre in its cell: the name above it, the lines below
  const below = tier.lines ? tier.lines * LINE + 0.3 : 0;
  const centreShift = ((below - NAME) / 2) * font;
  // ids, and who joins whom, as on the page; the places are the stage's own
  const g = layoutNetwork(layers);
  const units = g.units.map((u) => ({
    ...u,
    x: left + u.k * gap,
    y: top + (height - top) / 2 + (u.r - (layers[u.k] - 1) / 2) * rowH - centreShift,
    name: unitName(layers, u.k, u.r),
  }));
  const unit = new Map(units.map((u) => [u.id, u]));
  const biasNodes = g.biasNodes.map((b) => ({ ...b, x: left + (b.k - 0.6) * gap, y: top / 2 }));
  const join = (e, from, to) => ({ ...e, x1: from.x, y1: from.y, x2: to.x, y2: to.y });
  const edges = g.edges.map((e) =>
    join(e, unit.get(`${e.k - 1}-${e.q}`), unit.get(`${e.k}-${e.r}`)),
  );
  const biasEdges = g.biasEdges.map((e) => join(e, biasNodes[e.k - 1], unit.get(`${e.k}-${e.r}`)));
  const radius = text ? R * font : Math.max(4, Math.min(rowH * 0.3, gap * 0.15, R * MAX_FONT));
  const labels = new Map();
  if (weights) {
    const box = {
      width: LABEL.width * font,
      height: LABEL.height * font,
      above: LABEL.above * font,
    };
    const soft = textBoxes(units, biasNodes, radius, font, tier.lines);
    for (const [id, spot] of placeLabels({ units, edges, biasNodes, radius }, box, soft))
      labels.set(id, { x: spot.x, y: spot.y, box: spot.box });
  }
  return {
    font,
    text,
    lines: text ? tier.lines : 0,
    weights,
    radius,
    units,
    edges,
    biasNodes,
    biasEdges,
    labels,
  };
}

/** The boxes of the text around the units (names, lines below, "+1" nodes), at this font. */
function textBoxes(units, biasNodes, radius, font, lines) {
  const half = (w) => (w * font) / 2;
  return [
    ...units.map((u) => ({
      x1: u.x - half(3),
      x2: u.x + half(3),
      y1: u.y - radius - NAME * font,
      y2: u.y - radius,
    })),
    ...units.map((u) => ({
      x1: u.x - half(5.6),
      x2: u.x + half(5.6),
      y1: u.y + radius,
      y2: u.y + radius + lines * LINE * font,
    })),
    ...biasNodes.map((b) => ({ x1: b.x - font, x2: b.x + font, y1: b.y - font, y2: b.y + font })),
  ];
}
