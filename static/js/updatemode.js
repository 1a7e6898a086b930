// The update mode: batch, online, or mini-batches of B examples (docs/api.md). Pure: no DOM.

export const MODES = [
  ['batch', 'batch: one update per pass'],
  ['online', 'online: one per example'],
  ['minibatch', 'mini-batch: one per B'],
];

/** The mode's fields of a /step body: {mode}, or {mode, batch_size} for mini-batches. */
export function modeFields(mode, batchSize) {
  return mode === 'minibatch' ? { mode, batch_size: batchSize } : { mode };
}

/** B from what was typed or stored: a whole number of at least 1, else null. */
export function parseBatchSize(value) {
  const b = Number(value);
  return Number.isInteger(b) && b >= 1 ? b : null;
}

/**
 * The targets in the order of the trace's rows: a mini-batch step's rows are its first
 * mini-batch's examples (`trace.minibatch`, indices into the dataset), other traces' the
 * dataset's own order.
 */
export function traceTargets(trace, y) {
  return trace?.minibatch && y ? trace.minibatch.map((i) => y[i]) : y;
}

/** The phase line's note after an update in online or mini-batch mode (1-based examples). */
export function modeNote(mode, trace) {
  if (mode === 'online')
    return ' Online mode: one update per example, in order; shown is the first, made from example 1 alone.';
  if (mode !== 'minibatch' || !trace?.minibatch) return '';
  const which = trace.minibatch.map((i) => i + 1);
  const listed = which.length > 12 ? `${which.slice(0, 12).join(', ')}, …` : which.join(', ');
  return ` Mini-batch mode: one update per ${which.length === 1 ? 'example' : `${which.length} examples`} in an order drawn each epoch; shown is the first update, made from examples ${listed} (rows 1 to ${which.length} here).`;
}
