"""The teacher's reading of the class's answers (app/classroom/review.py): the projector's
plot of one question's answers, a student's run read-only, and every try exported.

Every route here reads and none writes: the teacher's (or an assistant's) key opens a
student's network, history and tries through these routes alone, so nothing the teacher's
view of a run sends can step, edit or rewind it. Exports take the teacher's key, as the
class's other exports do; the plot and a run's view take an assistant's key too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from app.api.deps import (
    TEACHER,
    ClassroomDep,
    EntryQuery,
    StaffDep,
    StudentPath,
    TeacherDep,
    UpdatePath,
    json_response,
)
from app.classroom import review
from app.classroom.schemas import AnswerPlot, StudentRun, TriesExport
from app.networks.views import state
from app.schemas import NetworkState

router = APIRouter(tags=["classes"])

QuestionPath = Annotated[
    int,
    Path(
        ge=0,
        le=1000,
        description="The question's index in the current activity: 0 for the first.",
        examples=[0],
    ),
]


@router.get(
    "/api/classes/{class_id}/answers/{question}",
    response_model=AnswerPlot,
    responses=TEACHER,
    summary="The class's latest answers to one question, for the projector's plot",
)
def answer_plot(question: QuestionPath, found: StaffDep, classroom: ClassroomDep) -> Response:
    """One dot per student who tried the question on their current network: their latest
    try's error (v − e, e being the number right on their own network when they sent it)
    and its tolerance, the verdict and the mistake it matched; no name, no value. The
    teacher's or an assistant's key. 404 `question` past the activity's questions. The
    class's stream sends `event: diagnoses` after every answer: the time to read it again."""
    return json_response(review.plot(classroom, found, question))


@router.get(
    "/api/classes/{class_id}/students/{student_id}/run",
    response_model=StudentRun,
    responses=TEACHER,
    summary="A student's network, its history and their tries, read-only",
)
def student_run(student_id: StudentPath, found: StaffDep, classroom: ClassroomDep) -> Response:
    """The student's current network (as GET /api/networks/{id}), its history (as …/history)
    and, per question of its activity, every try kept with its value, time, verdict, the
    number right then and the mistake matched. Changes nothing, not the card either. The
    teacher's or an assistant's key; 404 `student_id` for a removed student."""
    found_run = review.run(classroom, found, student_id)
    return json_response({**found_run, "network": state(found_run["network"])})


@router.get(
    "/api/classes/{class_id}/students/{student_id}/history/{update}",
    response_model=NetworkState,
    responses=TEACHER,
    summary="A student's network as it was after update k, read-only",
)
def student_history(
    student_id: StudentPath,
    update: UpdatePath,
    found: StaffDep,
    classroom: ClassroomDep,
    entry: EntryQuery = None,
) -> Response:
    """As GET /api/networks/{id}/history/{update} of the student's current network. The
    teacher's or an assistant's key; 404 `update` (or `entry`) for a state not kept."""
    return json_response(state(review.recorded(classroom, found, student_id, update, entry)))


@router.get(
    "/api/classes/{class_id}/tries.csv",
    responses={
        200: {"content": {"text/csv": {}}, "description": "One row per try."},
        **TEACHER,
    },
    summary="Export every try at every question, as CSV",
)
def tries_csv(found: TeacherDep, classroom: ClassroomDep) -> Response:
    """One row per try kept, by activity, student, question and attempt: number, name,
    activity, question (1 for the first), path, prompt, attempt, time (ISO 8601, UTC),
    value, expected (the number right when it was sent), correct (true/false), diagnosis
    (a mistake's code, or empty). Names and prompts starting with = + - @ get a leading
    `'`. The teacher's key."""
    return Response(
        review.tries_csv(review.tries(classroom, found)),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="class-{found.join_code}-tries.csv"'
        },
    )


@router.get(
    "/api/classes/{class_id}/tries.json",
    response_model=TriesExport,
    responses=TEACHER,
    summary="Export every try at every question, as JSON",
)
def tries_json(found: TeacherDep, classroom: ClassroomDep) -> Response:
    """The rows of tries.csv, `at` in Unix seconds. The teacher's key."""
    return json_response({"tries": review.tries(classroom, found)})
