"""Losses J_i for one example and the output δ they give.

δ_l = −∂J_i/∂net_l = −∂J_i/∂o_l · f'(net_l)   (the seed's sign, ∂J/∂net = −δ)
"""

from __future__ import annotations

import numpy as np

from app.nn.activations import ACTIVATIONS, Array


def _softplus(z: Array) -> Array:
    """ln(1 + e^z) without overflow."""
    out: Array = np.logaddexp(0.0, z)
    return out


def loss_per_example(loss: str, y: Array, o: Array, net: Array) -> Array:
    """J_i for each row i. Shapes: y, o, net are (N, n_L); returns (N,)."""
    if loss == "squared_error":
        out: Array = 0.5 * np.sum((y - o) ** 2, axis=1)
        return out
    if loss == "cross_entropy":
        # −[y ln o + (1 − y) ln(1 − o)] with o = σ(net), ln o = −softplus(−net) and
        # ln(1 − o) = −softplus(net): finite even where o rounds to 0 or 1.
        out = np.sum(y * _softplus(-net) + (1.0 - y) * _softplus(net), axis=1)
        return out
    raise ValueError(f"unknown loss {loss!r}")


def output_delta(loss: str, activation: str, y: Array, o: Array, net: Array) -> Array:
    """δ_l = −∂J_i/∂o_l · f'(net_l) for every example and output unit."""
    if loss == "squared_error":
        # −∂J_i/∂o_l = (y_l − o_l); for sigmoid this is the seed's (y_l − o_l) o_l (1 − o_l)
        out: Array = (y - o) * ACTIVATIONS[activation].derivative(net, o)
        return out
    if loss == "cross_entropy":
        if activation != "sigmoid":
            raise ValueError("cross_entropy needs sigmoid output units")
        # −∂J_i/∂o_l = (y − o) / (o (1 − o)), times o (1 − o): the factors cancel exactly
        out = y - o
        return out
    raise ValueError(f"unknown loss {loss!r}")
