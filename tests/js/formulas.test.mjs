import assert from 'node:assert/strict';
import { test } from 'node:test';

import { edgeCard, toText, unitCard, WORDS } from '../../static/js/formulas.js';
import { perExample } from '../../static/js/grads.js';

// Matt Mazur's "A Step by Step Backpropagation Example": 2-2-2 sigmoid, squared error.
const weights = [
  [
    [0.15, 0.2],
    [0.25, 0.3],
  ],
  [
    [0.4, 0.45],
    [0.5, 0.55],
  ],
];
const biases = [
  [0.35, 0.35],
  [0.6, 0.6],
];
const x = [[0.05, 0.1]];
const y = [[0.01, 0.99]];
const settings = {
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  loss: 'squared_error',
  learning_rate: 0.5,
  reduction: 'sum',
  train_biases: false,
};

// The trace, shaped like the API's backward payload, with the published numbers typed in.
const trace = {
  net: [[[0.3775, 0.3925]], [[1.10590596705977, 1.2249214040964653]]],
  activations: [
    x,
    [[0.5932699921071872, 0.596884378259767]],
    [[0.7513650695523157, 0.7729284653214625]],
  ],
  deltas: [
    [[-0.008771354689486937, -0.009954254705217202]],
    [[-0.13849856162855698, 0.03809823651655623]],
  ],
};
const ctx = { layers: [2, 2, 2], settings, weights, biases, trace, y, i: 0 };
// compare without spaces: toText puts a space between every token
const text = (card) => card.rows.map((r) => toText(r.math).replace(/ /g, '')).join('\n');
const has = (t, s) => assert.ok(t.includes(s.replace(/ /g, '')), `${s}\nnot in\n${t}`);

test("output unit o1: δ = (y − o) o (1 − o) with Mazur's numbers", () => {
  const card = unitCard(ctx, 2, 0);
  const t = text(card);
  has(t, 'δ_l = (y_l − o_l) o_l (1 − o_l) = (0.01 − 0.7514) · 0.7514 · (1 − 0.7514) = −0.1385');
  has(t, 'net_l = Σ_q w_lq u_lq + b_l = 0.4 · 0.5933 + 0.45 · 0.5969 + 0.6 = 1.1059');
  has(t, 'o_l = f(net_l) = σ(1.1059) = 0.7514');
  has(t, '∂J_i/∂net_l = −δ_l = 0.1385');
  // the value the card re-derives agrees with the API's δ to float precision
  assert.ok(Math.abs(card.values.expected - -0.138498562) < 1e-9);
  assert.equal(card.values.delta, trace.deltas[1][0][0]);
  assert.match(card.title, /Output unit 1 of layer 2/);
});

test('hidden unit h1: δ_j = o_j (1 − o_j) Σ_l w_lj δ_l', () => {
  const t = text(unitCard(ctx, 1, 0));
  has(
    t,
    'δ_j = o_j (1 − o_j) Σ_l w_lj δ_l = 0.5933 · (1 − 0.5933) · (0.4 · (−0.1385) + 0.5 · 0.0381) = −0.008771',
  );
  // hand check: 0.593270 · 0.406730 · (0.4 · −0.138499 + 0.5 · 0.038098) = −0.0087714
  const hand = 0.5932699921 * (1 - 0.5932699921) * (0.4 * -0.1384985616 + 0.5 * 0.0380982365);
  assert.ok(Math.abs(hand - -0.0087713547) < 1e-9);
});

test('other activations use f′(net); cross-entropy with sigmoid gives δ = y − o', () => {
  const ce = unitCard({ ...ctx, settings: { ...settings, loss: 'cross_entropy' } }, 2, 0);
  has(text(ce), 'δ_l = y_l − o_l = 0.01 − 0.7514 = ');
  assert.ok(Math.abs(ce.values.expected - (0.01 - 0.7513650695523157)) < 1e-15);
  const tanh = unitCard({ ...ctx, settings: { ...settings, hidden_activation: 'tanh' } }, 1, 1);
  has(
    text(tanh),
    'δ_j = f′(net_j) Σ_l w_lj δ_l = (1 − 0.5969²) · (0.45 · (−0.1385) + 0.55 · 0.0381) = −0.009954',
  );
});

test('edge w5 (into o1 from h1): ∂J/∂w = −δ u, Δw, and the published new weight', () => {
  const card = edgeCard({ ...ctx, wBefore: 0.4 }, 2, 0, 0);
  const t = text(card);
  has(t, '∂J_i/∂w_h1→out1 = −δ_out1 u_h1→out1 = −(−0.1385) · 0.5933 = 0.08217');
  has(t, '∂J/∂w_h1→out1 = Σ_i=1^N ∂J_i/∂w_h1→out1 = 0.08217');
  has(t, 'Δw_h1→out1 = −η ∂J/∂w_h1→out1 = −0.5 · 0.08217 = −0.04108');
  assert.ok(Math.abs(card.values.gradient - 0.082167041) < 1e-9);
  assert.ok(Math.abs(card.values.newW - 0.35891648) < 1e-8, `w5+ = ${card.values.newW}`);
  has(t, 'w_h1→out1 ← w_h1→out1 − η Σ_i=1^N ∂J_i/∂w_h1→out1 = 0.4 + (−0.04108) = 0.3589');
});

test('a weight is named as the graph draws it: Mazur’s w5 is h1 → out1', () => {
  const card = edgeCard({ ...ctx, wBefore: 0.4 }, 2, 0, 0);
  assert.match(card.title, /^Weight h1 → out1: into unit 1 of layer 2 from unit 1 of layer 1$/);
  assert.match(edgeCard({ ...ctx, wBefore: 0.15 }, 1, 1, 0).title, /^Weight x1 → h2:/);
  assert.match(edgeCard({ ...ctx, wBefore: 0.6 }, 2, 1, null).title, /^Bias of out2:/);
  assert.match(unitCard(ctx, 1, 0).title, /^Hidden unit 1 of layer 1: h1 \(j = 1\)$/);
});

test('edge w1 (into h1 from x1) gives Mazur’s 0.149780716', () => {
  const card = edgeCard({ ...ctx, wBefore: 0.15 }, 1, 0, 0);
  assert.ok(Math.abs(card.values.newW - 0.149780716) < 1e-9);
});

test('frozen bias: the card says it stays', () => {
  const card = edgeCard({ ...ctx, wBefore: 0.6 }, 2, 0, null);
  assert.equal(card.values.deltaW, 0);
  has(text(card), 'b_out1 ← b_out1 = 0.6');
  has(text(card), '∂J_i/∂b_out1 = −δ_out1 · 1 = −(−0.1385) · 1 = 0.1385');
});

test('batch view: Σ_i of −δ u over examples; mean divides by N', () => {
  const t2 = {
    activations: [
      [
        [1, 2],
        [3, 4],
      ],
      [[0.5], [0.25]],
    ],
    deltas: [[[0.1], [-0.2]]],
  };
  const s = perExample(t2, 1, 0, 1, 'sum');
  assert.deepEqual(
    s.rows.map((r) => r.g),
    [-0.2, 0.8],
  );
  assert.ok(Math.abs(s.total - 0.6) < 1e-15);
  assert.ok(Math.abs(perExample(t2, 1, 0, 1, 'mean').total - 0.3) < 1e-15);
  assert.deepEqual(
    perExample(t2, 1, 0, null).rows.map((r) => r.u),
    [1, 1],
  );
});

test('every symbol is named in plain words', () => {
  const card = unitCard(ctx, 2, 0);
  const titles = new Set();
  const walk = (n) => {
    if (n.title) titles.add(n.title);
    (n.children || []).forEach(walk);
  };
  card.rows.forEach((r) => walk(r.math));
  for (const key of ['net', 'o', 'delta', 'y', 'w', 'u', 'b', 'f'])
    assert.ok(titles.has(WORDS[key]), key);
});

test('the L2 term on an edge card: data part + λ w, by hand for w5 with λ = 0.1', () => {
  const l2 = { ...ctx, settings: { ...settings, l2: 0.1 }, wBefore: 0.4 };
  const card = edgeCard(l2, 2, 0, 0);
  const t = text(card);
  // λ w = 0.1 · 0.4 = 0.04; ∂J/∂w = 0.082167041 + 0.04 = 0.122167041; Δw = −0.5 · that
  assert.ok(Math.abs(card.values.gradientData - 0.082167041) < 1e-9);
  assert.ok(Math.abs(card.values.penalty - 0.04) < 1e-15);
  assert.ok(Math.abs(card.values.gradient - 0.122167041) < 1e-9);
  assert.ok(Math.abs(card.values.newW - (0.4 - 0.5 * 0.122167041)) < 1e-9);
  has(t, 'λ w_h1→out1 = 0.1 · 0.4 = 0.04');
  has(t, '∂J/∂w_h1→out1 = Σ_i=1^N ∂J_i/∂w_h1→out1 + λ w_h1→out1 = 0.08217 + 0.04 = 0.1222');
  has(t, 'Δw_h1→out1 = −η ∂J/∂w_h1→out1 = −0.5 · 0.1222 = −0.06108');
  // the bias carries no penalty
  const bias = edgeCard(
    { ...l2, settings: { ...l2.settings, train_biases: true }, wBefore: 0.6 },
    2,
    0,
    null,
  );
  assert.equal(bias.values.penalty, undefined);
  assert.ok(Math.abs(bias.values.gradient - 0.1384985616) < 1e-9);
});
