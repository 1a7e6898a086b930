// Number formatting for the page: short forms for reading, full precision for the data-* hooks.
// Pure: no DOM.

export const MINUS = '\u2212';

const SUPERSCRIPT = {
  '-': '\u207b',
  0: '\u2070',
  1: '\u00b9',
  2: '\u00b2',
  3: '\u00b3',
  4: '\u2074',
  5: '\u2075',
  6: '\u2076',
  7: '\u2077',
  8: '\u2078',
  9: '\u2079',
};

/** Replace an ASCII hyphen-minus with the typographic minus sign. */
export function minus(text) {
  return text.replace(/^-/, MINUS);
}

/**
 * A short, readable form of x: `digits` significant digits below 1 and `digits` decimals
 * above, trailing zeros dropped (0.01 stays "0.01", −0.13849856 becomes "−0.1385"), and scientific notation with a
 * superscript exponent for very small or very large magnitudes ("1.23×10⁻⁵").
 */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '\u221e' : MINUS + '\u221e';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e6) {
    const [mant, exp] = x.toExponential(Math.max(digits - 1, 1)).split('e');
    const m = mant.replace(/\.?0+$/, '');
    const e = String(Number(exp))
      .split('')
      .map((c) => SUPERSCRIPT[c])
      .join('');
    return minus(`${m}\u00d710${e}`);
  }
  // below 1: `digits` significant digits (0.008771); from 1 up: `digits` decimals (1.1059)
  let s = a < 1 ? x.toPrecision(digits) : x.toFixed(digits);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return minus(s);
}

/** Full float64 precision, exactly as JSON would carry it: for data-* attributes and inputs. */
export function full(x) {
  return String(x);
}

/** fmt() wrapped in parentheses when negative, for use inside a product: (−0.7414). */
export function paren(x, digits = 4) {
  const s = fmt(x, digits);
  return x < 0 ? `(${s})` : s;
}
