"""The student's side of a class, under /api/networks/{id}: the network's id is the
capability, as for every network route. Nothing here tells a student anything about
another student (no other network id, no other answers).

POST …/answers works for every network, in a class or not: the server computes the
expected number from the network's own current state (app/classroom/answers.py).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.api import sse
from app.api.classes import stream_slots
from app.api.deps import ClassroomDep, FeedDep, IdPath, json_response
from app.api.deps import class_errors as errors
from app.classroom.schemas import AnswerRequest, AnswerResult, StudentClassroom
from app.config import LIMITS, get_settings
from app.security import client_key

router = APIRouter(prefix="/api/networks", tags=["classroom"])


def membership(network_id: IdPath, classroom: ClassroomDep) -> tuple[str, str]:
    """(class id, student id) of the network, checked before a stream begins (a 404 then,
    not a broken stream)."""
    return classroom.membership_of(network_id)


MemberDep = Annotated[tuple[str, str], Depends(membership)]
STUDENT_KINDS = frozenset({"pause", "resume", "activity"})
"""Class events a student's stream passes on (and "reset" of the student's own network)."""


@router.get(
    "/{network_id}/classroom",
    response_model=StudentClassroom,
    responses=errors(404, 503),
    summary="The class this network belongs to",
)
def classroom_view(network_id: IdPath, classroom: ClassroomDep) -> Response:
    """404 when the network is in no class. Questions show the expected number only once
    answered right or revealed."""
    return json_response(classroom.student_view(network_id))


@router.get(
    "/{network_id}/classroom/events",
    response_class=Response,
    responses={**sse.DOCUMENTED, **errors(404, 429, 503)},
    summary="Follow the class from a student's page (Server-Sent Events)",
)
async def classroom_events(
    member: MemberDep, classroom: ClassroomDep, feed: FeedDep, request: Request
) -> Response:
    """`event: class`, data {paused, activity_number, current_network_id, lock}: on
    connect, and after every pause, resume, activity push and reset of this student's
    network. `id:` counts the stream's events; a comment `: ping` comes every 15 s. 429
    past `max_streams_per_address` open streams of the address in this worker."""
    class_id, student_id = member
    address = client_key(request.scope)
    limit = get_settings().max_streams_per_address
    release = stream_slots(request).take({f"address:{address}": (limit, "this address")})

    async def stream() -> AsyncIterator[bytes]:
        subscription = await feed.subscribe(class_id, STUDENT_KINDS | {"reset"})
        ids = itertools.count(1)
        try:
            now = await asyncio.to_thread(classroom.student_class_state, class_id, student_id)
            yield sse.frame("class", now, ids)
            async for batch in sse.batches(subscription):
                if batch is None:
                    yield sse.PING
                    continue
                mine = [
                    e.seq
                    for e in batch
                    if e.kind in STUDENT_KINDS or (e.kind == "reset" and e.student_id == student_id)
                ]
                if mine:
                    now = await asyncio.to_thread(
                        classroom.student_class_state, class_id, student_id
                    )
                    yield sse.frame("class", now, ids)
        finally:
            feed.unsubscribe(subscription)

    return sse.event_stream(stream(), release)


@router.post(
    "/{network_id}/variant",
    response_model=StudentClassroom,
    responses=errors(404, 409, 423, 503),
    summary="New numbers for the same questions",
)
def new_numbers(network_id: IdPath, classroom: ClassroomDep) -> Response:
    """The student's current network gets new starting weights (new inputs x when the
    activity gives each student inputs of their own), drawn from the class, the activity,
    the student and the variant's number, so the same variant always has the same numbers.
    Its questions open again; right answers in a row are kept (an activity's `mastery`).
    409 `id` for a network of an earlier activity; 423 while paused."""
    return json_response(classroom.new_numbers(network_id))


@router.post(
    "/{network_id}/answers",
    response_model=AnswerResult,
    responses=errors(404, 409, 422, 423, 503),
    summary="Check a number computed by hand",
)
def answer(network_id: IdPath, body: AnswerRequest, classroom: ClassroomDep) -> Response:
    """Right when |value − expected| ≤ max(relative · |expected|, absolute) (the activity's
    tolerance; 1e-3 and 1e-4 outside a class). `"reveal": true` shows the expected number
    and closes the question. The expected number comes from the network's current weights
    on its stored dataset, never from the page: a backward pass over it, so the same work
    bound as POST …/backward applies (409 naming `dataset`). Kept (attempts, the card):
    answers to the activity's questions, or outside a class to the network's first
    `max_questions` paths; others are checked and not kept."""
    return json_response(classroom.answer(network_id, body, LIMITS.max_questions))
