// Layout of the network graph: layer sizes → positions of units, bias nodes and edges. Pure.
//
// Ids follow the API's indices (0-based): unit "k-r" is unit r of layer k; edge "k-r-q" is
// weights[k-1][r][q], into unit r of layer k from unit q of layer k-1; bias edge "k-r" is
// biases[k-1][r]. Biases are drawn as a "+1" node per layer (the constant input 1) above the
// previous column, with an edge to every unit of the layer.

/**
 * @param {number[]} layers units per layer, inputs first
 * @param {{width?: number, height?: number, pad?: number, top?: number}} box
 */
export function layoutNetwork(layers, box = {}) {
  const width = box.width ?? 900;
  const height = box.height ?? 520;
  // room either side for an input's or an output's name and numbers, less on a narrow screen
  const pad = box.pad ?? Math.min(70, Math.max(42, width * 0.08));
  const top = box.top ?? 56; // row of the bias nodes
  const widest = Math.max(...layers);
  const areaTop = top + 44;
  const areaHeight = height - areaTop - 28;
  const spacing = Math.min(widest > 1 ? areaHeight / (widest - 1) : areaHeight, 120);
  const radius = Math.max(7, Math.min(24, spacing * 0.3));
  const colGap = layers.length > 1 ? (width - 2 * pad) / (layers.length - 1) : 0;
  const columnX = layers.map((_, k) => pad + k * colGap);
  const centre = areaTop + areaHeight / 2;

  const units = [];
  layers.forEach((n, k) => {
    for (let r = 0; r < n; r += 1) {
      const y = centre + (r - (n - 1) / 2) * spacing;
      units.push({ id: `${k}-${r}`, k, r, x: columnX[k], y });
    }
  });
  const at = (k, r) => units.find((u) => u.k === k && u.r === r);

  const edges = [];
  const biasNodes = [];
  const biasEdges = [];
  for (let k = 1; k < layers.length; k += 1) {
    for (let r = 0; r < layers[k]; r += 1) {
      const to = at(k, r);
      for (let q = 0; q < layers[k - 1]; q += 1) {
        const from = at(k - 1, q);
        edges.push({ id: `${k}-${r}-${q}`, k, r, q, x1: from.x, y1: from.y, x2: to.x, y2: to.y });
      }
    }
    const bx = columnX[k - 1] + colGap * 0.35;
    const by = Math.min(top, at(k, 0).y - spacing * 0.6);
    biasNodes.push({ id: `${k}`, k, x: bx, y: Math.max(by, 18) });
  }
  for (const b of biasNodes) {
    for (let r = 0; r < layers[b.k]; r += 1) {
      const to = at(b.k, r);
      biasEdges.push({ id: `${b.k}-${r}`, k: b.k, r, x1: b.x, y1: b.y, x2: to.x, y2: to.y });
    }
  }
  return { width, height, radius, spacing, columnX, units, edges, biasNodes, biasEdges };
}

/** A point a fraction t along an edge, from its source. */
export function pointAlong(edge, t) {
  return { x: edge.x1 + (edge.x2 - edge.x1) * t, y: edge.y1 + (edge.y2 - edge.y1) * t };
}

/** Whether a network is small enough to show every weight label without hovering. */
export function showsAllLabels(layers) {
  let edges = 0;
  for (let k = 1; k < layers.length; k += 1) edges += layers[k] * layers[k - 1];
  return edges <= 12 && Math.max(...layers) <= 3;
}

/** The box of a weight label around its anchor: two lines (w, then ∂J/∂w or Δw), centred. */
export const LABEL_BOX = { width: 78, height: 31, above: 10 };

const overlap = (a, b) =>
  Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) *
  Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));

/** Area of box a inside the circle (cx, cy, r), roughly: the box against the circle's square. */
function hitsCircle(a, cx, cy, r) {
  const nx = Math.max(a.x1, Math.min(cx, a.x2));
  const ny = Math.max(a.y1, Math.min(cy, a.y2));
  return (nx - cx) ** 2 + (ny - cy) ** 2 < r * r;
}

export function labelBox(x, y, box = LABEL_BOX) {
  return {
    x1: x - box.width / 2,
    x2: x + box.width / 2,
    y1: y - box.above,
    y2: y - box.above + box.height,
  };
}

/** The graph's text around its units: each unit's name above it and its lines of numbers
 * below, and the "+1" nodes (boxes a weight label keeps clear of when it can). */
export function textAround(g) {
  return [
    ...g.units.map((u) => ({
      x1: u.x - 14,
      x2: u.x + 14,
      y1: u.y - g.radius - 18,
      y2: u.y - g.radius,
    })),
    ...g.units.map((u) => ({
      x1: u.x - 34,
      x2: u.x + 34,
      y1: u.y + g.radius,
      y2: u.y + g.radius + 58,
    })),
    ...g.biasNodes.map((b) => ({ x1: b.x - 15, x2: b.x + 15, y1: b.y - 12, y2: b.y + 12 })),
  ];
}

/**
 * Where each weight label goes: a point on its edge whose box overlaps no other label and no
 * unit (nor, when it can, the boxes in `soft`: the text around the units). Each label in turn
 * takes its cheapest point along the edge (nearest the middle, among equals) given the others,
 * steep edges first (they have the fewest free points); then each is moved again, given all
 * the others, until no move helps. Returns a Map edge id → {x, y, t, box}. Quadratic in the
 * edges: for networks that show every label at once (showsAllLabels).
 */
export function placeLabels(g, box = LABEL_BOX, soft = textAround(g)) {
  const margin = 3;
  const circles = g.units.map((u) => ({ x: u.x, y: u.y, r: g.radius + margin }));
  const ts = [0.5];
  for (let n = 1; n <= 15; n += 1) ts.push(0.5 - n * 0.025, 0.5 + n * 0.025);
  const spots = g.edges.map((e) =>
    ts.map((t) => {
      const p = pointAlong(e, t);
      const b = labelBox(p.x, p.y, box);
      let fixed = Math.abs(t - 0.5);
      for (const c of circles) if (hitsCircle(b, c.x, c.y, c.r)) fixed += 1e9;
      for (const o of soft) fixed += overlap(b, o);
      return { x: p.x, y: p.y, t, box: b, fixed };
    }),
  );
  const chosen = new Array(g.edges.length).fill(null);
  const cost = (n, spot) => {
    let c = spot.fixed;
    chosen.forEach((other, m) => {
      if (other && m !== n) c += 1e3 * overlap(spot.box, other.box);
    });
    return c;
  };
  const cheapest = (n) =>
    spots[n].reduce(
      (best, s) => {
        const c = cost(n, s);
        return c < best.c ? { s, c } : best;
      },
      { s: null, c: Infinity },
    );
  const steep = (e) => -Math.abs(e.y2 - e.y1) / (Math.abs(e.x2 - e.x1) + 1);
  const order = g.edges.map((_, n) => n).sort((a, b) => steep(g.edges[a]) - steep(g.edges[b]));
  for (const n of order) chosen[n] = cheapest(n).s;
  for (let round = 0; round < 8; round += 1) {
    let moved = false;
    for (const n of order) {
      const now = cost(n, chosen[n]);
      const { s, c } = cheapest(n);
      if (c < now - 1e-9) {
        chosen[n] = s;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const placed = new Map();
  g.edges.forEach((e, n) => {
    const { x, y, t, box: b } = chosen[n];
    placed.set(e.id, { x, y, t, box: b });
  });
  return placed;
}

/** A unit's name as the graph writes it: x1 (inputs), h1 (or h2.1 with several hidden layers), out1. */
export function unitName(layers, k, r) {
  if (k === 0) return `x${r + 1}`;
  if (k === layers.length - 1) return `out${r + 1}`;
  return layers.length > 3 ? `h${k}.${r + 1}` : `h${r + 1}`;
}

/** A weight's name as the graph shows its edge: "h1 → out1" (from unit q into unit r of layer k). */
export function edgeName(layers, k, r, q) {
  return `${unitName(layers, k - 1, q)} → ${unitName(layers, k, r)}`;
}
