// The formula card: the lecture notes' equations for the selected unit or edge with the live numbers,
// the batch view (each example's ∂J_i/∂w next to Σ_i), the gradient check and exact weights.

import { chainSection } from './chainview.js';
import { edgeCard, unitCard, WORDS } from './formulas.js';
import { fmt, full } from './format.js';
import { perExample } from './grads.js';
import { mathLines } from './mathml.js';
import { h } from './dom.js';
import { unitName } from './layout.js';
import { traceTargets } from './updatemode.js';

const HINT = 'Hover over a symbol to see what it means.';

/** The line that names the symbol under the pointer; the card listens once, for every render. */
function explainer(root) {
  if (!root.dataset.explains) {
    root.dataset.explains = '1';
    root.addEventListener('mouseover', (e) => {
      const line = root.querySelector('.explain');
      const t = e.target.closest('[data-explain]');
      if (line) line.textContent = t ? t.getAttribute('data-explain') : HINT;
    });
  }
  return h('p', { class: 'explain', 'aria-live': 'polite', text: HINT });
}

function batchTable(trace, k, r, q, reduction, apiGradient, label0 = 'API gradient ∂J/∂w') {
  const b = perExample(trace, k, r, q, reduction);
  const uName = q === null ? 'u = 1' : 'u_rq';
  const head = h(
    'tr',
    {},
    h('th', { text: 'i' }),
    h('th', { text: uName }),
    h('th', { text: 'δ_r' }),
    h('th', { text: q === null ? '∂J_i/∂b = −δ_r' : '∂J_i/∂w = −δ_r u_rq' }),
  );
  const rows = b.rows.map((row) =>
    h(
      'tr',
      {},
      h('td', { text: String(row.i + 1) }),
      h('td', { text: fmt(row.u) }),
      h('td', { text: fmt(row.delta) }),
      h('td', { text: fmt(row.g) }),
    ),
  );
  const label = reduction === 'mean' ? '(1/N) Σ_i' : 'Σ_i';
  const foot = h(
    'tr',
    { class: 'sum' },
    h('th', { colspan: '3', text: `${label} (browser)` }),
    h('td', { text: fmt(b.total), 'data-batch-sum': full(b.total) }),
  );
  const api = h(
    'tr',
    {},
    h('th', { colspan: '3', text: label0 }),
    h('td', { text: fmt(apiGradient) }),
  );
  return h(
    'details',
    { class: 'batch', open: b.n <= 8 },
    h('summary', {
      text: `Batch view: ${b.n} example${b.n === 1 ? '' : 's'}, ∂J/∂w = ${label} ∂J_i/∂w`,
    }),
    h('p', {
      class: 'note',
      text: 'Each row is computed here in the browser from the δ and o the API returned; the sum should equal the API’s gradient.',
    }),
    h('table', {}, h('thead', {}, head), h('tbody', {}, rows), h('tfoot', {}, foot, api)),
  );
}

/** Buttons for the weights and the bias into a unit: every edge is reachable by keyboard. */
function incoming(layers, id, select) {
  const [k, r] = id.split('-').map(Number);
  if (k === 0) return h('span');
  const shown = Math.min(layers[k - 1], 32);
  const buttons = [...Array(shown)].map((_, q) =>
    h('button', {
      type: 'button',
      class: 'small',
      text: `w from ${unitName(layers, k - 1, q)}`,
      onclick: () => select({ type: 'edge', id: `${k}-${r}-${q}` }),
    }),
  );
  if (shown < layers[k - 1])
    buttons.push(
      h('span', { class: 'note', text: `and ${layers[k - 1] - shown} more in the graph` }),
    );
  buttons.push(
    h('button', {
      type: 'button',
      class: 'small',
      text: 'bias b',
      onclick: () => select({ type: 'bias', id: `${k}-${r}` }),
    }),
  );
  return h('div', { class: 'incoming' }, h('h3', { text: 'Weights into this unit' }), buttons);
}

/** With nothing selected: how to begin, the three phases, and the notation. */
function emptyCard() {
  return [
    h('h2', { text: 'Formula card' }),
    h('p', {
      class: 'empty',
      text: 'Click a unit or an edge in the graph (or Tab to it and press Enter) to see its equations with the live numbers.',
    }),
    h(
      'ol',
      { class: 'steps' },
      h('li', { text: 'Forward: every unit computes net = Σ w u + b and o = f(net).' }),
      h('li', {
        text: 'Backward: δ = −∂J/∂net starts at the outputs and flows back; each weight gets ∂J/∂w = −Σ_i δ u.',
      }),
      h('li', { text: 'Update: every weight moves at once by Δw = −η ∂J/∂w.' }),
    ),
    h('h3', { text: 'Notation' }),
    h(
      'dl',
      { class: 'notation' },
      Object.values(WORDS).flatMap((w) => {
        const [sym, ...rest] = w.split(': ');
        return [h('dt', { text: sym }), h('dd', { text: rest.join(': ') })];
      }),
    ),
  ];
}

/** The card's equations (formulas.js) for the selection, and `edge` for an edge or a bias. */
function cardFor(s) {
  const sel = s.selected;
  const net = s.network;
  const before = s.before || net;
  const trace = s.trace && s.i < s.trace.activations[0].length ? s.trace : null;
  const ctx = {
    layers: net.layers,
    settings: net,
    weights: before.weights,
    biases: before.biases,
    trace,
    y: traceTargets(trace, net.dataset?.y),
    i: s.i,
    mode: s.mode,
  };
  const parts = sel.id.split('-').map(Number);
  const [k, r] = parts;
  if (sel.type === 'unit') return { card: unitCard(ctx, k, r), edge: null, trace, ctx };
  const q = sel.type === 'bias' ? null : parts[2];
  const wBefore = q === null ? before.biases[k - 1][r] : before.weights[k - 1][r][q];
  const wNow = q === null ? net.biases[k - 1][r] : net.weights[k - 1][r][q];
  return {
    card: edgeCard({ ...ctx, wBefore, wAfter: wNow }, k, r, q),
    edge: { k, r, q, wNow },
    trace,
  };
}

/** The equations, one labelled block each, and the notes on what is still to come. */
function equations(card, trace, hint) {
  const out = [];
  if (!trace)
    out.push(h('p', { class: 'empty', text: hint || 'Press Forward to fill in the numbers.' }));
  for (const row of card.rows)
    out.push(
      h(
        'div',
        { class: 'eq' },
        h('div', { class: 'eq-label', text: row.label }),
        mathLines(row.math),
      ),
    );
  if (trace && !trace.deltas && card.rows.length)
    out.push(h('p', { class: 'empty', text: hint || 'Press Backward for δ and the gradients.' }));
  return out;
}

/**
 * The unit's o over the input plane, beside its equations (2-input networks): the large
 * picture in the Charts panel stays the output's, so the two are never mistaken.
 */
function unitPicture(layers, id, paint) {
  const [k, r] = id.split('-').map(Number);
  if (k === 0 || !paint) return null;
  const canvas = h('canvas', {
    class: 'unit-picture',
    width: '112',
    height: '112',
    'data-card-picture': id,
    role: 'img',
    'aria-label': `o of ${unitName(layers, k, r)} over the input plane`,
  });
  if (!paint(canvas, id)) return null;
  return h(
    'figure',
    { class: 'unit-picture-box' },
    canvas,
    h('figcaption', {
      class: 'note',
      text: `o of ${unitName(layers, k, r)} over the input plane, this unit alone (the Charts panel shows the output).`,
    }),
  );
}

/** The batch view of an edge and, with an L2 term, the API's two parts of its gradient. */
function batchParts(s, trace, edge) {
  const { k, r, q } = edge;
  const net = s.network;
  // the browser's Σ is the data part; with an L2 term the API's total also holds λ w
  const gr = trace.gradients;
  const split = q !== null && net.l2 > 0 && gr.weights_data;
  const g = q === null ? gr.biases[k - 1][r] : (split ? gr.weights_data : gr.weights)[k - 1][r][q];
  const out = [
    batchTable(trace, k, r, q, net.reduction, g, split ? 'API gradient, data part' : undefined),
  ];
  if (split) {
    out.push(
      h(
        'p',
        { class: 'note l2-parts', 'data-l2-penalty': full(gr.weights_penalty[k - 1][r][q]) },
        h('span', {
          text: `API: data part ${fmt(gr.weights_data[k - 1][r][q])} + penalty λw ${fmt(gr.weights_penalty[k - 1][r][q])} = ∂J/∂w ${fmt(gr.weights[k - 1][r][q])}`,
        }),
      ),
    );
  }
  return out;
}

/** A field to type the weight's exact value (PATCH weights or biases). */
function weightForm(sel, edge, setWeight) {
  const input = h('input', {
    type: 'number',
    step: 'any',
    id: 'weight-input',
    value: full(edge.wNow),
  });
  return h(
    'form',
    {
      class: 'weight-form',
      onsubmit: (e) => {
        e.preventDefault();
        setWeight(sel, Number(input.value));
      },
    },
    h('label', { for: 'weight-input', text: edge.q === null ? 'Exact bias' : 'Exact weight' }),
    input,
    h('button', { type: 'submit', text: 'Set' }),
  );
}

/** Check gradient: the server's centred finite difference beside the backprop value. */
function gradientCheck(edge, check) {
  const { k, r, q } = edge;
  const result = h('div', { class: 'gradcheck-result', 'aria-live': 'polite' });
  const row = (label, value, attr) =>
    h(
      'tr',
      {},
      h('th', { text: label }),
      h('td', { text: value, ...(attr ? { [attr]: value } : {}) }),
    );
  const button = h('button', {
    type: 'button',
    text: 'Check gradient',
    onclick: async () => {
      result.textContent = 'Computing…';
      try {
        const res = await check();
        const pick = (gr) => (q === null ? gr.biases[k - 1][r] : gr.weights[k - 1][r][q]);
        const bp = pick(res.backprop);
        const nu = pick(res.numerical);
        const rel = Math.abs(bp - nu) / Math.max(Math.abs(bp), Math.abs(nu), 1e-12);
        result.replaceChildren(
          h(
            'table',
            { class: 'gradcheck' },
            row('Backprop ∂J/∂w', full(bp), 'data-backprop'),
            row(`Finite difference, ε = ${res.epsilon}`, full(nu), 'data-numerical'),
            row('Relative error', fmt(rel, 2)),
          ),
          h('p', {
            class: 'note',
            text: '(J(w + ε) − J(w − ε)) / 2ε over the stored examples, computed by the server.',
          }),
        );
      } catch (err) {
        result.textContent = err.detail || String(err);
      }
    },
  });
  return h('div', { class: 'gradcheck-box' }, button, result);
}

/**
 * Render the card. s: the page state (s.hint, if given, replaces the "Press …" notes);
 * actions: {setWeight(sel, value), gradientCheck(), select(sel), paint(canvas, id) → draws
 * a unit's picture, false when it has none}.
 */
export function renderCard(root, s, actions) {
  const sel = s.selected;
  if (!sel) {
    root.replaceChildren(...emptyCard());
    return;
  }
  const { card, edge, trace, ctx } = cardFor(s);
  const body = h('div', { class: 'card-body' });
  root.replaceChildren(h('h2', { text: card.title, tabindex: '-1' }), body);
  const picture = sel.type === 'unit' && unitPicture(s.network.layers, sel.id, actions.paint);
  if (picture) body.append(picture);
  body.append(...equations(card, trace, s.hint), explainer(root));
  if (!edge) {
    if (sel.type !== 'unit') return;
    const chain = trace && chainSection({ ...ctx, y: ctx.y ?? null }, sel.id);
    if (chain) body.append(chain);
    body.append(incoming(s.network.layers, sel.id, actions.select));
    return;
  }
  if (trace?.deltas) body.append(...batchParts(s, trace, edge));
  body.append(weightForm(sel, edge, actions.setWeight), gradientCheck(edge, actions.gradientCheck));
}
