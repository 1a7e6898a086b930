"""Activation functions f and their derivatives f'(net), written in terms of net and o = f(net).

Each derivative sits next to its function, as in the lecture notes: for sigmoid,
∂o/∂net = o (1 − o).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def sigmoid(net: Array) -> Array:
    """σ(net) = 1 / (1 + e^−net), written as e^−ln(1 + e^−net): np.logaddexp computes
    ln(e^0 + e^−net) without overflow, so this is finite for every finite net (and within
    a few units in the last place of the textbook form)."""
    o: Array = np.exp(-np.logaddexp(0.0, -net))
    return o


def sigmoid_derivative(net: Array, o: Array) -> Array:
    d: Array = o * (1.0 - o)
    return d


def tanh(net: Array) -> Array:
    o: Array = np.tanh(net)
    return o


def tanh_derivative(net: Array, o: Array) -> Array:
    d: Array = 1.0 - o * o
    return d


def relu(net: Array) -> Array:
    o: Array = np.maximum(net, 0.0)
    return o


def relu_derivative(net: Array, o: Array) -> Array:
    d: Array = (net > 0.0).astype(np.float64)  # [net > 0]
    return d


def linear(net: Array) -> Array:
    return net.copy()


def linear_derivative(net: Array, o: Array) -> Array:
    return np.ones_like(net)


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]
    """f'(net), given (net, o)."""
    formula: str
    """f'(net) as the page writes it."""


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, "o (1 − o)"),
    "tanh": Activation("tanh", tanh, tanh_derivative, "1 − o²"),
    "relu": Activation("relu", relu, relu_derivative, "[net > 0]"),
    "linear": Activation("linear", linear, linear_derivative, "1"),
}
