"""/api/classes and /api/join: the teacher's side of a class, and joining it.

Every teacher call sends `Authorization: Bearer <teacher_key>` (401 without, 403 with a key
that is not this class's). Commands are ordinary POSTs, so a script can drive a class too;
the dashboard follows the class live on GET /api/classes/{id}/events (Server-Sent Events).
The domain is app/classroom/; these routes validate, call it and respond.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import Response

from app.api import networks, sse
from app.api.errors import ApiError
from app.api.networks import json_response, state
from app.classroom.errors import Missing
from app.classroom.schemas import (
    Activity,
    AssistantKey,
    ClassCreate,
    ClassCreated,
    ClassExport,
    ClassId,
    ClassSnapshot,
    Joined,
    JoiningRequest,
    JoiningState,
    JoinRequest,
    PauseState,
    Removed,
    SpotlightRequest,
    SpotlightState,
    Student,
    StudentId,
    Worksheets,
)
from app.classroom.service import Classroom
from app.config import get_settings
from app.events import CLASS_KINDS, Event, EventFeed
from app.schemas import BackwardResponse, ErrorResponse, NetworkCreate
from app.security import TokenBuckets
from app.store import StoredNetwork
from app.store.classroom import ClassRow

router = APIRouter(tags=["classes"])


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
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


TEACHER = errors(401, 403, 404, 422, 503)


def build(body: NetworkCreate) -> StoredNetwork:
    """networks.build, its refusals naming the activity's fields (`activity.layers`)."""
    try:
        return networks.build(body)
    except ApiError as error:
        field = error.field if error.field.startswith("activity") else f"activity.{error.field}"
        raise ApiError(error.status, field, error.message) from error


async def get_classroom(request: Request) -> Classroom:
    classroom: Classroom = request.app.state.classroom
    return classroom


async def get_feed(request: Request) -> EventFeed:
    feed: EventFeed = request.app.state.feed
    return feed


ClassroomDep = Annotated[Classroom, Depends(get_classroom)]
FeedDep = Annotated[EventFeed, Depends(get_feed)]
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


def require_admin(authorization: str | None) -> None:
    """With BACKPROP_CLASSES_NEED_ADMIN=true, opening a class takes the admin token."""
    from app.api.admin import require_token  # the admin view's own check

    if not get_settings().admin_token:
        raise ApiError(
            403, "authorization", "opening classes needs the admin token, and none is set"
        )
    require_token(authorization)


# -- opening and joining ---------------------------------------------------------------------
@router.post(
    "/api/classes",
    status_code=201,
    response_model=ClassCreated,
    responses=errors(401, 403, 404, 409, 422, 429, 503),
    summary="Open a class",
)
def create_class(
    body: ClassCreate, classroom: ClassroomDep, authorization: Authorization = None
) -> Response:
    """A class with its first activity. The answer holds the teacher key, once: the server
    keeps only its hash. Rate-limited per address as network creation is."""
    settings = get_settings()
    if settings.classes_need_admin:
        require_admin(authorization)
    return json_response(classroom.create(body, settings.max_classes), 201)


def join_buckets(request: Request) -> TokenBuckets:
    buckets: TokenBuckets | None = getattr(request.app.state, "join_buckets", None)
    if buckets is None:
        settings = get_settings()
        buckets = TokenBuckets(settings.join_failures_burst, settings.join_failures_per_minute)
        request.app.state.join_buckets = buckets
    return buckets


def too_many(wait: float) -> ApiError:
    seconds = math.ceil(wait) if math.isfinite(wait) else 3600
    return ApiError(
        429,
        "code",
        f"too many unknown codes tried from this address; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


@router.post(
    "/api/join",
    status_code=201,
    response_model=Joined,
    responses={
        200: {"model": Joined, "description": "The same student again (their student_key)."},
        **errors(404, 409, 422, 429, 503),
    },
    summary="Join a class with its code",
)
def join(body: JoinRequest, request: Request, classroom: ClassroomDep) -> Response:
    """A new student (201) with a network of their own made from the class's activity, or,
    with the `student_key` of an earlier join, the same student and network (200). Does not
    count against the network-creation limit; unknown codes are limited per address."""
    buckets = join_buckets(request)
    address = request.client.host if request.client else "unknown"
    wait = buckets.wait(address)
    if wait > 0:
        raise too_many(wait)
    joined = classroom.join(body, get_settings().max_students_per_class)
    if joined is None:
        wait = buckets.take(address)
        if wait > 0:
            raise too_many(wait)
        raise ApiError(404, "code", "no class has this code")
    payload, new = joined
    payload["network"] = state(payload["network"])
    return json_response(payload, 201 if new else 200)


# -- the teacher's view ----------------------------------------------------------------------
@router.get(
    "/api/classes/{class_id}",
    response_model=ClassSnapshot,
    responses=TEACHER,
    summary="The class and every student's card",
)
def get_class(
    class_id: ClassPath, classroom: ClassroomDep, authorization: Authorization = None
) -> Response:
    """With the teacher's key or a teaching assistant's (`role` says whose)."""
    found, role = classroom.authorize_role(class_id, authorization)
    return json_response(classroom.snapshot(found, role))


def teacher_events(classroom: Classroom, class_id: str, batch: list[Event]) -> bytes:
    """What a batch of the feed's events becomes on the teacher's stream: the class's state
    once, and the current card of each student concerned (once, however many events)."""
    found = classroom.db.get_class(class_id)
    last = batch[-1].seq
    if any(e.kind == "activity" for e in batch):  # every card changed
        cards = classroom.cards(found)
        frames = [sse.frame("class", classroom.class_state(found), last)]
        frames += [sse.frame("student", card, last) for card in cards]
        frames.append(sse.frame("diagnoses", classroom.diagnoses(found), last))
        return b"".join(frames)
    out = []
    class_seq = [e.seq for e in batch if e.kind in CLASS_KINDS]
    if class_seq:
        out.append(sse.frame("class", classroom.class_state(found), class_seq[-1]))
    seqs = {e.student_id: e.seq for e in batch if e.student_id and e.kind not in CLASS_KINDS}
    for card in classroom.cards(found, seqs):
        out.append(sse.frame("student", card, seqs[card["student_id"]]))
    for e in batch:
        if e.kind == "remove":
            out.append(sse.frame("removed", {"student_id": e.student_id}, e.seq))
    answered = [e.seq for e in batch if e.kind in ("answer", "reset", "remove")]
    if answered:  # the counts of the class's mistakes moved
        out.append(sse.frame("diagnoses", classroom.diagnoses(found), answered[-1]))
    return b"".join(out)


@router.get(
    "/api/classes/{class_id}/events",
    response_class=Response,
    responses={**sse.DOCUMENTED, **TEACHER},
    summary="Follow the class live (Server-Sent Events)",
)
async def class_events(found: StaffDep, classroom: ClassroomDep, feed: FeedDep) -> Response:
    """First `event: class` (data {paused, activity_number, spotlight}) and one
    `event: student` per student (data: the card, as in GET /api/classes/{id}); then each
    change as it happens: a `student` event with the card after every join, step, edit,
    forward or backward, answer and reset, a `class` event after pause, resume, spotlight
    and activity push (then every card again), and an `event: diagnoses` (data: as the
    snapshot's `diagnoses`) at the start and after answers, resets and pushes. `id:` is
    the feed's sequence number; a comment `: ping` comes every 15 s."""

    async def stream() -> AsyncIterator[bytes]:
        subscription = await feed.subscribe(found.id)
        try:
            # read after subscribing (not `found`, read before): no change falls in between
            first = await asyncio.to_thread(classroom.fresh_snapshot, found.id)
            state = {k: first[k] for k in ("paused", "activity_number", "spotlight")}
            since = subscription.since
            yield b"".join(
                [sse.frame("class", state, since)]
                + [sse.frame("student", card, since) for card in first["students"]]
                + [sse.frame("diagnoses", first["diagnoses"], since)]
            )
            async for batch in sse.batches(subscription):
                if batch is None:
                    yield sse.PING
                    continue
                try:
                    chunk = await asyncio.to_thread(teacher_events, classroom, found.id, batch)
                except Missing:  # the class expired while watched: the stream ends
                    return
                if chunk:
                    yield chunk
        finally:
            feed.unsubscribe(subscription)

    return sse.event_stream(stream())


# -- the teacher's commands ------------------------------------------------------------------
@router.post(
    "/api/classes/{class_id}/activity",
    response_model=ClassSnapshot,
    responses={**TEACHER, **errors(409)},
    summary="Push the next activity",
)
def push_activity(body: Activity, found: TeacherDep, classroom: ClassroomDep) -> Response:
    """Every student gets a new network made from it; their earlier networks stay theirs."""
    return json_response(classroom.push(found, body))


@router.post(
    "/api/classes/{class_id}/pause",
    response_model=PauseState,
    responses=TEACHER,
    summary="Pause the class",
)
def pause(found: StaffDep, classroom: ClassroomDep) -> Response:
    """Until resumed, every change to a network of the class (PATCH, DELETE, step, answers)
    answers 423 `network: paused by the teacher`; reads still work."""
    return json_response(classroom.pause(found, True))


@router.post(
    "/api/classes/{class_id}/resume",
    response_model=PauseState,
    responses=TEACHER,
    summary="Resume the class",
)
def resume(found: StaffDep, classroom: ClassroomDep) -> Response:
    return json_response(classroom.pause(found, False))


@router.post(
    "/api/classes/{class_id}/joining",
    response_model=JoiningState,
    responses=TEACHER,
    summary="Close or open joining",
)
def joining(body: JoiningRequest, found: TeacherDep, classroom: ClassroomDep) -> Response:
    """`{"joining": false}`: the code admits no new student (403 `code: the teacher has
    closed joining this class`); students already in stay and come back with their
    student_key. `{"joining": true}` opens it again. Teacher's key only."""
    return json_response(classroom.set_joining(found, body.joining))


@router.post(
    "/api/classes/{class_id}/assistant-key",
    response_model=AssistantKey,
    responses=TEACHER,
    summary="Make a teaching assistant's key",
)
def assistant_key(found: TeacherDep, classroom: ClassroomDep) -> Response:
    """A key that opens the dashboard and may pause, resume and spotlight; every other
    teacher call answers 403 with it, changing nothing. Shown once; a new one replaces the
    last. Teacher's key only."""
    return json_response(classroom.new_assistant_key(found))


@router.post(
    "/api/classes/{class_id}/students/{student_id}/remove",
    response_model=Removed,
    responses=TEACHER,
    summary="Remove a student from the class",
)
def remove_student(student_id: StudentPath, found: TeacherDep, classroom: ClassroomDep) -> Response:
    """The student, every network they had and their answers are deleted at once: their
    network ids answer 404 on every server from then on, and their student_key cannot
    join again (403). Teacher's key only."""
    return json_response(classroom.remove(found, student_id))


@router.post(
    "/api/classes/{class_id}/spotlight",
    response_model=SpotlightState,
    responses={**TEACHER, **errors(409)},
    summary="Show one or two students on the projector",
)
def spotlight(body: SpotlightRequest, found: StaffDep, classroom: ClassroomDep) -> Response:
    return json_response(classroom.spotlight(found, body.student_ids))


@router.post(
    "/api/classes/{class_id}/students/{student_id}/reset",
    response_model=Student,
    responses=TEACHER,
    summary="Put a student's network back to the activity's start",
)
def reset(
    student_id: StudentPath,
    found: TeacherDep,
    classroom: ClassroomDep,
) -> Response:
    """The same numbers as when the network was made (the student's own, if the activity
    gives each student theirs); works while the class is paused."""
    return json_response(classroom.reset(found, student_id))


@router.get(
    "/api/classes/{class_id}/students/{student_id}/backward",
    response_model=BackwardResponse,
    responses={**TEACHER, **errors(409)},
    summary="A student's network on its first example, for the projector",
)
def projected(
    student_id: StudentPath,
    found: StaffDep,
    classroom: ClassroomDep,
) -> Response:
    """As POST /api/networks/{id}/backward of the student's current network, on the first
    example of its stored dataset: net, o and δ of every unit. Changes nothing, not even
    the card's `phase` and `last_seen` (it is the teacher who looks). 409 `dataset` when
    the network has no examples."""
    result, split = classroom.projected(found, student_id)
    return json_response(networks.backward_payload(result, split))


@router.get(
    "/api/classes/{class_id}/worksheets",
    response_model=Worksheets,
    responses=TEACHER,
    summary="Every student's numbers and the answer key, for printed worksheets",
)
def worksheets(found: TeacherDep, classroom: ClassroomDep) -> Response:
    """Per student, the numbers of their current network (weights, biases, the examples)
    and the expected number of each question of the current activity on it: the answer
    key, so the teacher's key only. /teach/{id}/worksheets prints them, a student a page."""
    return json_response(classroom.worksheets(found))


@router.get(
    "/api/classes/{class_id}/export.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per student and activity."},
        **TEACHER,
    },
    summary="Export the class as CSV",
)
def export_csv(found: TeacherDep, classroom: ClassroomDep) -> Response:
    """One row per student and activity, by activity then student: number, name, activity,
    activity_title, network_id, updates, loss, questions, answers_tried, answers_right,
    answers_revealed."""
    return Response(
        classroom.export_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="class-{found.join_code}.csv"'},
    )


@router.get(
    "/api/classes/{class_id}/export.json",
    response_model=ClassExport,
    responses=TEACHER,
    summary="Export the class and every network as JSON",
)
def export_json(found: TeacherDep, classroom: ClassroomDep) -> Response:
    def shown(network: StoredNetwork | None) -> dict[str, Any] | None:
        return None if network is None else state(network)

    rows = [
        {
            "student": row["student"],
            "network": shown(row["activities"][-1]["network"]) if row["activities"] else None,
            "activities": [
                {**done, "network": shown(done["network"])} for done in row["activities"]
            ],
        }
        for row in classroom.export_rows(found)
    ]
    activities = [
        a.model_dump(mode="json", exclude_unset=True) for a in classroom.activities(found)
    ]
    return json_response(
        {"class": classroom.info(found), "activities": activities, "students": rows}
    )
