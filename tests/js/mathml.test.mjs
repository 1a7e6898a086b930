import assert from 'node:assert/strict';
import { test } from 'node:test';

import { edgeCard, toText, unitCard } from '../../static/js/formulas.js';
import { lineParts, widthOf } from '../../static/js/mathml.js';
import { before, trace as mazur } from './mazur.mjs';

// Mazur's 2-2-2 example after its forward and backward pass (the published numbers)
const ctx = {
  layers: [2, 2, 2],
  settings: {
    hidden_activation: 'sigmoid',
    output_activation: 'sigmoid',
    loss: 'squared_error',
    learning_rate: 0.5,
    reduction: 'mean',
    train_biases: true,
  },
  trace: {
    activations: [[[0.05, 0.1]], [[0.5932699921071872, 0.596884378259767]], [[0.75, 0.77]]],
    deltas: [[[-0.008771354689486937, -0.009954254705217202]], [[-0.13849856162855698, 0.038]]],
  },
  i: 0,
  wBefore: 0.15,
};
const flat = (kids) => toText({ tag: 'mrow', children: kids }).replace(/ /g, '');
const rowOf = (card, label) => card.rows.find((r) => r.label.startsWith(label)).math;

test('the update line: the rule on lines of its own, then "= numbers", "= result"', () => {
  const lines = lineParts(rowOf(edgeCard(ctx, 1, 0, 0), 'Update'));
  assert.deepEqual(
    lines.map((l) => [l.kind, flat(l.kids)]),
    [
      ['first', 'w_x1→h1←w_x1→h1'], // too long for one line: broken before the binary −
      ['cont', '−η1/NΣ_i=1^N∂J_i/∂w_x1→h1'],
      ['line', '=0.15+(−0.0002193)'],
      ['line', '=0.1498'],
    ],
  );
});

test('short chains keep "a = b" on the first line; every later line starts at "="', () => {
  const card = edgeCard(ctx, 1, 0, 0);
  const current = lineParts(rowOf(card, 'Current'));
  assert.deepEqual(
    current.map((l) => flat(l.kids)),
    ['w_x1→h1=0.15'],
  );
  for (const row of card.rows)
    for (const l of lineParts(row.math).slice(1))
      if (l.kind === 'line') assert.equal(l.kids[0].text, '=', flat(l.kids));
});

test('a long run of products is broken at an operator, near its middle', () => {
  const mn = (t) => ({ tag: 'mn', text: t });
  const mo = (t) => ({ tag: 'mo', text: t });
  const terms = [];
  for (let n = 0; n < 6; n += 1)
    terms.push(...(n ? [mo('+')] : []), mn('0.123456'), mo('·'), mn('0.654321'));
  const lines = lineParts({ tag: 'mrow', children: [{ tag: 'mi', text: 'z' }, mo('='), ...terms] });
  assert.ok(lines.length >= 3, `${lines.length} lines`);
  assert.deepEqual(
    lines.map((l) => l.kind),
    ['first', 'line', ...lines.slice(2).map(() => 'cont')],
  );
  assert.equal(flat(lines[0].kids), 'z');
  assert.equal(lines[1].kids[0].text, '=');
  // nothing lost, nothing doubled
  assert.equal(
    lines.map((l) => flat(l.kids)).join(''),
    flat([{ tag: 'mi', text: 'z' }, mo('='), ...terms]),
  );
  for (const l of lines) assert.ok(flat(l.kids).length <= 40, flat(l.kids));
});

test('a hidden δ with its sum breaks inside the sum, every line short (Mazur’s h1)', () => {
  const hidden = {
    ...ctx,
    ...before,
    trace: mazur,
    settings: { ...ctx.settings, reduction: 'sum' },
  };
  const tree = rowOf(unitCard(hidden, 1, 0), 'Hidden δ');
  const texts = lineParts(tree).map((l) => flat(l.kids));
  assert.equal(texts.join(''), flat(tree.children));
  for (const t of texts) assert.ok(t.length <= 34, t);
  assert.ok(
    texts.some((t) => t.startsWith('+0.5·0.0381')),
    texts.join('\n'),
  );
});

test('a sum of products breaks between its terms, never inside a product', () => {
  const mn = (t) => ({ tag: 'mn', text: t });
  const mo = (t) => ({ tag: 'mo', text: t });
  const neg = (t) => ({ tag: 'mrow', children: [mo('('), mn(t), mo(')')] });
  // net = (−1.7957) · 0.6556 + 4.308 · (−0.6192) + (−1.7249), as a hidden unit's card has it
  const kids = [{ tag: 'mi', text: 'net' }, mo('='), neg('−1.7957'), mo('·'), mn('0.6556')];
  kids.push(mo('+'), mn('4.308'), mo('·'), neg('−0.6192'), mo('+'), neg('−1.7249'));
  const lines = lineParts({ tag: 'mrow', children: kids }).map((l) => flat(l.kids));
  assert.ok(lines.length >= 2, lines.join('\n'));
  for (const line of lines.slice(1)) assert.ok(/^[=+]/.test(line), lines.join('\n'));
});

test('widths: a subscript is narrower than its base, a fraction as wide as its wider part', () => {
  const mi = (t) => ({ tag: 'mi', text: t });
  assert.equal(widthOf(mi('0.5933')), 5.5); // the point is half a digit
  const sub = { tag: 'msub', children: [mi('w'), mi('h1→out1')] };
  assert.ok(Math.abs(widthOf(sub) - (1 + 0.7 * 7)) < 1e-12);
  const frac = { tag: 'mfrac', children: [mi('1'), mi('N')] };
  assert.equal(widthOf(frac), 1.4);
  // a long number in scientific notation is as wide as its characters, not one token
  assert.ok(widthOf(mi('−8.968×10⁻⁵')) > 10);
});
