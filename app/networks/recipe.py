"""What a network's own run is made of: a starting state and the training that leads from it
to the current state, found in the history and checked by replaying it.

A step's mode is not recorded, only the update counts and weights before and after it. Each
step since the last edit is replayed from the entry before it, batch first, then online (when
its updates are whole epochs of the dataset), and the replay counts only when it gives the
entry's weights to the bit. The recipe starts at the entry after the last step that does not
replay so (an edit, a batch sent as x, a gap the history's thinning left) or at the oldest
step the work bound reaches, so a recipe costs no more than one request may.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app import nn
from app.nn import Array, Params
from app.schemas import NetworkSettings, engine_config
from app.store.base import StoredNetwork
from app.store.history import Entry


class History(Protocol):
    """The store's reading of a network's history (app/store/core.py)."""

    def history(self, network_id: str) -> tuple[int | None, list[Entry]]: ...

    def trace(self, network_id: str) -> list[tuple[int, float | None, Params]]: ...


@dataclass(frozen=True)
class Run:
    """`epochs` epochs of gradient descent in `mode` (app/nn/train.py)."""

    mode: str
    epochs: int


@dataclass(frozen=True)
class Recipe:
    network_id: str
    settings: NetworkSettings
    start: Params
    """The weights the runs start from."""
    start_updates: int
    """The update count of that state."""
    dataset: tuple[Array, Array] | None
    runs: list[Run]
    updates: int
    """The update count after the runs: the network's current one."""

    @property
    def layers(self) -> list[int]:
        return self.start.layers


def run_cost(updates: int, examples: int, weights: int, update_cost: int) -> int:
    """What replaying `updates` updates costs when both modes are tried (multiply-adds, as
    app/api/validate.work counts): batch, `updates` epochs of the whole batch, and online,
    `updates` single examples, three passes each."""
    return 3 * weights * updates * (examples + 1) + 2 * updates * update_cost


def same(a: Params, b: Params) -> bool:
    """Every weight and bias equal to the bit."""
    pairs = zip([*a.weights, *a.biases], [*b.weights, *b.biases], strict=True)
    return all(x.shape == y.shape and np.array_equal(x, y) for x, y in pairs)


def replay(
    start: Params, target: Params, config: nn.Config, data: tuple[Array, Array], n: int
) -> Run | None:
    """The run of `n` updates that leads from `start` to `target` exactly, or None."""
    x, y = data
    candidates = [Run("batch", n)]
    if n % len(x) == 0:
        candidates.append(Run("online", n // len(x)))
    for run in candidates:
        try:
            result = nn.train(start, config, x, y, mode=run.mode, epochs=run.epochs)
        except nn.NonFinite:
            continue
        if same(result.params, target):
            return run
    return None


def steps_back(
    lineage: list[Entry], budget: int, examples: int, weights: int, update_cost: int
) -> int:
    """The index in `lineage` of the oldest entry the runs may start from: before it come an
    edit, a gap in the numbering, or more work than `budget`."""
    start, spent = len(lineage) - 1, 0
    while start > 0:
        entry, before = lineage[start], lineage[start - 1]
        n = entry.updates - before.updates
        if entry.kind != "step" or entry.seq != before.seq + 1 or n < 1:
            break
        spent += run_cost(n, examples, weights, update_cost)
        if spent > budget:
            break
        start -= 1
    return start


def find(store: History, network: StoredNetwork, budget: int, update_cost: int) -> Recipe:
    """The recipe of `network` (as loaded now) from its history, replaying at most `budget`
    multiply-adds (see the module's docstring)."""
    here = Recipe(
        network.id,
        network.settings,
        network.params,
        network.updates,
        network.dataset,
        [],
        network.updates,
    )
    if network.dataset is None:
        return here
    head, entries = store.history(network.id)
    lineage = [e for e in entries if head is not None and e.seq <= head]
    if not lineage or lineage[-1].updates != network.updates:
        return here
    weights = sum(w.size for w in network.params.weights)
    first = steps_back(lineage, budget, len(network.dataset[0]), weights, update_cost)
    chain = lineage[first:]
    rows = store.trace(network.id)[-len(chain) :]
    if len(rows) != len(chain) or any(r[0] != e.updates for r, e in zip(rows, chain, strict=True)):
        return here
    config = engine_config(network.settings)
    start, start_updates, runs = rows[0][2], rows[0][0], list[Run]()
    for (before, _, params), (after, _, target) in itertools.pairwise(rows):
        run = replay(params, target, config, network.dataset, after - before)
        if run is None:  # not a step on the stored dataset: start again after it
            start, start_updates, runs = target, after, []
        else:
            runs.append(run)
    if not same(rows[-1][2], network.params):
        return here
    return Recipe(
        network.id,
        network.settings,
        start,
        start_updates,
        network.dataset,
        merged(runs),
        network.updates,
    )


def merged(runs: list[Run]) -> list[Run]:
    """Runs in a row of the same mode as one: training e epochs, then e', equals training
    e + e' (app/nn/train.py)."""
    out: list[Run] = []
    for run in runs:
        if out and out[-1].mode == run.mode:
            out[-1] = Run(run.mode, out[-1].epochs + run.epochs)
        else:
            out.append(run)
    return out
