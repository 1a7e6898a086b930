import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  contourLevels,
  contours,
  parameterPaths,
  pathLabel,
  pathTaken,
} from '../../static/js/contours.js';

/** values[i][j] = f(x_i, y_j) on an n × n grid over [-1, 1]², and the grid's step. */
function grid(n, f) {
  const at = (i) => -1 + (2 * i) / (n - 1);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => f(at(i), at(j))));
}
const toXY = ([i, j], n) => [-1 + (2 * i) / (n - 1), -1 + (2 * j) / (n - 1)];

test('a plane: each level is the straight line where it equals the level', () => {
  const n = 11;
  const values = grid(n, (x, y) => 2 * x + y);
  const [{ segments }] = contours(values, [0.5]);
  assert.ok(segments.length >= n - 1);
  for (const seg of segments)
    for (const p of seg) {
      const [x, y] = toXY(p, n);
      assert.ok(Math.abs(2 * x + y - 0.5) < 1e-12, `${x}, ${y}`); // exact for a linear field
    }
});

test('a bowl: the contour of level L lies near the circle of radius √L', () => {
  const n = 41;
  const values = grid(n, (x, y) => x * x + y * y);
  for (const { level, segments } of contours(values, [0.123, 0.456, 0.789])) {
    assert.ok(segments.length > 20);
    for (const seg of segments)
      for (const p of seg) {
        const [x, y] = toXY(p, n);
        // linear interpolation along an edge of step h errs by at most h²/4 in x² + y²
        assert.ok(Math.abs(x * x + y * y - level) <= (2 / (n - 1)) ** 2 / 4 + 1e-12);
      }
    // closed: every end point is shared by exactly two segments
    const key = (p) => p.map((c) => c.toFixed(9)).join(',');
    const ends = new Map();
    for (const seg of segments) for (const p of seg) ends.set(key(p), (ends.get(key(p)) || 0) + 1);
    assert.ok([...ends.values()].every((c) => c === 2));
  }
});

test('a level outside the values, and cells with an overflowed value, draw nothing', () => {
  const values = grid(5, (x, y) => x + y);
  assert.deepEqual(contours(values, [10])[0].segments, []);
  values[2][2] = null;
  const segs = contours(values, [0.01])[0].segments;
  for (const seg of segs)
    for (const [i, j] of seg) assert.ok(!(i > 1 && i < 3 && j > 1 && j < 3), `${i}, ${j}`);
});

test('a saddle cell pairs its four crossings without crossing lines', () => {
  const values = [
    [1, 0],
    [0, 1],
  ]; // centre 0.5
  const [{ segments }] = contours(values, [0.6]); // centre below: the 1s are cut off apart
  assert.equal(segments.length, 2);
  for (const seg of segments) {
    const corner = seg[0][0] + seg[0][1] < 1 ? [0, 0] : [1, 1];
    for (const [i, j] of seg) assert.ok(Math.hypot(i - corner[0], j - corner[1]) < 0.5);
  }
});

test('levels: log-spaced from the least to the largest J, evenly when the least is 0', () => {
  const levels = contourLevels(
    [
      [1, 10],
      [100, null],
    ],
    3,
  );
  assert.equal(levels.length, 3);
  const ratios = [levels[1] / levels[0], levels[2] / levels[1]];
  assert.ok(Math.abs(ratios[0] - ratios[1]) < 1e-12 && levels[0] > 1 && levels[2] < 100);
  assert.deepEqual(contourLevels([[0, 4]], 3), [1, 2, 3]);
  assert.deepEqual(contourLevels([[2, 2]], 3), []);
});

test("parameter paths follow trace.json, labels use the notes' symbols, the path is read by column", () => {
  assert.deepEqual(parameterPaths([2, 2, 1]), [
    'weights[0][0][0]',
    'weights[0][0][1]',
    'weights[0][1][0]',
    'weights[0][1][1]',
    'weights[1][0][0]',
    'weights[1][0][1]',
    'biases[0][0]',
    'biases[0][1]',
    'biases[1][0]',
  ]);
  assert.equal(pathLabel('weights[0][1][0]'), 'w₁₀ into layer 1');
  assert.equal(pathLabel('weights[2][12][3]'), 'w₁₂,₃ into layer 3');
  assert.equal(pathLabel('biases[1][0]'), 'b₀ of layer 2');
  const trace = {
    columns: ['update', 'loss', 'weights[0][0][0]', 'biases[0][0]'],
    data: [
      [0, 1, 0.5, 0.1],
      [1, 0.9, 0.6, 0.2],
    ],
  };
  assert.deepEqual(pathTaken(trace, 'biases[0][0]', 'weights[0][0][0]'), [
    [0.1, 0.5],
    [0.2, 0.6],
  ]);
  assert.deepEqual(pathTaken(trace, 'biases[9][0]', 'weights[0][0][0]'), []);
});
