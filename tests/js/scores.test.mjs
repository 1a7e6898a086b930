import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreText } from '../../static/js/status.js';

test('both sets with their J and accuracy; accuracy left out where there is none', () => {
  assert.equal(scoreText(null), '');
  const both = {
    train: { loss: 0.25, accuracy: 0.9375, examples: 16 },
    test: { loss: 0.5, accuracy: 0.75, examples: 4 },
  };
  assert.equal(
    scoreText(both),
    'Training: J = 0.25, accuracy 93.8 % (16) · test: J = 0.5, accuracy 75 % (4)',
  );
  assert.equal(
    scoreText({ train: { loss: 0.125, accuracy: null, examples: 1 }, test: null }),
    'Training: J = 0.125 (1)',
  );
});
