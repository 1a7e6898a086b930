"""An independent reference: J written out in plain Python, one unit at a time, and its
gradient by centered finite differences. It shares no code with app.nn."""

from __future__ import annotations

import math

import numpy as np

F = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "linear": lambda z: z,
}


def loss(
    weights,
    biases,
    x,
    y,
    hidden="sigmoid",
    output="sigmoid",
    kind="squared_error",
    reduction="sum",
    l2=0.0,
) -> float:
    """J = Σ_i J_i (or its mean) + (λ/2) Σ w² over the weights (not the biases)."""
    squares = sum(w_rq * w_rq for matrix in weights for row in matrix for w_rq in row)
    total = 0.0
    depth = len(weights)
    for xi, yi in zip(x, y, strict=True):
        u = list(xi)
        for k in range(depth):
            f = F[output if k == depth - 1 else hidden]
            u = [
                f(sum(w_rq * u_q for w_rq, u_q in zip(w_r, u, strict=True)) + b_r)
                for w_r, b_r in zip(weights[k], biases[k], strict=True)
            ]
        if kind == "squared_error":
            total += 0.5 * sum((y_l - o_l) ** 2 for y_l, o_l in zip(yi, u, strict=True))
        else:
            total -= sum(
                y_l * math.log(o_l) + (1 - y_l) * math.log(1 - o_l)
                for y_l, o_l in zip(yi, u, strict=True)
            )
    return (total / len(x) if reduction == "mean" else total) + 0.5 * l2 * squares


def finite_differences(weights, biases, x, y, eps=1e-5, **settings):
    """(J(w + ε) − J(w − ε)) / 2ε for every weight and bias."""
    ws = [np.array(w, dtype=float) for w in weights]
    bs = [np.array(b, dtype=float) for b in biases]

    def grad_of(arrays):
        grads = []
        for a in arrays:
            g = np.zeros_like(a)
            for index in np.ndindex(a.shape):
                keep = a[index]
                a[index] = keep + eps
                plus = loss(ws, bs, x, y, **settings)
                a[index] = keep - eps
                minus = loss(ws, bs, x, y, **settings)
                a[index] = keep
                g[index] = (plus - minus) / (2 * eps)
            grads.append(g)
        return grads

    return grad_of(ws), grad_of(bs)


def relative_error(exact, approx) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) over all arrays together; 0 when both are 0."""
    a = np.concatenate([np.ravel(v) for v in exact])
    b = np.concatenate([np.ravel(v) for v in approx])
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def minibatch_run(
    weights,
    biases,
    x,
    y,
    *,
    batch_size: int,
    seed: int,
    start: int,
    epochs: int,
    eta: float,
    train_biases: bool = True,
    **settings,
):
    """Mini-batch gradient descent written out: each epoch visits the examples in the order
    docs/api.md states (numpy's Generator seeded by (seed, the update count the epoch starts
    after), a permutation of the N examples), cut into runs of B, the last one shorter; each
    run's update is w ← w − η ∂J/∂w with J over that run's examples alone, ∂J/∂w from
    finite_differences. Returns (weights, biases) as nested lists."""
    ws = [np.array(w, dtype=float) for w in weights]
    bs = [np.array(b, dtype=float) for b in biases]
    n, done = len(x), start
    for _ in range(epochs):
        order = [int(i) for i in np.random.default_rng([seed, done]).permutation(n)]
        for first in range(0, n, batch_size):
            chosen = order[first : first + batch_size]
            xb, yb = [x[i] for i in chosen], [y[i] for i in chosen]
            gw, gb = finite_differences(ws, bs, xb, yb, **settings)
            ws = [w - eta * g for w, g in zip(ws, gw, strict=True)]
            if train_biases:
                bs = [b - eta * g for b, g in zip(bs, gb, strict=True)]
            done += 1
    return [w.tolist() for w in ws], [b.tolist() for b in bs]
