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
  const pad = box.pad ?? 70;
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

/** A unit's name as the graph writes it: x1 (inputs), h1 (or h2.1 with several hidden layers), out1. */
export function unitName(layers, k, r) {
  if (k === 0) return `x${r + 1}`;
  if (k === layers.length - 1) return `out${r + 1}`;
  return layers.length > 3 ? `h${k}.${r + 1}` : `h${r + 1}`;
}
