// Micro-steps: a forward or backward pass shown one unit (then one weight) at a time, in the
// lecture notes' order. Pure: no DOM. Every number is already in the API's payload; this module
// only decides which of them are shown after n steps, what each step points at, and what it says.
//
// Forward: net and o of each unit, layer 1 to L, unit by unit; then J.
// Backward (net and o shown from the start): δ of each output unit, then of each hidden unit,
// layer L−1 down to 1 (δ_j = f′(net_j) Σ_l w_lj δ_l); then ∂J/∂w_rq = −Σ_i δ_r u_rq of each
// weight, the layers in the same order (layer L first), each unit's bias after its weights.
//
// A step: {kind: 'unit' | 'loss' | 'delta' | 'weight' | 'bias', k, r, q}, indices as in the API
// (layer k, unit r, input q; weights[k-1][r][q], biases[k-1][r]).

import { fmt } from './format.js';
import { unitName } from './layout.js';

/** The micro-steps of a pass ('forward' or 'backward') for these layer sizes, in order. */
export function microSteps(layers, phase) {
  const L = layers.length - 1;
  const steps = [];
  if (phase === 'forward') {
    for (let k = 1; k <= L; k += 1)
      for (let r = 0; r < layers[k]; r += 1) steps.push({ kind: 'unit', k, r });
    steps.push({ kind: 'loss' });
    return steps;
  }
  for (let k = L; k >= 1; k -= 1)
    for (let r = 0; r < layers[k]; r += 1) steps.push({ kind: 'delta', k, r });
  for (let k = L; k >= 1; k -= 1) {
    for (let r = 0; r < layers[k]; r += 1) {
      for (let q = 0; q < layers[k - 1]; q += 1) steps.push({ kind: 'weight', k, r, q });
      steps.push({ kind: 'bias', k, r });
    }
  }
  return steps;
}

const key = (s) => `${s.kind} ${s.k ?? ''}-${s.r ?? ''}-${s.q ?? ''}`;
const done = (steps, n) => new Set(steps.slice(0, n).map(key));

/** A copy of nested arrays [k][…] where `keep(k, …indices)` is false gives undefined. */
function holes(arrays, keep) {
  const walk = (a, idx) =>
    Array.isArray(a) ? a.map((v, n) => walk(v, [...idx, n])) : keep(...idx) ? a : undefined;
  return walk(arrays, []);
}

/**
 * The payload as it stands after the first n steps: what is not computed yet is undefined
 * (J is null), so the graph and the panels show it as not there. Forward: the inputs from the
 * start; backward: net, o and J from the start.
 */
export function shownTrace(trace, phase, steps, n) {
  const seen = done(steps, n);
  if (phase === 'forward') {
    // net[k-1][i][r], activations[k][i][r]; the batch runs together, so every example's
    // net_r and o_r come at unit r's step
    const net = holes(trace.net, (k1, _i, r) => seen.has(key({ kind: 'unit', k: k1 + 1, r })));
    const activations = holes(
      trace.activations,
      (k, _i, r) => k === 0 || seen.has(key({ kind: 'unit', k, r })),
    );
    return {
      ...trace,
      net,
      activations,
      output: activations[activations.length - 1],
      loss: seen.has(key({ kind: 'loss' })) ? trace.loss : null,
    };
  }
  const weight = (k1, r, q) => seen.has(key({ kind: 'weight', k: k1 + 1, r, q }));
  const bias = (k1, r) => seen.has(key({ kind: 'bias', k: k1 + 1, r }));
  return {
    ...trace,
    deltas: holes(trace.deltas, (k1, _i, r) => seen.has(key({ kind: 'delta', k: k1 + 1, r }))),
    gradients: {
      weights: holes(trace.gradients.weights, weight),
      biases: holes(trace.gradients.biases, bias),
    },
    weight_deltas: holes(trace.weight_deltas, weight),
    bias_deltas: holes(trace.bias_deltas, bias),
  };
}

/** What a step computes, as a selection of the graph ({type, id}); null for J. */
export function subject(step) {
  switch (step.kind) {
    case 'unit':
    case 'delta':
      return { type: 'unit', id: `${step.k}-${step.r}` };
    case 'weight':
      return { type: 'edge', id: `${step.k}-${step.r}-${step.q}` };
    case 'bias':
      return { type: 'bias', id: `${step.k}-${step.r}` };
    default:
      return null;
  }
}

/** The step that computes what a selection shows in this pass, or null if nothing does. */
function stepFor(sel, phase) {
  const [k, r, q] = sel.id.split('-').map(Number);
  if (sel.type === 'unit')
    return k === 0 ? null : { kind: phase === 'forward' ? 'unit' : 'delta', k, r };
  if (phase === 'forward') return null; // the forward pass computes nothing on an edge
  return sel.type === 'bias' ? { kind: 'bias', k, r } : { kind: 'weight', k, r, q };
}

/** The 1-based number of the step that computes what `sel` shows; 0 if it is shown already. */
export function stepOf(sel, phase, steps) {
  const want = sel && stepFor(sel, phase);
  return want ? steps.findIndex((s) => key(s) === key(want)) + 1 : 0;
}

/**
 * The numbers a step uses, for highlighting: unit ids and weight and bias ids (as in the
 * graph's data-unit, data-weight-id and data-bias-id).
 * unit r of layer k: its incoming weights and bias, and the units u_rq they carry;
 * output δ: the unit itself (its o and y); hidden δ_j: the weights w_lj out of it and the δ_l
 * at their ends (the terms of Σ_l w_lj δ_l); ∂J/∂w_rq: the weight, δ_r and u_rq; J: the outputs.
 */
export function termsOf(step, layers) {
  const range = (n) => [...Array(n).keys()];
  const { k, r, q } = step;
  const L = layers.length - 1;
  switch (step.kind) {
    case 'unit':
      return {
        units: range(layers[k - 1]).map((p) => `${k - 1}-${p}`),
        weights: range(layers[k - 1]).map((p) => `${k}-${r}-${p}`),
        biases: [`${k}-${r}`],
      };
    case 'delta':
      if (k === L) return { units: [`${k}-${r}`], weights: [], biases: [] };
      return {
        units: range(layers[k + 1]).map((l) => `${k + 1}-${l}`),
        weights: range(layers[k + 1]).map((l) => `${k + 1}-${l}-${r}`),
        biases: [],
      };
    case 'weight':
      return { units: [`${k}-${r}`, `${k - 1}-${q}`], weights: [`${k}-${r}-${q}`], biases: [] };
    case 'bias':
      return { units: [`${k}-${r}`], weights: [], biases: [`${k}-${r}`] };
    default:
      return { units: range(layers[L]).map((l) => `${L}-${l}`), weights: [], biases: [] };
  }
}

/** What one step computed, in words: "δ of out1 = −0.1385". Example i for the units' numbers. */
export function describe(step, trace, i, layers) {
  const name = (k, r) => unitName(layers, k, r);
  const n = trace.activations[0].length;
  const ex = n > 1 ? ` (example ${i + 1})` : '';
  const batch = n > 1 ? ` (Σ over ${n} examples)` : '';
  const { k, r, q } = step;
  switch (step.kind) {
    case 'unit': {
      const u = name(k, r);
      return `net of ${u} = ${fmt(trace.net[k - 1][i][r])}, o of ${u} = ${fmt(trace.activations[k][i][r])}${ex}`;
    }
    case 'loss':
      return `J = ${fmt(trace.loss)}${batch}`;
    case 'delta':
      return `δ of ${name(k, r)} = ${fmt(trace.deltas[k - 1][i][r])}${ex}`;
    case 'weight':
      return `∂J/∂w from ${name(k - 1, q)} to ${name(k, r)} = ${fmt(trace.gradients.weights[k - 1][r][q])}${batch}`;
    default:
      return `∂J/∂b of ${name(k, r)} = ${fmt(trace.gradients.biases[k - 1][r])}${batch}`;
  }
}

const WHAT_NEXT = {
  forward: 'Backward (B) goes on with δ.',
  backward: 'Update (U) applies Δw = −η ∂J/∂w.',
};

/**
 * The sentence for the live region after moving to step n (of steps.length):
 * how = 'start' (the pass just arrived), 'next' or 'back'.
 */
export function announcement(trace, phase, steps, n, i, layers, how) {
  const N = steps.length;
  const of = `step ${n} of ${N}`;
  if (n === 0) {
    const nothing =
      phase === 'forward' ? 'only the inputs are shown' : 'net and o are shown, no δ yet';
    if (how === 'back') return `Back to the start of the ${phase} pass: ${nothing}.`;
    return `${phase === 'forward' ? 'Forward' : 'Backward'} pass, step by step: ${N} steps; ${nothing}. Press → (Next step) for each.`;
  }
  const what = describe(steps[n - 1], trace, i, layers);
  if (how === 'back') return `Back to ${of}: ${what}.`;
  const last = n === N ? ` The whole ${phase} pass is shown. ${WHAT_NEXT[phase]}` : '';
  return `${what} (${of}).${last}`;
}

/** The forward part of a backward payload: what the card shows before a unit's δ is computed. */
function forwardPart(trace) {
  const { net, activations, output, loss } = trace;
  return { net, activations, output, loss };
}

/**
 * What the formula card shows for `sel` after n steps: the whole payload once the step that
 * computes it is done (its equation only uses numbers computed before it), else the payload
 * as it was before the pass, and a hint naming the step to come.
 */
export function cardView(trace, phase, steps, n, sel) {
  const at = stepOf(sel, phase, steps);
  if (at <= n) return { trace, hint: null };
  let what = sel.type === 'bias' ? '∂J/∂b comes' : '∂J/∂w comes';
  if (sel.type === 'unit') what = phase === 'forward' ? 'net and o come' : 'δ comes';
  return {
    trace: phase === 'forward' ? null : forwardPart(trace),
    hint: `Step by step: its ${what} at step ${at} of ${steps.length}; press → (Next step) to go on.`,
  };
}
