// Exercises on a class network: the paths of the asked numbers, what they name in the graph,
// the numbers the page must hide while a question is open, and the controls a pause or a
// teacher's lock turns off. Pure: no DOM.
//
// A path indexes the backward payload's JSON arrays (as POST /api/networks/{id}/answers takes
// it): net[k][i][r], activations[k][i][r], deltas[k][i][r] (k: layer k+1 for net and deltas,
// layer k for activations; i: the example; r: the unit), gradients.weights[k][r][q],
// gradients.biases[k][r], weight_deltas[k][r][q], bias_deltas[k][r], loss,
// weights_after[k][r][q], biases_after[k][r] (k: the weights into layer k+1).

import { fmt } from './format.js';
import { unitName } from './layout.js';

const FIELDS = {
  net: 3,
  activations: 3,
  deltas: 3,
  'gradients.weights': 3,
  'gradients.biases': 2,
  weight_deltas: 3,
  bias_deltas: 2,
  loss: 0,
  weights_after: 3,
  biases_after: 2,
};

/** {field, idx} for a well-formed path, else null. */
export function parsePath(path) {
  const m = /^([a-z_]+(?:\.[a-z_]+)?)((?:\[\d+\])*)$/.exec(String(path).trim());
  if (!m || !(m[1] in FIELDS)) return null;
  const idx = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
  return idx.length === FIELDS[m[1]] ? { field: m[1], idx } : null;
}

/**
 * What the path names in the graph: {sel: {type, id} | null, i: example or null, symbol}.
 * sel is the unit or edge whose formula card holds the number (null for J).
 */
export function target(path) {
  const p = parsePath(path);
  if (!p) return null;
  const [a, b, c] = p.idx;
  switch (p.field) {
    case 'net':
      return { sel: { type: 'unit', id: `${a + 1}-${c}` }, i: b, symbol: 'net' };
    case 'deltas':
      return { sel: { type: 'unit', id: `${a + 1}-${c}` }, i: b, symbol: 'δ' };
    case 'activations':
      return { sel: { type: 'unit', id: `${a}-${c}` }, i: b, symbol: 'o' };
    case 'gradients.weights':
      return { sel: { type: 'edge', id: `${a + 1}-${b}-${c}` }, i: null, symbol: '∂J/∂w' };
    case 'weight_deltas':
      return { sel: { type: 'edge', id: `${a + 1}-${b}-${c}` }, i: null, symbol: 'Δw' };
    case 'weights_after':
      return {
        sel: { type: 'edge', id: `${a + 1}-${b}-${c}` },
        i: null,
        symbol: 'w after the update',
      };
    case 'gradients.biases':
      return { sel: { type: 'bias', id: `${a + 1}-${b}` }, i: null, symbol: '∂J/∂b' };
    case 'bias_deltas':
      return { sel: { type: 'bias', id: `${a + 1}-${b}` }, i: null, symbol: 'Δb' };
    case 'biases_after':
      return { sel: { type: 'bias', id: `${a + 1}-${b}` }, i: null, symbol: 'b after the update' };
    default:
      return { sel: null, i: null, symbol: 'J' };
  }
}

/** The question in words, from the path alone: "δ of out1, example 1", "∂J/∂w from h1 into out2". */
export function describe(path, layers) {
  const t = target(path);
  if (!t) return path;
  if (!t.sel) return 'J, the loss over the batch';
  const [k, r, q] = t.sel.id.split('-').map(Number);
  const into = unitName(layers, k, r);
  if (t.sel.type === 'unit') return `${t.symbol} of ${into}, example ${t.i + 1}`;
  if (t.sel.type === 'bias') return t.symbol.replace('b', `b of ${into}`);
  const sym = t.symbol.replace('w', `w (${unitName(layers, k - 1, q)} → ${into})`);
  return sym;
}

function dig(value, idx) {
  let v = value;
  for (const n of idx) {
    if (!Array.isArray(v) || n >= v.length) return undefined;
    v = v[n];
  }
  return typeof v === 'number' ? v : undefined;
}

/**
 * The number at `path` in what the page shows: `trace` (a forward, backward or step payload)
 * and `before` ({weights, biases} it was computed with; w after = w + Δw). undefined when the
 * page does not hold it (no Backward yet, say).
 */
export function valueAt(path, trace, before) {
  const p = parsePath(path);
  if (!p || !trace) return undefined;
  if (p.field === 'loss') return typeof trace.loss === 'number' ? trace.loss : undefined;
  if (p.field === 'gradients.weights') return dig(trace.gradients?.weights, p.idx);
  if (p.field === 'gradients.biases') return dig(trace.gradients?.biases, p.idx);
  if (p.field === 'weights_after' || p.field === 'biases_after') {
    const isW = p.field === 'weights_after';
    const d = dig(isW ? trace.weight_deltas : trace.bias_deltas, p.idx);
    const w = before ? dig(isW ? before.weights : before.biases, p.idx) : undefined;
    return d === undefined || w === undefined ? undefined : w + d;
  }
  return dig(trace[p.field], p.idx);
}

/** The paths whose numbers give an open question away: the asked one, and Δ for "after". */
function givenAway(path) {
  const p = parsePath(path);
  if (!p) return [];
  const idx = p.idx.map((n) => `[${n}]`).join('');
  if (p.field === 'weights_after') return [path, `weight_deltas${idx}`];
  if (p.field === 'biases_after') return [path, `bias_deltas${idx}`];
  return [path];
}

/** The texts to hide on the page while questions are open: each number as fmt() writes it. */
export function maskStrings(questions, trace, before) {
  const out = new Set();
  for (const q of questions || []) {
    if (q.state !== 'open') continue;
    for (const path of givenAway(q.path)) {
      const v = valueAt(path, trace, before);
      if (v === undefined || v === 0) continue; // a 0 would hide every zero on the page
      for (const digits of [4, 3]) out.add(fmt(v, digits));
    }
  }
  return out;
}

/** [unit id, class] for the units whose colours would give an open question away. */
export function maskedUnits(questions) {
  const out = [];
  for (const q of questions || []) {
    const t = q.state === 'open' ? target(q.path) : null;
    if (t?.symbol === 'δ') out.push([t.sel.id, 'masked-delta']);
    if (t?.symbol === 'o') out.push([t.sel.id, 'masked-o']);
  }
  return out;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every whole number in `strings` replaced by "?" ("δ −0.1385" → "δ ?"). */
export function maskText(text, strings) {
  if (!strings.size || !text) return text;
  const alternatives = [...strings]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  return text.replace(new RegExp(`(?<![\\d.])(?:${alternatives})(?![\\d.]*\\d)`, 'g'), '?');
}

/** Where the exercise stands: the first open question, and the counts. */
export function progress(questions) {
  const qs = questions || [];
  const current = qs.findIndex((q) => q.state === 'open');
  return {
    total: qs.length,
    right: qs.filter((q) => q.state === 'right').length,
    revealed: qs.filter((q) => q.state === 'revealed').length,
    current: current < 0 ? null : current,
    done: qs.length > 0 && current < 0,
  };
}

/**
 * What the student reads about mastery ('' without it): how many questions are mastered,
 * and what it takes (k right in a row, each on new numbers).
 */
export function masteryNote(questions, mastery) {
  if (!mastery) return '';
  const qs = questions || [];
  const done = qs.filter((q) => q.mastered).length;
  return `Mastered ${done} of ${qs.length}: a question is mastered after ${mastery} right answers in a row, each on new numbers.`;
}

/** The questions after an answer from POST /api/networks/{id}/answers. */
export function applyAnswer(questions, result) {
  return questions.map((q) => {
    if (q.path !== result.path || q.state !== 'open') return q;
    const state = result.revealed ? 'revealed' : result.correct ? 'right' : 'open';
    return {
      ...q,
      state,
      attempts: result.attempts,
      expected: result.expected ?? q.expected ?? null,
      ...(result.streak === undefined ? {} : { streak: result.streak, mastered: result.mastered }),
    };
  });
}

/** A number typed by a student: "−0.1385", "-0.1385", "1,5e-3" all read; null if not one. */
export function readNumber(text) {
  const s = String(text)
    .trim()
    .replace(/\u2212/g, '-')
    .replace(/,/g, '.')
    .replace(/\s+/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  return Number(s);
}

// The controls each lock turns off (ids from index.html, build.js, data.js and card.js). Forward
// and Backward stay: they change nothing. `mode` stays: it lives in the browser only. Loading
// a preset or a file replaces every field of the network, so every lock turns it off; Start
// again (#new-network in a class) changes the weights back.
const LOADS = ['#preset-load', '#import-file'];
const LOCKED = {
  architecture: ['#build .layers button', '#build > button', ...LOADS],
  settings: [
    '#hidden-activation',
    '#output-activation',
    '#loss',
    '#reduction',
    '#learning-rate',
    '#train-biases',
    '#l2',
    ...LOADS,
  ],
  data: ['#data button', '#data input', '#data textarea', '#data select', ...LOADS],
  weights: [
    '#seed',
    '#build .seed button',
    '#weight-input',
    '.weight-form button',
    '#reset',
    '#new-network',
    ...LOADS,
  ],
};
const TRAINING = ['#update', '#step', '#play', '#question-box input', '#question-box button'];

/** CSS selectors of the controls to disable: every changing one while paused, else the locked ones. */
export function disabledSelectors(paused, lock) {
  if (paused) return [...TRAINING, ...Object.values(LOCKED).flat()];
  return (lock || []).flatMap((name) => LOCKED[name] || []);
}

/**
 * The questions a teacher can pick for a network of these layers: every number of example
 * `i` and every weight's gradient, Δw and new value; J first.
 */
export function questionChoices(layers, i = 0) {
  const out = [{ path: 'loss' }];
  for (let k = 1; k < layers.length; k += 1) {
    for (let r = 0; r < layers[k]; r += 1) {
      for (const f of ['net', 'activations', 'deltas']) {
        out.push({
          path:
            f === 'activations' ? `activations[${k}][${i}][${r}]` : `${f}[${k - 1}][${i}][${r}]`,
        });
      }
    }
  }
  for (let k = 1; k < layers.length; k += 1) {
    for (let r = 0; r < layers[k]; r += 1) {
      for (let q = 0; q < layers[k - 1]; q += 1) {
        for (const f of ['gradients.weights', 'weight_deltas', 'weights_after'])
          out.push({ path: `${f}[${k - 1}][${r}][${q}]` });
      }
      for (const f of ['gradients.biases', 'bias_deltas', 'biases_after'])
        out.push({ path: `${f}[${k - 1}][${r}]` });
    }
  }
  return out.map((c) => ({ ...c, label: describe(c.path, layers) }));
}
