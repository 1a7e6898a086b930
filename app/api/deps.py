"""What the routers share: the store (`store_of`), the classroom and the feed as
dependencies, the path and query parameters every network route takes, the documented error
responses, and the one way a route answers with JSON. Routers import this module, never each
other."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Annotated, Any, Protocol

import anyio.from_thread
from fastapi import Depends, Header, Path, Query, Request
from fastapi.responses import Response

from app.api.errors import ApiError
from app.classroom.schemas import ClassId, StudentId
from app.classroom.service import Classroom
from app.config import get_settings
from app.events import EventFeed
from app.networks.views import to_json
from app.schemas import ErrorResponse, NetworkId, UpdateNumber
from app.store import NetworkStore
from app.store.classroom import ClassRow


def store_of(request: Request) -> NetworkStore:
    """The app's store. A route takes `request: Request` and calls this rather than declaring
    the store a dependency: FastAPI solves every dependency on every request, which cost
    more than a network's read from the cache (docs/benchmarks.md, "CPU per request
    against the HTTP stack")."""
    store: NetworkStore = request.app.state.store
    return store


# `async` on purpose: FastAPI runs a plain `def` dependency in the thread pool, one more hop
# between threads per request for a mere attribute read.
async def get_classroom(request: Request) -> Classroom:
    classroom: Classroom = request.app.state.classroom
    return classroom


async def get_feed(request: Request) -> EventFeed:
    feed: EventFeed = request.app.state.feed
    return feed


ClassroomDep = Annotated[Classroom, Depends(get_classroom)]
FeedDep = Annotated[EventFeed, Depends(get_feed)]


class ClassroomHook(Protocol):
    """What the network routes tell the classroom (app/classroom/service.py): a class
    network's locks refuse PATCH fields (and forks), and forward and backward show on the
    card."""

    def check_patch(self, network_id: str, fields: dict[str, Any]) -> None: ...

    def check_fork(self, network_id: str, fields: dict[str, Any]) -> None: ...

    def note_phase(self, network_id: str, phase: str) -> None: ...


def classroom_hook(request: Request) -> ClassroomHook:
    hook: ClassroomHook = request.app.state.classroom
    return hook


IdPath = Annotated[NetworkId, Path(description="The network's id, from POST /api/networks.")]
EntryQuery = Annotated[
    UpdateNumber | None,
    Query(description="Which entry, when several have that update count (see …/history)."),
]
UpdatePath = Annotated[
    UpdateNumber, Path(description="The update count: 0 is the network as created.")
]
AtQuery = Annotated[
    UpdateNumber | None,
    Query(description="Use the state recorded after this update (…/history): the timeline."),
]


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(to_json(payload), status, media_type="application/json")


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (404, "No network has this id."),
        (413, "The body is too large."),
        (
            409,
            "The body is valid but does not fit the network (its layers, settings or "
            "dataset, or the work and answer size they allow); the message names the field. "
            "Nothing changed.",
        ),
        (415, "The body is not JSON."),
        (422, "A field is invalid; the message names it. Nothing changed."),
        (429, "Too many requests from this address."),
        (503, "The database cannot take the change now. Nothing changed."),
    )
}
"""The network routes' documented errors."""

CLASS_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorResponse,
        "description": "The teacher locked this field (a class network).",
    },
    423: {"model": ErrorResponse, "description": "The teacher paused the class. Nothing changed."},
}
"""What a network route may answer for a network in a class."""


def class_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The class routes' documented errors."""
    text = {
        401: "No teacher key was sent (`Authorization: Bearer <teacher_key>`).",
        403: "The key is not this class's.",
        404: "No class (or student, or preset) has this name or id.",
        409: "A limit is reached, or the request does not fit the network or the class; "
        "the message names the field.",
        422: "A field is invalid; the message names it. Nothing changed.",
        423: "The teacher paused the class. Nothing changed.",
        429: "Too many tries from this address; see Retry-After.",
        503: "The database cannot take the change now. Nothing changed.",
    }
    return {code: {"model": ErrorResponse, "description": text[code]} for code in codes}


def require_token(
    authorization: Annotated[
        str | None,
        Header(description="`Bearer <BACKPROP_ADMIN_TOKEN>`", max_length=1000),
    ] = None,
) -> None:
    """The admin token (BACKPROP_ADMIN_TOKEN), compared in time independent of where it
    differs: 404 when none is set, 401 without one, 403 when wrong."""
    token = get_settings().admin_token
    if not token:  # unset or emptied after start-up: behave as if the view did not exist
        raise ApiError(404, "path", "not found")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(
            401,
            "authorization",
            "the admin view needs the header 'Authorization: Bearer <BACKPROP_ADMIN_TOKEN>'",
            headers={"WWW-Authenticate": 'Bearer realm="admin"'},
        )
    if not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "authorization", "this is not the admin token")


DEPARTED_EVERY = 0.05
"""How often (seconds) a long computation asks whether its client went away."""
YIELD_EVERY = 0.001
"""How often (seconds) a long computation hands the GIL to the event loop."""


def departed(request: Request) -> Callable[[], bool]:
    """For a plain `def` route (on a worker thread): a `stop()` that a long computation asks
    before each update, true once the client has gone away. At most every YIELD_EVERY
    seconds it first lets the event loop have the GIL if it waits for it (sleep(0) releases
    it, and a waiting thread takes it): otherwise the loop waits up to the interpreter's
    switch interval at each of its system calls while the computation runs (bench/stall.py).
    Not at every update: sleep(0) is a trip through the kernel's scheduler, which on a busy
    machine cost more CPU than a Play request's 50 XOR updates (bench/route_cost.py). The
    connection itself is asked at most every DEPARTED_EVERY seconds, so a short step never
    asks."""
    start = time.monotonic()
    next_yield, next_look = start + YIELD_EVERY, start + DEPARTED_EVERY
    gone = False

    def stop() -> bool:
        nonlocal next_yield, next_look, gone
        now = time.monotonic()
        if now >= next_yield:
            time.sleep(0)
            next_yield = now + YIELD_EVERY
        if gone or now < next_look:
            return gone
        next_look = now + DEPARTED_EVERY
        gone = anyio.from_thread.run(request.is_disconnected)
        return gone

    return stop


# -- a class's teacher and assistant ----------------------------------------------------------
TEACHER = class_errors(401, 403, 404, 422, 503)
ClassPath = Annotated[ClassId, Path(description="The class's id, from POST /api/classes.")]
StudentPath = Annotated[StudentId, Path(description="The student's id (from the card).")]
Authorization = Annotated[
    str | None,
    Header(description="`Bearer <teacher_key>` (the key from POST /api/classes)", max_length=200),
]


def teacher(
    class_id: ClassPath, classroom: ClassroomDep, authorization: Authorization = None
) -> ClassRow:
    """The teacher's key alone (a teaching assistant's: 403)."""
    return classroom.authorize(class_id, authorization)


def staff(
    class_id: ClassPath, classroom: ClassroomDep, authorization: Authorization = None
) -> ClassRow:
    """The teacher's key or a teaching assistant's."""
    return classroom.authorize(class_id, authorization, assistant=True)


TeacherDep = Annotated[ClassRow, Depends(teacher)]
StaffDep = Annotated[ClassRow, Depends(staff)]
