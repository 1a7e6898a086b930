import assert from 'node:assert/strict';
import { test } from 'node:test';

import { confusionTables } from '../../static/js/confusion.js';
import { modeFields, modeNote, parseBatchSize, traceTargets } from '../../static/js/updatemode.js';

test('a table per part with classes: rows the true class, the diagonal the right ones', () => {
  const evaluation = {
    train: {
      loss: 1,
      accuracy: 0.75,
      examples: 8,
      confusion: [
        [3, 1],
        [1, 3],
      ],
    },
    test: {
      loss: 2,
      accuracy: 0.5,
      examples: 2,
      confusion: [
        [0, 1],
        [0, 1],
      ],
    },
  };
  const [train, test] = confusionTables(evaluation);
  assert.deepEqual(train.classes, ['0', '1']);
  assert.deepEqual(
    train.rows.map((r) => [r.label, r.counts]),
    [
      ['0', [3, 1]],
      ['1', [1, 3]],
    ],
  );
  assert.equal(train.right / train.total, evaluation.train.accuracy);
  assert.equal(test.right / test.total, evaluation.test.accuracy);
  assert.equal(test.title, 'Test');
});

test('three classes, and parts without classes or without a test part have no table', () => {
  const c = [
    [2, 0, 1],
    [0, 3, 0],
    [1, 1, 2],
  ];
  const [t] = confusionTables({ train: { accuracy: 0.7, examples: 10, confusion: c }, test: null });
  assert.deepEqual(t.classes, ['0', '1', '2']);
  assert.equal(t.right, 7);
  assert.equal(t.total, 10);
  assert.deepEqual(confusionTables({ train: { accuracy: null, confusion: null }, test: null }), []);
  assert.deepEqual(confusionTables(null), []);
});

test('the step body carries B with mini-batches only', () => {
  assert.deepEqual(modeFields('batch', 4), { mode: 'batch' });
  assert.deepEqual(modeFields('online', 4), { mode: 'online' });
  assert.deepEqual(modeFields('minibatch', 4), { mode: 'minibatch', batch_size: 4 });
  assert.equal(parseBatchSize('3'), 3);
  for (const bad of ['0', '-1', '2.5', '', 'x']) assert.equal(parseBatchSize(bad), null);
});

test("a mini-batch trace's rows take their own examples' targets", () => {
  const y = [[0], [1], [1], [0], [1]];
  assert.deepEqual(traceTargets({ minibatch: [1, 3, 4] }, y), [[1], [0], [1]]);
  assert.equal(traceTargets({ activations: [] }, y), y);
  assert.equal(traceTargets(null, y), y);
  assert.match(modeNote('minibatch', { minibatch: [1, 3, 4] }), /examples 2, 4, 5/);
  assert.match(modeNote('online', null), /example 1 alone/);
  assert.equal(modeNote('batch', null), '');
});
