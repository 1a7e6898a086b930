"""Errors as the API reports them: `{"detail": "<field>: <problem>", "errors": [...]}`.

Every message names the field ("x[3]", "weights[1][0]", "body") and the problem, and a
request that fails changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.classroom import errors as classroom
from app.nn import NonFinite, NonFiniteUpdate, Stopped
from app.schemas import ErrorResponse
from app.store import NotFound, StoreFull, StoreUnavailable

log = logging.getLogger("backprop")


class ApiError(Exception):
    def __init__(
        self, status: int, field: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.status, self.field, self.message = status, field, message
        self.headers = headers or {}


def field_path(loc: Sequence[int | str]) -> str:
    """("body", "x", 3, 1) -> "x[3][1]"; ("body",) -> "body"."""
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path") else loc)
    if not parts:
        return str(loc[0]) if loc else "body"
    text = str(parts[0])
    for part in parts[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def error_response(status: int, problems: list[tuple[str, str]]) -> Response:
    body = ErrorResponse(
        detail="; ".join(f"{field}: {message}" for field, message in problems),
        errors=[{"field": f, "message": m} for f, m in problems],
    )
    return Response(body.model_dump_json(), status, media_type="application/json")


def _readable(error: dict[str, Any]) -> tuple[str, str]:
    loc = error.get("loc", ())
    message = str(error.get("msg", "is invalid"))
    if error.get("type") == "json_invalid":
        position = loc[1] if len(loc) > 1 else "?"
        return "body", f"is not valid JSON (at character {position})"
    if error.get("type") == "missing" and loc in (("body",), ()):
        return "body", "a JSON object is required"
    if error.get("type") == "extra_forbidden":
        return field_path(loc), "is not a known field"
    return field_path(loc), message[0].lower() + message[1:] if message else message


def known_error_response(exc: Exception, standing: str = "") -> Response | None:
    """The response for an error the API knows (a refused change, a missing network, an
    overflow, a full or unavailable store), or None for anything else. `standing`: what
    stops every write until a restart (`standing_problem`), said instead of "try again"."""
    if isinstance(exc, ApiError):
        response = error_response(exc.status, [(exc.field, exc.message)])
        response.headers.update(exc.headers)
        return response
    if isinstance(exc, classroom.ClassroomError):
        status = CLASSROOM_STATUS[type(exc)]
        response = error_response(status, [(exc.field, exc.message)])
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="class"'
        return response
    if isinstance(exc, Stopped):  # nobody is left to read it
        return error_response(400, [("request", "the client went away; nothing was saved")])
    if isinstance(exc, NotFound):
        return error_response(404, [("id", "no network has this id (it may have expired)")])
    if isinstance(exc, NonFinite):
        if isinstance(exc, NonFiniteUpdate):
            message = (
                "the update would make this weight NaN or infinite; the network is "
                "unchanged (try a smaller learning_rate)"
            )
        else:
            message = (
                "overflows float64 (it would be NaN or infinite); nothing was changed "
                "(use smaller weights, inputs or learning_rate)"
            )
        return error_response(409, [(exc.where, message)])
    if isinstance(exc, StoreFull):
        log.warning("refused a change: %s", exc)
        message = (
            f"{exc}; nothing more can be stored until unused networks expire "
            f"(or the teacher raises {exc.setting})"
        )
        response = error_response(503, [("networks", message)])
        response.headers["Retry-After"] = "60"
        return response
    if isinstance(exc, StoreUnavailable):
        # the cause is for the operator's log: it may name files and directories of the server
        log.error("store unavailable: %s", exc)
        message = standing or "cannot save now; try again in a few seconds"
        response = error_response(503, [("database", message)])
        response.headers["Retry-After"] = "5"
        return response
    return None


CLASSROOM_STATUS: dict[type[classroom.ClassroomError], int] = {
    classroom.Invalid: 422,
    classroom.Mismatch: 409,
    classroom.Missing: 404,
    classroom.NotAuthorized: 401,
    classroom.Forbidden: 403,
    classroom.Paused: 423,
    classroom.LimitReached: 409,
}


def standing_problem(request: Request) -> str:
    """The store's own sentence for what refuses every write until the server restarts (its
    `problem`, which /healthz reports too), or "" (also while it cannot even be opened)."""
    try:
        return str(getattr(request.app.state.store, "problem", ""))
    except StoreUnavailable:
        return ""


def validation_error_response(exc: RequestValidationError) -> Response:
    """The first 20 problems pydantic found (each list stops at its first: app/schemas.py)."""
    return error_response(422, [_readable(e) for e in exc.errors()[:20]])


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> Response:
        return validation_error_response(exc)

    async def known(request: Request, exc: Exception) -> Response:
        response = known_error_response(exc, standing_problem(request))
        assert response is not None, f"no response for {type(exc).__name__}"
        return response

    # (StoreFull is a StoreUnavailable)
    for kind in (
        ApiError,
        NotFound,
        NonFinite,
        Stopped,
        StoreUnavailable,
        classroom.ClassroomError,
    ):
        app.add_exception_handler(kind, known)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and (moved := slash_redirect(request)) is not None:
            return moved
        field = "path" if exc.status_code in (404, 405) else "request"
        response = error_response(exc.status_code, [(field, str(exc.detail).lower())])
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response


def slash_redirect(request: Request) -> Response | None:
    """For a path no route takes whose twin with (or without) a trailing slash one does, a
    307 to the twin, as Starlette's redirect_slashes, but with a relative Location that keeps
    the query: Starlette's absolute one takes its host from the Host header, so anyone could
    make the server send a browser to another site."""
    scope = request.scope
    path: str = scope["path"]
    raw: bytes = scope.get("raw_path") or path.encode()
    if path == "/" or not path.startswith("/"):
        return None
    twin, raw_twin = (
        (path.rstrip("/"), raw.rstrip(b"/")) if path.endswith("/") else (path + "/", raw + b"/")
    )
    if not twin or raw_twin == raw or raw_twin.startswith((b"//", b"/\\")):
        return None  # "//host" would be a Location on another host; %2F is no slash here
    routes = request.app.router.routes

    def taken(candidate: str) -> bool:
        return any(route.matches({**scope, "path": candidate})[0] != Match.NONE for route in routes)

    if taken(path) or not taken(twin):
        return None  # a route's own 404, or no twin to go to
    query: bytes = scope.get("query_string", b"")
    location = (raw_twin + (b"?" + query if query else b"")).decode("latin-1")
    return Response(status_code=307, headers={"Location": location})


def orjson_bytes(payload: Any) -> bytes:
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY, default=_fallback)


def _fallback(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError(f"cannot serialize {type(value).__name__}")
