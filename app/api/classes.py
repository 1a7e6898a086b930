"""/api/classes and /api/join: the teacher's side of a class, and joining it.

Every teacher call sends `Authorization: Bearer <teacher_key>` (401 without, 403 with a key
that is not this class's). Commands are ordinary POSTs, so a script can drive a class too;
the dashboard follows the class live on GET /api/classes/{id}/events (Server-Sent Events).
The domain is app/classroom/; these routes validate, call it and respond.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api import sse
from app.api.deps import (
    TEACHER,
    Authorization,
    ClassPath,
    ClassroomDep,
    FeedDep,
    StaffDep,
    StudentPath,
    TeacherDep,
    class_errors,
    json_response,
    require_token,
)
from app.api.errors import ApiError
from app.classroom.errors import Missing
from app.classroom.schemas import (
    Activity,
    AssistantKey,
    ClassCreate,
    ClassCreated,
    ClassExport,
    ClassSnapshot,
    ClassState,
    Joined,
    JoiningRequest,
    JoiningState,
    JoinRequest,
    PauseState,
    Removed,
    SpotlightRequest,
    SpotlightState,
    Student,
    Worksheets,
)
from app.classroom.service import Classroom, JoinLimits
from app.config import get_settings
from app.events import CLASS_KINDS, Event, EventFeed
from app.networks.views import backward_payload, state
from app.schemas import BackwardResponse
from app.security import TokenBuckets, client_key
from app.store import StoredNetwork, StoreUnavailable

router = APIRouter(tags=["classes"])


def require_admin(authorization: str | None) -> None:
    """With BACKPROP_CLASSES_NEED_ADMIN=true, opening a class takes the admin token."""
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
    responses=class_errors(401, 403, 404, 409, 422, 429, 503),
    summary="Open a class",
)
def create_class(
    body: ClassCreate,
    request: Request,
    classroom: ClassroomDep,
    authorization: Authorization = None,
) -> Response:
    """A class with its first activity. The answer holds the teacher key, once: the server
    keeps only its hash. With BACKPROP_TEACHER_PASSWORD set, `teacher_password` must be it
    (401 without, 403 wrong; wrong ones are limited per address); without it, each address
    may open `class_burst` classes, then one per hour per worker (429)."""
    settings = get_settings()
    if settings.classes_need_admin:
        require_admin(authorization)
    address = client_key(request.scope)
    if settings.teacher_password:
        check_password(request, body.teacher_password, settings.teacher_password, address)
    elif settings.class_burst > 0:
        wait = buckets(request, "classes", settings.class_burst, settings.classes_per_hour / 60)
        if (seconds := waited(wait.take(address))) is not None:
            raise ApiError(
                429,
                "request",
                f"too many classes opened from this address; try again in {seconds} s. The "
                "server's operator can set BACKPROP_TEACHER_PASSWORD (teachers who know it "
                "are not limited) or raise BACKPROP_CLASS_BURST",
                headers={"Retry-After": str(seconds)},
            )
    return json_response(classroom.create(body, settings.max_classes, address), 201)


def check_password(request: Request, sent: str | None, password: str, address: str) -> None:
    """The teacher password, compared in constant time; wrong ones count as unknown join
    codes do, per address, so it cannot be guessed fast."""
    if not sent:
        raise ApiError(
            401, "teacher_password", "is required: this server lets only its teachers open classes"
        )
    failures = failure_buckets(request)
    if (seconds := waited(failures.wait("password:" + address))) is not None:
        raise too_many(seconds, "teacher_password", "wrong passwords")
    if not secrets.compare_digest(sent.encode(), password.encode()):
        if (seconds := waited(failures.take("password:" + address))) is not None:
            raise too_many(seconds, "teacher_password", "wrong passwords")
        raise ApiError(403, "teacher_password", "is not this server's teacher password")


def buckets(request: Request, name: str, burst: int, per_minute: float) -> TokenBuckets:
    """The worker's token buckets called `name`, made at first use."""
    made: dict[str, TokenBuckets] = request.app.state.__dict__.setdefault("buckets", {})
    if name not in made:
        made[name] = TokenBuckets(burst, per_minute)
    return made[name]


def failure_buckets(request: Request) -> TokenBuckets:
    """Unknown join codes and wrong teacher passwords, per address."""
    settings = get_settings()
    return buckets(
        request, "failures", settings.join_failures_burst, settings.join_failures_per_minute
    )


def waited(wait: float) -> int | None:
    """None for no wait, else the whole seconds to say in Retry-After."""
    if wait <= 0:
        return None
    return math.ceil(wait) if math.isfinite(wait) else 3600


def too_many(seconds: int, field: str = "code", what: str = "unknown codes") -> ApiError:
    return ApiError(
        429,
        field,
        f"too many {what} tried from this address; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


@router.post(
    "/api/join",
    status_code=201,
    response_model=Joined,
    responses={
        200: {"model": Joined, "description": "The same student again (their student_key)."},
        **class_errors(404, 409, 422, 429, 503),
    },
    summary="Join a class with its code",
)
def join(body: JoinRequest, request: Request, classroom: ClassroomDep) -> Response:
    """A new student (201) with a network of their own made from the class's activity, or,
    with the `student_key` of an earlier join, the same student and network (200). Does not
    count against the network-creation limit. Unknown codes are limited per address and
    for all addresses together; past either limit a code is still let in when its class
    knows the address (the teacher opened it, or a student joined it, from there), so one
    guesser behind a school's NAT locks nobody out of their own class. New students are
    limited per address and class (`join_burst`, then `joins_per_minute`)."""
    settings = get_settings()
    address = client_key(request.scope)
    failures = failure_buckets(request)
    total = buckets(
        request,
        "failures-total",
        settings.join_failures_total_burst,
        settings.join_failures_total_per_minute,
    )
    over = waited(max(failures.wait(address), total.wait("*")))
    new_students = buckets(request, "joins", settings.join_burst, settings.joins_per_minute)

    def before_new(class_id: str) -> None:
        if (seconds := waited(new_students.take(f"{class_id}:{address}"))) is not None:
            raise ApiError(
                429,
                "code",
                f"many students joined this class from this address just now; try again in "
                f"{seconds} s (the class's teacher can ask the operator to raise "
                "BACKPROP_JOIN_BURST)",
                headers={"Retry-After": str(seconds)},
            )

    limits = JoinLimits(settings.max_students_per_class, settings.max_class_networks)
    joined = classroom.join(body, limits, address, over is not None, before_new)
    if joined is None:
        if over is not None:
            raise too_many(over)
        if (seconds := waited(failures.take(address))) is not None or (
            seconds := waited(total.take("*"))
        ) is not None:
            raise too_many(seconds)
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


def teacher_events(
    classroom: Classroom, class_id: str, batch: list[Event], ids: Iterator[int]
) -> bytes:
    """What a batch of the feed's events becomes on the teacher's stream: the class's state
    once, and the current card of each student concerned (once, however many events)."""
    found = classroom.db.get_class(class_id)
    if any(e.kind == "activity" for e in batch):  # every card changed
        cards = classroom.cards(found)
        frames = [sse.frame("class", classroom.class_state(found), ids)]
        frames += [sse.frame("student", card, ids) for card in cards]
        frames.append(sse.frame("diagnoses", classroom.diagnoses(found), ids))
        return b"".join(frames)
    out = []
    if any(e.kind in CLASS_KINDS or e.kind == "join" for e in batch):  # join: networks_left
        out.append(sse.frame("class", classroom.class_state(found), ids))
    concerned = {e.student_id for e in batch if e.student_id and e.kind not in CLASS_KINDS}
    for card in classroom.cards(found, concerned):
        out.append(sse.frame("student", card, ids))
    for e in batch:
        if e.kind == "remove":
            out.append(sse.frame("removed", {"student_id": e.student_id}, ids))
    if any(e.kind in ("answer", "reset", "remove") for e in batch):  # the mistakes' counts
        out.append(sse.frame("diagnoses", classroom.diagnoses(found), ids))
    return b"".join(out)


def stream_slots(request: Request) -> sse.Slots:
    slots: sse.Slots = request.app.state.__dict__.setdefault("stream_slots", sse.Slots())
    return slots


@router.get(
    "/api/classes/{class_id}/events",
    response_class=Response,
    responses={**sse.DOCUMENTED, **TEACHER, **class_errors(429)},
    summary="Follow the class live (Server-Sent Events)",
)
async def class_events(
    found: StaffDep, classroom: ClassroomDep, feed: FeedDep, request: Request
) -> Response:
    """First `event: class` (data {paused, activity_number, spotlight}) and one
    `event: student` per student (data: the card, as in GET /api/classes/{id}); then each
    change as it happens: a `student` event with the card after every join, step, edit,
    forward or backward, answer and reset, a `class` event after pause, resume, spotlight
    and activity push (then every card again), an `event: diagnoses` (data: as the
    snapshot's `diagnoses`) at the start and after answers, resets, removals and pushes,
    and an `event: removed` ({student_id}) when the teacher removes a student. `id:` counts
    the stream's events (1, 2, …); a comment `: ping` comes every 15 s. 429 past
    `max_teacher_streams` open streams of the class, or `max_streams_per_address` of the
    address, in this worker. While the database or the feed is down, one
    `event: unavailable` (data {detail}) says so; once they are back, the stream starts
    again with the class and every card."""
    settings = get_settings()
    release = stream_slots(request).take(
        {
            f"address:{client_key(request.scope)}": (
                settings.max_streams_per_address,
                "this address",
            ),
            f"teacher:{found.id}": (settings.max_teacher_streams, "this class's teacher"),
        }
    )

    async def stream() -> AsyncIterator[bytes]:
        ids = itertools.count(1)
        down = False  # an outage was announced: say so once, then once it is over resume
        while not feed.closing:
            try:
                async for chunk in follow(found.id, classroom, feed, ids):
                    down = False
                    yield chunk
                if feed.closing:
                    return
                detail = "the class's live events were interrupted"
            except StoreUnavailable as error:
                detail = str(error)
            except Missing:  # the class expired while watched: the stream ends
                return
            if not down:
                down = True
                yield sse.frame("unavailable", {"detail": detail}, ids)
            await asyncio.sleep(RESUME_EVERY)

    return sse.event_stream(stream(), release)


RESUME_EVERY = 1.0
"""Seconds between attempts to follow the class again after the database or the feed failed."""


async def follow(
    class_id: str, classroom: Classroom, feed: EventFeed, ids: Iterator[int]
) -> AsyncIterator[bytes]:
    """The class's snapshot, then its changes, until the feed ends (shutdown, or its
    connection lost) or the database fails (StoreUnavailable)."""
    subscription = await feed.subscribe(class_id)
    try:
        # read after subscribing (not the class read before): no change falls in between
        first = await asyncio.to_thread(classroom.fresh_snapshot, class_id)
        state = {k: first[k] for k in ClassState.model_fields}
        yield b"".join(
            [sse.frame("class", state, ids)]
            + [sse.frame("student", card, ids) for card in first["students"]]
            + [sse.frame("diagnoses", first["diagnoses"], ids)]
        )
        async for batch in sse.batches(subscription):
            if batch is None:
                yield sse.PING
                continue
            chunk = await asyncio.to_thread(teacher_events, classroom, class_id, batch, ids)
            if chunk:
                yield chunk
    finally:
        feed.unsubscribe(subscription)


# -- the teacher's commands ------------------------------------------------------------------
@router.post(
    "/api/classes/{class_id}/activity",
    response_model=ClassSnapshot,
    responses={**TEACHER, **class_errors(409)},
    summary="Push the next activity",
)
def push_activity(body: Activity, found: TeacherDep, classroom: ClassroomDep) -> Response:
    """Every student gets a new network made from it; their earlier networks stay theirs.
    409 `activity` when the class cannot hold one more network per student
    (BACKPROP_MAX_CLASS_NETWORKS; `networks_left` in the class's state says how many
    more it holds)."""
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
    responses={**TEACHER, **class_errors(409)},
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
    responses={**TEACHER, **class_errors(409)},
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
    return json_response(backward_payload(result, split))


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
