// When Play stops by itself: at a target J, a target accuracy, or after a number of epochs.
// Pure: Play (frames.js) asks these after every batch of frames.

/**
 * Conditions from the page's inputs (strings; empty means "no such condition"):
 * {loss, accuracy (in %), epochs} → {loss: number|null, accuracy: fraction|null, epochs: int|null}.
 */
export function parseConditions({ loss = '', accuracy = '', epochs = '' }) {
  const num = (s) => (String(s).trim() === '' ? null : Number(s));
  const J = num(loss);
  const acc = num(accuracy);
  const n = num(epochs);
  return {
    loss: Number.isFinite(J) ? J : null,
    accuracy: Number.isFinite(acc) ? acc / 100 : null,
    epochs: Number.isInteger(n) && n > 0 ? n : null,
  };
}

/**
 * Why Play stops now, or null to go on. status: {loss: J, accuracy: fraction|null, epochs: the
 * epochs trained since Play started}.
 */
export function stopReason(conditions, status) {
  const { loss, accuracy, epochs } = conditions;
  if (loss !== null && Number.isFinite(status.loss) && status.loss <= loss)
    return `J reached ${loss} or less`;
  if (accuracy !== null && status.accuracy !== null && status.accuracy >= accuracy)
    return `accuracy reached ${Math.round(accuracy * 1000) / 10} % or more`;
  if (epochs !== null && status.epochs >= epochs) return `${epochs} epochs done`;
  return null;
}

/** Epochs for the next request: the speed's, but never past an epoch limit. */
export function nextEpochs(speedEpochs, conditions, done) {
  if (conditions.epochs === null) return speedEpochs;
  return Math.max(1, Math.min(speedEpochs, conditions.epochs - done));
}
