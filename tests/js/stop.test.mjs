import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextEpochs, parseConditions, stopReason } from '../../static/js/stop.js';

const none = { loss: null, accuracy: null, epochs: null };

test('empty inputs are no conditions; accuracy is given in per cent', () => {
  assert.deepEqual(parseConditions({}), none);
  assert.deepEqual(parseConditions({ loss: '0.05', accuracy: '95', epochs: '200' }), {
    loss: 0.05,
    accuracy: 0.95,
    epochs: 200,
  });
  assert.deepEqual(parseConditions({ loss: 'abc', accuracy: ' ', epochs: '2.5' }), none);
  assert.equal(parseConditions({ epochs: '0' }).epochs, null);
});

test('each condition stops at or past its target, and only then', () => {
  const at = (c, s) => stopReason({ ...none, ...c }, { loss: 1, accuracy: null, epochs: 0, ...s });
  assert.equal(at({}, { loss: 0 }), null);
  assert.equal(at({ loss: 0.1 }, { loss: 0.11 }), null);
  assert.equal(at({ loss: 0.1 }, { loss: 0.1 }), 'J reached 0.1 or less');
  assert.equal(at({ accuracy: 0.9 }, { accuracy: 0.89 }), null);
  assert.equal(at({ accuracy: 0.9 }, { accuracy: null }), null); // no classes: never
  assert.equal(at({ accuracy: 0.9 }, { accuracy: 1 }), 'accuracy reached 90 % or more');
  assert.equal(at({ epochs: 30 }, { epochs: 29 }), null);
  assert.equal(at({ epochs: 30 }, { epochs: 30 }), '30 epochs done');
});

test('the last request asks only for the epochs left', () => {
  assert.equal(nextEpochs(100, none, 0), 100);
  assert.equal(nextEpochs(100, { ...none, epochs: 250 }, 200), 50);
  assert.equal(nextEpochs(5, { ...none, epochs: 250 }, 200), 5);
  assert.equal(nextEpochs(5, { ...none, epochs: 250 }, 250), 1);
});
