// Colour-blind-safe palette (Okabe–Ito blue and orange) and the scales built on it. Pure.

export const POSITIVE = '#0072B2'; // blue: w > 0, δ > 0
export const NEGATIVE = '#E69F00'; // orange: w < 0, δ < 0
export const NEUTRAL = '#9aa3ad';

const BLUE = [0, 114, 178];
const ORANGE = [230, 159, 0];
const WHITE = [247, 247, 247];

/** The colour for a signed value: blue for positive, orange for negative, grey for zero. */
export function signColor(v) {
  if (v > 0) return POSITIVE;
  if (v < 0) return NEGATIVE;
  return NEUTRAL;
}

/** Edge width in px for weight w, with maxAbs the largest |w| drawn (width ∝ |w|). */
export function edgeWidth(w, maxAbs, minWidth = 0.6, maxWidth = 7) {
  if (!(maxAbs > 0)) return minWidth;
  return minWidth + (maxWidth - minWidth) * Math.min(Math.abs(w) / maxAbs, 1);
}

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

/**
 * Diverging scale for the heatmap: lo → orange, the midpoint → near white, hi → blue.
 * Returns [r, g, b].
 */
export function divergingRgb(v, lo, hi) {
  const t = hi > lo ? Math.min(Math.max((v - lo) / (hi - lo), 0), 1) : 0.5;
  return t < 0.5 ? mix(ORANGE, WHITE, t * 2) : mix(WHITE, BLUE, (t - 0.5) * 2);
}

export function rgbString([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}
