// Two canvases: the loss over updates, and (for 2-input networks) the first output over the
// input plane with the examples drawn on it. Drawing only; the numbers come from main.js.

import { NEGATIVE, POSITIVE } from './colors.js';
import { fmt } from './format.js';
import { updateRange } from './forks.js';
import { toPixel } from './points.js';
import { lossScale } from './view.js';

// Sizes come from a ResizeObserver, not clientWidth: reading layout right after the graph
// changed would force a synchronous layout of the whole page on every frame of Play.
const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) sizes.set(e.target, { w: e.contentRect.width, h: e.contentRect.height });
});

function prepare(canvas) {
  if (!sizes.has(canvas)) {
    observer.observe(canvas);
    sizes.set(canvas, {
      w: canvas.clientWidth || canvas.width,
      h: canvas.clientHeight || canvas.height,
    });
  }
  const ratio = window.devicePixelRatio || 1;
  const { w, h } = sizes.get(canvas);
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** A curve through [x, y] points, with a dot on its last point. */
function strokeCurve(ctx, xy, color, dash) {
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(dash);
  ctx.beginPath();
  xy.forEach(([px, py], n) => (n === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
  ctx.stroke();
  ctx.setLineDash([]);
  const [lx, ly] = xy[xy.length - 1];
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(lx, ly, 3, 0, 2 * Math.PI);
  ctx.fill();
}

/** A thin dashed vertical line at x from top to bottom. */
function dashedLine(ctx, x, top, bottom) {
  ctx.strokeStyle = '#55606b';
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  ctx.setLineDash([]);
}

/**
 * points: [{u: updates so far, J, T?: J on the test examples}]; marked: the update to mark
 * (the timeline shows it); linked: linked runs' curves drawn under it (forks.js overlay:
 * {id, label, color, points: [{u, J}]}), their numbers in data-overlay.
 */
export function drawLoss(canvas, points, log = false, marked = undefined, linked = []) {
  const { ctx, w, h } = prepare(canvas);
  canvas.dataset.points = String(points.length);
  canvas.dataset.overlay = JSON.stringify(
    linked.map((o) => ({ id: o.id, u: o.points.map((p) => p.u), J: o.points.map((p) => p.J) })),
  );
  const others = linked.filter((o) => o.points.length > 0);
  const left = 52;
  const bottom = h - 24;
  const top = 10;
  const right = w - 10;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#55606b';
  ctx.strokeStyle = '#c9d1d9';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();
  if (points.length === 0 && others.length === 0) {
    ctx.fillText('Step or Play: J falls here', left + 8, (top + bottom) / 2);
    return;
  }
  const [u0, u1] = updateRange(points, others);
  const tested = points.filter((p) => Number.isFinite(p.T));
  const scale = lossScale(
    [points, tested.map((p) => ({ J: p.T })), ...others.map((o) => o.points)]
      .flat()
      .map((p) => p.J),
    log,
  );
  const x = (u) => left + ((u - u0) / (u1 - u0)) * (right - left);
  const y = (J) => bottom - scale.frac(J) * (bottom - top);
  ctx.textAlign = 'right';
  for (const J of scale.ticks) ctx.fillText(fmt(J, 3), left - 6, y(J) + 4);
  ctx.textAlign = 'left';
  ctx.fillText(String(u0), left, bottom + 16);
  ctx.textAlign = 'right';
  ctx.fillText(`${u1} ${u1 === 1 ? 'update' : 'updates'}`, right, bottom + 16);
  if (marked !== undefined && marked >= u0 && marked <= u1) {
    // the update the timeline shows
    dashedLine(ctx, x(marked), top, bottom);
  }
  const curve = (pts, value, color, dash) =>
    strokeCurve(
      ctx,
      pts.map((p) => [x(p.u), y(value(p))]),
      color,
      dash,
    );
  for (const o of others) curve(o.points, (p) => p.J, o.color, [2, 3]);
  if (points.length) curve(points, (p) => p.J, POSITIVE, []);
  if (tested.length) curve(tested, (p) => p.T, NEGATIVE, [6, 4]);
  legend(ctx, right, top, tested.length > 0, others);
}

/** The curves' names, top right, each in its colour: drawn when there are several. */
function legend(ctx, right, top, tested, others) {
  const lines = tested
    ? [
        ['— training J', POSITIVE],
        ['- - test J', NEGATIVE],
      ]
    : [];
  if (!tested && others.length) lines.push(['— this run', POSITIVE]);
  for (const o of others) lines.push([`·· ${o.label}`, o.color]);
  ctx.textAlign = 'right';
  lines.forEach(([text, color], n) => {
    ctx.fillStyle = color;
    ctx.fillText(text, right, top + 10 + 14 * n);
  });
}

/** The grid of inputs for the heatmap: n × n points over bounds [[x0, x1], [y0, y1]]. */
export function gridInputs(bounds, n) {
  const xs = [];
  for (let row = 0; row < n; row += 1) {
    for (let col = 0; col < n; col += 1) {
      const a = bounds[0][0] + ((bounds[0][1] - bounds[0][0]) * col) / (n - 1);
      const b = bounds[1][1] - ((bounds[1][1] - bounds[1][0]) * row) / (n - 1);
      xs.push([a, b]);
    }
  }
  return xs;
}

export { inputBounds } from './points.js';

/**
 * cells: n*n colours [r, g, b], row by row from the top; points: [{x: [a, b], color, hollow}]
 * (hollow: a test example, drawn as a ring).
 */
export function drawHeatmap(canvas, cells, n, bounds, points) {
  const { ctx, w, h } = prepare(canvas);
  const cell = document.createElement('canvas');
  cell.width = n;
  cell.height = n;
  const cctx = cell.getContext('2d');
  const img = cctx.createImageData(n, n);
  cells.forEach(([r, g, b], idx) => img.data.set([r, g, b, 255], idx * 4));
  cctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cell, 0, 0, w, h);
  for (const p of points) {
    const [px, py] = toPixel(p.x[0], p.x[1], w, h, bounds);
    ctx.beginPath();
    ctx.arc(px, py, p.hollow ? 4 : 4.5, 0, 2 * Math.PI);
    if (p.hollow) {
      // a ring in the class colour on a dark edge (visible on its own region too), the
      // region showing through the middle
      ctx.strokeStyle = '#1d2733';
      ctx.lineWidth = 3.6;
      ctx.stroke();
      ctx.strokeStyle = p.color;
      ctx.lineWidth = 1.8;
      ctx.stroke();
    } else {
      ctx.fillStyle = p.color;
      ctx.strokeStyle = '#1d2733';
      ctx.lineWidth = 1.3;
      ctx.fill();
      ctx.stroke();
    }
  }
}
