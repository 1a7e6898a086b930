// Formula cards: the lecture notes' equations with the live numbers filled in, as MathML trees.
// Pure: returns plain objects {tag, text?, title?, children?}; mathml.js turns them into DOM
// nodes, toText() into a string (for tests and for copying). Every symbol carries a title that
// names it in plain words.

import { fmt } from './format.js';
import { backSum, fPrime, input, outputDelta, perExample } from './grads.js';
import { unitName } from './layout.js';

export const WORDS = {
  net: 'net: the net input of the unit, the weighted sum of its inputs plus its bias',
  o: 'o: the output of the unit, f(net)',
  delta: 'δ (delta): the error signal of the unit, δ = −∂J/∂net',
  y: 'y: the target value for this output unit',
  u: 'u: the input arriving along the edge, the output o of the unit it comes from',
  w: 'w: the weight of the edge',
  b: 'b: the bias of the unit, a weight on a constant input 1',
  eta: 'η (eta): the learning rate',
  J: 'J: the loss over the whole batch; J_i is the loss of example i',
  f: 'f: the activation function of the unit; f′ is its derivative',
  sum: 'Σ: the sum over the terms below it',
  partial: '∂: partial derivative',
  dw: 'Δw: the change the update adds to the weight',
  N: 'N: the number of examples in the batch',
  i: 'i: the example whose numbers are shown',
  lambda: 'λ (lambda): the weight of the L2 term (λ/2) Σ w² in J',
};

// -- tree builders -------------------------------------------------------------------------
const node = (tag, children, extra = {}) => ({ tag, children, ...extra });
export const mi = (text, title) => ({ tag: 'mi', text, title });
export const mn = (x) => ({ tag: 'mn', text: typeof x === 'number' ? fmt(x) : x });
export const mo = (text, title) => ({ tag: 'mo', text, title });
export const row = (...children) => node('mrow', children.flat());
export const sub = (base, s) => node('msub', [base, typeof s === 'string' ? mi(s) : s]);
const frac = (a, b) => node('mfrac', [a, b]);
const num = (x) => (x < 0 ? row(mo('('), mn(x), mo(')')) : mn(x));
const times = mo('·');
const eq = mo('=');

const sym = {
  net: (s) => sub(mi('net', WORDS.net), s),
  o: (s) => sub(mi('o', WORDS.o), s),
  delta: (s) => sub(mi('δ', WORDS.delta), s),
  y: (s) => sub(mi('y', WORDS.y), s),
  u: (s) => sub(mi('u', WORDS.u), s),
  w: (s) => sub(mi('w', WORDS.w), s),
  b: (s) => sub(mi('b', WORDS.b), s),
  eta: () => mi('η', WORDS.eta),
  J: () => mi('J', WORDS.J),
  Ji: () => sub(mi('J', WORDS.J), mi('i', WORDS.i)),
  sum: (under) => node('munder', [mo('Σ', WORDS.sum), under]),
  sumN: () =>
    node('munderover', [
      mo('Σ', WORDS.sum),
      row(mi('i', WORDS.i), mo('='), mn('1')),
      mi('N', WORDS.N),
    ]),
  d: (top, bottom) => frac(row(mi('∂', WORDS.partial), top), row(mi('∂', WORDS.partial), bottom)),
  dw: (s) => sub(mi('Δw', WORDS.dw), s),
};

/** The tree as one line of text: "δ_l = (y_l − o_l) …". */
export function toText(n) {
  if (n.text !== undefined) return n.text;
  const parts = n.children.map(toText);
  switch (n.tag) {
    case 'msub':
      return `${parts[0]}_${parts[1]}`;
    case 'mfrac':
      return `${parts[0]}/${parts[1]}`;
    case 'munder':
      return `${parts[0]}_${parts[1]}`;
    case 'munderover':
      return `${parts[0]}_${parts[1]}^${parts[2]}`;
    default:
      return parts.join(' ');
  }
}

// -- shared rows ---------------------------------------------------------------------------
const ACT_NAME = { sigmoid: 'σ', tanh: 'tanh', relu: 'relu', linear: 'linear' };
const MAX_TERMS = 4;

function netRow(ctx, k, r, s) {
  const { weights, biases, trace, i } = ctx;
  const w = weights[k - 1][r];
  const terms = w
    .slice(0, MAX_TERMS)
    .flatMap((wq, q) => [
      ...(q > 0 ? [mo('+')] : []),
      num(wq),
      times,
      num(trace.activations[k - 1][i][q]),
    ]);
  if (w.length > MAX_TERMS) terms.push(mo('+'), mo('…'));
  return row(
    sym.net(s),
    eq,
    sym.sum(mi('q')),
    sym.w(`${s}q`),
    sym.u(`${s}q`),
    mo('+'),
    sym.b(s),
    eq,
    terms,
    mo('+'),
    num(biases[k - 1][r]),
    eq,
    mn(trace.net[k - 1][i][r]),
  );
}

function outRow(ctx, k, r, s, act) {
  const net = ctx.trace.net[k - 1][ctx.i][r];
  return row(
    sym.o(s),
    eq,
    mi('f', WORDS.f),
    mo('('),
    sym.net(s),
    mo(')'),
    eq,
    mi(ACT_NAME[act], WORDS.f),
    mo('('),
    mn(net),
    mo(')'),
    eq,
    mn(ctx.trace.activations[k][ctx.i][r]),
  );
}

function fPrimeParts(act, s, o, net) {
  if (act === 'sigmoid') {
    return {
      sym: [sym.o(s), mo('('), mn('1'), mo('−'), sym.o(s), mo(')')],
      nums: [mn(o), times, row(mo('('), mn('1'), mo('−'), mn(o), mo(')'))],
    };
  }
  const fp = fPrime(act, net, o);
  const named = row(mi('f′', WORDS.f), mo('('), sym.net(s), mo(')'));
  if (act === 'tanh') {
    return { sym: [named], nums: [row(mo('('), mn('1'), mo('−'), num(o), mo('²'), mo(')'))] };
  }
  return { sym: [named], nums: [mn(fp)] };
}

function outputDeltaRow(ctx, k, r, s) {
  const { settings, trace, i, y } = ctx;
  const act = settings.output_activation;
  const o = trace.activations[k][i][r];
  const net = trace.net[k - 1][i][r];
  const yl = y[i][r];
  const delta = trace.deltas[k - 1][i][r];
  const diff = [mo('('), sym.y(s), mo('−'), sym.o(s), mo(')')];
  const diffN = row(mo('('), mn(yl), mo('−'), mn(o), mo(')'));
  if (settings.loss === 'cross_entropy' && act === 'sigmoid') {
    return row(
      sym.delta(s),
      eq,
      sym.y(s),
      mo('−'),
      sym.o(s),
      eq,
      mn(yl),
      mo('−'),
      mn(o),
      eq,
      mn(delta),
    );
  }
  const fp = fPrimeParts(act, s, o, net);
  if (settings.loss === 'cross_entropy') {
    const ratio = [
      mo('('),
      frac(sym.y(s), sym.o(s)),
      mo('−'),
      frac(row(mn('1'), mo('−'), sym.y(s)), row(mn('1'), mo('−'), sym.o(s))),
      mo(')'),
    ];
    const value = yl / o - (1 - yl) / (1 - o);
    return row(sym.delta(s), eq, ratio, fp.sym, eq, num(value), times, fp.nums, eq, mn(delta));
  }
  return row(sym.delta(s), eq, diff, fp.sym, eq, diffN, times, fp.nums, eq, mn(delta));
}

function hiddenDeltaRow(ctx, k, r, s) {
  const { settings, trace, weights, i } = ctx;
  const act = settings.hidden_activation;
  const o = trace.activations[k][i][r];
  const net = trace.net[k - 1][i][r];
  const { terms } = backSum(weights, trace, k, r, i);
  const fp = fPrimeParts(act, s, o, net);
  const shown = terms
    .slice(0, MAX_TERMS)
    .flatMap((t, n) => [...(n > 0 ? [mo('+')] : []), num(t.w), times, num(t.delta)]);
  if (terms.length > MAX_TERMS) shown.push(mo('+'), mo('…'));
  return row(
    sym.delta(s),
    eq,
    fp.sym,
    sym.sum(mi('l')),
    sym.w(`l${s}`),
    sym.delta('l'),
    eq,
    fp.nums,
    times,
    mo('('), // the sum's terms stay top-level tokens: a long line may break between them
    shown,
    mo(')'),
    eq,
    mn(trace.deltas[k - 1][i][r]),
  );
}

// -- cards ---------------------------------------------------------------------------------
/**
 * The card for unit r of layer k, example i.
 * ctx: {layers, settings, weights, biases (before any update shown), trace, y, i}
 * trace: the API's forward, backward or step payload (deltas only after backward).
 */
export function unitCard(ctx, k, r) {
  const L = ctx.layers.length - 1;
  const rows = [];
  const values = {};
  if (k === 0) {
    const s = `${r + 1}`;
    values.o = ctx.trace ? ctx.trace.activations[0][ctx.i][r] : undefined;
    const title = `Input ${r + 1}`;
    if (values.o !== undefined) {
      rows.push({
        label: 'An input passes its value on unchanged',
        math: row(sym.o(s), eq, sub(mi('x', 'x: the input of the example'), s), eq, mn(values.o)),
      });
    }
    return { title, rows, values };
  }
  const output = k === L;
  const s = output ? 'l' : 'j';
  const name = unitName(ctx.layers, k, r);
  const title = `${output ? 'Output' : 'Hidden'} unit ${r + 1} of layer ${k}: ${name} (${s} = ${r + 1})`;
  if (!ctx.trace) return { title, rows, values };
  const act = output ? ctx.settings.output_activation : ctx.settings.hidden_activation;
  values.net = ctx.trace.net[k - 1][ctx.i][r];
  values.o = ctx.trace.activations[k][ctx.i][r];
  rows.push({ label: 'Net input', math: netRow(ctx, k, r, s) });
  rows.push({ label: 'Output', math: outRow(ctx, k, r, s, act) });
  if (ctx.trace.deltas) {
    values.delta = ctx.trace.deltas[k - 1][ctx.i][r];
    if (output && ctx.y) {
      rows.push({
        label: 'Output δ (lecture notes: ∂J/∂o_l · ∂o_l/∂net_l, sign flipped)',
        math: outputDeltaRow(ctx, k, r, s),
      });
      values.expected = outputDelta(ctx.settings.loss, act, ctx.y[ctx.i][r], values.o, values.net);
    } else if (!output) {
      rows.push({
        label: 'Hidden δ, from the δ of the next layer (weights before the update)',
        math: hiddenDeltaRow(ctx, k, r, s),
      });
    }
    rows.push({
      label: 'The lecture notes’ sign',
      math: row(sym.d(sym.Ji(), sym.net(s)), eq, mo('−'), sym.delta(s), eq, mn(-values.delta)),
    });
  }
  return { title, rows, values };
}

/** ∂J_i/∂w = −δ_r u_rq for the example shown (Observation 1 of the lecture notes). */
function exampleRow(e) {
  const { ctx, k, r, q, w, s, values } = e;
  const { i, trace } = ctx;
  const delta = trace.deltas[k - 1][i][r];
  const u = input(trace, k, i, q);
  values.gradientI = -delta * u;
  const uSym = q === null ? [times, mn('1')] : sym.u(s);
  return {
    label: `Example ${i + 1} (lecture notes, Observation 1: ∂net/∂w = u)`,
    math: row(
      sym.d(sym.Ji(), w(s)),
      eq,
      mo('−'),
      sym.delta(e.into),
      uSym,
      eq,
      mo('−'),
      num(delta),
      times,
      num(u),
      eq,
      mn(values.gradientI),
    ),
  };
}

/** The batch's Σ_i (or its mean), and with an L2 term λ w and the sum of both. */
function gradientRows(e) {
  const { ctx, k, r, q, w, s, values, dataPart } = e;
  const batch = perExample(ctx.trace, k, r, q, ctx.settings.reduction);
  const lambda = q === null ? 0 : ctx.settings.l2 || 0; // the L2 term covers the weights, not the biases
  const rows = [
    {
      label: `Whole batch, N = ${batch.n} (Σ computed in the browser from δ and u)`,
      math: row(lambda ? mi('data part') : sym.d(sym.J(), w(s)), eq, dataPart, eq, mn(batch.total)),
    },
  ];
  values.gradientData = batch.total;
  values.gradient = batch.total;
  if (!lambda) return rows;
  const lam = mi('λ', WORDS.lambda);
  values.penalty = lambda * ctx.wBefore;
  values.gradient = batch.total + values.penalty;
  rows.push(
    {
      label: `L2 term, λ = ${fmt(lambda)}: ∂/∂w of (λ/2) Σ w² is λ w (δ is unchanged)`,
      math: row(lam, w(s), eq, mn(lambda), times, num(ctx.wBefore), eq, mn(values.penalty)),
    },
    {
      label: 'Both parts: the gradient the update uses',
      math: row(
        sym.d(sym.J(), w(s)),
        eq,
        dataPart,
        mo('+'),
        lam,
        w(s),
        eq,
        mn(batch.total),
        mo('+'),
        num(values.penalty),
        eq,
        mn(values.gradient),
      ),
    },
  );
  return rows;
}

/** Δw = −η ∂J/∂w and the update rule; a frozen bias stays. */
function updateRows(e) {
  const { ctx, q, w, s, values, dataPart } = e;
  const { settings } = ctx;
  const eta = settings.learning_rate;
  const lambda = q === null ? 0 : settings.l2 || 0;
  const frozen = q === null && !settings.train_biases;
  values.deltaW = frozen ? 0 : -eta * values.gradient;
  values.newW = ctx.wBefore + values.deltaW;
  if (frozen) {
    return [
      {
        label: 'Biases are frozen (train biases is off)',
        math: row(w(s), mo('←'), w(s), eq, mn(ctx.wBefore)),
      },
    ];
  }
  const change = {
    label: 'Weight change',
    math: row(
      sym.dw(s),
      eq,
      mo('−'),
      sym.eta(),
      sym.d(sym.J(), w(s)),
      eq,
      mo('−'),
      mn(eta),
      times,
      num(values.gradient),
      eq,
      mn(values.deltaW),
    ),
  };
  const label =
    ctx.mode === 'online'
      ? 'Update by the batch rule (online mode instead applies each example’s ∂J_i/∂w in turn)'
      : 'Update (the lecture notes’ rule, every weight at once)';
  const update = {
    label,
    math: row(
      w(s),
      mo('←'),
      w(s),
      mo('−'),
      sym.eta(),
      lambda ? mo('(') : [],
      dataPart,
      lambda ? [mo('+'), mi('λ', WORDS.lambda), w(s), mo(')')] : [],
      eq,
      mn(ctx.wBefore),
      mo('+'),
      num(values.deltaW),
      eq,
      mn(values.newW),
    ),
  };
  return [change, update];
}

/**
 * The card for the edge into unit r of layer k from unit q of layer k−1 (q === null: bias).
 * ctx as for unitCard, plus wBefore (the weight the trace was computed with) and wAfter
 * (the weight after the update, when one has been applied). Symbols carry the graph's names:
 * w_h1→out1 is the weight the graph draws from h1 to out1 (w_rq with r = out1, q = h1).
 */
export function edgeCard(ctx, k, r, q) {
  const bias = q === null;
  const into = unitName(ctx.layers, k, r);
  const from = bias ? null : unitName(ctx.layers, k - 1, q);
  const s = bias ? into : `${from}→${into}`;
  const w = bias ? sym.b : sym.w;
  const title = bias
    ? `Bias of ${into}: unit ${r + 1} of layer ${k}`
    : `Weight ${from} → ${into}: into unit ${r + 1} of layer ${k} from unit ${q + 1} of layer ${k - 1}`;
  const values = { w: ctx.wBefore };
  const rows = [{ label: 'Current value', math: row(w(s), eq, mn(ctx.wAfter ?? ctx.wBefore)) }];
  if (!ctx.trace || !ctx.trace.deltas) return { title, rows, values };
  const mean = ctx.settings.reduction === 'mean';
  const dataPart = [
    ...(mean ? [frac(mn('1'), mi('N', WORDS.N))] : []),
    sym.sumN(),
    sym.d(sym.Ji(), w(s)),
  ];
  const e = { ctx, k, r, q, w, s, into, values, dataPart };
  rows.push(exampleRow(e), ...gradientRows(e), ...updateRows(e));
  return { title, rows, values };
}
