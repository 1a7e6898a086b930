import assert from 'node:assert/strict';
import { test } from 'node:test';

import { layoutNetwork, pointAlong, showsAllLabels } from '../../static/js/layout.js';

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
