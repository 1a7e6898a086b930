"""A step answered in frames, with the input plane: what the page's Play animates.

A step of `epochs` epochs with `frames: k` is split into k equal frames; the answer carries
the state after each (its update count, J and weights), the last being the network's. With
`grid: n` it carries o of every output unit (and, with `grid_hidden`, every hidden unit) at
the n × n points of the page's input plane after the step, so the page draws its heatmap
and the units' pictures from the step's own answer. The plane's bounds are the ones the
page's heatmap chooses (static/js/points.js stableBounds), computed with the same
operations in the same order, so a point here is the page's point to the bit.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from app import nn
from app.networks.errors import Mismatch
from app.nn import Array
from app.nn.plane import Bounds
from app.schemas import StepRequest

GENERATED = 1.2
"""The half side of the plane the dataset generators draw in (static/js/points.js)."""


def check(body: StepRequest, layers: list[int]) -> None:
    """Refuse frames that do not split the epochs equally, and a grid of a network whose
    input plane is not 2-dimensional."""
    if body.frames is not None and body.epochs % body.frames:
        raise Mismatch(  # the schema cannot say it: a 409, as what does not fit the network
            "frames",
            f"{body.frames} frames cannot split {body.epochs} epochs equally: "
            "epochs must be a multiple of frames",
        )
    if body.grid is not None and layers[0] != 2:
        raise Mismatch(
            "grid",
            f"needs a network with 2 inputs (the page's plane); layers {layers} have {layers[0]}",
        )


def extra_numbers(body: StepRequest, layers: list[int]) -> tuple[str, int]:
    """How many numbers frames and grid add to the step's answer (for its size bound), and
    the field that adds the more: per frame its update count, J and parameters; the grid's
    n, bounds and o of each unit it shows at each point."""
    framed = gridded = 0
    if body.frames is not None:
        parameters = sum((a + 1) * b for a, b in itertools.pairwise(layers))
        framed = body.frames * (2 + parameters)
    if body.grid is not None:
        units = layers[-1] + (sum(layers[1:-1]) if body.grid_hidden else 0)
        gridded = 5 + body.grid**2 * units
    return ("grid" if gridded > framed else "frames", framed + gridded)


def grid_work(body: StepRequest) -> int:
    """The examples of the grid's forward pass (0 without a grid), for the work bound."""
    return 0 if body.grid is None else body.grid**2


def plane_bounds(xs: Array) -> Bounds:
    """The page's heatmap bounds for examples `xs` (stableBounds): [−1.2, 1.2]² when every
    input lies within 1.2 of 0 and one is negative (the generators' plane, kept still while
    points are added), else the examples' range padded by a tenth on each side."""
    inside = bool((np.abs(xs) <= GENERATED).all())
    if inside and bool((xs < 0).any()):
        return ((-GENERATED, GENERATED), (-GENERATED, GENERATED))
    a, b = xs[:, 0], xs[:, 1]
    return (_pad(float(a.min()), float(a.max())), _pad(float(b.min()), float(b.max())))


def _pad(lo: float, hi: float) -> tuple[float, float]:
    span = hi - lo or 1.0
    return (lo - span * 0.1, hi + span * 0.1)


def shown_examples(
    dataset: tuple[Array, Array] | None, test: tuple[Array, Array] | None, trained: Array
) -> Array:
    """The inputs the page's heatmap is bounded by: the stored training and test examples,
    or the step's own x when none are stored."""
    if dataset is None:
        return trained
    return dataset[0] if test is None else np.vstack([dataset[0], test[0]])


def answer(
    body: StepRequest,
    before: int,
    result: nn.TrainResult,
    config: nn.Config,
    shown: Array,
) -> dict[str, Any]:
    """The answer's `frames` and `grid`, each only when asked. `before`: the network's update
    count before the step; `shown`: shown_examples()."""
    extra: dict[str, Any] = {}
    if body.frames is not None:
        extra["frames"] = [
            {
                "updates": before + frame.updates,
                "loss": frame.loss,
                "weights": frame.params.weights,
                "biases": frame.params.biases,
            }
            for frame in result.frames
        ]
    if body.grid is not None:
        edges = plane_bounds(shown)
        grid = nn.grid(result.params, config, edges, body.grid, body.grid_hidden)
        extra["grid"] = {
            "n": body.grid,
            "bounds": [list(edges[0]), list(edges[1])],
            "output": grid.output,
            "hidden": grid.hidden,
        }
    return extra
