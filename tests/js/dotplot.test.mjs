import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  axisValue,
  DOT_COLORS,
  dotPlot,
  extent,
  inTolerances,
  kindOf,
  summary,
  ticks,
} from '../../static/js/teach/dotplot.js';

// Mazur's δ of out1 is −0.138498562; with the default tolerance (0.1 %, 0.0001 absolute)
// a try may be 0.000138498562 off. The sign mistake sends +0.138498562: an error of
// +0.276997124, 2000 tolerances.
const ALLOWED = 0.000138498562;
const sign = { error: 0.276997124, allowed: ALLOWED, correct: false, diagnosis: 'sign' };
const right = { error: 0.00005, allowed: ALLOWED, correct: true, diagnosis: null };
const off = { error: -0.01, allowed: ALLOWED, correct: false, diagnosis: null };

test('a dot is its error in its own tolerances', () => {
  assert.ok(Math.abs(inTolerances(sign) - 2000) < 1e-9);
  assert.equal(inTolerances({ error: 0, allowed: 0 }), 0);
  assert.equal(inTolerances({ error: -1, allowed: 0 }), -Infinity);
});

test('the axis is linear in the band and one step per power of ten beyond', () => {
  assert.equal(axisValue(0.5), 0.5);
  assert.equal(axisValue(-1), -1);
  assert.ok(Math.abs(axisValue(10) - 2) < 1e-12);
  assert.ok(Math.abs(axisValue(-1000) + 4) < 1e-12);
  assert.equal(extent([right]), 2);
  assert.equal(extent([sign]), 5); // 1 + log10(2000) = 4.3
  assert.equal(extent([{ error: 1, allowed: 1e-9, correct: false }]), 5); // capped
  assert.deepEqual(
    ticks(3).map((t) => t.label),
    ['−100', '−10', '−1', '0', '1', '10', '100'],
  );
});

test('dots take the colour of their kind', () => {
  assert.equal(kindOf(right), 'right');
  assert.equal(kindOf(off), 'wrong');
  assert.equal(kindOf(sign), 'sign');
  assert.equal(kindOf({ correct: false, diagnosis: 'unknown_code' }), 'wrong');
});

test('the band spans −1 to 1 tolerance and right dots fall inside it', () => {
  const plot = dotPlot([sign, right, off], 1200, 400, 24);
  const zero = plot.ticks.find((t) => t.label === '0').x;
  const one = plot.ticks.find((t) => t.label === '1').x;
  assert.ok(Math.abs(plot.band.x2 - one) < 1e-9);
  assert.ok(Math.abs(zero - (plot.band.x1 + plot.band.x2) / 2) < 1e-9);
  const byKind = Object.fromEntries(plot.dots.map((d) => [d.kind, d]));
  assert.ok(byKind.right.x > plot.band.x1 && byKind.right.x < plot.band.x2);
  assert.ok(byKind.sign.x > plot.band.x2);
  assert.ok(byKind.wrong.x < plot.band.x1);
  assert.equal(byKind.sign.color, DOT_COLORS.sign);
  for (const d of plot.dots) {
    assert.equal(d.y, plot.axis.y - plot.radius); // none share a place: one row
    assert.ok(d.x >= plot.axis.x1 && d.x <= plot.axis.x2);
  }
  assert.deepEqual(
    plot.legend.map((e) => [e.kind, e.count]),
    [
      ['right', 1],
      ['wrong', 1],
      ['sign', 1],
    ],
  );
  assert.equal(plot.legend[2].label, 'the sign (∂J/∂net for δ)');
});

test('dots at one place stack upwards and shrink to fit a short box', () => {
  const many = Array.from({ length: 30 }, () => ({ ...sign }));
  const tall = dotPlot(many, 800, 2000, 24);
  assert.equal(tall.radius, 18);
  const ys = tall.dots.map((d) => d.y);
  assert.deepEqual(
    ys,
    ys.map((_, i) => tall.axis.y - 18 - 36 * i),
  );
  assert.equal(new Set(tall.dots.map((d) => d.x)).size, 1);
  const short = dotPlot(many, 800, 300, 24);
  assert.ok(short.radius < 18);
  assert.ok(Math.min(...short.dots.map((d) => d.y - short.radius)) >= 0);
});

test('a dot past the axis end sits on it, marked', () => {
  const far = { error: 1, allowed: 1e-12, correct: false, diagnosis: null };
  const plot = dotPlot([far, { ...far, error: -1 }], 1000, 300, 24);
  assert.deepEqual(
    plot.dots.map((d) => [d.x, d.beyond]),
    [
      [plot.axis.x1, true],
      [plot.axis.x2, true],
    ],
  );
});

test('the caption counts who answered and who is right', () => {
  assert.equal(
    summary({ students: 4, dots: [sign, right, off] }),
    '3 of 4 students answered · 1 right',
  );
  assert.equal(summary({ students: 1, dots: [] }), '0 of 1 student answered · 0 right');
});
