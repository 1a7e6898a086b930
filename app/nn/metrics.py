"""Accuracy and the confusion matrix, for targets that name classes.

Targets name classes when every target is 0 or 1 and, with several output units, each row
has exactly one 1 (one-hot). One output: the network says class 1 where o ≥ ½. Several
outputs: it says the class of the output with the largest o. Other targets (regression)
have no accuracy. The confusion matrix counts the examples of each true class (row) the
network puts in each class (column), by the same rule: its diagonal's sum over N is the
accuracy.
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


def target(y: Array) -> NDArray[np.int64]:
    """The class each row of targets names: y itself for one output, else where its 1 is."""
    classes: NDArray[np.int64] = (
        y[:, 0].astype(np.int64) if y.shape[1] == 1 else np.argmax(y, axis=1)
    )
    return classes


def class_count(outputs: int) -> int:
    """How many classes a network of `outputs` output units tells apart: 2 for one."""
    return 2 if outputs == 1 else outputs


def accuracy(y: Array, o: Array) -> float | None:
    """The fraction of rows whose predicted class is the target's, or None when the targets
    do not name classes."""
    if not is_classes(y):
        return None
    return float(np.mean(predicted(o) == target(y)))


def confusion(y: Array, o: Array) -> NDArray[np.int64] | None:
    """counts[t][p]: how many rows of true class t the network puts in class p (K × K, K
    the class count), or None when the targets do not name classes."""
    if not is_classes(y):
        return None
    k = class_count(y.shape[1])
    counts: NDArray[np.int64] = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (target(y), predicted(o)), 1)
    return counts


def evaluate(
    params: Params, config: Config, x: Array, y: Array
) -> tuple[float, float | None, NDArray[np.int64] | None]:
    """(J, accuracy, confusion matrix) of the network on the examples (x, y), J with the L2
    term included."""
    trace = forward(params, config, x)
    o = trace.output
    return objective(params, config, trace, y), accuracy(y, o), confusion(y, o)
