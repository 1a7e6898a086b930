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

/** Split a long run of tokens at the top-level · or + nearest its middle, recursively. */
export function breakLong(kids) {
  const lengths = kids.map((k) => toText(k).length + 1);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total <= LONG) return [kids];
  let best = -1;
  let seen = 0;
  let bestGap = Infinity;
  kids.forEach((k, n) => {
    if (
      n > 0 &&
      k.tag === 'mo' &&
      (k.text === '·' || k.text === '+') &&
      Math.abs(seen - total / 2) < bestGap
    ) {
      best = n;
      bestGap = Math.abs(seen - total / 2);
    }
    seen += lengths[n];
  });
  if (best < 0) return [kids];
  return [...breakLong(kids.slice(0, best)), ...breakLong(kids.slice(best))];
}

/**
 * An equation chain "a = b = c = d" as lines: "a = b", then "= c", "= d", one <math> each,
 * and long lines broken again at an operator, so that the substitutions fit a narrow card.
 * Inline <math> in a <div> per line keeps them left-aligned (display="block" centres).
 */
export function mathLines(tree) {
  const kids = tree.tag === 'mrow' ? tree.children : [tree];
  const cuts = kids
    .map((k, n) => (k.tag === 'mo' && k.text === '=' ? n : -1))
    .filter((n) => n >= 0);
  const starts = [0, ...cuts.slice(1)];
  const lines = [];
  starts.forEach((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1] : kids.length;
    const parts = n === 0 ? [kids.slice(start, end)] : breakLong(kids.slice(start, end));
    parts.forEach((part, p) => {
      const math = document.createElementNS(NS, 'math');
      math.setAttribute('displaystyle', 'true');
      math.appendChild(toMathML({ tag: 'mrow', children: part }));
      const line = document.createElement('div');
      line.className = n === 0 ? 'line first' : p === 0 ? 'line' : 'line cont';
      line.appendChild(math);
      lines.push(line);
    });
  });
  return lines;
}
