"""J over a grid of two parameters' values, every other parameter held: the loss surface.

A parameter is named as the JSON names it, "weights[k][r][q]" (w_rq of layer k + 1) or
"biases[k][r]" (b_r of layer k + 1). loss[i][j] is J (its L2 term included) with the first at
axes[0][i] and the second at axes[1][j]; each axis is n values evenly spaced from the
current value − span to the current value + span, so for odd n the current state is the
grid's centre point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from app.nn.activations import Array
from app.nn.network import Config, Params, _forward, _objective

PATH = r"^(weights\[\d{1,4}\]\[\d{1,4}\]\[\d{1,4}\]|biases\[\d{1,4}\]\[\d{1,4}\])$"
"""A parameter's JSON path, as the schema checks it."""


@dataclass(frozen=True)
class Where:
    """A parameter: `biases` false for weights[k][r][q], true for biases[k][r] (q unused)."""

    biases: bool
    k: int
    r: int
    q: int = 0

    def array(self, params: Params) -> Array:
        return params.biases[self.k] if self.biases else params.weights[self.k]

    def index(self) -> tuple[int, ...]:
        return (self.r,) if self.biases else (self.r, self.q)

    def get(self, params: Params) -> float:
        return float(self.array(params)[self.index()])

    def set(self, params: Params, value: float) -> None:
        self.array(params)[self.index()] = value


def locate(path: str, layers: list[int]) -> Where:
    """The parameter `path` names; LookupError saying why when the network has none there."""
    numbers = [int(n) for n in re.findall(r"\d+", path)]
    biases = path.startswith("biases")
    depth = len(layers) - 1
    k = numbers[0]
    if k >= depth:
        raise LookupError(
            f"the network has {depth} layers of {'biases' if biases else 'weights'}: "
            f"k is 0 to {depth - 1}"
        )
    if numbers[1] >= layers[k + 1]:
        raise LookupError(f"layer {k + 1} has {layers[k + 1]} units: r is 0 to {layers[k + 1] - 1}")
    if not biases and numbers[2] >= layers[k]:
        raise LookupError(f"layer {k} has {layers[k]} units: q is 0 to {layers[k] - 1}")
    return Where(biases, k, numbers[1], 0 if biases else numbers[2])


def axis(centre: float, span: float, n: int) -> Array:
    """n values from centre − span to centre + span, evenly spaced; the middle one (odd n)
    is `centre` exactly."""
    steps: Array = np.linspace(-1.0, 1.0, n)
    if n % 2:
        steps[n // 2] = 0.0
    out: Array = centre + span * steps
    return out


def surface(
    params: Params,
    config: Config,
    x: Array,
    y: Array,
    where: tuple[Where, Where],
    axes: tuple[Array, Array],
) -> list[list[float | None]]:
    """J at every point of the grid (None where a value overflows float64). Changes nothing."""
    probe = params.copy()
    first, second = where
    out: list[list[float | None]] = []
    with np.errstate(all="ignore"):
        for a in axes[0]:
            first.set(probe, float(a))
            row: list[float | None] = []
            for b in axes[1]:
                second.set(probe, float(b))
                j = _objective(probe, config, _forward(probe, config, x), y)
                row.append(j if math.isfinite(j) else None)
            out.append(row)
    return out
