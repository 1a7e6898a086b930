import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fmt, full, paren } from '../../static/js/format.js';

test('fmt keeps 4 significant digits below 1, 4 decimals above, drops trailing zeros and uses a true minus', () => {
  assert.equal(fmt(-0.13849856), '\u22120.1385');
  assert.equal(fmt(0.01), '0.01');
  assert.equal(fmt(0.75136507), '0.7514');
  assert.equal(fmt(2), '2');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(1234.56789), '1234.5679');
  assert.equal(fmt(-0.008771354689), '\u22120.008771');
  assert.equal(fmt(0.000438568), '0.0004386');
});

test('fmt switches to scientific notation for tiny and huge magnitudes', () => {
  assert.equal(fmt(0.0000123), '1.23\u00d710\u207b\u2075');
  assert.equal(fmt(-2.5e7), '\u22122.5\u00d710\u2077');
  assert.equal(fmt(Infinity), '\u221e');
});

test('full keeps every digit of a float64', () => {
  assert.equal(full(0.1 + 0.2), '0.30000000000000004');
  assert.equal(Number(full(-0.13849856162855698)), -0.13849856162855698);
});

test('paren wraps negatives only', () => {
  assert.equal(paren(-0.5), '(\u22120.5)');
  assert.equal(paren(0.5), '0.5');
});
