"""What a network's own run is made of: a starting state and the training that leads from it
to the current state, found in the history and checked by replaying it.

Each step since the last edit is replayed from the entry before it in the mode the history
recorded for it (a mini-batch step with its B, its epochs' orders drawn from the network's
seed and the update count, as app/nn/train.py draws them); a step recorded without its mode
(by an earlier release) is tried in batch mode, then online (when its updates are whole
epochs of the dataset). A replay counts only when it gives the entry's weights to the bit.
The recipe starts at the entry after the last step that does not replay so (an edit, a batch
sent as x, a gap the history's thinning left, a step a rewind stopped inside an epoch) or at
the oldest step the work bound reaches, so a recipe costs no more than one request may.
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
    """`epochs` epochs of gradient descent in `mode` (app/nn/train.py), with mini-batches of
    `batch_size` in mode 'minibatch'."""

    mode: str
    epochs: int
    batch_size: int | None = None


@dataclass(frozen=True)
class Recipe:
    network_id: str
    settings: NetworkSettings
    start: Params
    """The weights the runs start from."""
    start_updates: int
    """The update count of that state."""
    dataset: tuple[Array, Array] | None
    seed: int
    """The network's seed: it draws each mini-batch epoch's order."""
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


def candidates(entry: Entry, n: int, examples: int) -> list[Run]:
    """The runs of whole epochs a step of `n` updates may have been: its recorded mode, or
    (recorded by an earlier release, without one) batch, then online."""
    if entry.trained is None:
        found = [Run("batch", n)]
        return found + ([Run("online", n // examples)] if n % examples == 0 else [])
    per_epoch = nn.updates_per_epoch(entry.trained, examples, entry.batch_size)
    if n % per_epoch:  # a step a rewind stopped inside an epoch: not whole epochs
        return []
    return [Run(entry.trained, n // per_epoch, entry.batch_size)]


def replay(
    start: Params,
    target: Params,
    config: nn.Config,
    data: tuple[Array, Array],
    runs: list[Run],
    at: tuple[int, int],
) -> Run | None:
    """The run of `runs` that leads from `start` to `target` exactly, or None. `at`: the
    network's seed and the update count of `start` (they draw mini-batch orders)."""
    x, y = data
    for run in runs:
        try:
            result = nn.train(
                start,
                config,
                x,
                y,
                mode=run.mode,
                batch_size=run.batch_size,
                seed=at[0],
                start=at[1],
                epochs=run.epochs,
            )
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
        network.seed,
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
    examples = len(network.dataset[0])
    steps = zip(itertools.pairwise(rows), chain[1:], strict=True)
    for ((before, _, params), (after, _, target)), entry in steps:
        tried = candidates(entry, after - before, examples)
        run = replay(params, target, config, network.dataset, tried, (network.seed, before))
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
        network.seed,
        merged(runs),
        network.updates,
    )


def merged(runs: list[Run]) -> list[Run]:
    """Runs in a row of the same mode (and B) as one: training e epochs, then e', equals
    training e + e' (app/nn/train.py; a mini-batch epoch's order depends on the update count
    it starts after, which goes on across the two)."""
    out: list[Run] = []
    for run in runs:
        last = out[-1] if out else None
        if last is not None and (last.mode, last.batch_size) == (run.mode, run.batch_size):
            out[-1] = Run(run.mode, last.epochs + run.epochs, run.batch_size)
        else:
            out.append(run)
    return out
