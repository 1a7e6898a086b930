// Formula trees (formulas.js) → MathML elements, one per line. textContent only: no markup strings.

const NS = 'http://www.w3.org/1998/Math/MathML';
const LONG = 21; // a line's width (widthOf) before it is broken at an operator

// widths, in digits, of operators with the space MathML puts around them
const OP_WIDTH = { '=': 2.2, '+': 1.8, '−': 1.8, '·': 1.2, '←': 2.6, '(': 0.7, ')': 0.7 };

/**
 * About how wide a formula tree renders, in widths of a digit (Chromium's MathML, display
 * style): subscripts and limits smaller, a fraction as wide as its wider part, operators with
 * their spacing. What decides where a line breaks: characters alone misjudge wide numbers
 * (×10⁻⁵) and narrow subscripts.
 */
export function widthOf(n, scale = 1) {
  if (n.text !== undefined) {
    if (n.tag === 'mo' && n.text in OP_WIDTH) return OP_WIDTH[n.text] * scale;
    let w = 0;
    for (const c of n.text) w += c === '.' ? 0.5 : 1;
    return w * scale;
  }
  const kids = n.children;
  if (n.tag === 'msub') return widthOf(kids[0], scale) + widthOf(kids[1], scale * 0.7);
  if (n.tag === 'mfrac') return Math.max(widthOf(kids[0], scale), widthOf(kids[1], scale)) + 0.4;
  if (n.tag === 'munder' || n.tag === 'munderover')
    return Math.max(1.6 * scale, ...kids.slice(1).map((k) => widthOf(k, scale * 0.7)));
  return kids.reduce((a, k) => a + widthOf(k, scale), 0);
}

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

const tooLong = (kids) => kids.reduce((a, k) => a + widthOf(k), 0) > LONG;

const BREAKS = new Set(['·', '+', '−']);
const NO_OPERAND = new Set(['=', '(', '←', '−', '+', '·']); // a − after these is a sign

/**
 * Split a long run of tokens before a ·, + or binary −, recursively: outside parentheses if it
 * can (a product of factors before the terms of a sum inside one), between terms before
 * between factors, then nearest the middle.
 */
export function breakLong(kids) {
  const lengths = kids.map((k) => widthOf(k));
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total <= LONG) return [kids];
  let best = -1;
  let bestScore = Infinity;
  let seen = 0;
  let depth = 0;
  kids.forEach((k, n) => {
    const op = k.tag === 'mo' ? k.text : null;
    if (op === ')') depth -= 1;
    // outside parentheses first; between terms (+, −) before between factors (·)
    const score = depth * 2 * total + (op === '·' ? total : 0) + Math.abs(seen - total / 2);
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
