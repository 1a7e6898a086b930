"""Training: the update of app/nn/network.py, repeated over epochs, in one pass.

    batch:   one update an epoch, Δw = −η ∂J/∂w over the whole batch (the lecture notes' rule)
    online:  one update an example, in the order given (N updates an epoch)

Each state's forward pass is computed once: in batch mode the pass that measures J after an
update is the pass the next update's δ comes from. J over the whole batch is reported after
every epoch; with `frames=k` the epochs are split into k equal frames, each reported with its
update count, J and the weights after it.

Checks. No value that overflows float64 is reported or kept (NonFinite), and nothing is
changed when one would be. train() checks once a call, not after every update, because a
weight that is NaN or ±∞ stays so through every later update (w + Δw is ±∞ or NaN when w is
±∞, NaN when w is NaN): the weights at the end are finite only if every weight on the way
was. It checks those, the nets of the last forward passes (so that forward() of the result
never refuses) and each J it reports. When one fails, it runs the step again with every check
after every update (_refuse) and raises what the first non-finite value names, in the order
the step computes them. Values computed on the way that are neither reported nor kept (the
nets of an earlier state's forward pass, J_i of one example in online mode) are not checked.

Replay. Training is deterministic: the same start, settings, examples and counts give the
same weights and J, to the bit (with the same numpy, BLAS and CPU: a matrix product or exp
may round differently on another). So a state need not be kept to be recovered:
- train(S, epochs=e), then train from its result for e' epochs, equals train(S, epochs=e + e');
- the state after update n of a step that started at S is train(S, updates=n).params, with
  the step's own mode, config and examples, for 1 ≤ n ≤ the step's updates. A frame's state
  is such a start too (frames end where epochs end). In online mode, where an epoch is N
  updates, a replay starts where an epoch starts (the step's start or a frame's end): every
  call begins at the first example.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from app.nn.activations import Array
from app.nn.network import (
    Backward,
    Config,
    NonFinite,
    Params,
    _apply,
    _backward,
    _descend,
    _forward,
    _objective,
    apply,
    check_finite,
    finite,
    forward,
    objective,
)


class Stopped(Exception):
    """train() was asked to stop (its `stop` returned True) before it finished."""


@dataclass
class Frame:
    """The state after a frame: an equal share of a call's epochs."""

    updates: int
    """Updates made since the start of the call."""
    loss: float
    """J over the whole batch."""
    params: Params


@dataclass
class TrainResult:
    first: Backward
    """The backward pass that produced the first update."""
    params: Params
    losses: list[float]
    """J over the whole batch after each epoch (and at the end, when it ends inside one)."""
    updates: int
    test_losses: list[float]
    """J of the test examples at the same points (when train() was given some)."""
    frames: list[Frame]
    """The state after each frame; the last is `params`."""


def train(
    params: Params,
    config: Config,
    x: Array,
    y: Array,
    *,
    mode: str = "batch",
    epochs: int | None = None,
    updates: int | None = None,
    frames: int = 1,
    stop: Callable[[], bool] | None = None,
    test: tuple[Array, Array] | None = None,
) -> TrainResult:
    """Gradient descent for `epochs` epochs (1 when neither count is given), or until
    `updates` updates are made (an online run may end inside an epoch). `frames` splits the
    epochs into that many equal frames. `test`: examples never trained on, whose J is
    reported beside the batch's. `stop`, asked before every update, ends the run with Stopped
    (the caller keeps nothing of it). Raises NonFinite (see the module's docstring) and
    ValueError for counts that do not fit."""
    per_epoch = 1 if mode == "batch" else len(x)
    counts = _counts(per_epoch, epochs, updates, frames)
    run = _Run(config, x, y, mode, counts, stop, test)
    with np.errstate(all="ignore"):  # overflow is found by the checks below, not warned of
        result = _one_pass(params, run, len(counts) // frames)
        if result is None:
            _refuse(params, run)
    return result


def _counts(per_epoch: int, epochs: int | None, updates: int | None, frames: int) -> list[int]:
    """The updates of each epoch of the run."""
    if per_epoch < 1:
        raise ValueError("no examples to train on")
    if updates is None:
        epochs = 1 if epochs is None else epochs
        if epochs < 1 or frames < 1 or epochs % frames:
            raise ValueError(f"{epochs} epochs cannot be split into {frames} equal frames")
        return [per_epoch] * epochs
    if epochs is not None or updates < 1 or frames != 1:
        raise ValueError("updates counts the run alone: at least 1, no epochs, one frame")
    whole, rest = divmod(updates, per_epoch)
    return [per_epoch] * whole + [rest] * (rest > 0)


@dataclass
class _Run:
    """What a call trains on, and for how long."""

    config: Config
    x: Array
    y: Array
    mode: str
    counts: list[int]
    """The updates of each epoch."""
    stop: Callable[[], bool] | None
    test: tuple[Array, Array] | None

    def batches(self) -> list[tuple[Array, Array]]:
        """What each update of an epoch learns from: the whole batch, or one example each."""
        x, y = self.x, self.y
        return (
            [(x, y)]
            if self.mode == "batch"
            else [(x[i : i + 1], y[i : i + 1]) for i in range(len(x))]
        )

    def asked_to_stop(self) -> None:
        if self.stop is not None and self.stop():
            raise Stopped


def _one_pass(params: Params, run: _Run, every: int) -> TrainResult | None:
    """The run, checked once at the end (see the module's docstring); None when a check
    fails. The first update is checked as it is made: its backward pass is reported.
    `every`: epochs a frame."""
    config, x, y, test = run.config, run.x, run.y, run.test
    trace = _forward(params, config, x)
    check_finite("net", trace.net)
    test_nets: list[Array] = []
    first: Backward | None = None
    losses: list[float] = []
    test_losses: list[float] = []
    frames: list[Frame] = []
    batches = run.batches()
    done = 0
    for epoch, count in enumerate(run.counts, start=1):
        for xb, yb in batches[:count]:
            run.asked_to_stop()
            # batch mode: the forward pass that measured J after the last update
            tb = trace if run.mode == "batch" else _forward(params, config, xb)
            if first is None:  # the record the caller shows: its nets and J are checked
                if tb is not trace:
                    check_finite("net", tb.net)
                first = _backward(params, config, yb, tb)
                params = _apply(params, first)
            else:
                params = _descend(params, config, yb, tb)
        done += count
        trace = _forward(params, config, x)
        losses.append(_objective(params, config, trace, y))
        if test is not None:
            test_trace = _forward(params, config, test[0])
            test_nets = test_trace.net
            test_losses.append(_objective(params, config, test_trace, test[1]))
        if not math.isfinite(losses[-1]) or not all(map(math.isfinite, test_losses[-1:])):
            return None
        if epoch % every == 0 or epoch == len(run.counts):
            frames.append(Frame(done, losses[-1], params))
    assert first is not None, "every run makes an update"
    if not all(finite(a) for a in [*params.weights, *params.biases, *trace.net, *test_nets]):
        return None
    return TrainResult(first, params, losses, done, test_losses, frames)


def _refuse(params: Params, run: _Run) -> NoReturn:
    """The run again, one update at a time with every check (forward() checks the nets,
    _backward() J, apply() the weights), to raise what the first non-finite value names."""
    config, test = run.config, run.test
    forward(params, config, run.x)
    batches = run.batches()
    for count in run.counts:
        for xb, yb in batches[:count]:
            run.asked_to_stop()
            params = apply(params, _backward(params, config, yb, forward(params, config, xb)))
        objective(params, config, forward(params, config, run.x), run.y)
        if test is not None:
            objective(params, config, forward(params, config, test[0]), test[1])
    raise NonFinite("loss")  # J = data part + penalty overflowed, both parts finite
