import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickAction, stableBounds, targetFor, toInput, toPixel } from '../../static/js/points.js';

const bounds = [
  [-1, 1],
  [-2, 2],
];

test('a pixel maps to the input under it, and back', () => {
  assert.deepEqual(toInput(0, 0, 200, 100, bounds), [-1, 2]); // top left
  assert.deepEqual(toInput(200, 100, 200, 100, bounds), [1, -2]); // bottom right
  assert.deepEqual(toInput(50, 75, 200, 100, bounds), [-0.5, -1]);
  assert.deepEqual(toPixel(-0.5, -1, 200, 100, bounds), [50, 75]);
});

test('click adds class 1, shift-click class 0, alt-click removes', () => {
  assert.equal(clickAction({}), 'add1');
  assert.equal(clickAction({ shiftKey: true }), 'add0');
  assert.equal(clickAction({ altKey: true }), 'remove');
  assert.equal(clickAction({ altKey: true, shiftKey: true }), 'remove');
});

test('targets: one column, or one-hot with class 1 the second output', () => {
  assert.deepEqual(targetFor(1, 1), [1]);
  assert.deepEqual(targetFor(0, 1), [0]);
  assert.deepEqual(targetFor(1, 2), [0, 1]);
  assert.deepEqual(targetFor(0, 3), [1, 0, 0]);
});

test('generated data keep the square [-1.2, 1.2]²; other data are padded by 10 %', () => {
  const square = [
    [-1.2, 1.2],
    [-1.2, 1.2],
  ];
  assert.deepEqual(
    stableBounds([
      [-0.5, 0.3],
      [0.9, -0.2],
    ]),
    square,
  );
  assert.deepEqual(
    stableBounds([
      [0, 0],
      [1, 1],
    ]),
    [
      [-0.1, 1.1],
      [-0.1, 1.1],
    ],
  );
});
