import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  LABEL_BOX,
  layoutNetwork,
  placeLabels,
  pointAlong,
  showsAllLabels,
} from '../../static/js/layout.js';

test('one unit per entry, columns left to right, ids in API order', () => {
  const g = layoutNetwork([2, 3, 1], { width: 800, height: 500, pad: 100 });
  assert.deepEqual(
    g.units.map((u) => u.id),
    ['0-0', '0-1', '1-0', '1-1', '1-2', '2-0'],
  );
  assert.deepEqual(g.columnX, [100, 400, 700]);
  const col1 = g.units.filter((u) => u.k === 1).map((u) => u.y);
  assert.ok(col1[0] < col1[1] && col1[1] < col1[2], 'units go down the column');
  // the middle unit of an odd column sits at the same height as a single output
  assert.equal(col1[1], g.units.find((u) => u.id === '2-0').y);
});

test('edges are weights[k-1][r][q]: into r of layer k from q of layer k-1', () => {
  const g = layoutNetwork([2, 3, 1]);
  assert.equal(g.edges.length, 2 * 3 + 3 * 1);
  const e = g.edges.find((x) => x.id === '1-2-1');
  const from = g.units.find((u) => u.id === '0-1');
  const to = g.units.find((u) => u.id === '1-2');
  assert.deepEqual([e.x1, e.y1, e.x2, e.y2], [from.x, from.y, to.x, to.y]);
  assert.deepEqual(
    g.biasEdges.map((b) => b.id),
    ['1-0', '1-1', '1-2', '2-0'],
  );
  assert.equal(g.biasNodes.length, 2);
});

test('units stay inside the box even for a wide layer', () => {
  const g = layoutNetwork([2, 8, 8, 8, 8, 1], { width: 900, height: 520 });
  for (const u of g.units) {
    assert.ok(u.y - g.radius >= 0 && u.y + g.radius <= 520, `unit ${u.id} at y=${u.y}`);
    assert.ok(u.x >= 0 && u.x <= 900);
  }
  for (const b of g.biasNodes) assert.ok(b.y >= 0 && b.y < Math.min(...g.units.map((u) => u.y)));
});

test('pointAlong and the small-network rule', () => {
  assert.deepEqual(pointAlong({ x1: 0, y1: 0, x2: 10, y2: 20 }, 0.3), { x: 3, y: 6 });
  assert.equal(showsAllLabels([2, 2, 2]), true);
  assert.equal(showsAllLabels([2, 8, 1]), false);
});

/** Every layer shape of 2 to 4 layers of 1 to 3 units whose labels all show at once. */
function shapesShowingAllLabels() {
  const out = [];
  const grow = (shape) => {
    if (shape.length >= 2 && showsAllLabels(shape)) out.push(shape);
    if (shape.length < 4) for (const n of [1, 2, 3]) grow([...shape, n]);
  };
  [1, 2, 3].forEach((n) => grow([n]));
  return out;
}

const intersect = (a, b) =>
  Math.min(a.x2, b.x2) > Math.max(a.x1, b.x1) && Math.min(a.y2, b.y2) > Math.max(a.y1, b.y1);

test('weight labels overlap neither each other nor a unit (every shape that shows them all)', () => {
  const shapes = shapesShowingAllLabels();
  assert.ok(shapes.length > 40, `${shapes.length} shapes`);
  for (const c of ['2-2-1', '2-3-1', '2-2-2', '3-3-1'])
    assert.ok(shapes.some((s) => s.join('-') === c));
  for (const shape of shapes) {
    const g = layoutNetwork(shape, { width: 900, height: 520 });
    const spots = placeLabels(g);
    assert.equal(spots.size, g.edges.length);
    const boxes = [...spots.entries()];
    for (const [id, s] of boxes) {
      // the box is LABEL_BOX around a point of its own edge
      const e = g.edges.find((x) => x.id === id);
      const p = pointAlong(e, s.t);
      assert.deepEqual([s.x, s.y], [p.x, p.y]);
      assert.ok(Math.abs(s.box.x2 - s.box.x1 - LABEL_BOX.width) < 1e-9);
      assert.ok(Math.abs(s.box.y2 - s.box.y1 - LABEL_BOX.height) < 1e-9);
      for (const u of g.units) {
        // the nearest point of the box to the centre lies outside the circle
        const nx = Math.max(s.box.x1, Math.min(u.x, s.box.x2));
        const ny = Math.max(s.box.y1, Math.min(u.y, s.box.y2));
        assert.ok(Math.hypot(nx - u.x, ny - u.y) >= g.radius, `${shape}: ${id} on unit ${u.id}`);
      }
    }
    for (let a = 0; a < boxes.length; a += 1)
      for (let b = a + 1; b < boxes.length; b += 1)
        assert.ok(
          !intersect(boxes[a][1].box, boxes[b][1].box),
          `${shape}: labels ${boxes[a][0]} and ${boxes[b][0]} overlap`,
        );
  }
});

test('crossing edges of 2-2-1 get labels apart, not at the crossing', () => {
  const g = layoutNetwork([2, 2, 1]);
  const spots = placeLabels(g);
  // 1-0-1 (x2 → h1) and 1-1-0 (x1 → h2) cross at the middle of the first column
  const a = spots.get('1-0-1');
  const b = spots.get('1-1-0');
  assert.ok(!intersect(a.box, b.box));
  assert.ok(Math.abs(a.t - 0.5) > 0.05 || Math.abs(b.t - 0.5) > 0.05, 'one moves off the middle');
});
