// Formula trees (formulas.js) → MathML elements. textContent only: no markup strings.

import { toText } from './formulas.js';

const NS = 'http://www.w3.org/1998/Math/MathML';
const LONG = 34; // characters of a line before it is broken at an operator

export function toMathML(tree) {
  const el = document.createElementNS(NS, tree.tag);
  // the n-ary summation sign (not the Greek letter) is the large operator with limits below
  if (tree.text !== undefined)
    el.textContent = tree.tag === 'mo' && tree.text === 'Σ' ? '\u2211' : tree.text;
  if (tree.tag === 'mo' && tree.text === 'Σ') el.classList.add('sum'); // large even without a math font
  if (tree.title) {
    el.setAttribute('title', tree.title);
    el.setAttribute('data-explain', tree.title);
    el.classList.add('sym');
  }
  for (const child of tree.children || []) el.appendChild(toMathML(child));
  return el;
}

const tooLong = (kids) => kids.reduce((a, k) => a + toText(k).length + 1, 0) > LONG;

const BREAKS = new Set(['·', '+', '−']);
const NO_OPERAND = new Set(['=', '(', '←', '−', '+', '·']); // a − after these is a sign

/**
 * Split a long run of tokens before a ·, + or binary −, recursively: outside parentheses if it
 * can (a product of factors before the terms of a sum inside one), then nearest the middle.
 */
export function breakLong(kids) {
  const lengths = kids.map((k) => toText(k).length + 1);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total <= LONG) return [kids];
  let best = -1;
  let bestScore = Infinity;
  let seen = 0;
  let depth = 0;
  kids.forEach((k, n) => {
    const op = k.tag === 'mo' ? k.text : null;
    if (op === ')') depth -= 1;
    const score = depth * total + Math.abs(seen - total / 2);
    const binary = n > 0 && !(kids[n - 1].tag === 'mo' && NO_OPERAND.has(kids[n - 1].text));
    if (binary && BREAKS.has(op) && score < bestScore) {
      best = n;
      bestScore = score;
    }
    if (op === '(') depth += 1;
    seen += lengths[n];
  });
  if (best < 0) return [kids];
  return [...breakLong(kids.slice(0, best)), ...breakLong(kids.slice(best))];
}

/**
 * An equation chain "a = b = c = d" as lines of tokens: "a = b", then "= c", "= d"; a long
 * first line "a = b" as "a", then "= b", so that every line starts at its "=" (MathML's own line
 * breaking is not in Chromium); long lines (a long "a" too) broken again at an operator (kind
 * "cont").
 * Pure: [{kind: 'first' | 'line' | 'cont', kids}].
 */
export function lineParts(tree) {
  const kids = tree.tag === 'mrow' ? tree.children : [tree];
  const cuts = kids
    .map((k, n) => (k.tag === 'mo' && k.text === '=' ? n : -1))
    .filter((n) => n >= 0);
  const starts = [0, ...cuts.slice(1)];
  const out = [];
  starts.forEach((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1] : kids.length;
    const run = kids.slice(start, end);
    if (n === 0 && cuts.length > 0 && cuts[0] > 0 && tooLong(run)) {
      breakLong(run.slice(0, cuts[0])).forEach((part, p) =>
        out.push({ kind: p === 0 ? 'first' : 'cont', kids: part }),
      );
      breakLong(run.slice(cuts[0])).forEach((part, p) =>
        out.push({ kind: p === 0 ? 'line' : 'cont', kids: part }),
      );
      return;
    }
    const parts = n === 0 ? [run] : breakLong(run);
    parts.forEach((part, p) =>
      out.push({ kind: p > 0 ? 'cont' : n === 0 ? 'first' : 'line', kids: part }),
    );
  });
  return out;
}

/**
 * lineParts() as DOM: one <math> per line, each in a <div>. Inline <math> in a <div> per line
 * keeps them left-aligned (display="block" centres).
 */
export function mathLines(tree) {
  return lineParts(tree).map(({ kind, kids }) => {
    const math = document.createElementNS(NS, 'math');
    math.setAttribute('displaystyle', 'true');
    math.appendChild(toMathML({ tag: 'mrow', children: kids }));
    const line = document.createElement('div');
    line.className = kind === 'line' ? 'line' : `line ${kind}`;
    line.appendChild(math);
    return line;
  });
}
