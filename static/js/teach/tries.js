// A student's answers as the teacher's view of their run lists them: per question, where the
// student stands and each try (its value, time, verdict and mistake). Pure: from GET
// …/students/{id}/run's `questions`.

import { fmt } from '../format.js';
import { MISTAKES } from './diagnoses.js';

const STATES = { open: 'open', right: 'right', revealed: 'answer shown' };

/** "δ of out1: right after 3 tries", "w5 after one update: open, 1 try", "…: not tried". */
export function questionHead(q) {
  const name = q.prompt || q.path;
  if (!q.attempts) return `${name}: ${q.state === 'revealed' ? STATES.revealed : 'not tried'}`;
  const tries = `${q.attempts} ${q.attempts === 1 ? 'try' : 'tries'}`;
  const mastered = q.mastered ? ' · mastered' : '';
  if (q.state === 'right') return `${name}: right after ${tries}${mastered}`;
  return `${name}: ${STATES[q.state] || q.state}, ${tries}${mastered}`;
}

/** The clock time of Unix seconds `at`, in this browser's time zone: "14:05:09". */
export function clock(at) {
  const d = new Date(at * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/**
 * One row per try, oldest first: {attempt, time, value (written as fmt does, 4 digits),
 * verdict ('right' or 'wrong'), mistake (its short name, or ''), message (the mistake in
 * the lecture notes' words, or '')}.
 */
export function tryRows(q) {
  return (q.tries || []).map((t) => ({
    attempt: t.attempt,
    time: clock(t.at),
    value: fmt(t.value),
    verdict: t.correct ? 'right' : 'wrong',
    mistake: t.diagnosis ? MISTAKES[t.diagnosis.code] || t.diagnosis.code : '',
    message: t.diagnosis ? t.diagnosis.message : '',
  }));
}
