"""/api/networks/{id}/history, …/rewind and …/trace: the states a network went through.

The store records them (app/store/history.py); these routes read them, put the network back
into one of them, and hand the run to a notebook as a table.
"""

from __future__ import annotations

import csv
import io
import itertools
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app.api.errors import ApiError
from app.api.networks import (
    CLASS_ERRORS,
    ERRORS,
    EntryQuery,
    IdPath,
    StoreDep,
    classroom_hook,
    json_response,
    recorded,
    state,
)
from app.nn import Params
from app.schemas import (
    HistoryResponse,
    NetworkSettings,
    NetworkState,
    RewindRequest,
    TraceResponse,
    UpdateNumber,
)
from app.store import NetworkStore, StoredNetwork

router = APIRouter(prefix="/api/networks", tags=["history"])

UpdatePath = Annotated[
    UpdateNumber, Path(description="The update count: 0 is the network as created.")
]
MAX_TRACE_CELLS = 4_000_000
"""The most numbers a trace answers with (rows × columns: about 80 MB of CSV)."""


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
    network = store.get(network_id)
    rows = store.trace(network_id)
    names = columns(network.layers)
    if len(rows) * len(names) > MAX_TRACE_CELLS:
        raise ApiError(
            409,
            "trace",
            f"{len(rows)} states of {len(names) - 2} weights are more than the "
            f"{MAX_TRACE_CELLS:,} numbers a trace holds",
        )
    return names, [flat_row(updates, loss, params) for updates, loss, params in rows]


def flat_row(updates: int, loss: float | None, params: Params) -> list[Any]:
    values = np.concatenate([*(w.ravel() for w in params.weights), *params.biases])
    return [updates, loss, *values.tolist()]


# -- routes ----------------------------------------------------------------------------------
@router.get(
    "/{network_id}/history",
    response_model=HistoryResponse,
    responses=ERRORS,
    summary="The states the network went through",
)
async def history(network_id: IdPath, store: StoreDep) -> Response:
    """Every state kept, oldest first: entry 0 is the network as created; each step and each
    PATCH adds one. The newest 1,000 are all kept, older ones thinned (docs/api.md)."""
    current, entries = store.history(network_id)
    return json_response(
        {
            "entries": [
                {
                    "entry": e.seq,
                    "update": e.updates,
                    "kind": e.kind,
                    "loss": e.loss,
                    "branch": current is not None and e.seq > current,
                }
                for e in entries
            ],
            "current": current,
        }
    )


@router.get(
    "/{network_id}/history/{update}",
    response_model=NetworkState,
    responses=ERRORS,
    summary="The network as it was after update k",
)
async def history_state(
    network_id: IdPath, update: UpdatePath, store: StoreDep, entry: EntryQuery = None
) -> Response:
    """The same shape as GET …/{id}. Changes nothing."""
    return json_response(state(recorded(store, network_id, update, entry)))


@router.post(
    "/{network_id}/rewind",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Go back (or forward) to a recorded state",
)
async def rewind(
    network_id: IdPath, body: RewindRequest, store: StoreDep, request: Request
) -> Response:
    """The network becomes the state after update `update`, bit for bit. The entries after
    it stay, as a branch a later rewind can return to, until the next step or edit replaces
    them. In a class, a rewind that changes a locked field is refused (403), and nothing
    changes while the class is paused (423)."""
    past = recorded(store, network_id, body.update, body.entry, status=409)
    classroom_hook(request).check_patch(network_id, changed_fields(store.get(network_id), past))

    def change(network: StoredNetwork) -> StoredNetwork:
        # a recomputed state is found the same way again: by its update count alone
        entry = past.head if past.resumed is None else None
        then = recorded(store, network_id, body.update, entry, status=409)
        if not same_dataset(network.dataset, then.dataset) or not same_dataset(
            network.test, then.test
        ):  # else kept: the history shares its bytes
            network.dataset, network.test = then.dataset, then.test
        network.settings, network.seed, network.params = then.settings, then.seed, then.params
        network.updates = then.updates
        if then.resumed is None:
            network.rewound = then.head
        else:  # the step again, as far as the state recomputed: it replaces what followed
            network.resumed, network.trained = then.resumed, then.trained
        return network

    return json_response(state(store.modify(network_id, change)))


@router.get(
    "/{network_id}/trace.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "update, loss, every weight."},
        **ERRORS,
    },
    summary="The run as CSV: one row per recorded state",
)
async def trace_csv(network_id: IdPath, store: StoreDep) -> Response:
    """Columns `update`, `loss`, then every weight and bias by its JSON path; one row per
    state from the first to the current one (with the network's present layers), so
    `pandas.read_csv(url)` reads it. An unknown J is an empty cell."""
    names, rows = trace_table(store, network_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([["" if v is None else repr(v) for v in row] for row in rows])
    return Response(out.getvalue(), media_type="text/csv")


@router.get(
    "/{network_id}/trace.json",
    response_model=TraceResponse,
    responses=ERRORS,
    summary="The run as JSON: the same table as trace.csv",
)
async def trace_json(network_id: IdPath, store: StoreDep) -> Response:
    names, rows = trace_table(store, network_id)
    return json_response({"columns": names, "data": rows})
