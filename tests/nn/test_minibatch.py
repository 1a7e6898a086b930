"""Mini-batch mode: against the plain-Python reference (tests/nn/reference.py), finite
differences of J over one mini-batch, batch mode (B = N) and online mode over the epoch's
order (B = 1), to the bit where the operations are the same."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import nn
from tests.nn import reference
from tests.nn.stepwise import same_bits
from tests.nn.test_train import BOUNDED, finite_run, runs


def mini(
    params: nn.Params, config: nn.Config, x: Any, y: Any, b: int, **rest: Any
) -> nn.TrainResult:
    """train() in mini-batch mode with B = b."""
    return nn.train(params, config, x, y, mode="minibatch", batch_size=b, **rest)


def small(seed: int, layers: list[int], n: int) -> tuple[nn.Params, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = nn.Params(
        [rng.normal(0, 1, (b, a)) for a, b in itertools.pairwise(layers)],
        [rng.normal(0, 0.5, b) for b in layers[1:]],
    )
    x = rng.normal(0, 1, (n, layers[0]))
    y = rng.uniform(0, 1, (n, layers[-1]))
    return params, x, y


@pytest.mark.parametrize(
    ("layers", "n", "b", "config"),
    [
        ([2, 3, 1], 7, 3, nn.Config(learning_rate=0.5)),  # 3 + 3 + 1: the last one shorter
        ([2, 2, 2], 6, 2, nn.Config(learning_rate=0.3, reduction="mean", l2=0.1)),
        ([3, 2, 1], 5, 4, nn.Config("tanh", loss="cross_entropy", learning_rate=0.2)),
        ([2, 3, 1], 5, 2, nn.Config(learning_rate=0.5, train_biases=False)),
    ],
)
def test_a_minibatch_run_is_the_plain_python_one(layers, n, b, config):
    params, x, y = small(n * 10 + b, layers, n)
    seed, start, epochs = 12345, 17, 3
    result = mini(params, config, x, y, b, seed=seed, start=start, epochs=epochs)
    assert result.updates == epochs * math.ceil(n / b)
    weights, biases = reference.minibatch_run(
        [w.tolist() for w in params.weights],
        [v.tolist() for v in params.biases],
        x.tolist(),
        y.tolist(),
        batch_size=b,
        seed=seed,
        start=start,
        epochs=epochs,
        eta=config.learning_rate,
        train_biases=config.train_biases,
        hidden=config.hidden_activation,
        output=config.output_activation,
        kind=config.loss,
        reduction=config.reduction,
        l2=config.l2,
    )
    for got, want in zip(
        [*result.params.weights, *result.params.biases],
        [*weights, *biases],
        strict=True,
    ):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9)


def test_one_minibatch_gradient_is_the_finite_differences_of_j_over_its_examples():
    params, x, y = small(3, [2, 4, 2], 9)
    config = nn.Config("tanh", learning_rate=0.1, l2=0.05, reduction="mean")
    seed, start, b = 7, 40, 4
    result = mini(params, config, x, y, b, seed=seed, start=start, updates=1)
    chosen = nn.minibatches(nn.epoch_order(seed, start, len(x)), b)[0]
    assert len(chosen) == b and len(result.first.trace.output) == b
    fd_w, fd_b = reference.finite_differences(
        params.weights,
        params.biases,
        x[chosen],
        y[chosen],
        hidden="tanh",
        reduction="mean",
        l2=0.05,
    )
    assert reference.relative_error(result.first.grad_weights, fd_w) < 1e-8
    assert reference.relative_error(result.first.grad_biases, fd_b) < 1e-8
    # and it is not the gradient over all the examples
    fd_all, _ = reference.finite_differences(
        params.weights, params.biases, x, y, hidden="tanh", reduction="mean", l2=0.05
    )
    assert reference.relative_error(result.first.grad_weights, fd_all) > 1e-3


def test_the_order_is_the_documented_permutation_and_changes_every_epoch():
    """The rule docs/api.md states, written out: default_rng([seed, u]).permutation(N);
    the mini-batches cut it in runs of B, the last one of the N mod B left."""
    order = nn.epoch_order(5, 12, 10)
    assert order.tolist() == np.random.default_rng([5, 12]).permutation(10).tolist()
    assert sorted(order.tolist()) == list(range(10))
    cut = nn.minibatches(order, 4)
    assert [len(c) for c in cut] == [4, 4, 2]
    assert [sorted(order[i : i + 4].tolist()) for i in (0, 4, 8)] == [c.tolist() for c in cut]
    orders = {tuple(nn.epoch_order(5, u, 10).tolist()) for u in range(0, 30, 3)}
    assert len(orders) == 10  # a new order every epoch
    assert nn.epoch_order(6, 12, 10).tolist() != order.tolist()  # and every seed


@BOUNDED
@given(runs(), st.integers(1, 3), st.integers(0, 2**32 - 1), st.integers(0, 10**6))
def test_b_equal_to_n_is_batch_mode_to_the_bit(
    run: dict[str, Any], epochs: int, seed: int, start: int
) -> None:
    finite_run({**run, "mode": "batch"}, epochs)
    n = len(run["x"])
    batch = nn.train(run["params"], run["config"], run["x"], run["y"], mode="batch", epochs=epochs)
    got = mini(
        run["params"], run["config"], run["x"], run["y"], n, seed=seed, start=start, epochs=epochs
    )
    assert same_bits(got.params, batch.params)
    assert got.losses == batch.losses and got.updates == batch.updates == epochs


@BOUNDED
@given(runs(), st.integers(1, 3), st.integers(0, 2**32 - 1), st.integers(0, 10**6))
def test_b_of_one_is_online_mode_over_each_epochs_order(
    run: dict[str, Any], epochs: int, seed: int, start: int
) -> None:
    x, y, config = run["x"], run["y"], run["config"]
    finite_run({**run, "mode": "online"}, epochs * len(x))
    got = mini(run["params"], config, x, y, 1, seed=seed, start=start, epochs=epochs)
    state, done = run["params"], start
    for _ in range(epochs):
        order = nn.epoch_order(seed, done, len(x))
        state = nn.train(state, config, x[order], y[order], mode="online").params
        done += len(x)
    assert same_bits(got.params, state)
    assert got.updates == epochs * len(x)


def minibatch(run: dict[str, Any], b: int, seed: int, **counts: Any) -> nn.TrainResult:
    return mini(
        run["params"], run["config"], run["x"], run["y"], b, seed=seed, test=run["test"], **counts
    )


def single_updates(run: dict[str, Any], b: int, seed: int, n: int) -> list[nn.Params]:
    """The states after each of n updates, one backward() and apply() each, mini-batches as
    the documented rule draws them."""
    x, y, config = run["x"], run["y"], run["config"]
    out, batches = [run["params"]], list[np.ndarray]()
    for k in range(n):
        if not batches:
            batches = nn.minibatches(nn.epoch_order(seed, k, len(x)), b)
        chosen = batches.pop(0)
        out.append(nn.apply(out[-1], nn.backward(out[-1], config, x[chosen], y[chosen])))
    return out


@BOUNDED
@given(runs(), st.data(), st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_the_state_after_any_update_is_single_updates_and_a_run_stopped_there(
    run: dict[str, Any], data: st.DataObject, seed: int, n: int
) -> None:
    """Replay: train(S, updates=n) in mini-batch mode is n single updates, also where n
    ends inside an epoch; a run split in two (the second told where it starts) is the run."""
    b = data.draw(st.integers(1, len(run["x"])))
    try:
        expected = single_updates(run, b, seed, n)
        nn.objective(
            expected[-1], run["config"], nn.forward(expected[-1], run["config"], run["x"]), run["y"]
        )
    except nn.NonFinite:
        return
    if run["test"] is not None and not all(
        np.isfinite(nn.forward(p, run["config"], run["test"][0]).output).all() for p in expected
    ):
        return
    try:
        result = minibatch(run, b, seed, updates=n)
    except nn.NonFinite:
        return  # an overflow of a test J alone: not this test's subject
    assert same_bits(result.params, expected[n])
    per_epoch = math.ceil(len(run["x"]) / b)
    assert len(result.losses) == math.ceil(n / per_epoch)
    whole = n // per_epoch
    if whole >= 2:  # whole epochs split in two calls: the second starts where the first ended
        first = minibatch(run, b, seed, epochs=1)
        rest = mini(
            first.params,
            run["config"],
            run["x"],
            run["y"],
            b,
            seed=seed,
            start=first.updates,
            epochs=whole - 1,
        )
        assert same_bits(rest.params, expected[whole * per_epoch])


def test_frames_of_a_minibatch_run_are_its_states():
    params, x, y = small(9, [2, 3, 1], 7)
    config = nn.Config(learning_rate=0.5)
    result = mini(params, config, x, y, 3, seed=2, start=5, epochs=6, frames=3)
    assert [f.updates for f in result.frames] == [6, 12, 18]
    for frame in result.frames:
        alone = mini(params, config, x, y, 3, seed=2, start=5, updates=frame.updates)
        assert same_bits(frame.params, alone.params)


@pytest.mark.parametrize("b", [0, None])
def test_minibatch_mode_needs_a_batch_size(b):
    params, x, y = nn.init_params([1, 1], 0), np.ones((2, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match="batch size"):
        nn.train(params, nn.Config(), x, y, mode="minibatch", batch_size=b)
