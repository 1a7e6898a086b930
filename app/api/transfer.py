"""Export and import of one network as a JSON document: the page's export format.

The document is the network's state exactly as `GET /api/networks/{id}` returns it (the
NetworkState model), plus `"format": "backprop-lab/network@1"`. Numbers are float64 written
in the shortest form that reads back to the same bits, so export → import → export gives the
same weights to the last digit.

Import creates a new network with a new id (an `id` in the document is ignored: ids are
never reused or chosen by a client), keeps `updates`, and checks everything as network
creation does. A field the format does not know is refused with a 422 naming it, rather than
dropped: a document from a newer version could describe a network this one cannot rebuild.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import SkipJsonSchema

from app.api.errors import orjson_bytes
from app.api.networks import ERRORS, IdPath, StoreDep, build, json_response, state
from app.schemas import MAZUR_EXAMPLE, Int, LayerSizes, NetworkCreate, NetworkId, NetworkState
from app.store import StoredNetwork

Format = Literal["backprop-lab/network@1"]
FORMAT: Format = "backprop-lab/network@1"

router = APIRouter(prefix="/api/networks", tags=["networks"])


class NetworkExport(NetworkState):
    """A network's state, marked with the document format."""

    format: Format = Field(FORMAT, description="The document format and its version.")


def _unknown(value: object) -> None:
    raise ValueError("is not a known field (an exported network names no preset)")


def _unknown_generate(value: object) -> None:
    raise ValueError("is not a known field (an exported network gives its dataset as numbers)")


class NetworkImport(NetworkCreate):
    """Body of POST /api/networks/import: a document from …/export (or GET …/{id})."""

    layers: LayerSizes = Field(description="Units per layer, inputs first: [n_0, n_1, …, n_L].")
    preset: SkipJsonSchema[Annotated[None, BeforeValidator(_unknown)]] = None
    """An exported network names no preset: like any unknown field, it is refused."""
    generate: SkipJsonSchema[Annotated[None, BeforeValidator(_unknown_generate)]] = None
    """An exported network holds its examples as numbers, never as a generator."""
    id: str | None = Field(
        None, max_length=64, description="Ignored: the imported network gets a new id."
    )
    updates: Int = Field(
        0, ge=0, le=2**53, description="How many updates the network had; kept as given."
    )
    format: Format | None = Field(
        None, description=f"'{FORMAT}' when present; documents without it are read as that."
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "format": FORMAT,
                "id": "ignored",
                "name": "Mazur's 2-2-2 example",
                **MAZUR_EXAMPLE,
                "seed": 0,
                "updates": 1,
            }
        },
    )


@router.get(
    "/{network_id}/export",
    response_model=NetworkExport,
    responses=ERRORS,
    summary="Export a network as a JSON document",
)
def export_network(network_id: IdPath, store: StoreDep) -> Response:
    """The state with a `format` marker, as a download (`Content-Disposition: attachment`)."""
    network = store.get(network_id)
    response = json_response({"format": FORMAT, **state(network)})
    response.headers["content-disposition"] = 'attachment; filename="network.json"'
    return response


@router.post(
    "/import",
    status_code=201,
    response_model=NetworkState,
    responses=ERRORS,
    summary="Import a network from an exported document",
)
def import_network(body: NetworkImport, store: StoreDep) -> Response:
    """A new network (new id) with the document's settings, weights, biases, dataset and
    update count. Without weights they are drawn from `seed`, as on creation."""
    network = _rebuild(body)
    store.create(network)
    return json_response(state(network), 201)


def document(network: StoredNetwork) -> bytes:
    """The network's export document, as …/export answers it (one line of JSON)."""
    return orjson_bytes({"format": FORMAT, **state(network)})


def restore(text: str | bytes) -> StoredNetwork:
    """The network a document describes, checked as POST …/import checks it, but keeping the
    document's id: an operator moving a class between databases keeps every student's link
    (the `backprop-lab import` command). Raises pydantic's ValidationError."""
    body = NetworkImport.model_validate_json(text)
    network = _rebuild(body)
    network.id = TypeAdapter(NetworkId).validate_python(body.id)
    return network


def _rebuild(body: NetworkImport) -> StoredNetwork:
    network = build(
        NetworkCreate.model_validate(
            body.model_dump(exclude={"id", "updates", "format", "preset"}, exclude_none=True)
        )
    )
    network.updates = body.updates
    return network
