"""Answers checked by the server: a path names one number of the backward pass on the
network's stored dataset, the engine (app.nn) computes it, and a student's value is right
when |v − e| ≤ max(relative · |e|, absolute), as PrairieLearn and WeBWorK check numbers.

Paths index the backward payload's JSON arrays (GET …/backward): `deltas[1][0][0]` is δ of
unit 0 of layer 2 for example 0. Two more name the update: `weights_after` = w + Δw and
`biases_after` = b + Δb, the weights the step would leave.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app import nn
from app.classroom.errors import Invalid, Mismatch

PATH = re.compile(r"([a-z_]+(?:\.[a-z_]+)?)((?:\[\d{1,6}\])*)")
PATTERN = (
    r"^(?:(?:net|activations|deltas|gradients\.weights|weight_deltas|weights_after)"
    r"(?:\[[0-9]{1,6}\]){3}|(?:gradients\.biases|bias_deltas|biases_after)"
    r"(?:\[[0-9]{1,6}\]){2}|loss)$"
)
"""The paths as the schema states them (what `parse` reads)."""
INDEX = re.compile(r"\[(\d+)\]")
DEPTHS: dict[str, int] = {
    "net": 3,
    "activations": 3,
    "deltas": 3,
    "gradients.weights": 3,
    "gradients.biases": 2,
    "weight_deltas": 3,
    "bias_deltas": 2,
    "loss": 0,
    "weights_after": 3,
    "biases_after": 2,
}
"""Each path's name and how many indices it takes."""


@dataclass(frozen=True)
class Parsed:
    name: str
    indices: tuple[int, ...]


def parse(path: str, field: str = "path") -> Parsed:
    """The name and indices of a path, or Invalid naming `field`."""
    match = PATH.fullmatch(path.replace(" ", ""))
    if match is None or match.group(1) not in DEPTHS:
        names = ", ".join(DEPTHS)
        raise Invalid(field, f"{path!r} is not a path; use one of {names}, with indices")
    name = match.group(1)
    indices = tuple(int(i) for i in INDEX.findall(match.group(2)))
    if len(indices) != DEPTHS[name]:
        raise Invalid(field, f"{name} takes {DEPTHS[name]} indices, not {len(indices)}")
    return Parsed(name, indices)


def shapes(name: str, layers: Sequence[int], examples: int) -> list[tuple[int, ...]]:
    """The shape of each array in the payload's list `name` (one array per layer)."""
    pairs = list(itertools.pairwise(layers))
    if name in ("net", "deltas"):
        return [(examples, n_out) for _, n_out in pairs]
    if name == "activations":
        return [(examples, n) for n in layers]
    if name in ("gradients.weights", "weight_deltas", "weights_after"):
        return [(n_out, n_in) for n_in, n_out in pairs]
    return [(n_out,) for _, n_out in pairs]  # the biases' lists


def check(path: str, layers: Sequence[int], examples: int, field: str = "path") -> Parsed:
    """Parse `path` and check every index against the network's shapes."""
    parsed = parse(path, field)
    if parsed.name == "loss":
        return parsed
    arrays = shapes(parsed.name, layers, examples)
    sizes = [len(arrays), *arrays[min(parsed.indices[0], len(arrays) - 1)]]
    where = parsed.name
    for index, size in zip(parsed.indices, sizes, strict=True):
        if index >= size:
            raise Mismatch(
                field,
                f"{where}[{index}] is out of range: {where} has {size} entries (0..{size - 1})",
            )
        where += f"[{index}]"
    return parsed


def expected(
    params: nn.Params, config: nn.Config, x: nn.Array, y: nn.Array, parsed: Parsed
) -> float:
    """The number `parsed` names, from the engine's backward pass of these params on (x, y)."""
    return value_in(params, nn.backward(params, config, x, y), parsed)


def value_in(params: nn.Params, result: nn.Backward, parsed: Parsed) -> float:
    """The number `parsed` names in `result`, the backward pass of `params`."""
    if parsed.name == "loss":
        return float(result.loss)
    arrays: dict[str, list[nn.Array]] = {
        "net": result.trace.net,
        "activations": result.trace.activations,
        "deltas": result.deltas,
        "gradients.weights": result.grad_weights,
        "gradients.biases": result.grad_biases,
        "weight_deltas": result.weight_deltas,
        "bias_deltas": result.bias_deltas,
    }
    k, *rest = parsed.indices
    if parsed.name == "weights_after":
        value = params.weights[k][tuple(rest)] + result.weight_deltas[k][tuple(rest)]
    elif parsed.name == "biases_after":
        value = params.biases[k][tuple(rest)] + result.bias_deltas[k][tuple(rest)]
    else:
        value = np.asarray(arrays[parsed.name][k])[tuple(rest)]
    return float(value)


def is_right(value: float, target: float, relative: float, absolute: float) -> bool:
    """|v − e| ≤ max(relative · |e|, absolute)."""
    return math.isfinite(value) and abs(value - target) <= max(relative * abs(target), absolute)
