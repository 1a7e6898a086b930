// Contour lines of a grid of values (marching squares), the levels to draw, and the path two
// parameters took, from the trace. Pure: no DOM. Grid coordinates: value[i][j] sits at (i, j),
// i along the first axis, j along the second; a crossing is placed by linear interpolation.

/**
 * `count` levels between the grid's least and largest finite value, spaced evenly in log J
 * (J ≥ 0 and a loss surface is steep far from its valley: log spacing shows both), or evenly
 * when the least value is not above 0.
 */
export function contourLevels(values, count = 12) {
  const finite = values.flat().filter((v) => v !== null && Number.isFinite(v));
  if (finite.length === 0) return [];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (!(hi > lo)) return [];
  const levels = [];
  for (let n = 1; n <= count; n += 1) {
    const t = n / (count + 1);
    levels.push(lo > 0 ? lo * (hi / lo) ** t : lo + (hi - lo) * t);
  }
  return levels;
}

const EDGES = [
  [0, 1], // bottom: (i, j) → (i + 1, j)
  [1, 2], // right:  (i + 1, j) → (i + 1, j + 1)
  [2, 3], // top:    (i + 1, j + 1) → (i, j + 1)
  [3, 0], // left:   (i, j + 1) → (i, j)
];

/** Where the level crosses each edge of cell (i, j): up to four [i, j] points, in edge order. */
function crossings(v, i, j, level) {
  const corners = [
    [i, j, v[i][j]],
    [i + 1, j, v[i + 1][j]],
    [i + 1, j + 1, v[i + 1][j + 1]],
    [i, j + 1, v[i][j + 1]],
  ];
  if (corners.some((c) => c[2] === null || !Number.isFinite(c[2]))) return [];
  const out = [];
  for (const [a, b] of EDGES) {
    const [ia, ja, va] = corners[a];
    const [ib, jb, vb] = corners[b];
    if (va < level === vb < level) continue;
    const t = (level - va) / (vb - va);
    out.push([ia + t * (ib - ia), ja + t * (jb - ja)]);
  }
  return out;
}

/**
 * For each level, the segments [[i1, j1], [i2, j2]] of its contour in grid coordinates. A
 * saddle cell (four crossings) pairs them by the cell's centre value, so lines never cross.
 */
export function contours(values, levels) {
  const n = values.length;
  const m = n ? values[0].length : 0;
  return levels.map((level) => {
    const segments = [];
    for (let i = 0; i + 1 < n; i += 1) {
      for (let j = 0; j + 1 < m; j += 1) {
        const p = crossings(values, i, j, level);
        if (p.length === 2) segments.push([p[0], p[1]]);
        else if (p.length === 4) {
          const centre =
            (values[i][j] + values[i + 1][j] + values[i + 1][j + 1] + values[i][j + 1]) / 4;
          // the corner (i, j) on the centre's side joins the edges around the other corners
          if (values[i][j] < level === centre < level) {
            segments.push([p[0], p[1]], [p[2], p[3]]);
          } else {
            segments.push([p[3], p[0]], [p[1], p[2]]);
          }
        }
      }
    }
    return { level, segments };
  });
}

/** Every weight and bias of a network by its JSON path, weights first, as trace.json names them. */
export function parameterPaths(layers) {
  const paths = [];
  for (let k = 0; k + 1 < layers.length; k += 1)
    for (let r = 0; r < layers[k + 1]; r += 1)
      for (let q = 0; q < layers[k]; q += 1) paths.push(`weights[${k}][${r}][${q}]`);
  for (let k = 0; k + 1 < layers.length; k += 1)
    for (let r = 0; r < layers[k + 1]; r += 1) paths.push(`biases[${k}][${r}]`);
  return paths;
}

/** A path in the notes' symbols: weights[0][1][0] → "w₁₀ into layer 1", biases[1][0] → "b₀ of layer 2". */
export function pathLabel(path) {
  const n = path.match(/\d+/g).map(Number);
  const sub = (d) => String(d).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[c]);
  return path.startsWith('weights')
    ? `w${sub(n[1])}${n[1] > 9 || n[2] > 9 ? ',' : ''}${sub(n[2])} into layer ${n[0] + 1}`
    : `b${sub(n[1])} of layer ${n[0] + 1}`;
}

/** The values two parameters took, state by state, from trace.json ({columns, data}). */
export function pathTaken(trace, first, second) {
  const a = trace.columns.indexOf(first);
  const b = trace.columns.indexOf(second);
  if (a < 0 || b < 0) return [];
  return trace.data.map((row) => [row[a], row[b]]);
}
