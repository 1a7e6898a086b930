"""Training one update at a time through the engine's public single steps: the reference that
train()'s one pass (frames, counts, replay) must equal to the bit."""

from __future__ import annotations

from typing import Any

import numpy as np

from app import nn


def example_batches(mode: str, x: Any, y: Any) -> list[tuple[Any, Any]]:
    """What each update of an epoch learns from: the whole batch, or one example each."""
    if mode == "batch":
        return [(x, y)]
    return [(x[i : i + 1], y[i : i + 1]) for i in range(len(x))]


def states(
    params: nn.Params, config: nn.Config, x: Any, y: Any, mode: str, updates: int
) -> list[nn.Params]:
    """The state after each of `updates` updates (states[0] is the start): backward() and
    apply() once per update, examples in order, starting again at the first after the last."""
    batches = example_batches(mode, x, y)
    out = [params]
    for k in range(updates):
        xb, yb = batches[k % len(batches)]
        out.append(nn.apply(out[-1], nn.backward(out[-1], config, xb, yb)))
    return out


def j(params: nn.Params, config: nn.Config, x: Any, y: Any) -> float:
    """J over the examples (x, y), penalty included."""
    return nn.objective(params, config, nn.forward(params, config, x), y)


def same_bits(a: nn.Params, b: nn.Params) -> bool:
    """Every weight and bias the same float64, bit for bit (so −0 differs from +0)."""
    return all(
        u.dtype == v.dtype and u.shape == v.shape and u.tobytes() == v.tobytes()
        for u, v in zip(a.weights + a.biases, b.weights + b.biases, strict=True)
    )


def checked_run(
    params: nn.Params,
    config: nn.Config,
    x: Any,
    y: Any,
    mode: str,
    epochs: int,
    test: tuple[Any, Any] | None = None,
    batch_size: int | None = None,
    seed: int = 0,
) -> tuple[nn.Params, list[float], list[float]]:
    """A run with every check after every update, in the order the values are computed:
    each update's forward pass (net) and J (the batch's, or one example's in online mode),
    its weights, then J after the epoch (and the test examples'). Mini-batches of
    `batch_size` as docs/api.md draws them from `seed` (the run starting at update 0). Raises
    NonFinite as the first check that fails names it. Returns (params, losses, test_losses)."""
    from app.nn.network import _backward

    nn.forward(params, config, x)
    losses, test_losses = [], []
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            batches = example_batches(mode, x, y)
            if mode == "minibatch" and batch_size is not None and batch_size >= len(x):
                batches = [(x, y)]  # a mini-batch of every example: the batch
            elif mode == "minibatch" and batch_size is not None:
                order = nn.epoch_order(seed, epoch * -(-len(x) // batch_size), len(x))
                batches = [(x[i], y[i]) for i in nn.minibatches(order, batch_size)]
            for xb, yb in batches:
                trace = nn.forward(params, config, xb)
                params = nn.apply(params, _backward(params, config, yb, trace))
            losses.append(j(params, config, x, y))
            if test is not None:
                test_losses.append(j(params, config, *test))
    return params, losses, test_losses
