// Clicks on the output heatmap: where in the input plane, and what they do. Pure.

/** The input (x1, x2) under pixel (px, py) of a w × h heatmap over bounds [[x0, x1], [y0, y1]]. */
export function toInput(px, py, w, h, bounds) {
  const [[x0, x1], [y0, y1]] = bounds;
  return [x0 + (px / w) * (x1 - x0), y1 - (py / h) * (y1 - y0)];
}

/** The pixel of input (a, b): the inverse of toInput. */
export function toPixel(a, b, w, h, bounds) {
  const [[x0, x1], [y0, y1]] = bounds;
  return [((a - x0) / (x1 - x0)) * w, h - ((b - y0) / (y1 - y0)) * h];
}

/** click: add class 1; shift-click: add class 0; alt-click: remove the nearest example. */
export function clickAction({ shiftKey = false, altKey = false }) {
  if (altKey) return 'remove';
  return shiftKey ? 'add0' : 'add1';
}

/**
 * The target row of a new point of class c (0 or 1): [c] for one output unit; for several,
 * one-hot, with class 1 the second output (the generators' one_hot order) and class 0 the first.
 */
export function targetFor(c, nOut) {
  if (nOut === 1) return [c];
  return [...Array(nOut)].map((_, k) => (k === c ? 1 : 0));
}

/**
 * Bounds that keep still while points are added: the examples' bounds, but never less than
 * [-1, 1]² when the data lie inside it (the generators' plane), so a click lands where it
 * was made.
 */
export function stableBounds(xs) {
  const inside = xs.every((r) => Math.abs(r[0]) <= 1.2 && Math.abs(r[1]) <= 1.2);
  if (inside && xs.some((r) => r[0] < 0 || r[1] < 0)) {
    return [
      [-1.2, 1.2],
      [-1.2, 1.2],
    ];
  }
  return inputBounds(xs);
}

/** Bounds around the examples' two inputs, padded by 10 %. */
export function inputBounds(x) {
  const pad = (lo, hi) => {
    const span = hi - lo || 1;
    return [lo - span * 0.1, hi + span * 0.1];
  };
  const a = x.map((r) => r[0]);
  const b = x.map((r) => r[1]);
  return [pad(Math.min(...a), Math.max(...a)), pad(Math.min(...b), Math.max(...b))];
}
