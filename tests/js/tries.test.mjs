import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clock, questionHead, tryRows } from '../../static/js/teach/tries.js';

process.env.TZ = 'UTC'; // the clock reads the browser's zone: here, UTC

const q = {
  path: 'deltas[1][0][0]',
  prompt: 'δ of out1',
  state: 'right',
  attempts: 3,
  streak: 1,
  mastered: false,
  tries: [
    {
      attempt: 1,
      at: 1796117428.5,
      value: 0.138498562,
      expected: -0.138498562,
      correct: false,
      diagnosis: { code: 'sign', message: 'Check the sign: δ = −∂J/∂net …' },
    },
    { attempt: 2, at: 1796117440, value: 0.5, expected: -0.1385, correct: false, diagnosis: null },
    {
      attempt: 3,
      at: 1796117460,
      value: -0.1385,
      expected: -0.1385,
      correct: true,
      diagnosis: null,
    },
  ],
};

test('a question says where the student stands', () => {
  assert.equal(questionHead(q), 'δ of out1: right after 3 tries');
  assert.equal(
    questionHead({ ...q, state: 'open', attempts: 1, mastered: true }),
    'δ of out1: open, 1 try · mastered',
  );
  assert.equal(questionHead({ ...q, prompt: null, attempts: 0 }), 'deltas[1][0][0]: not tried');
  assert.equal(questionHead({ ...q, state: 'revealed', attempts: 0 }), 'δ of out1: answer shown');
});

test('each try in order, with its value, time, verdict and the mistake named', () => {
  const rows = tryRows(q);
  assert.deepEqual(
    rows.map((r) => [r.attempt, r.value, r.verdict, r.mistake]),
    [
      [1, '0.1385', 'wrong', 'the sign (∂J/∂net for δ)'],
      [2, '0.5', 'wrong', ''],
      [3, '−0.1385', 'right', ''],
    ],
  );
  assert.equal(rows[0].message, 'Check the sign: δ = −∂J/∂net …');
  assert.equal(clock(1796117428.5), '09:30:28'); // 2026-12-01 09:30:28.5 UTC
  assert.match(rows[0].time, /^\d\d:\d\d:\d\d$/);
  assert.deepEqual(tryRows({}), []);
});
