"""train() in one pass equals training one update at a time, to the bit: its frames, its J after
every epoch, a run split in two, a run stopped after any number of updates (replay)."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from app import nn
from tests.nn.stepwise import checked_run, j, same_bits, states

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
BOUNDED = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def runs(
    draw: Any, magnitudes: tuple[float, ...] = (1.0,), rates: tuple[float, ...] = (0.01, 0.1, 0.5)
) -> dict[str, Any]:
    """A random network, settings and examples: shapes, activations, both losses, sum and
    mean, batch and online, L2 on or off, frozen biases or not, test examples or none;
    weights and inputs of about one of `magnitudes`, η one of `rates`."""
    magnitude = draw(st.sampled_from(magnitudes))
    layers = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    n = draw(st.integers(1, 5))
    loss = draw(st.sampled_from(["squared_error", "cross_entropy"]))
    output = "sigmoid" if loss == "cross_entropy" else draw(st.sampled_from(ACTIVATIONS))
    config = nn.Config(
        hidden_activation=draw(st.sampled_from(ACTIVATIONS)),
        output_activation=output,
        loss=loss,
        learning_rate=draw(st.sampled_from(rates)),
        reduction=draw(st.sampled_from(["sum", "mean"])),
        train_biases=draw(st.booleans()),
        l2=draw(st.sampled_from([0.0, 0.01, 0.3])),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = nn.Params(
        [rng.normal(0, magnitude, (b, a)) for a, b in itertools.pairwise(layers)],
        [rng.normal(0, magnitude, b) for b in layers[1:]],
    )
    x = rng.normal(0, magnitude, (n, layers[0]))
    shape = (n, layers[-1])
    y = rng.uniform(0, 1, shape) if loss == "cross_entropy" else rng.normal(0, 1, shape)
    test = None
    if draw(st.booleans()):
        ty = rng.uniform(0, 1, (2, layers[-1]))
        test = (rng.normal(0, magnitude, (2, layers[0])), ty)
    mode = draw(st.sampled_from(["batch", "online"]))
    return dict(params=params, config=config, x=x, y=y, mode=mode, test=test)


def finite_run(run: dict[str, Any], n: int) -> list[nn.Params]:
    """The states after each of n updates, one at a time, with J after the last; a run
    that overflows on the way (deep linear units diverge fast) is not one of these tests'."""
    try:
        found = states(run["params"], run["config"], run["x"], run["y"], run["mode"], n)
        j(found[-1], run["config"], run["x"], run["y"])
        if run["test"] is not None:
            j(found[-1], run["config"], *run["test"])
    except nn.NonFinite:
        reject()
    return found


def train(run: dict[str, Any], **counts: Any) -> nn.TrainResult:
    return nn.train(
        run["params"],
        run["config"],
        run["x"],
        run["y"],
        mode=run["mode"],
        test=run["test"],
        batch_size=run.get("batch_size"),
        seed=run.get("seed", 0),
        **counts,
    )


@BOUNDED
@given(runs(), st.integers(1, 4), st.integers(1, 3))
def test_each_frame_is_the_state_of_as_many_single_epoch_steps(
    run: dict[str, Any], frames: int, each: int
) -> None:
    per_epoch = 1 if run["mode"] == "batch" else len(run["x"])
    finite_run(run, frames * each * per_epoch)
    result = train(run, epochs=frames * each, frames=frames)
    assert len(result.frames) == frames
    state = run["params"]
    for number, frame in enumerate(result.frames, start=1):
        for _ in range(each):  # one epoch a call, as the page's Update button steps
            step = nn.train(state, run["config"], run["x"], run["y"], mode=run["mode"])
            state = step.params
        assert same_bits(frame.params, state)
        assert frame.loss == step.losses[0] == j(state, run["config"], run["x"], run["y"])
        assert frame.updates == number * each * per_epoch
    assert result.frames[-1].params is result.params
    assert result.losses[each - 1 :: each] == [f.loss for f in result.frames]
    assert result.updates == frames * each * per_epoch


@BOUNDED
@given(runs(), st.integers(1, 4), st.integers(1, 4))
def test_a_run_split_in_two_is_the_same_run(run: dict[str, Any], first: int, then: int) -> None:
    finite_run(run, (first + then) * (1 if run["mode"] == "batch" else len(run["x"])))
    whole = train(run, epochs=first + then)
    start = train(run, epochs=first)
    rest = train({**run, "params": start.params}, epochs=then)
    assert same_bits(whole.params, rest.params)
    assert whole.losses == start.losses + rest.losses
    assert whole.test_losses == start.test_losses + rest.test_losses
    assert whole.updates == start.updates + rest.updates


@BOUNDED
@given(runs(), st.integers(1, 11))
def test_the_state_after_any_update_is_a_run_stopped_there(run: dict[str, Any], n: int) -> None:
    """Replay: train(S, updates=n) is the state after n single updates from S (backward() and
    apply() once each), also where n ends inside an online epoch."""
    expected = finite_run(run, n)
    result = train(run, updates=n)
    assert result.updates == n
    assert same_bits(result.params, expected[n])
    assert result.losses[-1] == j(expected[n], run["config"], run["x"], run["y"])
    per_epoch = 1 if run["mode"] == "batch" else len(run["x"])
    assert len(result.losses) == math.ceil(n / per_epoch)  # after each epoch and at the end
    first = nn.backward(run["params"], run["config"], *stepwise_batch(run, 0))
    for a, b in zip(result.first.weight_deltas, first.weight_deltas, strict=True):
        assert a.tobytes() == b.tobytes()


def stepwise_batch(run: dict[str, Any], i: int) -> tuple[Any, Any]:
    if run["mode"] == "batch":
        return run["x"], run["y"]
    return run["x"][i : i + 1], run["y"][i : i + 1]


@BOUNDED
@given(runs(), st.integers(1, 3), st.integers(1, 6))
def test_replay_from_a_frame_reaches_every_later_update(
    run: dict[str, Any], frames: int, later: int
) -> None:
    """What a store keeps (a frame) and the step's settings recover any update after it."""
    finite_run(run, (frames * 2 + later) * (1 if run["mode"] == "batch" else len(run["x"])))
    result = train(run, epochs=frames * 2, frames=frames)
    for frame in result.frames[:-1]:
        replayed = train({**run, "params": frame.params}, updates=later)
        assert same_bits(replayed.params, train(run, updates=frame.updates + later).params)


def test_online_updates_run_through_the_examples_in_order():
    """Six updates on four examples: one epoch, then the first two examples again."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params, config = nn.init_params([2, 2, 1], 1), nn.Config(learning_rate=2.0)
    result = nn.train(params, config, x, y, mode="online", updates=6)
    state = nn.train(params, config, x, y, mode="online").params
    for i in (0, 1):
        state = nn.apply(state, nn.backward(state, config, x[i : i + 1], y[i : i + 1]))
    assert same_bits(result.params, state)
    assert len(result.losses) == 2  # after the epoch, and after the sixth update


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        ({"epochs": 0}, "frames"),
        ({"epochs": 5, "frames": 2}, "frames"),
        ({"epochs": 4, "frames": 0}, "frames"),
        ({"updates": 0}, "updates"),
        ({"updates": 4, "frames": 2}, "updates"),
        ({"updates": 4, "epochs": 1}, "updates"),
    ],
)
def test_counts_that_do_not_fit_are_refused(counts, problem):
    params, x, y = nn.init_params([1, 1], 0), np.ones((2, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=problem):
        nn.train(params, nn.Config(), x, y, **counts)


def test_a_stopped_run_changes_nothing():
    params, x, y = nn.init_params([2, 3, 1], 0), np.ones((3, 2)), np.zeros((3, 1))
    before = params.copy()
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 5  # asked before every update: the sixth is refused

    with pytest.raises(nn.Stopped):
        nn.train(params, nn.Config(), x, y, mode="online", epochs=3, stop=stop)
    assert len(calls) == 6
    assert same_bits(params, before)


def extreme_run(rng: np.random.Generator) -> dict[str, Any]:
    """A random run whose values span float64: weights and inputs of about 10^0 to 10^160,
    η of 10^-2 to 10^80 (the engine takes any; the API bounds them), so that some runs
    overflow in a net, in J or in a weight, at any update."""
    layers = [int(n) for n in rng.integers(1, 5, size=rng.integers(2, 5))]
    n = int(rng.integers(1, 6))
    loss = str(rng.choice(["squared_error", "cross_entropy"]))
    output = "sigmoid" if loss == "cross_entropy" else str(rng.choice(ACTIVATIONS))
    config = nn.Config(
        str(rng.choice(ACTIVATIONS)),
        output,
        loss,
        float(10 ** rng.uniform(-2, 80)),
        str(rng.choice(["sum", "mean"])),
        bool(rng.integers(2)),
        float(rng.choice([0.0, 0.01, 0.5])),
    )
    w, u = 10 ** rng.uniform(0, 160), 10 ** rng.uniform(0, 160)
    params = nn.Params(
        [rng.normal(0, w, (b, a)) for a, b in itertools.pairwise(layers)],
        [rng.normal(0, w, b) for b in layers[1:]],
    )
    x = rng.normal(0, u, (n, layers[0]))
    shape = (n, layers[-1])
    y = rng.uniform(0, 1, shape) if loss == "cross_entropy" else rng.normal(0, u, shape)
    test = None
    if rng.integers(2):
        test = (rng.normal(0, u, (2, layers[0])), rng.uniform(0, 1, (2, layers[-1])))
    mode = str(rng.choice(["batch", "online", "minibatch"]))
    extra = {"batch_size": int(rng.integers(1, n + 1)), "seed": int(rng.integers(2**32))}
    return dict(params=params, config=config, x=x, y=y, mode=mode, test=test) | (
        extra if mode == "minibatch" else {}
    )


def test_one_check_a_run_refuses_what_every_check_refuses():
    """train() checks once a run; a run with every check after every update (checked_run) is
    the reference. Where the reference keeps the run, train() gives the same bits; where it
    refuses, train() refuses and names the same value, or (only for a value neither reported
    nor kept: an earlier state's net, one example's J) keeps a run whose every value is
    finite."""
    rng = np.random.default_rng(24)
    seen: Counter[str] = Counter()
    for _ in range(400):
        run, epochs = extreme_run(rng), int(rng.integers(1, 7))
        config, x, y, mode, test = (run[k] for k in ("config", "x", "y", "mode", "test"))
        before = run["params"].copy()
        try:
            params, losses, test_losses = checked_run(
                run["params"],
                config,
                x,
                y,
                mode,
                epochs,
                test,
                run.get("batch_size"),
                run.get("seed", 0),
            )
            finite = all(map(math.isfinite, losses + test_losses))
            refusal = None if finite else nn.NonFinite("loss")  # J's parts finite, J not
        except nn.NonFinite as error:
            refusal = error
        try:
            result = train(run, epochs=epochs)
        except nn.NonFinite as error:
            assert refusal is not None and type(error) is type(refusal)
            assert error.where == refusal.where
            assert same_bits(run["params"], before)  # the caller's network is untouched
            seen[error.where.split("[")[0]] += 1
            continue
        if refusal is not None:
            assert refusal.where == "loss" or refusal.where.startswith("net[")
            kept = result.params.weights + result.params.biases
            assert all(np.isfinite(a).all() for a in kept)
            assert all(map(math.isfinite, result.losses + result.test_losses))
            seen["kept"] += 1
            continue
        assert same_bits(result.params, params)
        assert (result.losses, result.test_losses) == (losses, test_losses)
        seen["same"] += 1
    assert min(seen["same"], seen["net"], seen["loss"]) >= 20, seen  # every path was taken
