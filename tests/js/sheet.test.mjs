import assert from 'node:assert/strict';
import test from 'node:test';

import {
  examplesTable,
  heading,
  networkLine,
  num,
  questionLines,
  weightTables,
} from '../../static/js/teach/sheet.js';
import { before } from './mazur.mjs';

// Mazur's network and example, as GET /api/classes/{id}/worksheets gives a student's sheet
const MAZUR = {
  student_id: 's1',
  number: 1,
  name: 'Ada',
  layers: [2, 2, 2],
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  learning_rate: 0.5,
  reduction: 'sum',
  ...before,
  x: [[0.05, 0.1]],
  y: [[0.01, 0.99]],
  answers: [-0.13849856162855698, 0.35891647971788465],
};
const DATA = {
  title: 'Week 3',
  activity_number: 1,
  activity_title: null,
  questions: [
    { path: 'deltas[1][0][0]', prompt: 'δ of out1' },
    { path: 'weights_after[1][0][0]', prompt: null },
  ],
  students: [MAZUR],
};

test('numbers print with 6 significant digits and the typographic minus', () => {
  assert.equal(num(0.35891647971788465), '0.358916');
  assert.equal(num(-0.13849856162855698), '\u22120.138499');
  assert.equal(num(0.15), '0.15');
  assert.equal(num(null), '');
});

test('row r of a weight table is unit r: its bias, then w_rq for each input q', () => {
  const [first, second] = weightTables(MAZUR);
  assert.deepEqual(first.head, ['r', 'b_r', 'q = 1', 'q = 2']);
  assert.deepEqual(first.rows, [
    ['1', '0.35', '0.15', '0.2'],
    ['2', '0.35', '0.25', '0.3'],
  ]);
  assert.deepEqual(second.rows[1], ['2', '0.6', '0.5', '0.55']);
  assert.match(second.caption, /Layer 2 to layer 3/);
});

test('the examples table has x then y for each example', () => {
  const t = examplesTable(MAZUR);
  assert.deepEqual(t.head, ['i', 'x1', 'x2', 'y1', 'y2']);
  assert.deepEqual(t.rows, [['1', '0.05', '0.1', '0.01', '0.99']]);
  assert.deepEqual(examplesTable({ ...MAZUR, x: [], y: [] }).rows, []);
});

test('questions are blank on the worksheet and answered on the key', () => {
  const blank = questionLines(DATA.questions, MAZUR, false);
  assert.deepEqual(
    blank.map((q) => [q.text, q.answer]),
    [
      ['1. δ of out1', null],
      ['2. weights_after[1][0][0]', null],
    ],
  );
  const key = questionLines(DATA.questions, MAZUR, true);
  assert.deepEqual(
    key.map((q) => q.answer),
    ['\u22120.138499', '0.358916'],
  );
});

test('the heading names the student, the class and the activity', () => {
  assert.deepEqual(heading(DATA, MAZUR, false), {
    title: 'Ada',
    subtitle: 'Week 3 · Activity 1 · student 1',
  });
  assert.equal(heading(DATA, MAZUR, true).title, 'Ada: answer key');
  assert.match(networkLine(MAZUR), /Layers 2–2–2 .* η = 0\.5 · J = ½ Σ_i/);
  assert.match(networkLine({ ...MAZUR, reduction: 'mean' }), /\(1\/N\)/);
});
