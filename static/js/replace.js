// Loading into the network a student already has: in a class the network's address is the
// student's place in it (the teacher's card follows it), so a preset or an imported file
// replaces what the network holds, by one PATCH, instead of making a new network elsewhere.
// Pure: no DOM.

/**
 * The settings a create body gets when it leaves them out (app/schemas.py, NetworkSettings):
 * a PATCH keeps the network's own instead, so they are sent.
 */
export const CREATE_DEFAULTS = {
  name: null,
  hidden_activation: 'sigmoid',
  output_activation: 'sigmoid',
  loss: 'squared_error',
  learning_rate: 0.5,
  reduction: 'sum',
  train_biases: true,
  l2: 0,
  seed: 0,
};

/**
 * The PATCH body that makes a network what POST /api/networks would make of `body` (a preset's
 * full body from GET /api/presets/{name}, or an exported file): every setting, the layers,
 * the weights (exact, or drawn from the seed), and the examples (none: `dataset: null`).
 */
export function replaceBody(body) {
  const patch = { ...CREATE_DEFAULTS };
  for (const key of Object.keys(CREATE_DEFAULTS)) if (body[key] != null) patch[key] = body[key];
  if (patch.name === null) delete patch.name; // PATCH has no way to clear a name
  patch.layers = body.layers;
  if (body.weights) patch.weights = body.weights;
  if (body.biases) patch.biases = body.biases;
  if (body.generate) patch.generate = body.generate;
  else patch.dataset = body.dataset || null;
  return patch;
}
