"""The three phases of backpropagation on a stored network, each checked before it runs:
forward (and predict), backward, the step's change, and the gradient check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app import nn
from app.config import LIMITS
from app.networks import frames, validate
from app.networks.errors import Invalid, Mismatch
from app.networks.views import backward_payload, score, state
from app.nn import Array
from app.schemas import StepRequest, engine_config
from app.store import StoredNetwork

EPSILON = 1e-6
"""The gradient check's step: (J(w + ε) − J(w − ε)) / 2ε."""


def examples(
    network: StoredNetwork,
    x: list[list[float]] | None,
    y: list[list[float]] | None,
    need_y: bool,
) -> tuple[Array, Array | None]:
    """The batch a request names, or the stored dataset when it names none."""
    if x is None:
        if y is not None:
            raise Invalid("x", "is required when y is given")
        if network.dataset is None:
            raise Mismatch("x", "is required: the network has no stored dataset")
        return network.dataset
    xs, ys = validate.batch(x, y, network.layers, network.settings)
    if need_y and ys is None:
        raise Invalid("y", "is required when x is given")
    return xs, ys


def scored(network: StoredNetwork, body: StepRequest) -> list[tuple[Array, Array]]:
    """The sets a step's evaluation scores: the stored training examples and the test part,
    when it trains on the stored dataset."""
    if body.x is not None or network.dataset is None:
        return []
    return [network.dataset] + ([] if network.test is None else [network.test])


def score_numbers(sets: list[tuple[Array, Array]]) -> int:
    """How many numbers the evaluation of `sets` holds: J and the count of each, and its
    accuracy when its targets name classes."""
    return sum(2 + nn.is_classes(y) for _, y in sets)


def evaluation(network: StoredNetwork, sets: list[tuple[Array, Array]]) -> dict[str, Any] | None:
    """J and accuracy on the sets `scored` names (None when there are none)."""
    if not sets:
        return None
    cfg = engine_config(network.settings)
    scores = [score(network.params, cfg, data) for data in sets]
    return {"train": scores[0], "test": scores[1] if len(scores) > 1 else None}


def held_out(network: StoredNetwork, body: StepRequest) -> tuple[Array, Array] | None:
    """The test examples a step measures: the stored ones, when it trains on the stored
    dataset."""
    return network.test if body.x is None else None


def step_cost(network: StoredNetwork, body: StepRequest, n: int) -> int:
    """What a step of `n` examples costs (validate.work): per epoch a forward and a backward
    pass, then J over the batch; per update the fixed cost of its passes. Test examples are
    counted as training ones (their one forward pass per epoch costs less)."""
    updates = body.epochs * (n if body.mode == "online" else 1)
    test = held_out(network, body)
    n += 0 if test is None else len(test[0])
    frames.check(body, network.layers)
    cost = validate.work(network.layers, n, body.epochs, passes=3, updates=updates)
    if body.grid is None:
        return cost
    grid = validate.work(network.layers, frames.grid_work(body), field="grid")
    if cost + grid > LIMITS.max_work:
        raise Mismatch(
            "grid",
            f"the step's {cost:,} multiply-adds and the grid's {grid:,} are over the limit "
            f"of {LIMITS.max_work:,} per request; ask for fewer epochs or a smaller grid",
        )
    return cost + grid


def step_change(
    body: StepRequest, stop: Callable[[], bool]
) -> Callable[[StoredNetwork], dict[str, Any]]:
    """The change a step makes: train, keep the new weights, return the answer (built from
    the network it just changed)."""

    def change(network: StoredNetwork) -> dict[str, Any]:
        x, y = examples(network, body.x, body.y, need_y=True)
        assert y is not None
        step_cost(network, body, len(x))
        stored = sum(a.size for a in (*(network.dataset or ()), *(network.test or ())))
        field = "x" if body.x else "dataset"
        test, sets, split = held_out(network, body), scored(network, body), network.settings.l2 > 0
        validate.response(
            network.layers,
            len(x),
            "step",
            field,
            body.epochs,
            stored,
            split=split,
            tested=test is not None,
            scores=score_numbers(sets),
            extra=frames.extra_numbers(body, network.layers),
        )
        cfg, before = engine_config(network.settings), network.updates
        result = nn.train(
            network.params,
            cfg,
            x,
            y,
            mode=body.mode,
            epochs=body.epochs,
            frames=body.frames or 1,
            stop=stop,
            test=test,
        )
        shown = frames.shown_examples(network.dataset, network.test, x)
        network.params = result.params
        network.updates += result.updates
        if body.x is None:  # trained on the stored dataset: J after it is the history's,
            network.loss = result.losses[-1]  # and the step can be replayed (replay.py)
            network.trained = body.mode
        return {
            **backward_payload(result.first, split),
            "network": state(network),
            "losses": result.losses,
            "test_losses": None if test is None else result.test_losses,
            "evaluation": evaluation(network, sets),
            **frames.answer(body, before, result, cfg, shown),
        }

    return change


def gradient_check(
    params: nn.Params, cfg: nn.Config, x: Array, y: Array
) -> tuple[nn.Backward, tuple[list[Array], list[Array]], float]:
    """Backprop's gradient, the finite differences' and the worst relative error between
    them (over the entries where either is not ~0)."""
    result = nn.backward(params, cfg, x, y)
    num_w, num_b = nn.numerical_gradients(params, cfg, x, y, EPSILON)
    worst = 0.0
    for exact, approx in zip(
        [*result.grad_weights, *result.grad_biases], [*num_w, *num_b], strict=True
    ):
        scale = abs(exact) + abs(approx)
        mask = scale > 1e-12
        if mask.any():
            worst = max(worst, float((abs(exact - approx)[mask] / scale[mask]).max()))
    return result, (num_w, num_b), worst
