"""A network as a standalone Python program: numpy alone, in the lecture notes' notation.

The program holds the network's settings, the weights its recipe starts from
(app/networks/recipe.py) and its training examples; it trains for the recipe's runs with the
same operations in the same order as app/nn (so float64 rounds the same way), prints J, and
prints as its last line {"weights": …, "biases": …} as JSON, the shape GET
/api/networks/{id} answers with. Run with the same numpy on the same machine it gives the
server's weights to the bit.

`cells` is the program in parts: the script is the parts one after the other, the notebook
(`notebook`) has one cell each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from app.config import LIMITS
from app.networks import recipe
from app.networks.errors import Mismatch
from app.networks.recipe import Recipe
from app.networks.validate import BYTES_PER_NUMBER, parameter_count
from app.nn import Array
from app.store import StoredNetwork

CellKind = Literal["markdown", "code"]


@dataclass(frozen=True)
class Cell:
    kind: CellKind
    source: str


FUNCTIONS = '''\
def f(name, net):
    """o = f(net)."""
    if name == "sigmoid":
        return np.exp(-np.logaddexp(0.0, -net))  # 1 / (1 + e^−net), without overflow
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0.0)
    return net.copy()  # linear


def f_prime(name, net, o):
    """f'(net), written with net and o = f(net)."""
    if name == "sigmoid":
        return o * (1.0 - o)
    if name == "tanh":
        return 1.0 - o * o
    if name == "relu":
        return (net > 0.0).astype(np.float64)
    return np.ones_like(net)


def forward(w, b, u):
    """net_r = Σ_q w_rq u_rq + b_r and o_r = f(net_r), layer by layer, for every example
    (one row each). Returns net of layers 1..L and o of layers 0..L (o[0] is the input)."""
    L = len(w)
    net, o = [], [u]
    for k in range(1, L + 1):
        net.append(o[k - 1] @ w[k - 1].T + b[k - 1])
        o.append(f(output_activation if k == L else hidden_activation, net[k - 1]))
    return net, o


def backward(w, net, o, y):
    """δ = −∂J_i/∂net of layers 1..L (δ[k - 1] is layer k's), output layer first."""
    L = len(w)
    if loss == "squared_error":
        # δ_l = −∂J_i/∂o_l · f'(net_l) = (y_l − o_l) f'(net_l)
        δ = (y - o[L]) * f_prime(output_activation, net[L - 1], o[L])
    else:
        # cross-entropy with sigmoid outputs: (y − o) / (o (1 − o)) · o (1 − o) = y − o
        δ = y - o[L]
    deltas = [δ]
    for k in range(L - 1, 0, -1):
        # δ_j = f'(net_j) Σ_l w_lj δ_l, with the weights w[k] into layer k + 1, before the update
        δ = f_prime(hidden_activation, net[k - 1], o[k]) * (δ @ w[k])
        deltas.append(δ)
    deltas.reverse()
    return deltas


def update(w, b, x, y):
    """One update from the examples (x, y): Δw = −η ∂J/∂w, w ← w + Δw, every weight at once,
    with ∂J/∂w_rq = −Σ_i δ_r u_rq (+ λ w_rq) and ∂J/∂b_r = −Σ_i δ_r."""
    net, o = forward(w, b, x)
    deltas = backward(w, net, o, y)
    scale = -1.0 / len(y) if reduction == "mean" else -1.0
    new_w, new_b = [], []
    for k in range(len(w)):
        δ, u = deltas[k], o[k]  # δ of layer k + 1, u its inputs: o of layer k
        grad_w = scale * (δ.T @ u) + (λ * w[k] if λ else 0.0)
        grad_b = scale * δ.sum(axis=0)
        new_w.append(w[k] + -η * grad_w)
        new_b.append(b[k] + (-η * grad_b if train_biases else 0.0))
    return new_w, new_b


def J(w, b, x, y):
    """J = Σ_i J_i (or its mean) + (λ/2) Σ w²."""
    net, o = forward(w, b, x)
    if loss == "squared_error":
        c, t = 0.5, (y - o[-1]) * (y - o[-1])  # J_i = ½ Σ_l (y_l − o_l)²
    else:  # J_i = −Σ_l [y_l ln o_l + (1 − y_l) ln(1 − o_l)], written with net
        c, t = 1.0, y * np.logaddexp(0.0, -net[-1]) + (1.0 - y) * np.logaddexp(0.0, net[-1])
    data = c * float(t.sum())
    if reduction == "mean":
        data = data / len(y)
    penalty = 0.5 * λ * sum(float(np.sum(wk * wk)) for wk in w) if λ else 0.0
    return data + penalty
'''

TRAIN = '''\
def minibatches(u, B):
    """The mini-batches of the epoch that starts after update u: the examples in an order
    drawn by numpy's Generator seeded with (seed, u), cut in runs of B (the last one shorter
    when B does not divide N), each in the examples' stored order. A mini-batch of every
    example is the whole batch."""
    if B >= len(x):
        return [(x, y)]
    order = np.random.default_rng([seed, u]).permutation(len(x))
    chosen = [np.sort(order[i : i + B]) for i in range(0, len(x), B)]
    return [(x[i], y[i]) for i in chosen]


def train(w, b, u, mode, epochs, B=None):
    """`epochs` epochs from update u: in batch mode one update an epoch over every example
    (the lecture notes' rule), online one update an example, in order, and with mini-batches
    one update a mini-batch of B. Returns the weights, the biases and the update count."""
    for _ in range(epochs):
        if mode == "batch":
            batches = [(x, y)]
        elif mode == "online":
            batches = [(x[i : i + 1], y[i : i + 1]) for i in range(len(x))]
        else:
            batches = minibatches(u, B)
        for xb, yb in batches:
            w, b = update(w, b, xb, yb)
            u += 1
    return w, b, u


if len(x):
    print(f"J = {J(w, b, x, y)!r} after {updates_at_start} updates")
u = updates_at_start
for mode, epochs, *B in runs:
    w, b, u = train(w, b, u, mode, epochs, *B)
if len(x):
    print(f"J = {J(w, b, x, y)!r} after {updates} updates")
print(json.dumps({"weights": [wk.tolist() for wk in w], "biases": [bk.tolist() for bk in b]}))
'''


def number(v: float) -> str:
    """A float64 as a literal Python reads back to the same bits."""
    return repr(float(v))


def array(a: Array) -> str:
    """`np.array(...)` of a float64 array of one or two dimensions, one row a line."""
    if a.ndim == 1:
        return "np.array([" + ", ".join(map(number, a)) + "])"
    rows = "".join("        [" + ", ".join(map(number, row)) + "],\n" for row in a)
    return "np.array(\n    [\n" + rows + "    ]\n)"


def arrays(name: str, items: Iterable[Array]) -> str:
    """`name = [np.array(...), ...]`, each array indented inside the list."""
    parts = ["    " + array(a).replace("\n", "\n    ") + ",\n" for a in items]
    return f"{name} = [\n" + "".join(parts) + "]"


def cells(recipe: Recipe) -> list[Cell]:
    """The program, part by part (see the module's docstring)."""
    s = recipe.settings
    layers = recipe.layers
    data = recipe.dataset
    runs = ", ".join(
        f"({json.dumps(r.mode)}, {r.epochs}"
        + ("" if r.batch_size is None else f", {r.batch_size}")
        + ")"
        for r in recipe.runs
    )
    steps = (
        f"trains it for the {recipe.updates - recipe.start_updates} updates that took it "
        f"from update {recipe.start_updates} to update {recipe.updates}"
        if recipe.runs
        else "has no training to replay (the network has not trained since it was made or "
        "last edited)"
    )
    intro = (
        f"# Backprop Lab network {recipe.network_id}\n\n"
        f"A multilayer perceptron {layers} trained by backpropagation, in the lecture notes' "
        "notation (net, o, δ, η, J), with numpy alone. It starts from the network's weights at "
        f"update {recipe.start_updates}, {steps}, and prints as its last line the weights "
        'and biases as JSON, `{"weights": …, "biases": …}`, as the API answers with them.'
    )
    settings = "\n".join(
        [
            "import json",
            "",
            "import numpy as np",
            "",
            f"layers = {layers}  # units per layer, inputs first",
            f"hidden_activation = {json.dumps(s.hidden_activation)}  # f of every hidden unit",
            f"output_activation = {json.dumps(s.output_activation)}  # f of the output units",
            f"loss = {json.dumps(s.loss)}  # J_i",
            f"η = {number(s.learning_rate)}  # the learning rate in Δw = −η ∂J/∂w",
            f"reduction = {json.dumps(s.reduction)}  # 'sum': J = Σ_i J_i; 'mean': (1/N) Σ_i J_i",
            f"train_biases = {s.train_biases!r}  # False: the biases stay as they are",
            f"λ = {number(s.l2)}  # the L2 term (λ/2) Σ w² (0: none)",
            f"seed = {recipe.seed}  # draws each mini-batch epoch's order",
            f"updates_at_start = {recipe.start_updates}",
            f"updates = {recipe.updates}",
            f"runs = [{runs}]  # (mode, epochs) or ('minibatch', epochs, B), in order",
        ]
    )
    assert data is not None or not recipe.runs, "runs need the examples"
    values = "\n".join(
        [
            "# w[k][r][q] = w_rq: the weight from unit q of layer k to unit r of layer k + 1;",
            "# b[k][r] = b_r, the bias of unit r of layer k + 1.",
            arrays("w", recipe.start.weights),
            arrays("b", recipe.start.biases),
            "# The training examples, one row each: inputs x, targets y.",
            "x = " + (array(data[0]) if data is not None else "np.zeros((0, layers[0]))"),
            "y = " + (array(data[1]) if data is not None else "np.zeros((0, layers[-1]))"),
        ]
    )
    return [
        Cell("markdown", intro),
        Cell("code", settings),
        Cell("code", values),
        Cell("code", FUNCTIONS.rstrip("\n")),
        Cell("code", TRAIN.rstrip("\n")),
    ]


def program(store: recipe.History, network: StoredNetwork) -> list[Cell]:
    """The program's parts for `network` as loaded now, within the response bound (the
    numbers it holds: Mismatch naming `dataset`) and the work bound (the training it replays
    to find its runs)."""
    numbers = parameter_count(network.layers) + sum(a.size for a in network.dataset or ())
    if numbers * BYTES_PER_NUMBER > LIMITS.max_response_bytes:
        raise Mismatch(
            "dataset",
            f"the program would hold {numbers:,} numbers, about "
            f"{numbers * BYTES_PER_NUMBER / 1e6:,.0f} MB, over the limit of "
            f"{LIMITS.max_response_bytes / 1e6:g} MB per response; use a smaller dataset",
        )
    return cells(recipe.find(store, network, LIMITS.max_work, LIMITS.update_cost))


def script(parts: list[Cell]) -> str:
    """The program as one .py file: the first markdown part becomes its docstring."""
    out = []
    for cell in parts:
        if cell.kind == "markdown":
            out.append('"""' + cell.source.replace("\\", "\\\\").replace('"""', "'''") + '\n"""')
        else:
            out.append(cell.source)
    return "\n\n\n".join(out) + "\n"


def notebook(parts: list[Cell]) -> dict[str, Any]:
    """The program as a Jupyter notebook (nbformat 4.5), one cell a part, none run."""

    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    def cell(i: int, c: Cell) -> dict[str, Any]:
        common = {"cell_type": c.kind, "id": f"cell-{i}", "metadata": {}, "source": lines(c.source)}
        if c.kind == "markdown":
            return common
        return {**common, "execution_count": None, "outputs": []}

    return {
        "cells": [cell(i, c) for i, c in enumerate(parts)],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_json(parts: list[Cell]) -> str:
    return json.dumps(notebook(parts), ensure_ascii=False, indent=1) + "\n"
