// Zoom and pan of the graph: which part of the drawing (a viewBox) the screen shows. Pure.
//
// base: the box around the whole drawing {x, y, w, h}; aspect: the element's height / width.
// At zoom z the view is base.w / z wide and as tall as the element's shape makes it; a view
// larger than the drawing centres it, a smaller one stays inside it.

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;

const clampZoom = (z) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

function place(start, size, baseStart, baseSize) {
  if (size >= baseSize) return baseStart - (size - baseSize) / 2;
  return Math.min(Math.max(start, baseStart), baseStart + baseSize - size);
}

/** The view of `base` at zoom z, centred as near (cx, cy) as the drawing allows. */
export function viewAt(base, aspect, z, cx, cy) {
  const zoom = clampZoom(z);
  const w = base.w / zoom;
  const h = w * aspect;
  return {
    x: place(cx - w / 2, w, base.x, base.w),
    y: place(cy - h / 2, h, base.y, base.h),
    w,
    h,
    zoom,
  };
}

/** The whole drawing. */
export const fitView = (base, aspect) =>
  viewAt(base, aspect, 1, base.x + base.w / 2, base.y + base.h / 2);

/** Zoom by `factor` keeping the drawing's point (px, py) where it is on the screen. */
export function zoomAround(view, base, aspect, factor, px, py) {
  const next = viewAt(base, aspect, view.zoom * factor, 0, 0);
  const fx = (px - view.x) / view.w;
  const fy = (py - view.y) / view.h;
  return viewAt(
    base,
    aspect,
    next.zoom,
    px - fx * next.w + next.w / 2,
    py - fy * next.h + next.h / 2,
  );
}

/** Move the view by (dx, dy) in the drawing's units (a drag moves it the other way). */
export const panBy = (view, base, aspect, dx, dy) =>
  viewAt(base, aspect, view.zoom, view.x + view.w / 2 + dx, view.y + view.h / 2 + dy);

export const viewBox = (v) => [v.x, v.y, v.w, v.h].map((n) => n.toFixed(1)).join(' ');
