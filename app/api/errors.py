"""Errors as the API reports them: `{"detail": "<field>: <problem>", "errors": [...]}`.

Every message names the field ("x[3]", "weights[1][0]", "body") and the problem, and a
request that fails changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.classroom import errors as classroom
from app.networks import errors as networks
from app.nn import NonFinite, NonFiniteUpdate, Stopped
from app.schemas import error_body, field_path
from app.store import NotFound, StoreFull, StoreUnavailable

log = logging.getLogger("backprop")


class ApiError(Exception):
    """A refusal of the web layer itself (an admin token, a rate limit), with its status."""

    def __init__(
        self, status: int, field: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.status, self.field, self.message = status, field, message
        self.headers = headers or {}


STATUS: dict[type[Exception], int] = {
    networks.Invalid: 422,
    networks.Mismatch: 409,
    networks.Missing: 404,
    classroom.Invalid: 422,
    classroom.Mismatch: 409,
    classroom.Missing: 404,
    classroom.NotAuthorized: 401,
    classroom.Forbidden: 403,
    classroom.Paused: 423,
    classroom.LimitReached: 409,
    NotFound: 404,
    NonFinite: 409,
    Stopped: 400,
    StoreUnavailable: 503,
}
"""Every domain error's status (a subclass takes its nearest listed ancestor's: StoreFull is
a StoreUnavailable, NonFiniteUpdate a NonFinite)."""


def status_of(exc: Exception) -> int | None:
    return next((STATUS[kind] for kind in type(exc).__mro__ if kind in STATUS), None)


def error_response(status: int, problems: list[tuple[str, str]]) -> Response:
    return Response(error_body(problems), status, media_type="application/json")


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


def problem(exc: Exception, standing: str = "") -> tuple[str, str, dict[str, str]]:
    """(field, message, headers) of an error: its own field and message when it names them,
    else the sentence for its kind. `standing`: what stops every write until a restart
    (`standing_problem`), said instead of "try again"."""
    if isinstance(exc, ApiError):
        return exc.field, exc.message, exc.headers
    if isinstance(exc, classroom.NotAuthorized):
        return exc.field, exc.message, {"WWW-Authenticate": 'Bearer realm="class"'}
    if isinstance(exc, networks.NetworkError | classroom.ClassroomError):
        return exc.field, exc.message, {}
    if isinstance(exc, Stopped):  # nobody is left to read it
        return "request", "the client went away; nothing was saved", {}
    if isinstance(exc, NotFound):
        return "id", "no network has this id (it may have expired)", {}
    if isinstance(exc, NonFiniteUpdate):
        message = (
            "the update would make this weight NaN or infinite; the network is "
            "unchanged (try a smaller learning_rate)"
        )
        return exc.where, message, {}
    if isinstance(exc, NonFinite):
        message = (
            "overflows float64 (it would be NaN or infinite); nothing was changed "
            "(use smaller weights, inputs or learning_rate)"
        )
        return exc.where, message, {}
    if isinstance(exc, StoreFull):
        log.warning("refused a change: %s", exc)
        message = (
            f"{exc}; nothing more can be stored until unused networks expire "
            f"(or the teacher raises {exc.setting})"
        )
        return "networks", message, {"Retry-After": "60"}
    assert isinstance(exc, StoreUnavailable), type(exc)
    # the cause is for the operator's log: it may name files and directories of the server
    log.error("store unavailable: %s", exc)
    message = standing or "cannot save now; try again in a few seconds"
    return "database", message, {"Retry-After": "5"}


def known_error_response(exc: Exception, standing: str = "") -> Response | None:
    """The response for an error the API knows (a refused change, a missing network, an
    overflow, a full or unavailable store), or None for anything else."""
    status = exc.status if isinstance(exc, ApiError) else status_of(exc)
    if status is None:
        return None
    field, message, headers = problem(exc, standing)
    response = error_response(status, [(field, message)])
    response.headers.update(headers)
    return response


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

    for kind in (ApiError, networks.NetworkError, classroom.ClassroomError, *STATUS):
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
