"""Training: the update of app/nn/network.py, repeated over epochs, in one pass.

    batch:      one update an epoch, Δw = −η ∂J/∂w over the whole batch (the lecture notes' rule)
    online:     one update an example, in the order given (N updates an epoch)
    minibatch:  one update a mini-batch of B examples, ⌈N/B⌉ updates an epoch: the rule over
                the mini-batch, J_B = Σ_{i in B} J_i (or its mean over the mini-batch)

Mini-batches. Each epoch visits the examples in an order of its own, drawn from the
network's seed and the update count u the epoch starts after (epoch_order):
np.random.default_rng([seed, u]).permutation(N). Its first B examples are the first
mini-batch, the next B the second, and so on; the last holds the N mod B left (when B does
not divide N). Inside a mini-batch the examples keep their stored order (sorted indices):
the sum is the same, and a mini-batch of every example is the batch itself, to the bit.
So B = N is batch mode, and B = 1 is online mode over the epoch's order.

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
  call begins at the first example. A mini-batch epoch's order depends on the update count
  it starts after, so a call is told the count it starts at (`start`) and a replay from a
  step's start gives the step's own mini-batches.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
from numpy.typing import NDArray

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

MODES = ("batch", "online", "minibatch")


def epoch_order(seed: int, start: int, n: int) -> NDArray[np.int64]:
    """The order of the n examples in the mini-batch epoch that starts after update `start`
    of a network whose seed is `seed`: a permutation drawn by numpy's Generator seeded with
    the pair (seed, start). Reproducible from the network alone, and new every epoch."""
    order: NDArray[np.int64] = np.random.default_rng([seed, start]).permutation(n)
    return order


def minibatches(order: NDArray[np.int64], size: int) -> list[NDArray[np.int64]]:
    """The epoch's mini-batches: `order` cut into runs of `size` (the last one shorter when
    `size` does not divide n), each in the examples' stored order."""
    return [np.sort(order[i : i + size]) for i in range(0, len(order), size)]


def updates_per_epoch(mode: str, n: int, batch_size: int | None = None) -> int:
    """1 in batch mode, n online, ⌈n/B⌉ with mini-batches of B."""
    if mode == "batch":
        return 1
    if mode == "online":
        return n
    if batch_size is None or batch_size < 1:
        raise ValueError("minibatch mode needs a batch size of at least 1")
    return -(-n // batch_size)


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
    batch_size: int | None = None,
    seed: int = 0,
    start: int = 0,
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
    (the caller keeps nothing of it). Mini-batch mode: `batch_size` B, and the network's
    `seed` and the update count the run starts at (`start`), which draw each epoch's order
    (see the module's docstring). Raises NonFinite (see the module's docstring) and
    ValueError for counts that do not fit."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    per_epoch = updates_per_epoch(mode, len(x), batch_size)
    counts = _counts(per_epoch, epochs, updates, frames)
    run = _Run(config, x, y, mode, counts, stop, test, batch_size or 1, seed, start)
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
    batch_size: int
    seed: int
    start: int
    """The update count the run starts at."""

    def batches(self, done: int) -> list[tuple[Array, Array]]:
        """What each update of the epoch that starts after update `done` of the run learns
        from: the whole batch, one example each in order, or the epoch's mini-batches. A
        mini-batch of every example is the batch itself (the same arrays)."""
        x, y = self.x, self.y
        if self.mode == "minibatch" and self.batch_size < len(x):
            order = epoch_order(self.seed, self.start + done, len(x))
            return [(x[i], y[i]) for i in minibatches(order, self.batch_size)]
        return self.every_epoch

    @functools.cached_property
    def every_epoch(self) -> list[tuple[Array, Array]]:
        """The batches of every epoch of a run whose order does not change."""
        x, y = self.x, self.y
        if self.mode == "online":
            return [(x[i : i + 1], y[i : i + 1]) for i in range(len(x))]
        return [(x, y)]

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
    done = 0
    for epoch, count in enumerate(run.counts, start=1):
        for xb, yb in run.batches(done)[:count]:
            run.asked_to_stop()
            # the whole batch: the forward pass that measured J after the last update
            tb = trace if xb is x else _forward(params, config, xb)
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
    done = 0
    for count in run.counts:
        for xb, yb in run.batches(done)[:count]:
            run.asked_to_stop()
            params = apply(params, _backward(params, config, yb, forward(params, config, xb)))
        done += count
        objective(params, config, forward(params, config, run.x), run.y)
        if test is not None:
            objective(params, config, forward(params, config, test[0]), test[1])
    raise NonFinite("loss")  # J = data part + penalty overflowed, both parts finite
