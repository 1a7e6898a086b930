from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.errors import error_response
from app.networks.views import to_json
from app.schemas import ErrorResponse, Health
from app.store import StoreUnavailable

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "Restart the server."}},
    summary="Liveness",
)
def healthz(request: Request) -> Response:
    """200 while the server can do its work. 503 only for what a restart fixes (the
    database's write-ahead log removed under it); a disk that is full or read-only for a
    while is answered by each request instead, and the server recovers by itself."""
    try:
        problem: str = request.app.state.store.problem
    except StoreUnavailable:  # not opened yet: every request retries, a restart adds nothing
        problem = ""
    if problem:
        return error_response(503, [("database", problem)])
    return Response(to_json({"status": "ok"}), media_type="application/json")
