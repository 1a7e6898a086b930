// J and accuracy on the training and the test set, as one line of text. Pure.

import { fmt } from './format.js';

const percent = (a) => `${Math.round(a * 1000) / 10} %`;

/** evaluation: the step response's {train: {loss, accuracy, examples}, test: … | null}. */
export function scoreText(evaluation) {
  if (!evaluation) return '';
  const part = (name, sc) =>
    `${name}: J = ${fmt(sc.loss)}${sc.accuracy === null ? '' : `, accuracy ${percent(sc.accuracy)}`} (${sc.examples})`;
  const parts = [part('Training', evaluation.train)];
  if (evaluation.test) parts.push(part('test', evaluation.test));
  return parts.join(' · ');
}
