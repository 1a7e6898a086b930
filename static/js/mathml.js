// Formula trees (formulas.js) → MathML elements. textContent only: no markup strings.

const NS = 'http://www.w3.org/1998/Math/MathML';

export function toMathML(tree) {
  const el = document.createElementNS(NS, tree.tag);
  if (tree.text !== undefined) el.textContent = tree.text;
  if (tree.title) {
    el.setAttribute('title', tree.title);
    el.setAttribute('data-explain', tree.title);
    el.classList.add('sym');
  }
  for (const child of tree.children || []) el.appendChild(toMathML(child));
  return el;
}

/**
 * An equation chain "a = b = c = d" as lines: "a = b", then "= c", "= d", one <math> each,
 * so that long substitutions wrap inside a narrow card instead of running off its edge.
 * Inline <math> in a <div> per line keeps them left-aligned (display="block" centres).
 */
export function mathLines(tree) {
  const kids = tree.tag === 'mrow' ? tree.children : [tree];
  const cuts = kids.map((k, n) => (k.tag === 'mo' && k.text === '=' ? n : -1)).filter((n) => n >= 0);
  const starts = [0, ...cuts.slice(1)];
  return starts.map((start, n) => {
    const end = n + 1 < starts.length ? starts[n + 1] : kids.length;
    const math = document.createElementNS(NS, 'math');
    math.appendChild(toMathML({ tag: 'mrow', children: kids.slice(start, end) }));
    const line = document.createElement('div');
    line.className = n === 0 ? 'line first' : 'line';
    line.appendChild(math);
    return line;
  });
}
