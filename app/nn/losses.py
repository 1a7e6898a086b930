"""Losses J_i for one example and the output δ they give.

δ_l = −∂J_i/∂net_l = −∂J_i/∂o_l · f'(net_l)   (the lecture notes' sign, ∂J/∂net = −δ)
"""

from __future__ import annotations

import numpy as np

from app.nn.activations import ACTIVATIONS, Array


def _softplus(z: Array) -> Array:
    """ln(1 + e^z) without overflow."""
    out: Array = np.logaddexp(0.0, z)
    return out


def _terms(loss: str, y: Array, o: Array, net: Array) -> tuple[float, Array]:
    """(c, t): J_i = c Σ_l t[i, l], t a new array."""
    if loss == "squared_error":
        t = y - o  # ½ Σ_l (y_l − o_l)²
        return 0.5, t * t
    if loss == "cross_entropy":
        # −[y ln o + (1 − y) ln(1 − o)] with o = σ(net), ln o = −softplus(−net) and
        # ln(1 − o) = −softplus(net): finite even where o rounds to 0 or 1.
        return 1.0, y * _softplus(-net) + (1.0 - y) * _softplus(net)
    raise ValueError(f"unknown loss {loss!r}")


def loss_per_example(loss: str, y: Array, o: Array, net: Array) -> Array:
    """J_i for each row i. Shapes: y, o, net are (N, n_L); returns (N,)."""
    c, t = _terms(loss, y, o, net)
    out: Array = c * t.sum(axis=1)
    return out


def total_loss(loss: str, y: Array, o: Array, net: Array) -> float:
    """Σ_i J_i."""
    c, t = _terms(loss, y, o, net)
    return c * float(t.sum())


def output_delta(loss: str, activation: str, y: Array, o: Array, net: Array) -> Array:
    """δ_l = −∂J_i/∂o_l · f'(net_l) for every example and output unit."""
    if loss == "squared_error":
        # −∂J_i/∂o_l = (y_l − o_l); for sigmoid, the lecture notes' (y_l − o_l) o_l (1 − o_l)
        delta: Array = (y - o) * ACTIVATIONS[activation].derivative(net, o)
        return delta
    if loss == "cross_entropy":
        if activation != "sigmoid":
            raise ValueError("cross_entropy needs sigmoid output units")
        # −∂J_i/∂o_l = (y − o) / (o (1 − o)), times o (1 − o): the factors cancel exactly
        return y - o
    raise ValueError(f"unknown loss {loss!r}")
