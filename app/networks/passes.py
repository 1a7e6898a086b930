"""The three phases of backpropagation on a stored network, each checked before it runs:
forward (and predict), backward, the step's change, and the gradient check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app import nn
from app.config import LIMITS
from app.networks import frames, validate
from app.networks.errors import Invalid, Mismatch
from app.networks.history import recorded
from app.networks.views import Score, Step
from app.nn import Array
from app.schemas import StepRequest, engine_config
from app.store import NetworkStore, StoredNetwork

EPSILON = 1e-6
"""The gradient check's step: (J(w + ε) − J(w − ε)) / 2ε."""


Batch = list[list[float]] | None


@dataclass(frozen=True)
class Forward:
    trace: nn.Trace
    loss: float | None
    """J over the batch, when it has targets and J was asked for."""


def forward(
    store: NetworkStore,
    network_id: str,
    x: Batch,
    y: Batch,
    payload: validate.Payload = "forward",
    at: tuple[int, int | None] | None = None,
) -> Forward:
    """Load (the state recorded at update `at`, entry `at[1]`, when given), check the batch,
    its cost and its answer's size, run forward: what /forward and /predict share (J only
    for "forward")."""
    network = store.get(network_id) if at is None else recorded(store, network_id, *at)
    xs, ys = examples(network, x, y, need_y=False)
    validate.work(network.layers, len(xs), field="x")
    validate.response(network.layers, len(xs), payload, "x" if x else "dataset")
    cfg, params = engine_config(network.settings), network.params
    trace = nn.forward(params, cfg, xs)
    if payload != "forward" or ys is None:
        return Forward(trace, None)
    return Forward(trace, nn.objective(params, cfg, trace, ys))


def backward(store: NetworkStore, network_id: str, x: Batch, y: Batch) -> tuple[nn.Backward, bool]:
    """Load, check, run backward: the result, and whether its gradient has an L2 part."""
    network = store.get(network_id)
    xs, ys = examples(network, x, y, need_y=True)
    assert ys is not None
    validate.work(network.layers, len(xs), passes=2, field="x")
    split = network.settings.l2 > 0
    validate.response(network.layers, len(xs), "backward", "x" if x else "dataset", split=split)
    return nn.backward(network.params, engine_config(network.settings), xs, ys), split


def step(store: NetworkStore, network_id: str, body: StepRequest, stop: Callable[[], bool]) -> Step:
    """Train and save in one change (loaded once, checked once, inside `modify`); the answer.
    `stop()` is asked before every update: true abandons the step, saving nothing."""
    return store.modify(network_id, step_change(body, stop))


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


def evaluation(network: StoredNetwork, sets: list[tuple[Array, Array]]) -> list[Score]:
    """J, accuracy and confusion matrix (None unless the targets name classes) on the sets
    `scored` names."""
    cfg = engine_config(network.settings)
    scores = []
    for x, y in sets:
        loss, right, counts = nn.evaluate(network.params, cfg, x, y)
        scores.append(Score(loss, right, len(x), counts))
    return scores


def held_out(network: StoredNetwork, body: StepRequest) -> tuple[Array, Array] | None:
    """The test examples a step measures: the stored ones, when it trains on the stored
    dataset."""
    return network.test if body.x is None else None


def step_cost(network: StoredNetwork, body: StepRequest, n: int) -> int:
    """What a step of `n` examples costs (validate.work): per epoch a forward and a backward
    pass, then J over the batch; per update the fixed cost of its passes. Test examples are
    counted as training ones (their one forward pass per epoch costs less)."""
    if body.batch_size is not None and body.batch_size > n:
        where = "sent as x" if body.x is not None else "of the stored dataset"
        raise Mismatch(  # fits the schema, not this network's examples: a 409
            "batch_size",
            f"a mini-batch of {body.batch_size} is more than the {n} example{'s' * (n != 1)} "
            f"{where}: B must be 1 to {n}",
        )
    updates = body.epochs * nn.updates_per_epoch(body.mode, n, body.batch_size)
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


def first_minibatch(body: StepRequest, seed: int, before: int, n: int) -> list[int]:
    """The examples (indices into the n trained on) of a mini-batch step's first update, in
    the order of its answer's rows: the first mini-batch of the epoch after update `before`
    (app/nn/train.py), or every example when B ≥ n."""
    assert body.batch_size is not None
    if body.batch_size >= n:
        return list(range(n))
    return [int(i) for i in nn.minibatches(nn.epoch_order(seed, before, n), body.batch_size)[0]]


def extra_numbers(body: StepRequest, layers: list[int], n: int) -> tuple[str, int]:
    """What frames, grid and (in mini-batch mode) the first mini-batch's B indices add to a
    step's answer, for its size bound (frames.extra_numbers)."""
    field, count = frames.extra_numbers(body, layers)
    return field, count + (min(body.batch_size, n) if body.batch_size is not None else 0)


def step_change(body: StepRequest, stop: Callable[[], bool]) -> Callable[[StoredNetwork], Step]:
    """The change a step makes: check, train, keep the new weights; what it did."""

    def change(network: StoredNetwork) -> Step:
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
            classes=[nn.is_classes(y) for _, y in sets],
            extra=extra_numbers(body, network.layers, len(x)),
        )
        cfg, before = engine_config(network.settings), network.updates
        result = nn.train(
            network.params,
            cfg,
            x,
            y,
            mode=body.mode,
            batch_size=body.batch_size,
            seed=network.seed,
            start=before,
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
            network.trained, network.batch_size = body.mode, body.batch_size
        test_losses = None if test is None else result.test_losses
        scores = evaluation(network, sets)
        extra = frames.answer(body, before, result, cfg, shown)
        if body.mode == "minibatch":
            extra["minibatch"] = first_minibatch(body, network.seed, before, len(x))
        return Step(result.first, split, network, result.losses, test_losses, scores, extra)

    return change


def gradient_check(
    store: NetworkStore, network_id: str, x: Batch, y: Batch
) -> tuple[nn.Backward, tuple[list[Array], list[Array]], float]:
    """Load, check, then backprop's gradient, the finite differences' and the worst relative
    error between them (over the entries where either is not ~0)."""
    network = store.get(network_id)
    xs, ys = examples(network, x, y, need_y=True)
    assert ys is not None
    count = validate.parameter_count(network.layers)
    validate.work(network.layers, len(xs), passes=2 * count, field="x")
    validate.response(network.layers, len(xs), "gradient_check", "x")
    return compare_gradients(network.params, engine_config(network.settings), xs, ys)


def compare_gradients(
    params: nn.Params, cfg: nn.Config, x: Array, y: Array
) -> tuple[nn.Backward, tuple[list[Array], list[Array]], float]:
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
