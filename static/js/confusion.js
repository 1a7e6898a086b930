// The confusion matrix beside accuracy: the step's evaluation → the rows of a small table.
// Pure: no DOM (status.js draws it).

/**
 * One table per scored part with classes: {part, title, classes, rows: [{label, counts}],
 * right, total}. evaluation: the step response's {train: {confusion, …}, test: … | null};
 * confusion[t][p] counts the examples of true class t the network puts in class p.
 */
export function confusionTables(evaluation) {
  if (!evaluation) return [];
  const parts = [
    ['train', 'Training', evaluation.train],
    ['test', 'Test', evaluation.test],
  ];
  return parts
    .filter(([, , sc]) => sc && Array.isArray(sc.confusion))
    .map(([part, title, sc]) => {
      const classes = sc.confusion.map((_, k) => String(k));
      const rows = sc.confusion.map((counts, t) => ({ label: classes[t], counts }));
      const right = sc.confusion.reduce((sum, counts, t) => sum + counts[t], 0);
      const total = sc.confusion.flat().reduce((a, b) => a + b, 0);
      return { part, title, classes, rows, right, total };
    });
}
