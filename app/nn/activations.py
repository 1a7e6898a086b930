"""Activation functions f and their derivatives f'(net), written in terms of net and o = f(net).

Each derivative sits next to its function, as in the seed: for sigmoid, ∂o/∂net = o (1 − o).
Both take an optional `out`, an array of net's shape that receives the result (the engine
reuses its arrays from epoch to epoch); without it they return a new array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class Function(Protocol):
    def __call__(self, net: Array, out: Array | None = None, /) -> Array: ...


class Derivative(Protocol):
    def __call__(self, net: Array, o: Array, out: Array | None = None, /) -> Array: ...


def _sigmoid(net: Array, out: Array | None = None) -> Array:
    # σ(net) = 1 / (1 + e^−net) for net ≥ 0 and e^net / (1 + e^net) below: one exp of −|net|,
    # which never overflows. The numerator, 1 or e^net = e^−|net|, is max(e^−|net|, ±1) with
    # the sign of net, because e^−|net| ≤ 1: no branch and no masked pass (both are slow on
    # mixed signs), few passes over the array, each in place.
    e = np.copysign(net, -1.0)  # −|net|
    np.exp(e, out=e)  # e^−|net|, in (0, 1]
    o: Array = np.copysign(1.0, net, out=out)
    np.maximum(e, o, out=o)  # the numerator
    e += 1.0
    np.divide(o, e, out=o)
    return o


def _sigmoid_derivative(net: Array, o: Array, out: Array | None = None) -> Array:
    d: Array = np.subtract(1.0, o, out=out)  # o (1 − o)
    d *= o
    return d


def _tanh(net: Array, out: Array | None = None) -> Array:
    o: Array = np.tanh(net, out=out)
    return o


def _tanh_derivative(net: Array, o: Array, out: Array | None = None) -> Array:
    d: Array = np.multiply(o, o, out=out)  # 1 − o²
    np.subtract(1.0, d, out=d)
    return d


def _relu(net: Array, out: Array | None = None) -> Array:
    o: Array = np.maximum(net, 0.0, out=out)
    return o


def _relu_derivative(net: Array, o: Array, out: Array | None = None) -> Array:
    if out is None:
        return (net > 0.0).astype(np.float64)  # [net > 0]
    np.greater(net, 0.0, out=out)
    return out


def _linear(net: Array, out: Array | None = None) -> Array:
    o: Array = np.positive(net, out=out)  # a copy
    return o


def _linear_derivative(net: Array, o: Array, out: Array | None = None) -> Array:
    if out is None:
        return np.ones_like(net)
    out.fill(1.0)
    return out


@dataclass(frozen=True)
class Activation:
    name: str
    f: Function
    derivative: Derivative
    """f'(net), given (net, o)."""
    formula: str
    """f'(net) as the page writes it."""


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_derivative, "o (1 − o)"),
    "tanh": Activation("tanh", _tanh, _tanh_derivative, "1 − o²"),
    "relu": Activation("relu", _relu, _relu_derivative, "[net > 0]"),
    "linear": Activation("linear", _linear, _linear_derivative, "1"),
}
