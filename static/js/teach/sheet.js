// A worksheet's contents, from GET /api/classes/{id}/worksheets: the student's network as
// tables of numbers, their examples and the questions (with the expected numbers on the
// answer key). Pure: the page (worksheets.js) turns these into elements.

import { fmt } from '../format.js';

/** A number as printed: 6 significant digits, far within the answers' tolerance. */
export function num(x) {
  return x === null || x === undefined ? '' : fmt(x, 6);
}

const ACTIVATION = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'ReLU', linear: 'linear' };

/** One line on the network: its layers, its units' f, η and how J adds the examples. */
export function networkLine(sheet) {
  const f = (name) => ACTIVATION[name] || name;
  const sum =
    sheet.reduction === 'mean' ? 'J = ½ · (1/N) Σ_i Σ_r (y − o)²' : 'J = ½ Σ_i Σ_r (y − o)²';
  return (
    `Layers ${sheet.layers.join('–')} · hidden units ${f(sheet.hidden_activation)}, ` +
    `output units ${f(sheet.output_activation)} · η = ${num(sheet.learning_rate)} · ${sum}`
  );
}

/**
 * Per weight matrix k: a table whose row r is unit r of layer k + 2 (counting the inputs as
 * layer 1), with its bias b_r and each w_rq from unit q of the layer below.
 */
export function weightTables(sheet) {
  return sheet.weights.map((w, k) => ({
    caption: `Layer ${k + 1} to layer ${k + 2}: w_rq (row r, column q) and b_r`,
    head: ['r', 'b_r', ...w[0].map((_, q) => `q = ${q + 1}`)],
    rows: w.map((row, r) => [String(r + 1), num(sheet.biases[k][r]), ...row.map(num)]),
  }));
}

/** The examples: one row per example i, its inputs x and targets y. */
export function examplesTable(sheet) {
  const n = sheet.x.length ? sheet.x[0].length : 0;
  const m = sheet.y.length ? sheet.y[0].length : 0;
  return {
    caption: 'Examples',
    head: [
      'i',
      ...Array.from({ length: n }, (_, j) => `x${j + 1}`),
      ...Array.from({ length: m }, (_, j) => `y${j + 1}`),
    ],
    rows: sheet.x.map((x, i) => [String(i + 1), ...x.map(num), ...sheet.y[i].map(num)]),
  };
}

/** The questions, numbered; on the answer key each with its expected number. */
export function questionLines(questions, sheet, answerKey) {
  return questions.map((q, i) => ({
    text: `${i + 1}. ${q.prompt || q.path}`,
    path: q.path,
    answer: answerKey ? num(sheet.answers[i]) : null,
  }));
}

/** The sheet's heading: whose it is and which activity. */
export function heading(data, sheet, answerKey) {
  const activity = data.activity_title || `Activity ${data.activity_number}`;
  return {
    title: `${sheet.name}${answerKey ? ': answer key' : ''}`,
    subtitle: `${data.title} · ${activity} · student ${sheet.number}`,
  };
}
