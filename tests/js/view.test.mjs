import assert from 'node:assert/strict';
import { test } from 'node:test';

import { edgeName, unitName } from '../../static/js/layout.js';
import { exists, lossScale, numberRows, outputRange, unitValues } from '../../static/js/view.js';

const trace = {
  activations: [
    [
      [0, 1],
      [1, 1],
    ],
    [[0.25], [0.75]],
  ],
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

test('loss scale: linear from 0, or log between powers of ten', () => {
  const lin = lossScale([0.5, 0.25, 0.1], false);
  assert.equal(lin.frac(0), 0);
  assert.ok(Math.abs(lin.frac(0.525) - 1) < 1e-12);
  assert.deepEqual(
    lin.ticks.map((t) => Math.round(t * 1e4) / 1e4),
    [0, 0.2625, 0.525],
  );
  const log = lossScale([0.5, 0.02, 0.003], true);
  assert.deepEqual(log.ticks, [1e-3, 1e-1, 1]);
  assert.ok(Math.abs(log.frac(0.01) - 1 / 3) < 1e-12);
  assert.equal(log.frac(0), 0);
  assert.equal(log.frac(1), 1);
});

test('a selection survives only while its unit or edge exists', () => {
  assert.equal(exists({ type: 'unit', id: '2-1' }, [2, 3, 2]), true);
  assert.equal(exists({ type: 'unit', id: '2-2' }, [2, 3, 2]), false);
  assert.equal(exists({ type: 'edge', id: '1-2-1' }, [2, 3, 2]), true);
  assert.equal(exists({ type: 'edge', id: '1-2-2' }, [2, 3, 2]), false);
  assert.equal(exists({ type: 'bias', id: '0-0' }, [2, 3, 2]), false);
  assert.equal(exists({ type: 'edge', id: '3-0-0' }, [2, 3, 2]), false);
  assert.equal(exists(null, [2, 1]), false);
});

test('the graph as tables: every unit and weight, named as the graph names them', () => {
  const layers = [2, 1];
  const names = {
    unit: (k, r) => unitName(layers, k, r),
    edge: (k, r, q) => edgeName(layers, k, r, q),
  };
  const shown = {
    weights: [[[0.5, -0.25]]],
    biases: [[0.1]],
    units: unitValues(layers, trace, 1, [[0], [1]]),
    edges: {
      gradients: { weights: [[[0.01, 0.02]]], biases: [[0.03]] },
      weight_deltas: [[[-0.1, -0.2]]],
      bias_deltas: [[-0.3]],
    },
  };
  const rows = numberRows(layers, shown, names);
  assert.deepEqual(
    rows.units.map((u) => [u.name, u.net, u.o, u.delta, u.y]),
    [
      ['x1', undefined, 1, undefined, undefined],
      ['x2', undefined, 1, undefined, undefined],
      ['out1', 1.1, 0.75, -0.2, 1],
    ],
  );
  assert.deepEqual(
    rows.weights.map((w) => [w.name, w.w, w.gradient, w.deltaW]),
    [
      ['x1 → out1', 0.5, 0.01, -0.1],
      ['x2 → out1', -0.25, 0.02, -0.2],
      ['bias of out1', 0.1, 0.03, -0.3],
    ],
  );
  // before Backward: the weights alone
  const before = numberRows(layers, { ...shown, edges: null }, names);
  assert.deepEqual(before.weights[0], {
    id: '1-0-0',
    name: 'x1 → out1',
    w: 0.5,
    gradient: undefined,
    deltaW: undefined,
  });
});
