// The class's mistakes per question, for the dashboard's panel: pure, from the snapshot's (or
// the stream's) `diagnoses`, [{path, prompt, counts: {code: students}}]; and what a card says
// of mastery.

/** A short name for each mistake the server names (app/classroom/diagnosis.py). */
export const MISTAKES = {
  sign: 'the sign (∂J/∂net for δ)',
  missing_derivative: 'missing f′',
  derivative_of_wrong_value: 'f′ taken at o',
  updated_weights: 'weights after the update',
  missing_rate: 'missing η',
  one_example: 'one example, not the sum',
  mean_vs_sum: 'mean vs sum',
  wrong_input: 'the wrong u',
};

/** "1 student" / "7 students". */
export function students(n) {
  return `${n} ${n === 1 ? 'student' : 'students'}`;
}

/**
 * One entry per question with mistakes counted, the most common first:
 * {question (its prompt, or its path), lines: ["7 students: missing f′", …]}.
 */
export function mistakeLines(diagnoses) {
  return (diagnoses || [])
    .map((q) => ({
      question: q.prompt || q.path,
      lines: Object.entries(q.counts || {})
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([code, n]) => `${students(n)}: ${MISTAKES[code] || code}`),
    }))
    .filter((q) => q.lines.length > 0);
}

/**
 * A card's mastery line: "Mastered 1 of 2: δ of out1", "Mastered 0 of 2", or '' when the
 * activity asks for no mastery. `questions` are the activity's (their prompts name them).
 */
export function masteryText(answers, questions) {
  if (!answers || !answers.mastery) return '';
  const done = new Set(answers.mastered || []);
  const names = (questions || [])
    .filter((q) => done.has(q.path.replace(/ /g, '')))
    .map((q) => q.prompt || q.path);
  const head = `Mastered ${done.size} of ${answers.total}`;
  return names.length ? `${head}: ${names.join(', ')}` : head;
}
