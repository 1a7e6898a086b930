"""The input plane of a 2-input network, as the page draws it: o of every unit at n × n points.

The points run row by row from the top; point row·n + col is

    (a_lo + (a_hi − a_lo) · col / (n − 1),  b_hi − (b_hi − b_lo) · row / (n − 1))

for the bounds ((a_lo, a_hi), (b_lo, b_hi)) of the first and second input: the first input
grows to the right and the second upward, the page's heatmap layout, computed with the same
operations in the same order (so the same numbers as the page's own grid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.nn.activations import Array
from app.nn.network import Config, Params, forward

Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass
class Grid:
    points: Array
    """(n², 2): the inputs, row by row from the top."""
    output: Array
    """(n², n_L): o of every output unit at each point."""
    hidden: list[Array] | None
    """hidden[k-1], (n², n_k): o of every unit of hidden layer k (when asked)."""


def plane(bounds: Bounds, n: int) -> Array:
    """The n × n points (n ≥ 2) of the plane within `bounds`, as an (n², 2) batch."""
    if n < 2:
        raise ValueError("a grid needs at least 2 points a side")
    (a_lo, a_hi), (b_lo, b_hi) = bounds
    steps = np.arange(n, dtype=np.float64)
    a = a_lo + (a_hi - a_lo) * steps / (n - 1)
    b = b_hi - (b_hi - b_lo) * steps / (n - 1)
    return np.stack([np.tile(a, n), np.repeat(b, n)], axis=1)


def grid(params: Params, config: Config, bounds: Bounds, n: int, hidden: bool = False) -> Grid:
    """forward() at the plane's n × n points: o of every output unit, and of every hidden
    unit when `hidden`. Raises NonFinite as forward() does."""
    trace = forward(params, config, plane(bounds, n))
    return Grid(trace.activations[0], trace.output, trace.activations[1:-1] if hidden else None)
