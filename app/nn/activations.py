"""Activation functions f and their derivatives f'(net), written in terms of net and o = f(net).

Each derivative sits next to its function, as in the seed: for sigmoid, ∂o/∂net = o (1 − o).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _sigmoid(net: Array) -> Array:
    # σ(net) = 1 / (1 + e^−net) for net ≥ 0 and e^net / (1 + e^net) below: one exp of −|net|,
    # which never overflows, and few passes over the array, each in place where it can be.
    e = np.abs(net)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = e^−|net|, in (0, 1]
    out: Array = np.add(e, 1.0)
    np.reciprocal(out, out=out)
    np.multiply(out, e, out=out, where=net < 0.0)
    return out


def _tanh(net: Array) -> Array:
    return np.tanh(net)


def _relu(net: Array) -> Array:
    return np.maximum(net, 0.0)


def _linear(net: Array) -> Array:
    return net.copy()


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]
    """f'(net), given (net, o)."""
    formula: str
    """f'(net) as the page writes it."""


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda net, o: o * (1.0 - o), "o (1 − o)"),
    "tanh": Activation("tanh", _tanh, lambda net, o: 1.0 - o * o, "1 − o²"),
    "relu": Activation("relu", _relu, lambda net, o: (net > 0.0).astype(np.float64), "[net > 0]"),
    "linear": Activation("linear", _linear, lambda net, o: np.ones_like(net), "1"),
}
