"""/api/admin: the teacher's view of every network (list, delete, export all), and the page
/admin that calls it with the token the teacher types.

Off unless BACKPROP_ADMIN_TOKEN is set: create_app() then does not even mount these routes,
so they answer 404 and are absent from /openapi.json. When on, every request must carry
`Authorization: Bearer <token>`: none (or another scheme) is a 401, a wrong token a 403.
The token is compared with secrets.compare_digest, in time independent of where it differs.
Nothing else in the API lists networks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import ERRORS as NETWORK_ERRORS
from app.api.deps import IdPath, json_response, require_token, store_of
from app.config import get_settings
from app.networks.transfer import NetworkExport, document
from app.schemas import ErrorResponse
from app.store import NetworkStore, NotFound

ALL_FORMAT = "backprop-lab/networks@1"
PAGE = Path(__file__).resolve().parents[2] / "templates" / "admin.html"


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No admin token was sent."},
    403: {"model": ErrorResponse, "description": "The admin token is wrong."},
    404: NETWORK_ERRORS[404],
    503: NETWORK_ERRORS[503],
}
router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_token)], responses=ERRORS
)


class NetworkSummary(BaseModel):
    id: str = Field(description="The network's id: /n/{id} is its page.")
    name: str | None = Field(description="Its label, if any.")
    layers: list[int]
    updates: int = Field(description="Weight updates applied so far.")
    created_at: datetime = Field(description="When it was created (UTC).")
    last_used: datetime = Field(
        description="When it was last changed or read (reads refresh this once a minute)."
    )


class NetworkList(BaseModel):
    count: int = Field(description="How many networks the server holds.")
    max_networks: int = Field(description="The cap, BACKPROP_MAX_NETWORKS (0: none).")
    expire_after_days: float = Field(
        description="Unused networks are deleted after this many days (0: never)."
    )
    networks: list[NetworkSummary] = Field(description="Most recently used first.")


class NetworkArchive(BaseModel):
    format: str = Field(ALL_FORMAT, description="The document format and its version.")
    exported_at: datetime
    networks: list[NetworkExport] = Field(
        description="Each one a document POST /api/networks/import accepts."
    )


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


@router.get("/networks", response_model=NetworkList, summary="List every network")
def list_networks(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100_000, description="Most networks listed.")] = 1000,
) -> Response:
    store = store_of(request)
    settings = get_settings()
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "layers": s.layers,
            "updates": s.updates,
            "created_at": when(s.created_at),
            "last_used": when(s.last_used),
        }
        for s in store.summaries(limit)
    ]
    return json_response(
        {
            "count": store.count(),
            "max_networks": settings.max_networks,
            "expire_after_days": settings.expire_after_days,
            "networks": rows,
        }
    )


@router.delete("/networks/{network_id}", status_code=204, summary="Delete a network")
def delete_network(network_id: IdPath, request: Request) -> Response:
    store = store_of(request)
    if not store.delete(network_id):
        raise NotFound(network_id)
    return Response(status_code=204)


def archive(store: NetworkStore) -> Iterator[bytes]:
    """The archive as JSON, one network at a time, so memory stays flat for any class size."""
    yield b'{"format":"' + ALL_FORMAT.encode() + b'","exported_at":"' + when(time.time()).encode()
    yield b'","networks":['
    for i, network in enumerate(store.scan()):
        yield (b"," if i else b"") + document(network)
    yield b"]}"


@router.get(
    "/export",
    response_model=NetworkArchive,
    summary="Export every network as one JSON document",
)
def export_all(request: Request) -> Response:
    """Each network as …/export gives it; a backup that any version can import one by one.
    Reading does not count as use: exporting keeps nobody's network from expiring."""
    store = store_of(request)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        archive(store),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="backprop-{stamp}.json"'},
    )


page = APIRouter(include_in_schema=False)


@page.get("/admin")
def admin_page() -> Response:
    """A form for the token, then the list with Delete buttons and Export all. The page holds
    no data itself: everything comes from /api/admin/* with the token typed in."""
    return FileResponse(PAGE, media_type="text/html")
