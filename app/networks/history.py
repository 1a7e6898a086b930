"""The states a network went through (the store records them, app/store/history.py): read
one, go back (or forward) to one, and the run as a table of weights."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from app.networks import replay, validate
from app.networks.errors import Mismatch, Missing, NetworkError
from app.nn import Params
from app.schemas import NetworkSettings
from app.store import NetworkStore, StoredNetwork
from app.store.base import NotRecorded

MAX_TRACE_CELLS = 4_000_000
"""The most numbers a trace answers with (rows × columns: about 80 MB of CSV)."""
REWIND_ATTEMPTS = 5
"""Times a rewind reads the recorded state again when the network changed meanwhile."""


def recorded(
    store: NetworkStore,
    network_id: str,
    update: int,
    entry: int | None,
    refusal: type[NetworkError] = Missing,
) -> StoredNetwork:
    """The state after update `update` (entry `entry` if given), or a `refusal` naming it:
    Missing where the state is what is asked for, Mismatch where a change needs it."""
    try:
        return replay.state_at(store, network_id, update, entry)
    except NotRecorded as missing:
        if entry is not None:
            raise refusal("entry", f"no entry {entry} was recorded at update {update}") from missing
        raise refusal(
            "update",
            f"update {update} is not in the history (not reached, thinned away, or inside a "
            "step that cannot be recomputed: docs/api.md); GET …/history lists the states kept",
        ) from missing


def entries(store: NetworkStore, network_id: str) -> dict[str, Any]:
    """HistoryResponse: every state kept, oldest first, and the one the network is at."""
    current, kept = store.history(network_id)
    return {
        "entries": [
            {
                "entry": e.seq,
                "update": e.updates,
                "kind": e.kind,
                "loss": e.loss,
                "branch": current is not None and e.seq > current,
                "mode": e.trained,
                "batch_size": e.batch_size,
            }
            for e in kept
        ],
        "current": current,
    }


class _Moved(Exception):
    """The network changed after its recorded state was read: read it again."""


def rewind(
    store: NetworkStore,
    network_id: str,
    update: int,
    entry: int | None,
    check: Callable[[dict[str, Any]], None],
) -> StoredNetwork:
    """Put the network back into the state recorded after `update` (entry `entry`), bit for
    bit. `check(fields)` may refuse the PATCH fields the rewind amounts to (a class's locks).

    The recorded state is read before `modify`, with the version of the network it was read
    at; the change only applies it, and refuses (to be read again) if the network is at
    another version by then, since another change may have removed that entry."""
    for _ in range(REWIND_ATTEMPTS):
        now = store.get(network_id)
        past = recorded(store, network_id, update, entry, refusal=Mismatch)
        check(changed_fields(now, past))
        try:
            return store.modify(network_id, back_to(past, now.version))
        except _Moved:
            continue
    raise Mismatch("update", "the network kept changing while it was rewound; try again")


def back_to(past: StoredNetwork, version: int) -> Callable[[StoredNetwork], StoredNetwork]:
    """The change that makes a network at `version` the recorded state `past`."""

    def change(network: StoredNetwork) -> StoredNetwork:
        if network.version != version:
            raise _Moved
        if not same_dataset(network.dataset, past.dataset) or not same_dataset(
            network.test, past.test
        ):  # else kept: the history shares its bytes
            network.dataset, network.test = past.dataset, past.test
        network.settings, network.seed, network.params = past.settings, past.seed, past.params
        network.updates = past.updates
        if past.resumed is None:
            network.rewound = past.head
        else:  # the step again, as far as the state recomputed: it replaces what followed
            network.resumed, network.trained = past.resumed, past.trained
            network.batch_size = past.batch_size
        validate.saved_work(network)
        return network

    return change


def changed_fields(now: StoredNetwork, past: StoredNetwork) -> dict[str, Any]:
    """The PATCH fields a rewind from `now` to `past` amounts to (for the teacher's locks)."""
    fields: dict[str, Any] = {}
    for name in NetworkSettings.model_fields:
        if getattr(now.settings, name) != getattr(past.settings, name):
            fields[name] = getattr(past.settings, name)
    if now.layers != past.layers:
        fields["layers"] = past.layers
    if now.seed != past.seed:
        fields["seed"] = past.seed
    pairs = itertools.zip_longest(now.params.weights, past.params.weights)
    if now.layers != past.layers or any(not np.array_equal(a, b) for a, b in pairs):
        fields["weights"] = past.params.weights
    pairs = itertools.zip_longest(now.params.biases, past.params.biases)
    if now.layers != past.layers or any(not np.array_equal(a, b) for a, b in pairs):
        fields["biases"] = past.params.biases
    if not same_dataset(now.dataset, past.dataset) or not same_dataset(now.test, past.test):
        fields["dataset"] = past.dataset
    return fields


def same_dataset(a: tuple[Any, Any] | None, b: tuple[Any, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


def columns(layers: list[int]) -> list[str]:
    """'update', 'loss', then every weight and bias by its JSON path, weights first."""
    names = ["update", "loss"]
    for k, (n_in, n_out) in enumerate(itertools.pairwise(layers)):
        names += [f"weights[{k}][{r}][{q}]" for r in range(n_out) for q in range(n_in)]
    for k, n_out in enumerate(layers[1:]):
        names += [f"biases[{k}][{r}]" for r in range(n_out)]
    return names


def trace_table(store: NetworkStore, network_id: str) -> tuple[list[str], list[list[Any]]]:
    """The columns and one row per recorded state, from the first to the current one."""
    network = store.get(network_id)
    rows = store.trace(network_id)
    names = columns(network.layers)
    if len(rows) * len(names) > MAX_TRACE_CELLS:
        raise Mismatch(
            "trace",
            f"{len(rows)} states of {len(names) - 2} weights are more than the "
            f"{MAX_TRACE_CELLS:,} numbers a trace holds",
        )
    return names, [flat_row(updates, loss, params) for updates, loss, params in rows]


def flat_row(updates: int, loss: float | None, params: Params) -> list[Any]:
    values = np.concatenate([*(w.ravel() for w in params.weights), *params.biases])
    return [updates, loss, *values.tolist()]
