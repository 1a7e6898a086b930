// Zoom and pan of the graph (the views are zoom.js's): the −, + and Fit buttons, a pinch with
// two fingers, a drag with one once zoomed in. A drag does not count as a click on what it
// started on. Every drawing opens whole (Fit): it is laid out for its box's size (graph.js).

import { fitView, panBy, viewAt, viewBox, zoomAround } from './zoom.js';

export function zoomable(svg, graph, { zoomIn, zoomOut, fit }) {
  let view = null;
  const base = () => graph.base;
  const aspect = () => {
    const r = svg.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r.height / r.width : base().h / base().w;
  };
  const show = (v) => {
    view = v;
    svg.setAttribute('viewBox', viewBox(v));
    svg.classList.toggle('zoomed', v.zoom > 1.001);
    svg.dataset.zoom = v.zoom.toFixed(2);
  };
  const start = () => show(fitView(base(), aspect()));
  graph.onBuild = start;
  if (graph.base) start();
  window.addEventListener('resize', () => {
    if (view) show(viewAt(base(), aspect(), view.zoom, view.x + view.w / 2, view.y + view.h / 2));
  });
  const centre = () => [view.x + view.w / 2, view.y + view.h / 2];
  zoomIn.addEventListener('click', () =>
    show(zoomAround(view, base(), aspect(), 1.5, ...centre())),
  );
  zoomOut.addEventListener('click', () =>
    show(zoomAround(view, base(), aspect(), 1 / 1.5, ...centre())),
  );
  fit.addEventListener('click', () => show(fitView(base(), aspect())));

  gestures(svg, () => view, show, base, aspect);
}

/** Pinch with two fingers, drag with one once zoomed in; a drag is not a click. */
function gestures(svg, current, show, base, aspect) {
  // the drawing's point under a screen point
  const toDrawing = (cx, cy) => {
    const view = current();
    const r = svg.getBoundingClientRect();
    return [
      view.x + ((cx - r.left) / r.width) * view.w,
      view.y + ((cy - r.top) / r.height) * view.h,
    ];
  };
  const pointers = new Map();
  let moved = 0;
  svg.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    if (pointers.size === 1) moved = 0;
  });
  svg.addEventListener('pointermove', (e) => {
    const before = pointers.get(e.pointerId);
    const view = current();
    if (!before || !view) return;
    const now = [e.clientX, e.clientY];
    if (pointers.size === 2) {
      const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)[1];
      const d0 = Math.hypot(before[0] - other[0], before[1] - other[1]);
      const d1 = Math.hypot(now[0] - other[0], now[1] - other[1]);
      if (d0 > 0 && d1 > 0) {
        const mid = toDrawing((now[0] + other[0]) / 2, (now[1] + other[1]) / 2);
        show(zoomAround(view, base(), aspect(), d1 / d0, ...mid));
      }
      moved += 100;
    } else if (pointers.size === 1 && view.zoom > 1.001) {
      const r = svg.getBoundingClientRect();
      const dx = ((before[0] - now[0]) / r.width) * view.w;
      const dy = ((before[1] - now[1]) / r.height) * view.h;
      show(panBy(view, base(), aspect(), dx, dy));
      moved += Math.hypot(before[0] - now[0], before[1] - now[1]);
    }
    pointers.set(e.pointerId, now);
  });
  const up = (e) => pointers.delete(e.pointerId);
  svg.addEventListener('pointerup', up);
  svg.addEventListener('pointercancel', up);
  svg.addEventListener('pointerleave', up);
  // a drag or a pinch is not a click on the unit or edge it started on
  svg.addEventListener(
    'click',
    (e) => {
      if (moved > 8) {
        e.stopPropagation();
        moved = 0;
      }
    },
    true,
  );
}
