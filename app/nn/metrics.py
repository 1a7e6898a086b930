"""Accuracy, for targets that name classes.

Targets name classes when every target is 0 or 1 and, with several output units, each row
has exactly one 1 (one-hot). One output: the network says class 1 where o ≥ ½. Several
outputs: it says the class of the output with the largest o. Other targets (regression)
have no accuracy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from app.nn.activations import Array
from app.nn.network import Config, Params, forward, objective


def is_classes(y: Array) -> bool:
    """Whether the targets name classes: 0s and 1s, one 1 per row when there are several
    output units."""
    if y.size == 0 or not np.all((y == 0) | (y == 1)):
        return False
    return bool(y.shape[1] == 1 or np.all(y.sum(axis=1) == 1))


def predicted(o: Array) -> NDArray[np.int64]:
    """The class the network says for each row: (o ≥ ½) for one output, else argmax o."""
    classes: NDArray[np.int64] = (
        (o[:, 0] >= 0.5).astype(np.int64) if o.shape[1] == 1 else np.argmax(o, axis=1)
    )
    return classes


def accuracy(y: Array, o: Array) -> float | None:
    """The fraction of rows whose predicted class is the target's, or None when the targets
    do not name classes."""
    if not is_classes(y):
        return None
    target = y[:, 0].astype(np.int64) if y.shape[1] == 1 else np.argmax(y, axis=1)
    return float(np.mean(predicted(o) == target))


def evaluate(params: Params, config: Config, x: Array, y: Array) -> tuple[float, float | None]:
    """(J, accuracy) of the network on the examples (x, y), J with the L2 term included."""
    trace = forward(params, config, x)
    return objective(params, config, trace, y), accuracy(y, trace.output)
