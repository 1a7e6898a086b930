import assert from 'node:assert/strict';
import { test } from 'node:test';

import { showsAllLabels } from '../../static/js/layout.js';
import { MAX_FONT, MIN_FONT, stageLayout } from '../../static/js/teach/stage.js';

// The projector's boxes at 1280 × 720: one student across the screen, or two side by side.
const BOXES = [
  [1240, 560],
  [600, 560],
];
const intersect = (a, b) =>
  Math.min(a.x2, b.x2) > Math.max(a.x1, b.x1) && Math.min(a.y2, b.y2) > Math.max(a.y1, b.y1);

function shapes() {
  const out = [];
  const grow = (shape) => {
    if (shape.length >= 2) out.push(shape);
    if (shape.length < 4) for (const n of [1, 2, 3, 4]) grow([...shape, n]);
  };
  [1, 2, 3].forEach((n) => grow([n]));
  return out;
}

test("Mazur's network, alone or beside another, writes o, net, δ and every w at 24 px or more", () => {
  for (const [w, h] of BOXES) {
    const s = stageLayout([2, 2, 2], w, h);
    assert.ok(s.font >= MIN_FONT && s.font <= MAX_FONT, `${w}×${h}: ${s.font}`);
    assert.deepEqual([s.text, s.lines, s.weights, s.labels.size], [true, 2, true, 8]);
  }
  // alone, larger: as large as the height allows
  assert.ok(stageLayout([2, 2, 2], 1240, 560).font > stageLayout([2, 2, 2], 600, 560).font);
  assert.equal(stageLayout([2, 1], 1240, 900).font, MAX_FONT);
});

test('text that cannot be 24 px goes: the lines and weights first, then all of it', () => {
  const mid = stageLayout([2, 4, 1], 600, 560);
  assert.deepEqual([mid.text, mid.lines, mid.weights], [true, 0, false]);
  assert.ok(mid.font >= MIN_FONT);
  const spiral = stageLayout([2, 12, 12, 1], 600, 560);
  assert.deepEqual([spiral.text, spiral.weights, spiral.labels.size], [false, false, 0]);
});

test('every shape fits its box, and written labels overlap no label and no unit', () => {
  for (const shape of shapes())
    for (const [w, h] of BOXES) {
      const s = stageLayout(shape, w, h);
      const where = `${shape} in ${w}×${h}`;
      if (s.text) assert.ok(s.font >= MIN_FONT, where);
      const above = s.text ? 1.3 * s.font : 0;
      const below = s.lines * 1.25 * s.font;
      const half = s.lines ? 2.8 * s.font : s.radius;
      for (const u of s.units) {
        assert.ok(u.y - s.radius - above >= -1e-9, `${where}: ${u.id} above the top`);
        assert.ok(u.y + s.radius + below <= h + 1e-9, `${where}: ${u.id} below the bottom`);
        assert.ok(u.x - half >= -1e-9 && u.x + half <= w + 1e-9, `${where}: ${u.id} sideways`);
      }
      for (const b of s.biasNodes)
        assert.ok(b.y >= 0 && b.y < Math.min(...s.units.map((u) => u.y)));
      assert.equal(s.labels.size, s.weights ? s.edges.length : 0, where);
      if (s.weights) assert.ok(showsAllLabels(shape), where);
      const boxes = [...s.labels.values()].map((l) => l.box);
      for (const [n, box] of boxes.entries()) {
        for (const u of s.units) {
          const nx = Math.max(box.x1, Math.min(u.x, box.x2));
          const ny = Math.max(box.y1, Math.min(u.y, box.y2));
          assert.ok(Math.hypot(nx - u.x, ny - u.y) >= s.radius, `${where}: a label on ${u.id}`);
        }
        for (const other of boxes.slice(n + 1)) assert.ok(!intersect(box, other), where);
      }
    }
});

test('edges join the units they name, by the API indices', () => {
  const s = stageLayout([2, 2, 2], 600, 560);
  const unit = new Map(s.units.map((u) => [u.id, u]));
  const e = s.edges.find((x) => x.id === '2-0-1'); // weights[1][0][1]: h2 → out1
  assert.deepEqual([e.x1, e.y1], [unit.get('1-1').x, unit.get('1-1').y]);
  assert.deepEqual([e.x2, e.y2], [unit.get('2-0').x, unit.get('2-0').y]);
  assert.deepEqual(
    s.units.map((u) => u.name),
    ['x1', 'x2', 'h1', 'h2', 'out1', 'out2'],
  );
});
