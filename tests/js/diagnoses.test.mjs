import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MISTAKES, masteryText, mistakeLines, students } from '../../static/js/teach/diagnoses.js';

test('each question lists its mistakes, the most common first', () => {
  const lines = mistakeLines([
    {
      path: 'deltas[1][0][0]',
      prompt: 'δ of out1',
      counts: { sign: 1, missing_derivative: 7 },
    },
    { path: 'weights_after[1][0][0]', prompt: null, counts: { missing_rate: 2 } },
    { path: 'loss', prompt: 'J', counts: {} },
  ]);
  assert.deepEqual(lines, [
    {
      question: 'δ of out1',
      lines: ['7 students: missing f′', '1 student: the sign (∂J/∂net for δ)'],
    },
    { question: 'weights_after[1][0][0]', lines: ['2 students: missing η'] },
  ]);
});

test('every code the server names has a short name', () => {
  const codes = [
    'sign',
    'missing_derivative',
    'derivative_of_wrong_value',
    'updated_weights',
    'missing_rate',
    'one_example',
    'mean_vs_sum',
    'wrong_input',
  ];
  assert.deepEqual(Object.keys(MISTAKES), codes);
  assert.equal(students(1), '1 student');
  assert.deepEqual(mistakeLines(undefined), []);
});

test('a card names the questions mastered, by their prompts', () => {
  const questions = [
    { path: 'deltas[1][0][0]', prompt: 'δ of out1' },
    { path: 'weights_after[1][0][0]', prompt: null },
  ];
  const answers = { total: 2, mastery: 2, mastered: ['deltas[1][0][0]'] };
  assert.equal(masteryText(answers, questions), 'Mastered 1 of 2: δ of out1');
  assert.equal(masteryText({ ...answers, mastered: [] }, questions), 'Mastered 0 of 2');
  assert.equal(masteryText({ ...answers, mastery: null }, questions), '');
});
