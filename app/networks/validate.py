"""Checks that need the network: lengths against layer sizes, and the work one request may do.

The schema (app/schemas.py) already refused what is wrong on its own (NaN, wrong types,
out-of-range numbers) with 422. What passes the schema but does not fit the network (its
layers, its settings, its dataset, the work and answer size its layers allow) is a Mismatch
naming the field, here (a 409): a request the OpenAPI document allows is never a 422.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from app import nn
from app.config import LIMITS
from app.networks import views
from app.networks.errors import Mismatch
from app.nn import Array, Params
from app.schemas import Dataset, NetworkSettings
from app.store import StoredNetwork


def layer_name(k: int, depth: int) -> str:
    if k == 0:
        return "the input layer"
    return "the output layer" if k == depth else f"layer {k}"


def matrix(rows: Sequence[Sequence[float]], width: int, field: str, what: str) -> Array:
    """Rows of exactly `width` numbers, as a float64 array."""
    for i, row in enumerate(rows):
        if len(row) != width:
            raise Mismatch(f"{field}[{i}]", f"has {len(row)} values; {what} has {width} units")
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), width)


def batch(
    x_rows: Sequence[Sequence[float]],
    y_rows: Sequence[Sequence[float]] | None,
    layers: list[int],
    settings: NetworkSettings,
    prefix: str = "",
) -> tuple[Array, Array | None]:
    depth = len(layers) - 1
    x = matrix(x_rows, layers[0], prefix + "x", layer_name(0, depth))
    if y_rows is None:
        return x, None
    if len(y_rows) != len(x_rows):
        raise Mismatch(prefix + "y", f"has {len(y_rows)} examples; x has {len(x_rows)}")
    y = matrix(y_rows, layers[-1], prefix + "y", layer_name(depth, depth))
    if settings.loss == "cross_entropy" and (at := outside_0_1(y)) is not None:
        raise Mismatch(
            f"{prefix}y[{at[0]}][{at[1]}]", "cross_entropy targets must lie between 0 and 1"
        )
    return x, y


def outside_0_1(y: Array) -> tuple[int, int] | None:
    """The first target (example, unit) outside [0, 1], which cross_entropy cannot take."""
    found = np.argwhere((y < 0) | (y > 1))
    return (int(found[0][0]), int(found[0][1])) if found.size else None


Examples = tuple[Array, Array]


def dataset(
    data: Dataset, layers: list[int], settings: NetworkSettings, prefix: str = "dataset."
) -> tuple[Examples, Examples | None]:
    """(training examples, test examples or None), checked against the network."""
    x, y = batch(data.x, data.y, layers, settings, prefix=prefix)
    assert y is not None
    if data.test is None:
        return (x, y), None
    tx, ty = batch(data.test.x, data.test.y, layers, settings, prefix=prefix + "test.")
    assert ty is not None
    return (x, y), (tx, ty)


def stored_dataset(
    data: Examples, layers: list[int], settings: NetworkSettings, test: Examples | None = None
) -> None:
    """A network's stored dataset (and its test part) against the layers and settings a
    change gives it: what `dataset` checks when the examples are sent, for examples the
    network already holds."""
    x, y = data
    if (x.shape[1], y.shape[1]) != (layers[0], layers[-1]):
        raise Mismatch(
            "dataset",
            f"the stored dataset has {x.shape[1]} inputs and {y.shape[1]} outputs; "
            f"layers {layers} need {layers[0]} and {layers[-1]}: send a new dataset too",
        )
    for part, targets in (("", y), ("test part's ", None if test is None else test[1])):
        if targets is None or settings.loss != "cross_entropy":
            continue
        if (at := outside_0_1(targets)) is not None:
            raise Mismatch(
                "loss",
                f"cross_entropy needs targets between 0 and 1, and the stored dataset's "
                f"{part}y[{at[0]}][{at[1]}] is {targets[at]:g}: send a new dataset too",
            )


def params(
    layers: list[int], weights: list[list[list[float]]], biases: list[list[float]]
) -> Params:
    depth = len(layers) - 1
    if len(weights) != depth:
        raise Mismatch("weights", f"has {len(weights)} matrices; layers {layers} need {depth}")
    if len(biases) != depth:
        raise Mismatch("biases", f"has {len(biases)} rows; layers {layers} need {depth}")
    ws: list[Array] = []
    bs: list[Array] = []
    for k in range(depth):
        n_in, n_out = layers[k], layers[k + 1]
        if len(weights[k]) != n_out:
            raise Mismatch(
                f"weights[{k}]",
                f"has {len(weights[k])} rows; {layer_name(k + 1, depth)} has {n_out} units",
            )
        ws.append(matrix(weights[k], n_in, f"weights[{k}]", layer_name(k, depth)))
        if len(biases[k]) != n_out:
            raise Mismatch(
                f"biases[{k}]",
                f"has {len(biases[k])} values; {layer_name(k + 1, depth)} has {n_out} units",
            )
        bs.append(np.asarray(biases[k], dtype=np.float64))
    return Params(ws, bs)


def settings(s: NetworkSettings) -> None:
    if s.loss == "cross_entropy" and s.output_activation != "sigmoid":
        raise Mismatch(
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
        raise Mismatch(
            field,
            f"{examples} examples × {epochs} epochs × {weights} weights"
            f"{f' × {passes} passes' if passes > 1 else ''}{per_update} = {cost:,} "
            f"multiply-adds, over the limit of {LIMITS.max_work:,} per request; ask for fewer",
        )
    return cost


def saved_work(network: StoredNetwork) -> None:
    """A changed network is saved with J over its stored dataset, a forward pass computed
    before the write: bounded by `work` as a step's passes are, so a PATCH, an edit of the
    examples or a rewind that a step's bound would refuse is refused too (nothing saved)."""
    if network.dataset is not None:
        work(network.layers, len(network.dataset[0]), field="dataset")


Payload = Literal["forward", "predict", "predict_hidden", "backward", "step", "gradient_check"]
BYTES_PER_NUMBER = 22
"""What orjson writes for one computed float64, with its separator: 17 significant digits,
often a sign, now and then an exponent. Measured over whole answers: 19 to 22 bytes a number
(22 for gradients, which are small and so written with exponents); inputs echoed back are
shorter. The upper end is taken, so the estimate errs towards refusing."""


def response_numbers(
    layers: list[int],
    payload: Payload,
    epochs: int = 1,
    stored: int = 0,
    *,
    split: bool = False,
    tested: bool = False,
    classes: Sequence[bool] = (),
) -> tuple[int, int]:
    """How many numbers a response holds: (per example of the batch, for the rest), counted
    (views.numbers) in the answer that answer's own function (app/networks/views.py) builds
    for a batch of no example and of one, from arrays of the right shapes that hold no
    memory. `stored`: the numbers of the network's dataset and test part (the step answers
    with the network); `split`: an L2 term (the gradient's two parts); `tested`: J on the
    test part per epoch; `classes`: per set the step's evaluation scores, whether its
    targets name classes (then it has an accuracy and a confusion matrix)."""
    return _counts(tuple(layers), payload, epochs, stored, split, tested, tuple(classes))


@functools.lru_cache(maxsize=1024)
def _counts(
    layers: tuple[int, ...],
    payload: Payload,
    epochs: int,
    stored: int,
    split: bool,
    tested: bool,
    classes: tuple[bool, ...],
) -> tuple[int, int]:
    counts = [
        views.numbers(_answer(list(layers), n, payload, epochs, stored, split, tested, classes))
        for n in (0, 1)
    ]
    return counts[1] - counts[0], counts[0]


def _blank(*shape: int) -> Array:
    return np.broadcast_to(np.float64(0.0), shape)


def _answer(
    layers: list[int],
    n: int,
    payload: Payload,
    epochs: int,
    stored: int,
    split: bool,
    tested: bool,
    classes: Sequence[bool],
) -> dict[str, Any]:
    """The answer `payload` for `n` examples, every number a zero."""
    pairs = list(itertools.pairwise(layers))
    trace = nn.Trace([_blank(n, b) for b in layers[1:]], [_blank(n, b) for b in layers])
    if payload in ("predict", "predict_hidden"):
        return views.predict_payload(trace, payload == "predict_hidden")
    if payload == "forward":
        return views.forward_payload(trace, 0.0)
    weights = [_blank(b, a) for a, b in pairs]
    biases = [_blank(b) for b in layers[1:]]
    result = nn.Backward(
        trace, trace.net, weights, biases, weights, biases, 0.0, weights, weights, 0.0, 0.0
    )
    if payload == "gradient_check":
        return views.gradient_check_payload(result, (weights, biases), 0.0, 0.0)
    if payload == "backward":
        return views.backward_payload(result, split)
    dataset = (_blank(stored), _blank(0))
    network = StoredNetwork("", NetworkSettings(), 0, Params(weights, biases), dataset)
    losses = [0.0] * epochs
    k = nn.class_count(layers[-1])
    scores = [views.Score(0.0, 0.0 if c else None, 0, _blank(k, k) if c else None) for c in classes]
    step = views.Step(result, split, network, losses, losses if tested else None, scores)
    return views.step_payload(step)


def response(
    layers: list[int],
    examples: int,
    payload: Payload,
    field: str,
    epochs: int = 1,
    stored: int = 0,
    *,
    split: bool = False,
    tested: bool = False,
    classes: Sequence[bool] = (),
    extra: tuple[str, int] = ("", 0),
) -> None:
    """Bound the bytes of one answer before computing it (numbers × BYTES_PER_NUMBER).

    `field` is what makes it large: "x" for a batch sent, "dataset" for the stored one;
    `split`, `tested` and `classes` as in response_numbers; `extra`: the field and the
    numbers it adds beside them (a step's frames and grid). The message says how many
    examples would fit."""
    each, rest = response_numbers(
        layers, payload, epochs, stored, split=split, tested=tested, classes=classes
    )
    limit = LIMITS.max_response_bytes // BYTES_PER_NUMBER  # in numbers
    if rest <= limit < rest + extra[1]:
        total = rest + extra[1]
        raise Mismatch(
            extra[0],
            f"adds {extra[1]:,} numbers to the answer: {total:,} numbers, about "
            f"{total * BYTES_PER_NUMBER / 1e6:,.0f} MB, over the limit of "
            f"{LIMITS.max_response_bytes / 1e6:g} MB per response; ask for fewer",
        )
    rest += extra[1]
    numbers = examples * each + rest
    if numbers <= limit:
        return
    size = f"about {numbers * BYTES_PER_NUMBER / 1e6:,.0f} MB ({numbers:,} numbers)"
    over = f"over the limit of {LIMITS.max_response_bytes / 1e6:g} MB per response"
    if rest > limit:  # the network's own numbers: no batch is small enough
        raise Mismatch(
            "layers",
            f"layers {layers} make a {payload} answer of {size} even for one example, {over}; "
            "use fewer or smaller layers" + (" or a smaller dataset" if stored else ""),
        )
    fits = (limit - rest) // each
    what = f"{examples} examples" if field == "x" else f"the stored dataset's {examples} examples"
    ask = f"send at most {fits} examples per request as x"
    if payload == "forward":
        ask += ", or ask /predict for the outputs alone"
    raise Mismatch(field, f"{what} would make a {payload} answer of {size}, {over}; {ask}")
