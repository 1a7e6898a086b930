// The formula card: the lecture notes' equations for the selected unit or edge with the live numbers,
// the batch view (each example's ∂J_i/∂w next to Σ_i), the gradient check and exact weights.

import { edgeCard, unitCard, WORDS } from './formulas.js';
import { fmt, full } from './format.js';
import { perExample } from './grads.js';
import { mathLines } from './mathml.js';
import { h } from './dom.js';

const HINT = 'Hover over a symbol to see what it means.';

function explainer(root) {
  const line = h('p', { class: 'explain', 'aria-live': 'polite', text: HINT });
  root.addEventListener('mouseover', (e) => {
    const t = e.target.closest('[data-explain]');
    line.textContent = t ? t.getAttribute('data-explain') : HINT;
  });
  return line;
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
  const name = (kk, rr) => (kk === 0 ? `x${rr + 1}` : `unit ${rr + 1} of layer ${kk}`);
  const shown = Math.min(layers[k - 1], 32);
  const buttons = [...Array(shown)].map((_, q) =>
    h('button', {
      type: 'button',
      class: 'small',
      text: `w from ${name(k - 1, q)}`,
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

/**
 * Render the card. s: the page state (s.hint, if given, replaces the "Press …" notes);
 * actions: {setWeight(sel, value), gradientCheck(), select(sel)}.
 */
export function renderCard(root, s, actions) {
  root.replaceChildren();
  const sel = s.selected;
  if (!sel) {
    root.append(
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
    );
    return;
  }
  const net = s.network;
  const before = s.before || net;
  const trace = s.trace && s.i < s.trace.activations[0].length ? s.trace : null;
  const ctx = {
    layers: net.layers,
    settings: net,
    weights: before.weights,
    biases: before.biases,
    trace,
    y: net.dataset?.y,
    i: s.i,
    mode: s.mode,
  };
  let card;
  let edge = null;
  if (sel.type === 'unit') {
    const [k, r] = sel.id.split('-').map(Number);
    card = unitCard(ctx, k, r);
  } else {
    const parts = sel.id.split('-').map(Number);
    const [k, r] = parts;
    const q = sel.type === 'bias' ? null : parts[2];
    const wBefore = q === null ? before.biases[k - 1][r] : before.weights[k - 1][r][q];
    const wNow = q === null ? net.biases[k - 1][r] : net.weights[k - 1][r][q];
    card = edgeCard({ ...ctx, wBefore, wAfter: wNow }, k, r, q);
    edge = { k, r, q, wNow };
  }
  const body = h('div', { class: 'card-body' });
  root.append(h('h2', { text: card.title, tabindex: '-1' }), body);
  if (!trace) {
    body.append(
      h('p', { class: 'empty', text: s.hint || 'Press Forward to fill in the numbers.' }),
    );
  }
  for (const row of card.rows) {
    body.append(
      h(
        'div',
        { class: 'eq' },
        h('div', { class: 'eq-label', text: row.label }),
        mathLines(row.math),
      ),
    );
  }
  if (trace && !trace.deltas && card.rows.length) {
    body.append(
      h('p', { class: 'empty', text: s.hint || 'Press Backward for δ and the gradients.' }),
    );
  }
  body.append(explainer(root));
  if (!edge) {
    if (sel.type === 'unit') body.append(incoming(net.layers, sel.id, actions.select));
    return;
  }
  const { k, r, q, wNow } = edge;
  if (trace?.deltas) {
    // the browser's Σ is the data part; with an L2 term the API's total also holds λ w
    const gr = trace.gradients;
    const split = q !== null && net.l2 > 0 && gr.weights_data;
    const g =
      q === null ? gr.biases[k - 1][r] : (split ? gr.weights_data : gr.weights)[k - 1][r][q];
    const label = split ? 'API gradient, data part' : undefined;
    body.append(batchTable(trace, k, r, q, net.reduction, g, label));
    if (split) {
      body.append(
        h(
          'p',
          { class: 'note l2-parts', 'data-l2-penalty': full(gr.weights_penalty[k - 1][r][q]) },
          h('span', {
            text: `API: data part ${fmt(gr.weights_data[k - 1][r][q])} + penalty λw ${fmt(gr.weights_penalty[k - 1][r][q])} = ∂J/∂w ${fmt(gr.weights[k - 1][r][q])}`,
          }),
        ),
      );
    }
  }
  const input = h('input', { type: 'number', step: 'any', id: 'weight-input', value: full(wNow) });
  const form = h(
    'form',
    {
      class: 'weight-form',
      onsubmit: (e) => {
        e.preventDefault();
        actions.setWeight(sel, Number(input.value));
      },
    },
    h('label', { for: 'weight-input', text: q === null ? 'Exact bias' : 'Exact weight' }),
    input,
    h('button', { type: 'submit', text: 'Set' }),
  );
  body.append(form);
  const result = h('div', { class: 'gradcheck-result', 'aria-live': 'polite' });
  const check = h('button', {
    type: 'button',
    text: 'Check gradient',
    onclick: async () => {
      result.textContent = 'Computing…';
      try {
        const res = await actions.gradientCheck();
        const pick = (gr) => (q === null ? gr.biases[k - 1][r] : gr.weights[k - 1][r][q]);
        const bp = pick(res.backprop);
        const nu = pick(res.numerical);
        const rel = Math.abs(bp - nu) / Math.max(Math.abs(bp), Math.abs(nu), 1e-12);
        result.replaceChildren(
          h(
            'table',
            { class: 'gradcheck' },
            h(
              'tr',
              {},
              h('th', { text: 'Backprop ∂J/∂w' }),
              h('td', { text: full(bp), 'data-backprop': full(bp) }),
            ),
            h(
              'tr',
              {},
              h('th', { text: `Finite difference, ε = ${res.epsilon}` }),
              h('td', { text: full(nu), 'data-numerical': full(nu) }),
            ),
            h('tr', {}, h('th', { text: 'Relative error' }), h('td', { text: fmt(rel, 2) })),
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
  body.append(h('div', { class: 'gradcheck-box' }, check, result));
}
