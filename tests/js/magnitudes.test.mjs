import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerMagnitudes, logRange } from '../../static/js/magnitudes.js';
import { trace } from './mazur.mjs';

test("Mazur's network: mean and largest |δ| and |∂J/∂w| of each layer", () => {
  const [hidden, out] = layerMagnitudes(trace);
  assert.equal(hidden.layer, 1);
  assert.equal(hidden.deltaMax, 0.009954254);
  assert.equal(hidden.deltaMean, (0.008771354 + 0.009954254) / 2);
  assert.equal(out.deltaMax, 0.138498562);
  assert.equal(out.gradMax, 0.082667628);
  const g = [0.082167041, 0.082667628, 0.02260254, 0.022740242];
  assert.equal(out.gradMean, g.reduce((a, b) => a + b, 0) / 4);
  assert.ok(hidden.deltaMean < out.deltaMean / 4); // σ' ≤ ¼ between them
});

test('a forward answer has no magnitudes; the log axis spans the values', () => {
  const { net, activations } = trace;
  assert.deepEqual(layerMagnitudes({ net, activations }), []);
  assert.deepEqual(logRange([0.003, 0.2, 0]), [-3, 0]);
  assert.deepEqual(logRange([1]), [0, 1]);
  assert.deepEqual(logRange([]), [-1, 0]);
});
