import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  argmax,
  CLASS_COLORS,
  classLegend,
  classRgb,
  isOneHot,
  regionRgb,
} from '../../static/js/classes.js';

test('one-hot targets are several columns of 0 and 1 with one 1 per row', () => {
  assert.equal(
    isOneHot([
      [1, 0, 0],
      [0, 0, 1],
    ]),
    true,
  );
  assert.equal(isOneHot([[1], [0]]), false); // one output: not several classes
  assert.equal(isOneHot([[1, 1]]), false);
  assert.equal(isOneHot([[0.01, 0.99]]), false); // Mazur's targets
  assert.equal(isOneHot([]), false);
});

test('each region takes the class of the largest output', () => {
  assert.equal(argmax([0.1, 0.7, 0.2]), 1);
  assert.equal(argmax([0.5, 0.5]), 0); // a tie goes to the first
  // a clear win is the class colour at 80 %, towards white: (255 + (c − 255) · 0.8)
  const [r, g, b] = classRgb(2); // #009E73
  assert.deepEqual([r, g, b], [0, 158, 115]);
  assert.deepEqual(regionRgb([0, 0, 1]), [51, 177, 143]);
  // a narrow win is paler, but still the same class's hue (35 % strength)
  assert.deepEqual(
    regionRgb([0.5, 0.5]),
    classRgb(0).map((c) => Math.round(255 + (c - 255) * 0.35)),
  );
});

test('the legend names every output, in the palette order', () => {
  const legend = classLegend(3);
  assert.deepEqual(
    legend.map((e) => e.color),
    CLASS_COLORS.slice(0, 3),
  );
  assert.equal(legend[1].label, 'class 2: output 2 has the largest o');
  assert.equal(classLegend(10)[8].color, CLASS_COLORS[0]); // past the palette: it repeats
});
