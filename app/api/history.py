"""/api/networks/{id}/history, …/rewind and …/trace: the states a network went through.

The store records them (app/store/history.py); these routes read them, put the network back
into one of them, and hand the run to a notebook as a table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from app.api.deps import (
    CLASS_ERRORS,
    ERRORS,
    EntryQuery,
    IdPath,
    UpdatePath,
    classroom_hook,
    json_response,
    store_of,
)
from app.networks import history as domain
from app.networks.views import state
from app.schemas import HistoryResponse, NetworkState, RewindRequest, TraceResponse

router = APIRouter(prefix="/api/networks", tags=["history"])


# -- routes ----------------------------------------------------------------------------------
@router.get(
    "/{network_id}/history",
    response_model=HistoryResponse,
    responses=ERRORS,
    summary="The states the network went through",
)
def history(network_id: IdPath, request: Request) -> Response:
    """Every state kept, oldest first: entry 0 is the network as created; each step and each
    PATCH adds one. The newest 1,000 are all kept, older ones thinned (docs/api.md)."""
    store = store_of(request)
    return json_response(domain.entries(store, network_id))


@router.get(
    "/{network_id}/history/{update}",
    response_model=NetworkState,
    responses=ERRORS,
    summary="The network as it was after update k",
)
def history_state(
    network_id: IdPath, update: UpdatePath, request: Request, entry: EntryQuery = None
) -> Response:
    """The same shape as GET …/{id}. Changes nothing."""
    store = store_of(request)
    return json_response(state(domain.recorded(store, network_id, update, entry)))


@router.post(
    "/{network_id}/rewind",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Go back (or forward) to a recorded state",
)
def rewind(network_id: IdPath, body: RewindRequest, request: Request) -> Response:
    """The network becomes the state after update `update`, bit for bit. The entries after
    it stay, as a branch a later rewind can return to, until the next step or edit replaces
    them. In a class, a rewind that changes a locked field is refused (403), and nothing
    changes while the class is paused (423)."""
    store = store_of(request)
    hook = classroom_hook(request)

    def check(fields: dict[str, Any]) -> None:
        hook.check_patch(network_id, fields)

    network = domain.rewind(store, network_id, body.update, body.entry, check)
    return json_response(state(network))


@router.get(
    "/{network_id}/trace.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "update, loss, every weight."},
        **ERRORS,
    },
    summary="The run as CSV: one row per recorded state",
)
def trace_csv(network_id: IdPath, request: Request) -> Response:
    """Columns `update`, `loss`, then every weight and bias by its JSON path; one row per
    state from the first to the current one (with the network's present layers), so
    `pandas.read_csv(url)` reads it. An unknown J is an empty cell."""
    store = store_of(request)
    names, rows = domain.trace_table(store, network_id)  # a plain def: on a worker thread
    return StreamingResponse(csv_chunks(names, rows), media_type="text/csv")


CSV_CELLS = 8192
"""Cells formatted per chunk of trace.csv, rows or parts of one (a `[256]*10` network's row
holds 592,138)."""


def csv_chunks(names: list[str], rows: list[list[Any]]) -> Iterator[str]:
    """The CSV, about CSV_CELLS cells a chunk: the server iterates it on a worker thread, and
    a chunk is short however wide the rows, so the event loop neither waits for the chunk nor,
    while one is formatted, for the GIL. No cell needs quoting: the names are paths of
    letters, digits and brackets, the values numbers (repr: they read back exactly) or empty
    for an unknown J."""
    parts: list[str] = []
    count = 0
    for row in [names, *rows]:
        for at in range(0, len(row), CSV_CELLS):
            cells = row[at : at + CSV_CELLS]
            parts.append(
                ",".join("" if v is None else v if isinstance(v, str) else repr(v) for v in cells)
            )
            parts.append("\n" if at + CSV_CELLS >= len(row) else ",")
            count += len(cells)
            if count >= CSV_CELLS:
                yield "".join(parts)
                parts, count = [], 0
    if parts:
        yield "".join(parts)


@router.get(
    "/{network_id}/trace.json",
    response_model=TraceResponse,
    responses=ERRORS,
    summary="The run as JSON: the same table as trace.csv",
)
def trace_json(network_id: IdPath, request: Request) -> Response:
    store = store_of(request)
    names, rows = domain.trace_table(store, network_id)
    return json_response({"columns": names, "data": rows})
