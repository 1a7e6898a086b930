import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fitView, panBy, viewAt, viewBox, zoomAround } from '../../static/js/zoom.js';

const base = { x: 0, y: 100, w: 900, h: 400 };

test('fit shows the whole drawing; a taller element letterboxes it, centred', () => {
  assert.deepEqual(fitView(base, 400 / 900), { x: 0, y: 100, w: 900, h: 400, zoom: 1 });
  const tall = fitView(base, 1.2); // a phone: 340 × 408 px
  assert.equal(tall.w, 900);
  assert.equal(tall.h, 1080);
  assert.equal(tall.y, 100 - (1080 - 400) / 2);
});

test('zooming in keeps the view inside the drawing', () => {
  const v = viewAt(base, 400 / 900, 4, 0, 0); // asked for the corner
  assert.deepEqual([v.x, v.y, v.w, v.h], [0, 100, 225, 100]);
  const far = viewAt(base, 400 / 900, 4, 5000, 5000);
  assert.deepEqual([far.x + far.w, far.y + far.h], [900, 500]);
  assert.equal(viewAt(base, 0.5, 100, 0, 0).zoom, 8);
  assert.equal(viewAt(base, 0.5, 0.1, 0, 0).zoom, 1);
});

test('the point under the fingers stays put while zooming', () => {
  const aspect = 400 / 900;
  const v = fitView(base, aspect);
  const z = zoomAround(v, base, aspect, 2, 300, 200);
  assert.equal(z.zoom, 2);
  // (300, 200) was a third across and a quarter down; it still is
  assert.ok(Math.abs((300 - z.x) / z.w - 1 / 3) < 1e-12);
  assert.ok(Math.abs((200 - z.y) / z.h - 1 / 4) < 1e-12);
});

test('zoomed in on a tall element, the view pans sideways and stays inside the drawing', () => {
  const aspect = 1.2;
  const z = (900 * 1.2) / 400; // the zoom at which the drawing fills the element's height
  const v = viewAt(base, aspect, z, 0, 300);
  assert.ok(Math.abs(v.h - 400) < 1e-9 && v.x === 0);
  const moved = panBy(v, base, aspect, 100, 0);
  assert.ok(Math.abs(moved.x - 100) < 1e-9);
  assert.ok(Math.abs(moved.y - v.y) < 1e-9);
  assert.ok(Math.abs(panBy(moved, base, aspect, 10_000, 0).x - (900 - v.w)) < 1e-9);
  assert.equal(viewBox(moved), `100.0 100.0 ${v.w.toFixed(1)} 400.0`);
});
