// In a class, a preset or a file is loaded into the student's own network by one PATCH.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CREATE_DEFAULTS, replaceBody } from '../../static/js/api.js';
import { before, LAYERS } from './mazur.mjs';

test('a preset’s full body (GET /api/presets/mazur) becomes a PATCH of every field', () => {
  const mazur = {
    ...CREATE_DEFAULTS,
    name: "Mazur's 2-2-2 example",
    train_biases: false,
    layers: LAYERS,
    ...before,
    dataset: { x: [[0.05, 0.1]], y: [[0.01, 0.99]] },
  };
  assert.deepEqual(replaceBody(mazur), mazur);
});

test('a hand-written file gets the create defaults, not the network’s own settings', () => {
  const body = replaceBody({ layers: [2, 3, 1] });
  const { name, ...defaults } = CREATE_DEFAULTS;
  assert.equal(name, null);
  assert.deepEqual(body, { ...defaults, layers: [2, 3, 1], dataset: null });
  assert.ok(!('weights' in body), 'weights drawn from the seed');
});

test('a generator is passed on; a dataset and a generator never both', () => {
  const spec = { generate: 'circle', n: 10 };
  const body = replaceBody({ layers: [2, 2, 1], generate: spec, seed: 4 });
  assert.equal(body.generate, spec);
  assert.equal(body.seed, 4);
  assert.ok(!('dataset' in body));
});
