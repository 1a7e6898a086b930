// The unit card's "Chain rule" section: the unit's scalar graph (chain.js) as SVG, each node
// with its value and, after Backward, ∂J_i/∂node; "Walk Backward" reveals the gradients one
// node at a time, in the order backpropagation reaches them, saying the rule at each.

import { sub, unitGraph } from './chain.js';
import { h } from './dom.js';
import { fmt } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 100; // a node's box
const H = 46;
const GAP_X = 22;
const GAP_Y = 10;
const SHOWN = 6; // inputs drawn; the rest are said in a note

const opened = new Set(); // units whose section is open: the card is drawn again often
const walk = { key: '', step: -1 }; // the walk under way: its unit and example, the node reached

function el(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

/** Column and row of each node: inputs, products (and b), net, o, J. */
function place(graph, inputs) {
  const at = {};
  for (let q = 0; q < inputs; q += 1) {
    at[`w${q}`] = [0, 2 * q];
    at[`u${q}`] = [0, 2 * q + 1];
    at[`p${q}`] = [1, 2 * q + 0.5];
  }
  const mid = Math.max(0, inputs - 0.5);
  Object.assign(at, { b: [1, 2 * inputs], net: [2, mid], o: [3, mid], J: [4, mid] });
  return at;
}

/** What the walk says at each node: the rule that gives its gradient. */
function rule(node, graph, k, L) {
  const d = graph.nodes.find((n) => n.id === 'net').delta;
  const id = node.id;
  if (id === 'J') return '∂J_i/∂J_i = 1: the walk starts at J_i.';
  if (id === 'o')
    return k === L
      ? `∂J_i/∂${node.label} from the loss: ${fmt(node.grad)}.`
      : `∂J_i/∂${node.label} = −Σ_l w_l${node.label.slice(1)} δ_l, from layer ${k + 1}: ${fmt(node.grad)}.`;
  if (id === 'net')
    return `∂J_i/∂${node.label} = ∂J_i/∂o · f′(net) = −δ = ${fmt(-d)}; δ = ${fmt(d)}.`;
  if (id === 'b' || id.startsWith('p'))
    return `Σ passes its gradient on unchanged: ∂J_i/∂${node.label} = −δ = ${fmt(node.grad)}.`;
  const other = id.startsWith('w') ? 'u' : 'w';
  return `× swaps its factors: ∂J_i/∂${node.label} = −δ ${other}${node.label.slice(1)} = ${fmt(node.grad)}.`;
}

function nodeBox(node, [col, row], { shown, current }) {
  const g = el('g', {
    class: `chain-node${current ? ' current' : ''}`,
    'data-node': node.id,
    'data-value': node.value ?? '',
    transform: `translate(${col * (W + GAP_X) + 2}, ${row * (H + GAP_Y) + 2})`,
  });
  if (shown && node.grad !== null) g.setAttribute('data-grad', node.grad);
  g.append(el('rect', { width: W, height: H, rx: 6 }));
  const title = node.op && node.op !== '×' ? `${node.label} = ${node.op}` : node.label;
  g.append(el('text', { x: 6, y: 14, class: 'chain-label' }, title));
  g.append(el('text', { x: 6, y: 28 }, node.value === null ? '' : `= ${fmt(node.value)}`));
  if (shown && node.grad !== null)
    g.append(el('text', { x: 6, y: 41, class: 'chain-grad' }, `∂J_i/∂· ${fmt(node.grad)}`));
  return g;
}

function drawGraph(graph, inputs, walked) {
  const at = place(graph, inputs);
  const rows = Math.max(2 * inputs + 1, 2);
  const svg = el('svg', {
    class: 'chain-graph',
    viewBox: `0 0 ${5 * (W + GAP_X)} ${(rows - 1) * (H + GAP_Y) + H + 6}`,
    role: 'img',
    'aria-label': 'The unit as scalar operations: each node with its value and ∂J_i/∂node',
  });
  const byId = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
  const xy = (id, side) => {
    const [c, r] = at[id];
    return [c * (W + GAP_X) + 2 + (side ? W : 0), r * (H + GAP_Y) + 2 + H / 2];
  };
  for (const n of graph.nodes)
    if (at[n.id])
      for (const from of n.inputs)
        if (at[from]) {
          const [x1, y1] = xy(from, true);
          const [x2, y2] = xy(n.id, false);
          svg.append(el('line', { x1, y1, x2, y2, class: 'chain-edge' }));
        }
  const reached = walked === null ? null : graph.order.slice(0, walked + 1);
  for (const id of Object.keys(at)) {
    const shown = reached === null || reached.includes(id);
    svg.append(
      nodeBox(byId[id], at[id], { shown, current: reached !== null && reached.at(-1) === id }),
    );
  }
  return svg;
}

/** The section for unit `id` ("k-r") of the card; ctx as chain.js's unitGraph takes it. */
export function chainSection(ctx, id) {
  const [k, r] = id.split('-').map(Number);
  const { layers, trace } = ctx;
  const L = layers.length - 1;
  if (k === 0) return null;
  const graph = unitGraph(ctx, k, r);
  const inputs = Math.min(SHOWN, layers[k - 1]);
  const key = `${id}@${ctx.i}@${trace.deltas ? 'b' : 'f'}`;
  const box = h('details', { class: 'chain', open: opened.has(id) });
  const body = h('div', { class: 'chain-body' });
  box.append(
    h('summary', { text: `Chain rule: unit ${id} as scalar operations (example ${ctx.i + 1})` }),
    body,
  );
  box.addEventListener('toggle', () => (box.open ? opened.add(id) : opened.delete(id)));
  const draw = () => {
    const walking = walk.key === key && walk.step >= 0 ? walk.step : null;
    const parts = [drawGraph(graph, inputs, walking)];
    if (layers[k - 1] > SHOWN)
      parts.push(
        h('p', {
          class: 'note',
          text: `The first ${SHOWN} of ${layers[k - 1]} inputs are drawn; the others add to net${sub(r)} the same way.`,
        }),
      );
    parts.push(...controls(graph, { key, walking, k, L, hasDeltas: Boolean(trace.deltas), draw }));
    body.replaceChildren(...parts);
  };
  draw();
  return box;
}

/** Below the graph: Backward's hint, Walk Backward, or the rule at the node reached and Next. */
function controls(graph, { key, walking, k, L, hasDeltas, draw }) {
  if (!hasDeltas)
    return [h('p', { class: 'note', text: 'Press Backward for ∂J_i/∂node on every node.' })];
  const go = (step) => () => {
    walk.key = key;
    walk.step = step;
    draw();
  };
  if (walking === null)
    return [
      h('button', { type: 'button', class: 'chain-walk', text: 'Walk Backward', onclick: go(0) }),
    ];
  const node = graph.nodes.find((n) => n.id === graph.order[walking]);
  const last = walking + 1 >= graph.order.length;
  return [
    h('p', { class: 'chain-rule', 'aria-live': 'polite', text: rule(node, graph, k, L) }),
    h('button', {
      type: 'button',
      class: 'chain-next',
      text: last ? 'Show all' : 'Next node',
      onclick: go(last ? -1 : walking + 1),
    }),
  ];
}
