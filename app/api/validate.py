"""Checks that need the network: lengths against layer sizes, and the work one request may do.

The schema (app/schemas.py) already refused what is wrong on its own (NaN, wrong types,
out-of-range numbers); here each message says what the network expected instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from app.api.errors import ApiError
from app.config import LIMITS
from app.nn import Array, Params
from app.schemas import Dataset, Settings


def layer_name(k: int, depth: int) -> str:
    if k == 0:
        return "the input layer"
    return "the output layer" if k == depth else f"layer {k}"


def matrix(rows: Sequence[Sequence[float]], width: int, field: str, what: str) -> Array:
    """Rows of exactly `width` numbers, as a float64 array."""
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ApiError(422, f"{field}[{i}]", f"has {len(row)} values; {what} has {width} units")
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), width)


def batch(
    x_rows: Sequence[Sequence[float]],
    y_rows: Sequence[Sequence[float]] | None,
    layers: list[int],
    settings: Settings,
    prefix: str = "",
) -> tuple[Array, Array | None]:
    depth = len(layers) - 1
    x = matrix(x_rows, layers[0], prefix + "x", layer_name(0, depth))
    if y_rows is None:
        return x, None
    if len(y_rows) != len(x_rows):
        raise ApiError(422, prefix + "y", f"has {len(y_rows)} examples; x has {len(x_rows)}")
    y = matrix(y_rows, layers[-1], prefix + "y", layer_name(depth, depth))
    if settings.loss == "cross_entropy" and ((y < 0) | (y > 1)).any():
        i, j = (int(v) for v in np.argwhere((y < 0) | (y > 1))[0])
        raise ApiError(
            422, f"{prefix}y[{i}][{j}]", "cross_entropy targets must lie between 0 and 1"
        )
    return x, y


def dataset(data: Dataset, layers: list[int], settings: Settings) -> tuple[Array, Array]:
    x, y = batch(data.x, data.y, layers, settings, prefix="dataset.")
    assert y is not None
    return x, y


def params(
    layers: list[int], weights: list[list[list[float]]], biases: list[list[float]]
) -> Params:
    depth = len(layers) - 1
    if len(weights) != depth:
        raise ApiError(422, "weights", f"has {len(weights)} matrices; layers {layers} need {depth}")
    if len(biases) != depth:
        raise ApiError(422, "biases", f"has {len(biases)} rows; layers {layers} need {depth}")
    ws: list[Array] = []
    bs: list[Array] = []
    for k in range(depth):
        n_in, n_out = layers[k], layers[k + 1]
        if len(weights[k]) != n_out:
            raise ApiError(
                422,
                f"weights[{k}]",
                f"has {len(weights[k])} rows; {layer_name(k + 1, depth)} has {n_out} units",
            )
        ws.append(matrix(weights[k], n_in, f"weights[{k}]", layer_name(k, depth)))
        if len(biases[k]) != n_out:
            raise ApiError(
                422,
                f"biases[{k}]",
                f"has {len(biases[k])} values; {layer_name(k + 1, depth)} has {n_out} units",
            )
        bs.append(np.asarray(biases[k], dtype=np.float64))
    return Params(ws, bs)


def settings(s: Settings) -> None:
    if s.loss == "cross_entropy" and s.output_activation != "sigmoid":
        raise ApiError(
            422,
            "loss",
            f"cross_entropy needs output_activation 'sigmoid' (outputs in (0, 1)), "
            f"not '{s.output_activation}'",
        )


def parameter_count(layers: list[int]) -> int:
    return sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(layers))


def work(
    layers: list[int],
    examples: int,
    epochs: int = 1,
    passes: int = 1,
    updates: int = 0,
    field: str = "epochs",
) -> int:
    """Bound what one request costs, in multiply-adds: examples × epochs × weights × passes,
    plus `update_cost` for every update (in online mode the cost is per update, not per
    multiply-add). Both constants are calibrated by bench/cost_bound.py so that the largest
    request allowed takes about a second. Returns the cost."""
    weights = parameter_count(layers)
    products = examples * epochs * weights * passes
    cost = products + updates * LIMITS.update_cost
    if cost > LIMITS.max_work:
        per_update = f" + {updates:,} updates × {LIMITS.update_cost:,}" if updates else ""
        raise ApiError(
            422,
            field,
            f"{examples} examples × {epochs} epochs × {weights} weights"
            f"{f' × {passes} passes' if passes > 1 else ''}{per_update} = {cost:,} "
            f"multiply-adds, over the limit of {LIMITS.max_work:,} per request; ask for fewer",
        )
    return cost
