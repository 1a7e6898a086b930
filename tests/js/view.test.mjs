import assert from 'node:assert/strict';
import { test } from 'node:test';

import { outputRange, unitValues } from '../../static/js/view.js';

const trace = {
  activations: [[[0, 1], [1, 1]], [[0.25], [0.75]]],
  net: [[[-1.1], [1.1]]],
  deltas: [[[0.1], [-0.2]]],
};

test('unit values for one example: o everywhere, net and δ past the inputs, y on outputs', () => {
  const m = unitValues([2, 1], trace, 1, [[0], [1]]);
  assert.deepEqual(m.get('0-0'), { o: 1 });
  assert.deepEqual(m.get('1-0'), { o: 0.75, net: 1.1, delta: -0.2, y: 1 });
  assert.equal(m.size, 3);
});

test('no numbers for an example the trace does not hold, nor before Forward', () => {
  assert.equal(unitValues([2, 1], trace, 2, null).size, 0);
  assert.equal(unitValues([2, 1], null, 0, null).size, 0);
  const forwardOnly = { activations: trace.activations, net: trace.net };
  assert.equal(unitValues([2, 1], forwardOnly, 0, null).get('1-0').delta, undefined);
});

test('fill ranges follow the activation', () => {
  assert.deepEqual(outputRange('sigmoid'), [0, 1]);
  assert.deepEqual(outputRange('tanh'), [-1, 1]);
  assert.deepEqual(outputRange('linear', [[3], [-2]]), [-2, 3]);
  assert.deepEqual(outputRange('relu', [[0.5]]), [0, 1]);
});
