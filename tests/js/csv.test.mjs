import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseCsv, toCsv } from '../../static/js/csv.js';

test('header names mark the target columns', () => {
  const r = parseCsv('x1,x2,x3,y\n1,2,3,0\n4,5,6,1\n', { inputs: 2, outputs: 1 });
  assert.deepEqual(r.errors, []);
  assert.equal(r.inputs, 3);
  assert.deepEqual(r.x, [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(r.y, [[0], [1]]);
});

test('without a header the network shape decides; semicolons and tabs work', () => {
  const r = parseCsv('0;0;1\n1;1;0', { inputs: 2, outputs: 1 });
  assert.deepEqual(r.x, [
    [0, 0],
    [1, 1],
  ]);
  assert.deepEqual(r.y, [[1], [0]]);
  assert.deepEqual(parseCsv('0.5\t-2\t3e-2', { inputs: 2, outputs: 1 }).y, [[0.03]]);
});

test('errors name the row and the column', () => {
  const r = parseCsv('x1,x2,y\n0,0,0\n0,abc,1\n1,1\n', { inputs: 2, outputs: 1 });
  assert.deepEqual(r.errors, [
    'row 3, column 2: "abc" is not a finite number',
    'row 4 has 2 values; expected 3 (2 inputs, 1 targets)',
  ]);
  assert.match(parseCsv('', { inputs: 2, outputs: 1 }).errors[0], /empty/);
  assert.match(parseCsv('1,2,Infinity', { inputs: 2, outputs: 1 }).errors[0], /column 3/);
});

test('toCsv round-trips at full precision', () => {
  const x = [[0.1 + 0.2, 1]];
  const y = [[0.7]];
  const text = toCsv(x, y);
  assert.equal(text.split('\n')[0], 'x1,x2,y1');
  const back = parseCsv(text, { inputs: 9, outputs: 9 });
  assert.deepEqual(back.x, x);
  assert.deepEqual(back.y, y);
});
