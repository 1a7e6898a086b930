"""Export and import of one network as a JSON document (app/networks/transfer.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.deps import ERRORS, IdPath, json_response, store_of
from app.networks.transfer import NetworkExport, NetworkImport, exported, rebuild
from app.networks.views import state
from app.schemas import NetworkState

router = APIRouter(prefix="/api/networks", tags=["networks"])


@router.get(
    "/{network_id}/export",
    response_model=NetworkExport,
    responses=ERRORS,
    summary="Export a network as a JSON document",
)
def export_network(network_id: IdPath, request: Request) -> Response:
    """The state with a `format` marker, as a download (`Content-Disposition: attachment`)."""
    store = store_of(request)
    network = store.get(network_id)
    response = json_response(exported(network))
    response.headers["content-disposition"] = 'attachment; filename="network.json"'
    return response


@router.post(
    "/import",
    status_code=201,
    response_model=NetworkState,
    responses=ERRORS,
    summary="Import a network from an exported document",
)
def import_network(body: NetworkImport, request: Request) -> Response:
    """A new network (new id) with the document's settings, weights, biases, dataset and
    update count. Without weights they are drawn from `seed`, as on creation."""
    store = store_of(request)
    network = rebuild(body)
    store.create(network)
    return json_response(state(network), 201)
