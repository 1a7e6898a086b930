"""The export document of one network, and the network a document describes.

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

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import SkipJsonSchema

from app.networks.edits import build
from app.networks.views import state, to_json
from app.schemas import MAZUR_EXAMPLE, Int, LayerSizes, NetworkCreate, NetworkId, NetworkState
from app.store import StoredNetwork

Format = Literal["backprop-lab/network@1"]
FORMAT: Format = "backprop-lab/network@1"


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


def exported(network: StoredNetwork) -> dict[str, Any]:
    """NetworkExport: the state with the `format` marker."""
    return {"format": FORMAT, **state(network)}


def document(network: StoredNetwork) -> bytes:
    """The network's export document, as …/export answers it (one line of JSON)."""
    return to_json(exported(network))


def restore(text: str | bytes) -> StoredNetwork:
    """The network a document describes, checked as POST …/import checks it, but keeping the
    document's id: an operator moving a class between databases keeps every student's link
    (the `backprop-lab import` command). Raises pydantic's ValidationError, or a
    NetworkError naming the field."""
    body = NetworkImport.model_validate_json(text)
    network = rebuild(body)
    network.id = TypeAdapter(NetworkId).validate_python(body.id)
    return network


def rebuild(body: NetworkImport) -> StoredNetwork:
    """A new network (new id) from a document, its update count kept."""
    network = build(
        NetworkCreate.model_validate(
            body.model_dump(exclude={"id", "updates", "format", "preset"}, exclude_none=True)
        )
    )
    network.updates = body.updates
    return network
