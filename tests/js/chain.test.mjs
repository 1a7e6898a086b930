import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitGraph } from '../../static/js/chain.js';
import { LAYERS, before, trace } from './mazur.mjs';

const ctx = {
  layers: LAYERS,
  settings: { hidden_activation: 'sigmoid', output_activation: 'sigmoid', loss: 'squared_error' },
  ...before,
  trace,
  y: [[0.01, 0.99]],
  i: 0,
};
const near = (a, b, tol = 2e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const byId = (graph) => Object.fromEntries(graph.nodes.map((n) => [n.id, n]));

test("Mazur's o1: ∂E/∂w5 on w's node, −δ at net, his E_total at J", () => {
  const n = byId(unitGraph(ctx, 2, 0));
  near(n.w0.grad, 0.082167041); // ∂E/∂w5 = −δ_o1 out_h1
  near(n.w1.grad, 0.082667628); // ∂E/∂w6
  near(n.net.grad, 0.138498562); // ∂E/∂net_o1 = −δ
  assert.equal(n.net.delta, trace.deltas[1][0][0]);
  near(n.o.grad, 0.74136507); // ∂E/∂out_o1 = −(target − out)
  near(n.J.value, 0.298371109);
  assert.equal(n.J.grad, 1);
  assert.deepEqual(n.net.inputs, ['p0', 'p1', 'b']);
  assert.equal(n.p0.value, before.weights[1][0][0] * trace.activations[1][0][0]);
});

test("Mazur's h1: ∂E/∂w1 on w's node, ∂E/∂out_h1 through the layer above", () => {
  const n = byId(unitGraph(ctx, 1, 0));
  near(n.w0.grad, 0.000438568); // ∂E/∂w1
  near(n.o.grad, 0.036350306); // his ∂E_total/∂out_h1
  assert.equal(n.u0.grad, -trace.deltas[0][0][0] * before.weights[0][0][0]); // this unit's share
  assert.equal(n.J.op, 'via layer 2');
});

test('the order Backward reaches the nodes; a forward payload has no gradients', () => {
  const graph = unitGraph(ctx, 2, 1);
  assert.deepEqual(graph.order, ['J', 'o', 'net', 'b', 'p0', 'p1', 'w0', 'w1', 'u0', 'u1']);
  const { net, activations, output } = trace;
  const fwd = unitGraph({ ...ctx, trace: { net, activations, output } }, 2, 1);
  assert.ok(fwd.nodes.every((n) => n.grad === null));
  assert.equal(byId(fwd).o.value, trace.activations[2][0][1]);
});
