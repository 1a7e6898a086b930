"""POST /api/networks/{id}/fork and GET …/forks: runs side by side (app/networks/forks.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.deps import (
    CLASS_ERRORS,
    ERRORS,
    AtQuery,
    EntryQuery,
    IdPath,
    classroom_hook,
    json_response,
    store_of,
)
from app.networks import forks
from app.networks.views import state
from app.schemas import ForkRequest, ForksResponse, NetworkState

router = APIRouter(prefix="/api/networks", tags=["networks"])


@router.post(
    "/{network_id}/fork",
    status_code=201,
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Fork: a copy at a new id, to train beside it with one setting changed",
)
def fork(
    network_id: IdPath,
    request: Request,
    body: ForkRequest | None = None,
    update: AtQuery = None,
    entry: EntryQuery = None,
) -> Response:
    """A new network with this one's weights, biases, examples, seed, settings and update
    count, bit for bit, and at most one setting changed (`{"learning_rate": 2.0}`: try
    another η from here); `{}` or no body copies it unchanged. With `update` (and `entry`),
    the copy is of the state recorded after that update (…/history), as the page's timeline
    shows it. The two are linked (GET …/forks on either). It counts as a creation: the
    creation rate limit (429) and the cap on networks (503) apply. A class network whose
    activity locks the settings cannot be forked (403), nor one of a paused class (423). The
    network itself does not change."""
    store = store_of(request)
    body = body or ForkRequest()
    classroom_hook(request).check_fork(network_id, forks.changed(body))
    at = None if update is None else (update, entry)
    return json_response(state(forks.fork(store, network_id, body, at)), 201)


@router.get(
    "/{network_id}/forks",
    response_model=ForksResponse,
    responses=ERRORS,
    summary="The network this one was forked from, and its forks",
)
def links(network_id: IdPath, request: Request) -> Response:
    """`origin`: the network this one is a fork of, the update count and history entry it
    was copied at and the setting the fork changed (null when it is no fork, or that network
    is gone). `forks`: this network's live forks, each with the same, oldest first (the 50
    newest). Changes nothing."""
    store = store_of(request)
    return json_response(forks.links(store, network_id))
