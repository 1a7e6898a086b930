"""The teacher's reading of the class's answers: every student's latest try at a question,
measured against that student's own number (the projector's plot), one student's run with
each try, and every try of every activity for export. Reads only: nothing here changes a
network, an answer or a card.

Students have different numbers (their own weights or inputs, new numbers until mastery), so
the plot does not place values: it places each try's error v − e against its own expected e,
in units of its own tolerance, allowed = max(relative · |e|, absolute). A try is right exactly
when |v − e| ≤ allowed, so every student's band is the same, [−1, 1], and a dot inside it is
a right answer, whatever the student's numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from typing import Any

from app import nn
from app.classroom import diagnosis
from app.classroom.errors import Missing
from app.classroom.schemas import Activity
from app.classroom.service import Classroom, answers_key, mastered, spreadsheet_text
from app.networks import history
from app.schemas import engine_config
from app.store import StoredNetwork
from app.store.classroom import AnswerRow, ClassRow, StudentRow, TryRow

TRIES_COLUMNS = (
    "number",
    "name",
    "activity",
    "question",
    "path",
    "prompt",
    "attempt",
    "time",
    "value",
    "expected",
    "correct",
    "diagnosis",
)


def allowed(expected: float, relative: float, absolute: float) -> float:
    """How far from `expected` a value may be and still be right (answers.is_right)."""
    return max(relative * abs(expected), absolute)


def plot(classroom: Classroom, found: ClassRow, question: int) -> dict[str, Any]:
    """The class's latest tries at question `question` (0, 1, …) of the current activity,
    one dot per student who tried it on their current network, anonymous: each dot's error
    v − e, its tolerance, the server's verdict and the mistake it matched; sorted by error,
    so the order tells nothing of who is who. Tries of an earlier release (no e kept) are
    left out."""
    activity = classroom.current_activity(found)
    if question >= len(activity.questions):
        raise Missing(
            "question",
            f"the current activity has {len(activity.questions)} questions "
            f"(0..{len(activity.questions) - 1})",
        )
    asked = activity.questions[question]
    students = classroom.db.students(found.id)
    latest = classroom.db.latest_tries([s.network_id for s in students], answers_key(asked.path))
    tolerance = activity.tolerance
    dots = []
    for tried in latest.values():
        if tried.expected is None:
            continue
        dots.append(
            {
                "error": tried.value - tried.expected,
                "allowed": allowed(tried.expected, tolerance.relative, tolerance.absolute),
                "correct": tried.correct,
                "diagnosis": tried.diagnosis,
            }
        )
    dots.sort(key=scaled)
    return {
        "question": question,
        "path": asked.path,
        "prompt": asked.prompt,
        "activity_number": found.activity_number,
        "students": len(students),
        "tolerance": tolerance.model_dump(),
        "dots": dots,
    }


def scaled(dot: dict[str, Any]) -> float:
    """A dot's error in tolerances (±inf for an error where no tolerance is allowed)."""
    if dot["allowed"] > 0:
        return float(dot["error"] / dot["allowed"])
    return 0.0 if dot["error"] == 0 else math.copysign(math.inf, dot["error"])


def run(classroom: Classroom, found: ClassRow, student_id: str) -> dict[str, Any]:
    """A student's current network (the route shows it as GET /api/networks/{id} would),
    its history (as GET …/history) and their answers to its activity's questions, each
    with every try kept."""
    student = classroom.student_of(found, student_id)
    network = classroom.store.read(student.network_id)
    number = next(n for nid, n in classroom.db.networks_of(student.id) if nid == network.id)
    activity = Activity.model_validate_json(classroom.db.activity(found.id, number))
    return {
        "student": {"student_id": student.id, "number": student.number, "name": student.name},
        "activity_number": number,
        "activity_title": activity.title,
        "network": network,
        "history": history.entries(classroom.store, network.id),
        "questions": question_tries(classroom, network, activity),
    }


def question_tries(
    classroom: Classroom, network: StoredNetwork, activity: Activity
) -> list[dict[str, Any]]:
    """Per question of `activity`: where the student stands and every try kept, in order,
    each with its value, time, verdict, the number that was right then, and the mistake."""
    stored = classroom.db.answers(network.id)
    kept = classroom.db.tries(network.id)
    config = engine_config(network.settings)
    out = []
    for q in activity.questions:
        row: AnswerRow | None = stored.get(answers_key(q.path))
        out.append(
            {
                "path": q.path,
                "prompt": q.prompt,
                "state": "open" if row is None else row.state,
                "attempts": 0 if row is None else row.attempts,
                "streak": 0 if row is None else row.streak,
                "mastered": mastered(row, activity.mastery),
                "tries": [
                    {
                        "attempt": t.attempt,
                        "at": t.at,
                        "value": t.value,
                        "expected": t.expected,
                        "correct": t.correct,
                        "diagnosis": named(t.diagnosis, config),
                    }
                    for t in kept.get(answers_key(q.path), [])
                ],
            }
        )
    return out


def named(code: str | None, config: nn.Config) -> dict[str, str] | None:
    """A stored mistake's code with its message, as the answer's reply gave it."""
    return None if code is None else {"code": code, "message": diagnosis.message(code, config)}


def recorded(
    classroom: Classroom, found: ClassRow, student_id: str, update: int, entry: int | None
) -> StoredNetwork:
    """The student's current network as it was after update `update` (GET …/history/{k})."""
    student = classroom.student_of(found, student_id)
    return history.recorded(classroom.store, student.network_id, update, entry)


def tries(classroom: Classroom, found: ClassRow) -> list[dict[str, Any]]:
    """Every try kept of every student at every question of every activity, by activity,
    then student (joining order), question and attempt: TRIES_COLUMNS, `at` in Unix
    seconds."""
    activities = classroom.activities(found)
    rows = []
    for student in classroom.db.students(found.id):
        for network_id, number in classroom.db.networks_of(student.id):
            kept = classroom.db.tries(network_id)
            for index, q in enumerate(activities[number - 1].questions):
                for t in kept.get(answers_key(q.path), []):
                    rows.append(try_row(student, number, index, q.path, q.prompt, t))
    rows.sort(key=lambda r: (r["activity"], r["number"], r["question"], r["attempt"]))
    return rows


def try_row(
    student: StudentRow, number: int, index: int, path: str, prompt: str | None, t: TryRow
) -> dict[str, Any]:
    return {
        "number": student.number,
        "name": student.name,
        "student_id": student.id,
        "activity": number,
        "question": index + 1,
        "path": path,
        "prompt": prompt,
        "attempt": t.attempt,
        "at": t.at,
        "value": t.value,
        "expected": t.expected,
        "correct": t.correct,
        "diagnosis": t.diagnosis,
    }


def tries_csv(rows: list[dict[str, Any]]) -> str:
    """TRIES_COLUMNS, one row per try; `time` in ISO 8601 (UTC); names and prompts safe
    from a spreadsheet's formulas (spreadsheet_text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TRIES_COLUMNS)
    for r in rows:
        when = datetime.datetime.fromtimestamp(r["at"], datetime.UTC)
        writer.writerow(
            [
                r["number"],
                spreadsheet_text(r["name"]),
                r["activity"],
                r["question"],
                r["path"],
                spreadsheet_text(r["prompt"] or ""),
                r["attempt"],
                when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                repr(r["value"]),
                "" if r["expected"] is None else repr(r["expected"]),
                "true" if r["correct"] else "false",
                r["diagnosis"] or "",
            ]
        )
    return out.getvalue()
