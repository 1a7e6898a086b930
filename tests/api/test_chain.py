"""The chain rule view (static/js/chain.js): every node of every unit's scalar graph, built in
Node.js from the server's backward payload, has the value and the gradient ∂J_i/∂node that a
plain-Python scalar reference computes by itself (each scalar a node, its local derivative
beside it, gradients summed backwards, micrograd's way; no numpy, no code of app.nn), on
Mazur's network (his ∂E/∂w5 = 0.082167041) and on random networks."""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.schemas import MAZUR_EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


class Scalar:
    """A number, the scalars it was computed from with the local derivative towards each,
    and ∂J/∂(this) once backward() has run."""

    def __init__(self, value: float, parents: tuple[tuple[Scalar, float], ...] = ()) -> None:
        self.value, self.parents, self.grad = value, parents, 0.0

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar(self.value + other.value, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar(self.value * other.value, ((self, other.value), (other, self.value)))

    def backward(self) -> None:
        order: list[Scalar] = []
        seen: set[int] = set()

        def visit(s: Scalar) -> None:
            if id(s) not in seen:
                seen.add(id(s))
                for p, _ in s.parents:
                    visit(p)
                order.append(s)

        visit(self)
        self.grad = 1.0
        for s in reversed(order):
            for p, local in s.parents:
                p.grad += local * s.grad


def activation(name: str, net: Scalar) -> Scalar:
    z = net.value
    if name == "sigmoid":
        o = 1.0 / (1.0 + math.exp(-z))
        return Scalar(o, ((net, o * (1.0 - o)),))
    if name == "tanh":
        o = math.tanh(z)
        return Scalar(o, ((net, 1.0 - o * o),))
    if name == "relu":
        return Scalar(max(z, 0.0), ((net, 1.0 if z > 0 else 0.0),))
    return Scalar(z, ((net, 1.0),))


def reference(state: dict[str, Any], i: int) -> dict[tuple[int, int], dict[str, Scalar]]:
    """Every unit's nodes for example i, after J_i's backward pass."""
    layers, depth = state["layers"], len(state["layers"]) - 1
    x, y = state["dataset"]["x"][i], state["dataset"]["y"][i]
    o_prev = [Scalar(v) for v in x]
    units: dict[tuple[int, int], dict[str, Scalar]] = {}
    for k in range(1, depth + 1):
        f = state["output_activation"] if k == depth else state["hidden_activation"]
        outs = []
        for r in range(layers[k]):
            nodes: dict[str, Scalar] = {}
            total = Scalar(state["biases"][k - 1][r])
            nodes["b"] = total
            for q, o_q in enumerate(o_prev):
                u = Scalar(o_q.value, ((o_q, 1.0),))  # u_rq: unit r's own copy of o_q
                w = Scalar(state["weights"][k - 1][r][q])
                nodes[f"u{q}"], nodes[f"w{q}"] = u, w
                nodes[f"p{q}"] = w * u
            net = nodes["b"]
            for q in range(len(o_prev)):
                net = nodes[f"p{q}"] + net
            nodes["net"] = net
            nodes["o"] = activation(f, net)
            units[k, r] = nodes
            outs.append(nodes["o"])
        o_prev = outs
    if state["loss"] == "cross_entropy":
        terms = [
            Scalar(
                -(t * math.log(o.value) + (1 - t) * math.log(1 - o.value)),
                ((o, (o.value - t) / (o.value * (1 - o.value))),),
            )
            for o, t in zip(o_prev, y, strict=True)
        ]
    else:
        terms = []
        for o, t in zip(o_prev, y, strict=True):
            e = Scalar(t) + o * Scalar(-1.0)
            terms.append(e * e * Scalar(0.5))
    j = terms[0]
    for t in terms[1:]:
        j = j + t
    j.backward()
    for nodes in units.values():
        nodes["J"] = j
    return units


def js_graphs(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    script = (
        f"import {{ unitGraph }} from {json.dumps(str(ROOT / 'static/js/chain.js'))};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const cases = JSON.parse(readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(cases.map((c) => unitGraph(c.ctx, c.k, c.r))));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    graphs: list[dict[str, Any]] = json.loads(done.stdout)
    return graphs


def check(client, body: dict[str, Any]) -> dict[tuple[int, int, int], dict[str, Any]]:
    """Every unit of every example: the JS graph's nodes against the reference's."""
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    state = response.json()
    back = client.post(f"/api/networks/{state['id']}/backward", json={}).json()
    layers = state["layers"]
    cases = [
        {
            "ctx": {
                "layers": layers,
                "settings": state,
                "weights": state["weights"],
                "biases": state["biases"],
                "trace": back,
                "y": state["dataset"]["y"],
                "i": i,
            },
            "k": k,
            "r": r,
            "i": i,
        }
        for i in range(len(state["dataset"]["x"]))
        for k in range(1, len(layers))
        for r in range(layers[k])
    ]
    graphs = js_graphs(cases)
    out = {}
    refs = {i: reference(state, i) for i in range(len(state["dataset"]["x"]))}
    for case, graph in zip(cases, graphs, strict=True):
        i, k, r = case["i"], case["k"], case["r"]
        ref = refs[i][k, r]
        nodes = {n["id"]: n for n in graph["nodes"]}
        assert set(nodes) == set(ref)
        assert sorted(graph["order"]) == sorted(nodes) and graph["order"][0] == "J"
        for name, node in nodes.items():
            where = f"example {i}, unit {k}-{r}, node {name}"
            assert node["value"] == pytest.approx(ref[name].value, rel=1e-9, abs=1e-12), where
            assert node["grad"] == pytest.approx(ref[name].grad, rel=1e-7, abs=1e-12), where
        # δ at the net node is backward's, and it is −∂J_i/∂net_r of the reference
        assert nodes["net"]["delta"] == back["deltas"][k - 1][i][r]
        assert -nodes["net"]["delta"] == pytest.approx(ref["net"].grad, rel=1e-7, abs=1e-12)
        out[i, k, r] = nodes
    return out


def test_mazurs_network_node_by_node(client):
    nodes = check(client, MAZUR_EXAMPLE)
    out1 = nodes[0, 2, 0]
    assert out1["w0"]["grad"] == pytest.approx(0.082167041, abs=1e-9)  # his ∂E/∂w5
    assert out1["net"]["delta"] == pytest.approx(-0.138498562, abs=1e-9)  # his ∂E/∂net_o1, negated
    assert out1["J"]["value"] == pytest.approx(0.298371109, abs=1e-9)  # his E_total
    h1 = nodes[0, 1, 0]
    assert h1["w0"]["grad"] == pytest.approx(0.000438568, abs=1e-9)  # his ∂E/∂w1
    assert h1["o"]["grad"] == pytest.approx(0.036350306, abs=1e-9)  # his ∂E/∂out_h1


def test_a_forward_payload_has_values_and_no_gradients(client):
    state = client.post("/api/networks", json=MAZUR_EXAMPLE).json()
    fwd = client.post(f"/api/networks/{state['id']}/forward", json={}).json()
    ctx = {
        "layers": state["layers"],
        "settings": state,
        "weights": state["weights"],
        "biases": state["biases"],
        "trace": fwd,
        "y": state["dataset"]["y"],
        "i": 0,
    }
    (graph,) = js_graphs([{"ctx": ctx, "k": 2, "r": 1}])
    assert all(n["grad"] is None for n in graph["nodes"])
    assert {n["id"]: n["value"] for n in graph["nodes"]}["o"] == fwd["activations"][2][0][1]


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_node_by_node(client, seed):
    rng = random.Random(seed)
    layers = [rng.randint(1, 4) for _ in range(rng.randint(2, 5))]
    loss = rng.choice(["squared_error", "cross_entropy"])
    output = "sigmoid" if loss == "cross_entropy" else rng.choice(["sigmoid", "tanh", "linear"])
    n = rng.randint(1, 4)
    body = {
        "layers": layers,
        "seed": seed,
        "hidden_activation": rng.choice(["sigmoid", "tanh", "relu", "linear"]),
        "output_activation": output,
        "loss": loss,
        "dataset": {
            "x": [[rng.uniform(-2, 2) for _ in range(layers[0])] for _ in range(n)],
            "y": [[rng.uniform(0.05, 0.95) for _ in range(layers[-1])] for _ in range(n)],
        },
    }
    check(client, body)
