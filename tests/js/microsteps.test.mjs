import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  announcement,
  cardView,
  describe,
  microSteps,
  shownTrace,
  stepOf,
  subject,
  termsOf,
} from '../../static/js/microsteps.js';

import { LAYERS, trace } from './mazur.mjs';

const forwardTrace = (({ net, activations, output, loss }) => ({ net, activations, output, loss }))(
  trace,
);

test('forward: net and o layer by layer, unit by unit, then J', () => {
  assert.deepEqual(microSteps(LAYERS, 'forward'), [
    { kind: 'unit', k: 1, r: 0 },
    { kind: 'unit', k: 1, r: 1 },
    { kind: 'unit', k: 2, r: 0 },
    { kind: 'unit', k: 2, r: 1 },
    { kind: 'loss' },
  ]);
});

test('backward: δ of the outputs, then of the hidden units, then each weight and bias', () => {
  const steps = microSteps(LAYERS, 'backward');
  const names = steps.map((s) => `${s.kind} ${[s.k, s.r, s.q].filter((v) => v !== undefined)}`);
  assert.deepEqual(names, [
    'delta 2,0',
    'delta 2,1',
    'delta 1,0',
    'delta 1,1',
    'weight 2,0,0',
    'weight 2,0,1',
    'bias 2,0',
    'weight 2,1,0',
    'weight 2,1,1',
    'bias 2,1',
    'weight 1,0,0',
    'weight 1,0,1',
    'bias 1,0',
    'weight 1,1,0',
    'weight 1,1,1',
    'bias 1,1',
  ]);
  // a deeper network: every δ of layer k comes after every δ of layer k+1
  const deep = microSteps([3, 4, 5, 2], 'backward').filter((s) => s.kind === 'delta');
  assert.deepEqual(
    deep.map((s) => s.k),
    [3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1],
  );
  // one step per weight and bias: 3·4 + 4·5 + 5·2 weights, 4 + 5 + 2 biases
  const grads = microSteps([3, 4, 5, 2], 'backward').filter((s) => s.kind !== 'delta');
  assert.equal(grads.length, 12 + 20 + 10 + 11);
});

test("each step announces what it computed, with Mazur's numbers", () => {
  const steps = microSteps(LAYERS, 'backward');
  const said = steps.map((s) => describe(s, trace, 0, LAYERS));
  assert.equal(said[0], 'δ of out1 = −0.1385');
  assert.equal(said[1], 'δ of out2 = 0.0381');
  assert.equal(said[2], 'δ of h1 = −0.008771');
  assert.equal(said[4], '∂J/∂w from h1 to out1 = 0.08217'); // his ∂E/∂w5 = 0.082167041
  assert.equal(said[10], '∂J/∂w from x1 to h1 = 0.0004386'); // ∂E/∂w1 = 0.000438568
  assert.equal(said[6], '∂J/∂b of out1 = 0.1385');
  const fwd = microSteps(LAYERS, 'forward').map((s) => describe(s, trace, 0, LAYERS));
  assert.deepEqual(fwd, [
    'net of h1 = 0.3775, o of h1 = 0.5933',
    'net of h2 = 0.3925, o of h2 = 0.5969',
    'net of out1 = 1.1059, o of out1 = 0.7514',
    'net of out2 = 1.2249, o of out2 = 0.7729',
    'J = 0.2984',
  ]);
});

test('several examples: units say which example, weights and J say the sum over the batch', () => {
  const two = {
    ...trace,
    activations: trace.activations.map((a) => [a[0], a[0]]),
    deltas: trace.deltas.map((d) => [d[0], [d[0][0] * 2, d[0][1] * 2]]),
  };
  assert.equal(
    describe({ kind: 'delta', k: 2, r: 0 }, two, 1, LAYERS),
    'δ of out1 = −0.277 (example 2)',
  );
  assert.equal(
    describe({ kind: 'weight', k: 2, r: 0, q: 0 }, two, 1, LAYERS),
    '∂J/∂w from h1 to out1 = 0.08217 (Σ over 2 examples)',
  );
  assert.equal(
    describe({ kind: 'unit', k: 1, r: 0 }, two, 0, [2, 2, 2, 1]),
    'net of h1.1 = 0.3775, o of h1.1 = 0.5933 (example 1)',
  );
});

test('the announcement: the start, each step with its number, the last, and going back', () => {
  const steps = microSteps(LAYERS, 'backward');
  const say = (n, how) => announcement(trace, 'backward', steps, n, 0, LAYERS, how);
  assert.equal(
    say(0, 'start'),
    'Backward pass, step by step: 16 steps; net and o are shown, no δ yet. Press → (Next step) for each.',
  );
  assert.equal(say(1, 'next'), 'δ of out1 = −0.1385 (step 1 of 16).');
  assert.equal(say(1, 'back'), 'Back to step 1 of 16: δ of out1 = −0.1385.');
  assert.equal(
    say(0, 'back'),
    'Back to the start of the backward pass: net and o are shown, no δ yet.',
  );
  assert.match(
    say(16, 'next'),
    /^∂J\/∂b of h2 = 0\.009954 \(step 16 of 16\)\. The whole backward pass is shown\. Update \(U\)/,
  );
  const fsteps = microSteps(LAYERS, 'forward');
  assert.match(
    announcement(trace, 'forward', fsteps, 5, 0, LAYERS, 'next'),
    /^J = 0\.2984 \(step 5 of 5\)\. .*Backward \(B\)/,
  );
});

test('forward: after n steps only the first n units (and the inputs) have net and o', () => {
  const steps = microSteps(LAYERS, 'forward');
  const at0 = shownTrace(forwardTrace, 'forward', steps, 0);
  assert.deepEqual(at0.activations[0], [[0.05, 0.1]], 'the inputs are given');
  assert.deepEqual(at0.activations[1], [[undefined, undefined]]);
  assert.deepEqual(at0.net, [[[undefined, undefined]], [[undefined, undefined]]]);
  assert.equal(at0.loss, null);
  const at3 = shownTrace(forwardTrace, 'forward', steps, 3);
  assert.deepEqual(at3.net, [[[0.3775, 0.3925]], [[1.105905967, undefined]]]);
  assert.deepEqual(at3.activations[2], [[0.75136507, undefined]]);
  assert.deepEqual(at3.output, [[0.75136507, undefined]]);
  assert.equal(at3.loss, null);
  const all = shownTrace(forwardTrace, 'forward', steps, 5);
  assert.deepEqual(all, forwardTrace);
  assert.deepEqual(forwardTrace.net[0], [[0.3775, 0.3925]], 'the payload itself is left alone');
});

test('backward: δ out1 before δ h1; the gradients only once every δ is there', () => {
  const steps = microSteps(LAYERS, 'backward');
  const at = (n) => shownTrace(trace, 'backward', steps, n);
  assert.deepEqual(at(0).net, trace.net, 'net and o from the start');
  assert.equal(at(0).loss, trace.loss);
  assert.deepEqual(at(1).deltas, [[[undefined, undefined]], [[-0.138498562, undefined]]]);
  assert.deepEqual(at(3).deltas, [[[-0.008771354, undefined]], [[-0.138498562, 0.038098236]]]);
  assert.deepEqual(at(4).gradients.weights[1], [
    [undefined, undefined],
    [undefined, undefined],
  ]);
  const five = at(5);
  assert.equal(five.gradients.weights[1][0][0], 0.082167041);
  assert.equal(five.weight_deltas[1][0][0], -0.04108352);
  assert.equal(five.gradients.weights[1][0][1], undefined);
  assert.equal(five.gradients.biases[1][0], undefined);
  assert.equal(at(7).gradients.biases[1][0], 0.138498562);
  assert.equal(at(7).bias_deltas[1][0], -0.069249281);
  assert.deepEqual(at(16), trace);
});

test('the edges of Σ_l w_lj δ_l light up for a hidden δ; a unit’s inputs for its net', () => {
  const steps = microSteps(LAYERS, 'backward');
  // δ of h1 (j = 1): w_11 and w_21 into the outputs (weights[1][0][0] and weights[1][1][0])
  assert.deepEqual(termsOf(steps[2], LAYERS), {
    units: ['2-0', '2-1'],
    weights: ['2-0-0', '2-1-0'],
    biases: [],
  });
  assert.deepEqual(termsOf(steps[0], LAYERS), { units: ['2-0'], weights: [], biases: [] });
  assert.deepEqual(termsOf(steps[5], LAYERS), {
    units: ['2-0', '1-1'],
    weights: ['2-0-1'],
    biases: [],
  });
  assert.deepEqual(termsOf({ kind: 'unit', k: 2, r: 1 }, LAYERS), {
    units: ['1-0', '1-1'],
    weights: ['2-1-0', '2-1-1'],
    biases: ['2-1'],
  });
  assert.deepEqual(termsOf({ kind: 'loss' }, LAYERS).units, ['2-0', '2-1']);
  assert.deepEqual(subject(steps[2]), { type: 'unit', id: '1-0' });
  assert.deepEqual(subject(steps[6]), { type: 'bias', id: '2-0' });
  assert.deepEqual(subject(steps[4]), { type: 'edge', id: '2-0-0' });
  assert.equal(subject({ kind: 'loss' }), null);
});

test('the card: whole numbers once computed, else the payload before the pass and a hint', () => {
  const steps = microSteps(LAYERS, 'backward');
  const h1 = { type: 'unit', id: '1-0' };
  assert.equal(stepOf(h1, 'backward', steps), 3);
  assert.equal(stepOf({ type: 'unit', id: '0-1' }, 'backward', steps), 0);
  assert.equal(stepOf({ type: 'bias', id: '1-1' }, 'backward', steps), 16);
  assert.deepEqual(cardView(trace, 'backward', steps, 3, h1), { trace, hint: null });
  const early = cardView(trace, 'backward', steps, 2, h1);
  assert.deepEqual(early.trace, forwardTrace);
  assert.equal(
    early.hint,
    'Step by step: its δ comes at step 3 of 16; press → (Next step) to go on.',
  );
  const edge = cardView(trace, 'backward', steps, 4, { type: 'edge', id: '2-0-0' });
  assert.match(edge.hint, /its ∂J\/∂w comes at step 5 of 16/);
  const fsteps = microSteps(LAYERS, 'forward');
  assert.deepEqual(cardView(forwardTrace, 'forward', fsteps, 1, { type: 'unit', id: '2-0' }), {
    trace: null,
    hint: 'Step by step: its net and o come at step 3 of 5; press → (Next step) to go on.',
  });
  // an edge has nothing of its own in the forward pass
  assert.equal(
    cardView(forwardTrace, 'forward', fsteps, 0, { type: 'edge', id: '1-0-0' }).hint,
    null,
  );
});
