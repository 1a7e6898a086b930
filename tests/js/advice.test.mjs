// Generated data trains with settings that suit it; saturated outputs are said, right ones not.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sizeAdvice, suitedFields, SUITED } from '../../static/js/generator.js';
import { SATURATED, saturation, saturationWarning } from '../../static/js/view.js';

// the default network (the XOR preset): sigmoid, squared error, η = 2, J summed
const xor = {
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  loss: 'squared_error',
  learning_rate: 2,
  reduction: 'sum',
  name: 'XOR',
  seed: 1,
};

test('a generated spiral leaves XOR’s η = 2 and summed loss, and its name', () => {
  const fields = suitedFields('spiral', xor);
  assert.deepEqual(fields, {
    seed: 1, // the weights drawn again: a new data set is a new start
    hidden_activation: 'tanh',
    loss: 'cross_entropy',
    reduction: 'mean',
    learning_rate: 1,
    name: 'Spiral (generated)',
  });
  // what already suits is not sent again
  assert.deepEqual(Object.keys(suitedFields('circle', { ...xor, ...SUITED })), ['seed', 'name']);
  assert.equal(suitedFields('xor', xor).name, 'XOR cloud (generated)');
});

test('too few hidden units for the shape are said; enough are not', () => {
  assert.match(
    sizeAdvice('spiral', [2, 2, 1]),
    /spiral needs more hidden units than this network's 2/,
  );
  assert.equal(sizeAdvice('spiral', [2, 12, 12, 1]), '');
  assert.equal(sizeAdvice('gaussians', [2, 1, 1]), '');
  assert.match(sizeAdvice('circle', [2, 2, 1]), /at least 3/);
});

test('every o at 0.9999 on half the examples: saturated and wrong, and said so', () => {
  const y = [[0], [1], [1], [0]];
  const stuck = [[0.9999], [0.9999], [0.9999], [0.9999]];
  const counts = saturation(stuck, y, 'sigmoid');
  assert.deepEqual(counts, { saturated: 4, wrong: 2, total: 4 });
  const text = saturationWarning(counts, 'squared_error');
  assert.match(
    text,
    /^Saturated outputs: 4 of 4 are within 0.001 of a bound of f, 2 of them on the wrong side/,
  );
  assert.match(text, /f′\(net\) ≈ 0, so δ and every Δw are nearly 0/);
  assert.match(saturationWarning(counts, 'cross_entropy'), /overshoot/);
});

test('a trained network’s right answers near 0 and 1 are no warning; nor unsaturated ones', () => {
  const y = [[0], [1], [1], [0]];
  const right = saturation([[0.0001], [0.9999], [0.9995], [0.0002]], y, 'sigmoid');
  assert.equal(right.wrong, 0);
  assert.equal(saturationWarning(right, 'squared_error'), '');
  const middling = saturation([[0.4], [0.6], [0.45], [0.5]], y, 'sigmoid');
  assert.equal(middling.saturated, 0);
  assert.equal(saturationWarning(middling, 'squared_error'), '');
  // the bound is SATURATED from 0 or 1, no more
  assert.equal(saturation([[1 - SATURATED * 1.01]], [[0]], 'sigmoid').saturated, 0);
  // tanh saturates at ±1; relu and linear outputs never do
  assert.equal(saturation([[-0.99995]], [[1]], 'tanh').wrong, 1);
  assert.equal(saturation([[5]], [[0]], 'relu'), null);
  // a pass over fewer examples than the targets (an online step's first) says nothing
  assert.equal(saturation([[0.9999]], y, 'sigmoid'), null);
});
