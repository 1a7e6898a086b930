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
