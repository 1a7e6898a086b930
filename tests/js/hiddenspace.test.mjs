import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NEGATIVE, POSITIVE } from '../../static/js/colors.js';
import {
  classOf,
  clipLine,
  decisionLine,
  HALF_AT,
  hiddenPoints,
  lastHidden,
  onTheirSide,
  plotBounds,
  toPlot,
} from '../../static/js/hiddenspace.js';

const sigmoid = (net) => 1 / (1 + Math.exp(-net));
const xor = {
  layers: [2, 2, 1],
  output_activation: 'sigmoid',
  weights: [
    [
      [1, 2],
      [3, 4],
    ],
    [[5, -6]],
  ],
  biases: [[0, 0], [0.5]],
};

test('the last hidden layer, or none', () => {
  assert.deepEqual(lastHidden([2, 2, 1]), { k: 1, units: 2 });
  assert.deepEqual(lastHidden([2, 8, 3, 1]), { k: 2, units: 3 });
  assert.equal(lastHidden([2, 1]), null);
});

test('one output unit: the line is where o = ½, for each f', () => {
  assert.deepEqual(decisionLine(xor, [0, 1]), { a: 5, b: -6, c: 0.5, rule: 'net = 0' });
  for (const [f, inverse] of [
    ['tanh', (o) => Math.atanh(o)],
    ['relu', (o) => o],
    ['linear', (o) => o],
  ]) {
    const line = decisionLine({ ...xor, output_activation: f }, [0, 1]);
    assert.ok(Math.abs(line.c - (0.5 - inverse(0.5))) < 1e-15);
    assert.equal(HALF_AT[f], inverse(0.5));
  }
  // o at a point on the line is ½ (sigmoid)
  const { a, b, c } = decisionLine(xor, [0, 1]);
  const x = 0.3;
  const y = -(a * x + c) / b;
  assert.ok(Math.abs(sigmoid(5 * x - 6 * y + 0.5) - 0.5) < 1e-15);
});

test('two output units: the line is net₁ = net₂; three: none', () => {
  const two = {
    ...xor,
    layers: [2, 2, 2],
    weights: [
      xor.weights[0],
      [
        [1, 2],
        [4, -1],
      ],
    ],
    biases: [
      [0, 0],
      [0.5, -0.25],
    ],
  };
  const line = decisionLine(two, [0, 1]);
  assert.deepEqual([line.a, line.b, line.c, line.flip], [-3, 3, 0.75, true]);
  const three = { ...two, layers: [2, 2, 3] };
  assert.match(decisionLine(three, [0, 1]).why, /3 output units/);
});

test('three hidden units: no line, and why', () => {
  const wide = { ...xor, layers: [2, 3, 1] };
  assert.match(decisionLine(wide, [0, 2]).why, /other 1 hidden unit,/);
  assert.match(decisionLine({ ...xor, layers: [2, 5, 1] }, [0, 2]).why, /other 3 hidden units/);
  assert.match(decisionLine({ ...xor, layers: [2, 1, 1] }, [0, 0]).why, /needs 2 units/);
});

test('the line is clipped to the plot: both ends on its edge and on the line', () => {
  const box = [
    [0, 1],
    [0, 1],
  ];
  const on = ({ a, b, c }, [x, y]) => Math.abs(a * x + b * y + c) < 1e-12;
  const diagonal = { a: 1, b: -1, c: 0 };
  assert.deepEqual(clipLine(diagonal, box), [
    [0, 0],
    [1, 1],
  ]);
  const steep = { a: 5, b: -6, c: 0.5 };
  const ends = clipLine(steep, box);
  assert.equal(ends.length, 2);
  for (const end of ends) {
    assert.ok(on(steep, end));
    assert.ok(end.some((v) => v === 0 || v === 1));
  }
  assert.deepEqual(clipLine({ a: 0, b: 1, c: -0.25 }, box), [
    [0, 0.25],
    [1, 0.25],
  ]);
  assert.deepEqual(clipLine({ a: 1, b: 0, c: -0.75 }, box), [
    [0.75, 0],
    [0.75, 1],
  ]);
  assert.equal(clipLine({ a: 1, b: 1, c: 5 }, box), null); // misses the plot
  assert.equal(clipLine({ a: 1, b: 1, c: 0 }, box), null); // touches one corner only
});

test('the plot covers f’s range, or the points', () => {
  assert.deepEqual(plotBounds('sigmoid', []), [
    [-0.05, 1.05],
    [-0.05, 1.05],
  ]);
  assert.deepEqual(plotBounds('tanh', [])[0], [-1.05, 1.05]);
  const relu = plotBounds('relu', [{ o: [0, 3] }, { o: [2, 0.5] }]);
  assert.ok(relu[0][0] < 0 && relu[0][1] > 2 && relu[1][0] < 0 && relu[1][1] > 3);
});

test('points carry the o of the two chosen units, the target and its colour', () => {
  const hidden = [
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ];
  const points = hiddenPoints(hidden, [[0], [1]], [2, 0]);
  assert.deepEqual(
    points.map((p) => [p.i, p.o, p.cls, p.color]),
    [
      [0, [0.3, 0.1], 0, NEGATIVE],
      [1, [0.6, 0.4], 1, POSITIVE],
    ],
  );
  assert.equal(classOf([0, 1]), 1);
  assert.equal(classOf([1, 1]), null);
  assert.equal(classOf([0.5]), null);
  const regression = hiddenPoints(hidden, [[0.5], [2]], [0, 1], [0, 2]);
  assert.deepEqual(
    regression.map((p) => p.cls),
    [null, null],
  );
  assert.match(regression[1].color, /^rgb\(0, 114, 178\)$/);
});

test('examples on their class’s side: where the output says their class', () => {
  const line = { a: 1, b: 0, c: -0.5 }; // class 1 where o_a ≥ ½
  const pts = [
    { o: [0.9, 0], cls: 1 },
    { o: [0.1, 0], cls: 0 },
    { o: [0.2, 0], cls: 1 },
  ];
  assert.deepEqual(onTheirSide(pts, line), { right: 2, of: 3 });
  assert.deepEqual(onTheirSide(pts, { ...line, flip: true }), { right: 1, of: 3 });
  assert.equal(onTheirSide([{ o: [0, 0], cls: null }], line), null);
  assert.equal(onTheirSide(pts, { why: 'none' }), null);
});

test('plot coordinates put y up', () => {
  const box = [
    [0, 1],
    [0, 2],
  ];
  assert.deepEqual(toPlot([0, 0], box, 100), [0, 100]);
  assert.deepEqual(toPlot([1, 2], box, 100), [100, 0]);
});
