import assert from 'node:assert/strict';
import { test } from 'node:test';

import { activationRange, picturesUnits, unitGrids } from '../../static/js/unitmaps.js';

test('pictures for 2 inputs and up to 16 hidden units', () => {
  assert.ok(picturesUnits([2, 2, 1]));
  assert.ok(picturesUnits([2, 8, 8, 3]));
  assert.ok(picturesUnits([2, 1]));
  assert.ok(!picturesUnits([2, 9, 8, 1]));
  assert.ok(!picturesUnits([3, 2, 1]));
});

test('ranges: what the activation can reach, else what the values reach', () => {
  assert.deepEqual(activationRange('sigmoid', [0.4, 0.5]), [0, 1]);
  assert.deepEqual(activationRange('tanh', [0.4]), [-1, 1]);
  assert.deepEqual(activationRange('relu', [0, 3, 1.5]), [0, 3]);
  assert.deepEqual(activationRange('linear', [2, 2]), [1, 3]);
});

test('one grid per hidden and output unit, columns of the answer, in grid order', () => {
  // 3 grid points; 2-2-3-2 network: hidden layers of 2 and 3, two outputs
  const answer = {
    hidden: [
      [
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
      [
        [-1, 0, 1],
        [-2, 0, 2],
        [-3, 0, 3],
      ],
    ],
    output: [
      [0.7, 0.8],
      [0.75, 0.85],
      [0.9, 0.95],
    ],
  };
  const net = { layers: [2, 2, 3, 2], hidden_activation: 'relu', output_activation: 'sigmoid' };
  const grids = unitGrids(answer, net);
  assert.deepEqual([...grids.keys()], ['1-0', '1-1', '2-0', '2-1', '2-2', '3-0', '3-1']);
  assert.deepEqual(grids.get('1-1').values, [0.2, 0.4, 0.6]);
  assert.deepEqual(grids.get('1-1').range, [0.2, 0.6]);
  assert.deepEqual(grids.get('2-2').values, [1, 2, 3]);
  assert.deepEqual(grids.get('3-1'), { values: [0.8, 0.85, 0.95], range: [0, 1] });
  // an answer without hidden layers: the output units alone
  assert.deepEqual([...unitGrids({ output: answer.output }, net).keys()], ['3-0', '3-1']);
});
