import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  describeChange,
  forkBody,
  linkedRuns,
  OVERLAY_COLORS,
  overlay,
  proposed,
  updateRange,
} from '../../static/js/forks.js';

const network = {
  learning_rate: 0.5,
  l2: 0,
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  loss: 'squared_error',
  reduction: 'sum',
  train_biases: true,
};

test('the control proposes another value than the network has', () => {
  assert.equal(proposed('learning_rate', network), '1');
  assert.equal(proposed('learning_rate', { learning_rate: 800 }), '1000'); // the API's limit
  assert.equal(proposed('l2', network), '0.01');
  assert.equal(proposed('l2', { l2: 0.25 }), '0.5');
  assert.equal(proposed('hidden_activation', network), 'tanh');
  assert.equal(proposed('loss', network), 'cross_entropy');
  assert.equal(proposed('train_biases', network), 'false');
});

test("the fork's body holds the one setting, parsed; bad values are named", () => {
  assert.deepEqual(forkBody('learning_rate', '2.5'), { body: { learning_rate: 2.5 } });
  assert.deepEqual(forkBody('l2', '0'), { body: { l2: 0 } });
  assert.deepEqual(forkBody('train_biases', 'false'), { body: { train_biases: false } });
  assert.deepEqual(forkBody('reduction', 'mean'), { body: { reduction: 'mean' } });
  for (const text of ['0', '-1', '', 'fast', '1001', 'Infinity'])
    assert.match(forkBody('learning_rate', text).error, /^η must be a number above 0/);
  assert.match(forkBody('l2', '-0.1').error, /^λ \(L2\) must be a number 0 or more/);
  assert.match(forkBody('loss', 'hinge').error, /^J is one of squared_error, cross_entropy/);
  assert.match(forkBody('layers', '3').error, /cannot change layers/);
});

test('a change reads in the notes’ symbols', () => {
  assert.equal(describeChange({ learning_rate: 6 }), 'η = 6');
  assert.equal(describeChange({ hidden_activation: 'relu' }), 'hidden f = relu');
  assert.equal(describeChange({}), 'an exact copy');
});

test('the linked runs: the origin first, then the forks, at most four', () => {
  const link = (id, update, changed) => ({ id, update, entry: 1, changed });
  const forks = ['a', 'b', 'c', 'd', 'e'].map((id, n) => link(id, n, { l2: n }));
  const runs = linkedRuns({ origin: link('o', 20, { learning_rate: 6 }), forks });
  assert.deepEqual(
    runs.map((r) => [r.id, r.role]),
    [
      ['o', 'origin'],
      ['a', 'fork'],
      ['b', 'fork'],
      ['c', 'fork'],
    ],
  );
  assert.equal(runs[0].label, 'origin');
  assert.equal(runs[2].label, 'fork λ (L2) = 1');
  assert.deepEqual(linkedRuns({ origin: null, forks: [] }), []);
});

test("an overlaid curve is the run's J after each entry on its line", () => {
  const entries = [
    { entry: 0, update: 20, kind: 'create', loss: 0.5, branch: false },
    { entry: 1, update: 30, kind: 'step', loss: 0.4, branch: false },
    { entry: 2, update: 40, kind: 'step', loss: 0.3, branch: true },
  ];
  const curve = overlay({ id: 'f', label: 'fork' }, entries, 5);
  assert.deepEqual(curve.points, [
    { u: 20, J: 0.5 },
    { u: 30, J: 0.4 },
  ]);
  assert.equal(curve.color, OVERLAY_COLORS[1]);
  // a run not trained yet: one point, J now
  const fresh = [{ entry: 0, update: 0, kind: 'create', loss: 0.7, branch: false }];
  assert.deepEqual(overlay({ id: 'o' }, fresh, 0).points, [{ u: 0, J: 0.7 }]);
  assert.deepEqual(overlay({ id: 'o' }, [], 0).points, []);
});

test("the chart's update range covers its own points and every overlaid curve", () => {
  const own = [
    { u: 20, J: 1 },
    { u: 60, J: 0.5 },
  ];
  assert.deepEqual(updateRange(own), [20, 60]);
  assert.deepEqual(
    updateRange(own, [
      {
        points: [
          { u: 0, J: 2 },
          { u: 45, J: 1 },
        ],
      },
    ]),
    [0, 60],
  );
  assert.deepEqual(updateRange([], [{ points: [{ u: 7, J: 2 }] }]), [7, 8]);
  assert.deepEqual(updateRange([]), [0, 1]);
});
