import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  applyAnswer,
  describe,
  disabledSelectors,
  maskedUnits,
  maskStrings,
  maskText,
  masteryNote,
  parsePath,
  progress,
  questionChoices,
  readNumber,
  target,
  valueAt,
} from '../../static/js/exercise.js';

import { before, LAYERS, trace } from './mazur.mjs';

test('paths: each field with its number of indices; anything else is refused', () => {
  assert.deepEqual(parsePath('deltas[1][0][0]'), { field: 'deltas', idx: [1, 0, 0] });
  assert.deepEqual(parsePath('gradients.biases[0][1]'), { field: 'gradients.biases', idx: [0, 1] });
  assert.deepEqual(parsePath('loss'), { field: 'loss', idx: [] });
  for (const bad of [
    'deltas[1][0]',
    'loss[0]',
    'gradients[0][0]',
    'deltas[-1][0][0]',
    'weights[0][0][0]',
    'deltas[1][0][0]x',
    '',
  ]) {
    assert.equal(parsePath(bad), null, bad);
  }
});

test('what a path names: net and δ are one layer on, activations are not', () => {
  assert.deepEqual(target('deltas[1][0][0]'), {
    sel: { type: 'unit', id: '2-0' },
    i: 0,
    symbol: 'δ',
  });
  assert.deepEqual(target('activations[1][0][1]').sel, { type: 'unit', id: '1-1' });
  assert.deepEqual(target('weights_after[1][0][1]').sel, { type: 'edge', id: '2-0-1' });
  assert.deepEqual(target('bias_deltas[0][1]').sel, { type: 'bias', id: '1-1' });
  assert.equal(target('loss').sel, null);
});

test("questions in words, with the graph's unit names", () => {
  assert.equal(describe('deltas[1][0][0]', LAYERS), 'δ of out1, example 1');
  assert.equal(describe('net[0][0][1]', LAYERS), 'net of h2, example 1');
  assert.equal(describe('weights_after[1][0][1]', LAYERS), 'w (h2 → out1) after the update');
  assert.equal(describe('gradients.weights[0][1][0]', LAYERS), '∂J/∂w (x1 → h2)');
  assert.equal(describe('biases_after[1][1]', LAYERS), 'b of out2 after the update');
  assert.equal(describe('loss', LAYERS), 'J, the loss over the batch');
  assert.equal(describe('nonsense', LAYERS), 'nonsense');
});

test('the values the page shows at a path, "after" as w + Δw (Mazur: w5⁺ = 0.35891648)', () => {
  assert.equal(valueAt('deltas[1][0][0]', trace, before), -0.138498562);
  assert.equal(valueAt('loss', trace, before), 0.298371109);
  assert.equal(valueAt('gradients.biases[1][1]', trace, before), -0.038098236);
  assert.ok(Math.abs(valueAt('weights_after[1][0][0]', trace, before) - 0.35891648) < 1e-8);
  assert.equal(valueAt('deltas[1][5][0]', trace, before), undefined); // no example 6
  assert.equal(
    valueAt(
      'deltas[1][0][0]',
      { net: trace.net, activations: trace.activations, loss: 0.3 },
      before,
    ),
    undefined,
  );
  assert.equal(valueAt('deltas[1][0][0]', null, before), undefined);
});

test('open questions hide their numbers as the page writes them; answered ones do not', () => {
  const qs = [
    { path: 'deltas[1][0][0]', state: 'open' },
    { path: 'loss', state: 'right' },
  ];
  assert.deepEqual([...maskStrings(qs, trace, before)], ['\u22120.1385', '\u22120.138']);
  // w after the update: its Δw (−0.04108) gives it away too
  const after = maskStrings([{ path: 'weights_after[1][0][0]', state: 'open' }], trace, before);
  assert.deepEqual([...after], ['0.3589', '0.359', '\u22120.04108', '\u22120.0411']);
  assert.equal(maskStrings(qs, null, before).size, 0); // nothing shown yet, nothing to hide
});

test("an open δ or o question also plains its unit's colours; net, weights and answered ones do not", () => {
  const qs = [
    { path: 'deltas[1][0][1]', state: 'open' },
    { path: 'activations[1][0][0]', state: 'open' },
    { path: 'net[0][0][0]', state: 'open' },
    { path: 'deltas[0][0][0]', state: 'right' },
    { path: 'gradients.weights[0][0][0]', state: 'open' },
  ];
  assert.deepEqual(maskedUnits(qs), [
    ['2-1', 'masked-delta'],
    ['1-0', 'masked-o'],
  ]);
});

test('masking replaces whole numbers only', () => {
  const m = new Set(['\u22120.1385', '\u22120.138']);
  assert.equal(maskText('δ \u22120.1385', m), 'δ ?');
  assert.equal(maskText('net 1.106 · δ \u22120.138', m), 'net 1.106 · δ ?');
  assert.equal(maskText('(\u22120.1385) · 0.5933', m), '(?) · 0.5933');
  assert.equal(maskText('\u22120.13851', m), '\u22120.13851'); // another number that starts the same
  assert.equal(maskText('w 1\u22120.1385', m), 'w 1\u22120.1385');
  assert.equal(maskText('anything', new Set()), 'anything');
});

test('progress: the first open question is the current one', () => {
  const qs = [{ state: 'right' }, { state: 'open' }, { state: 'revealed' }, { state: 'open' }];
  assert.deepEqual(progress(qs), { total: 4, right: 1, revealed: 1, current: 1, done: false });
  assert.deepEqual(progress([{ state: 'right' }]), {
    total: 1,
    right: 1,
    revealed: 0,
    current: null,
    done: true,
  });
  assert.deepEqual(progress([]), { total: 0, right: 0, revealed: 0, current: null, done: false });
});

test('an answer changes its own question: wrong stays open, right or revealed closes it', () => {
  const qs = [
    { path: 'loss', state: 'open', attempts: 0, expected: null },
    { path: 'deltas[1][0][0]', state: 'open', attempts: 0, expected: null },
  ];
  const wrong = applyAnswer(qs, {
    path: 'loss',
    correct: false,
    attempts: 1,
    revealed: false,
    expected: null,
  });
  assert.deepEqual(wrong[0], { path: 'loss', state: 'open', attempts: 1, expected: null });
  const right = applyAnswer(wrong, {
    path: 'loss',
    correct: true,
    attempts: 2,
    revealed: false,
    expected: 0.298371109,
  });
  assert.deepEqual(right[0], { path: 'loss', state: 'right', attempts: 2, expected: 0.298371109 });
  assert.equal(right[1], wrong[1]);
  const shown = applyAnswer(right, {
    path: 'deltas[1][0][0]',
    correct: false,
    attempts: 0,
    revealed: true,
    expected: -0.138498562,
  });
  assert.equal(shown[1].state, 'revealed');
  // a late answer to a closed question does not reopen it
  assert.equal(
    applyAnswer(shown, { path: 'loss', correct: false, attempts: 3, revealed: false })[0].state,
    'right',
  );
});

test('numbers as students type them', () => {
  assert.equal(readNumber('\u22120.1385'), -0.1385);
  assert.equal(readNumber(' -0,1385 '), -0.1385);
  assert.equal(readNumber('1.5e-3'), 0.0015);
  assert.equal(readNumber('.5'), 0.5);
  for (const bad of ['', 'abc', '1.2.3', '--1', '0x10', '1e'])
    assert.equal(readNumber(bad), null, bad);
});

test('pause turns off every changing control; locks only theirs; Forward and Backward never', () => {
  const paused = disabledSelectors(true, []);
  for (const s of [
    '#update',
    '#step',
    '#play',
    '#reset',
    '#weight-input',
    '#data button',
    '#learning-rate',
    '#build > button',
  ]) {
    assert.ok(paused.includes(s), s);
  }
  assert.ok(!paused.includes('#forward') && !paused.includes('#backward'));
  assert.deepEqual(disabledSelectors(false, []), []);
  const weights = disabledSelectors(false, ['weights']);
  assert.ok(
    weights.includes('#reset') && weights.includes('#weight-input') && !weights.includes('#step'),
  );
  assert.deepEqual(disabledSelectors(false, ['architecture']), [
    '#build .layers button',
    '#build > button',
    '#preset-load',
    '#import-file',
  ]);
  // a preset or a file replaces every field: each lock turns loading off; Start again (a
  // class's New network) puts the weights back, so the weights' lock turns it off too
  for (const lock of ['architecture', 'settings', 'data', 'weights'])
    assert.ok(disabledSelectors(false, [lock]).includes('#preset-load'), lock);
  assert.ok(weights.includes('#new-network'));
  assert.ok(disabledSelectors(false, ['settings']).includes('#l2'));
  assert.deepEqual(disabledSelectors(false, ['nonsense']), []);
});

test("the teacher's question list covers every number of a 2-2-1 network once", () => {
  const choices = questionChoices([2, 2, 1]);
  // J, 3 numbers for each of 3 units, 3 for each of 6 weights and 3 for each of 3 biases
  assert.equal(choices.length, 1 + 3 * 3 + 3 * 6 + 3 * 3);
  assert.equal(new Set(choices.map((c) => c.path)).size, choices.length);
  assert.ok(choices.every((c) => parsePath(c.path)));
  assert.deepEqual(
    choices.find((c) => c.path === 'deltas[1][0][0]'),
    { path: 'deltas[1][0][0]', label: 'δ of out1, example 1' },
  );
});

test('the mastery note counts the questions mastered and says what it takes', () => {
  const qs = [{ mastered: true }, { mastered: false }];
  assert.equal(
    masteryNote(qs, 2),
    'Mastered 1 of 2: a question is mastered after 2 right answers in a row, each on new numbers.',
  );
  assert.equal(masteryNote(qs, null), '');
});
