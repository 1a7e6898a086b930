// CSV ⇄ dataset. Pure. Errors name the row and column (1-based, as a spreadsheet shows them).
//
// Each row is one example: n_0 inputs, then n_L targets. A first row none of whose cells is a
// number is a header; header names starting with "y" or "t" (y1, target) mark target columns.
// Separators: comma, semicolon or tab.

function splitRow(line, sep) {
  return line.split(sep).map((c) => c.trim());
}

function detectSeparator(line) {
  if (line.includes('\t')) return '\t';
  if (line.includes(';')) return ';';
  return ',';
}

/**
 * @param {string} text
 * @param {{inputs: number, outputs: number}} shape the network's n_0 and n_L, used when there
 *   is no header to say which columns are targets
 * @returns {{x: number[][], y: number[][], inputs: number, outputs: number, errors: string[]}}
 */
export function parseCsv(text, shape) {
  const errors = [];
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ line: l, row: i + 1 }))
    .filter(({ line }) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (lines.length === 0)
    return { x: [], y: [], inputs: 0, outputs: 0, errors: ['the CSV is empty'] };
  const sep = detectSeparator(lines[0].line);
  let inputs = shape.inputs;
  let outputs = shape.outputs;
  const first = splitRow(lines[0].line, sep);
  if (first.every((c) => c !== '' && Number.isNaN(Number(c)))) {
    const targets = first.filter((c) => /^(y|t)/i.test(c)).length;
    if (targets > 0) {
      const firstTarget = first.findIndex((c) => /^(y|t)/i.test(c));
      if (first.slice(firstTarget).some((c) => !/^(y|t)/i.test(c))) {
        errors.push(`row ${lines[0].row}: target columns (y…) must come after all input columns`);
      }
      outputs = targets;
      inputs = first.length - targets;
    }
    lines.shift();
  }
  const width = inputs + outputs;
  const x = [];
  const y = [];
  for (const { line, row } of lines) {
    const cells = splitRow(line, sep);
    if (cells.length !== width) {
      errors.push(
        `row ${row} has ${cells.length} values; expected ${width} (${inputs} inputs, ${outputs} targets)`,
      );
      continue;
    }
    const values = [];
    cells.forEach((c, j) => {
      const v = c === '' ? NaN : Number(c);
      if (!Number.isFinite(v))
        errors.push(`row ${row}, column ${j + 1}: "${c}" is not a finite number`);
      values.push(v);
    });
    x.push(values.slice(0, inputs));
    y.push(values.slice(inputs));
  }
  if (errors.length === 0 && x.length === 0) errors.push('the CSV has no examples');
  return { x, y, inputs, outputs, errors };
}

/** The dataset as CSV with a header x1,…,y1,…; numbers at full precision. */
export function toCsv(x, y) {
  if (!x || x.length === 0) return '';
  const head = [...x[0].map((_, j) => `x${j + 1}`), ...y[0].map((_, j) => `y${j + 1}`)];
  const rows = x.map((row, i) => [...row, ...y[i]].map(String).join(','));
  return [head.join(','), ...rows].join('\n');
}
