"""The classroom's JSON contract: a class, its activity, its students' cards, and answers.

A teacher opens a class with an activity (a network body as for POST /api/networks, plus
locks, questions and per-student numbers); students join with the class's six-character code
and each gets a network of their own made from the activity. The teacher's calls carry
`Authorization: Bearer <teacher_key>`; a student's calls carry only their network's id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.classroom.answers import PATTERN
from app.config import LIMITS
from app.schemas import (
    DATASET_OR_GENERATE,
    HistoryResponse,
    NetworkCreate,
    NetworkState,
    NotNull,
    Real,
    integral,
)

Lock = Literal["architecture", "settings", "data", "weights"]
Phase = Literal["idle", "forward", "backward", "step", "edit"]
PerStudent = Literal["weights", "inputs"]
QuestionState = Literal["open", "right", "revealed"]
Title = Annotated[str, Field(min_length=1, max_length=LIMITS.max_title_length)]
Path = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=PATTERN,
        description="A number of the backward pass on the stored dataset, indexed as in "
        "its JSON: net[k][i][r], activations[k][i][r], deltas[k][i][r], "
        "gradients.weights[k][r][q], gradients.biases[k][r], weight_deltas[k][r][q], "
        "bias_deltas[k][r], loss, weights_after[k][r][q] (w + Δw), biases_after[k][r].",
        examples=["deltas[1][0][0]"],
    ),
]
ClassId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
StudentId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

INVISIBLE = (
    "\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890-\\u0891\\u08e2\\u180e\\u200b"
    "\\u200e-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb"
)
"""The format characters (Unicode category Cf) of the first plane, as a regex class body, but
the zero-width joiner and non-joiner (emoji sequences and several scripts need them):
bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks
(U+200E, U+200F, U+061C), zero-width and invisible characters (U+200B, U+2060–U+2064,
U+FEFF, U+00AD). A name with one could show reversed or hidden on the cards."""
NAME_PATTERN = f"^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{INVISIBLE}]*$"
"""Plain text: no control characters, line or paragraph separators, or INVISIBLE characters."""
EXERCISE: dict[str, Any] = {
    "title": "Exercise 1: Mazur by hand",
    "preset": "mazur",
    "lock": ["architecture", "data"],
    "questions": [
        {"path": "deltas[1][0][0]", "prompt": "δ of out1"},
        {"path": "weights_after[1][0][0]", "prompt": "w5 after one update"},
    ],
    "tolerance": {"relative": 1e-3, "absolute": 1e-4},
    "per_student": None,
}


class Question(BaseModel):
    """One number a student computes by hand; the server computes it too, from the
    student's own network."""

    model_config = ConfigDict(extra="forbid", strict=True)

    path: Path
    prompt: str | None = Field(
        None,
        max_length=200,
        description="What the page asks (the page shows the path when omitted).",
        examples=["δ of out1"],
    )


class Tolerance(BaseModel):
    """An answer v is right when |v − e| ≤ max(relative · |e|, absolute)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    relative: float = Field(1e-3, ge=0, le=1, allow_inf_nan=False)
    absolute: float = Field(1e-4, ge=0, le=1e6, allow_inf_nan=False)


class Activity(NetworkCreate):
    """What every student's network starts as: a body as for POST /api/networks (a preset,
    or layers, weights, biases, dataset, settings, seed), plus what the students may change,
    the questions they answer, and whether each gets numbers of their own."""

    title: str | None = Field(
        None,
        max_length=LIMITS.max_title_length,
        description="A short title the students see.",
    )
    lock: list[Lock] = Field(
        default_factory=list,
        max_length=4,
        description="What students may not change. PATCH refuses (403) architecture → "
        "layers; settings → name, hidden_activation, output_activation, loss, learning_rate, "
        "reduction, train_biases, l2; data → dataset, generate and the examples endpoints; "
        "weights → weights, biases, seed.",
    )
    questions: list[Question] = Field(
        default_factory=list,
        max_length=LIMITS.max_questions,
        description="Numbers the students compute; answers are checked by the server. "
        "Questions need a stored dataset.",
    )
    tolerance: Tolerance = Field(default_factory=Tolerance)
    per_student: PerStudent | None = Field(
        None,
        description="'weights': every student's starting weights are drawn from a seed of "
        "their own (from the class, the activity number and the student); 'inputs': the "
        "dataset's x is drawn so (0.00 to 0.99, two decimals). null: everyone "
        "starts from the same numbers. The same student always gets the same numbers.",
    )
    mastery: Annotated[int, Field(ge=1, le=20), BeforeValidator(integral)] | None = Field(
        None,
        description="Fresh numbers until mastery: a question is mastered after this many "
        "right answers in a row, each on new numbers (POST /api/networks/{id}/variant); a "
        "wrong answer or a reveal starts the count again. null: one right answer is enough.",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": EXERCISE,
            "anyOf": [{"required": ["layers"]}, {"required": ["preset"]}],
            **DATASET_OR_GENERATE,
        },
    )


class ClassCreate(BaseModel):
    """Body of POST /api/classes."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"example": {"title": "Neural networks, week 3", "activity": EXERCISE}},
    )

    title: Title = Field(description="The class's name, shown to teacher and students.")
    activity: Activity = Field(description="The first activity.")
    teacher_password: str | None = Field(
        None,
        max_length=200,
        description="The server's teacher password, when its operator set one "
        "(BACKPROP_TEACHER_PASSWORD); otherwise not needed. Without it such a server answers "
        "401, with a wrong one 403.",
    )


class ClassCreated(BaseModel):
    """The answer to POST /api/classes. `teacher_key` is shown only here, once."""

    id: str = Field(description="The class's id.")
    title: str
    join_code: str = Field(
        description="6 characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789 (no 0/O, 1/I/L).",
        examples=["K7QW3M"],
    )
    join_url: str = Field(description="/join/<join_code>: the page students open.")
    teacher_key: str = Field(
        description="Send as `Authorization: Bearer <teacher_key>` on every teacher call. "
        "The server keeps only its hash: it cannot be shown again."
    )
    teach_url: str = Field(description="/teach/<id>: the dashboard.")


class JoinRequest(BaseModel):
    """Body of POST /api/join."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"example": {"code": "K7QW3M", "name": "Ada"}},
    )

    code: str = Field(
        min_length=1,
        max_length=20,
        description="The class's join code (case and spaces ignored).",
    )
    name: str | None = Field(
        None,
        max_length=LIMITS.max_student_name_length,
        pattern=NAME_PATTERN,
        description="The name the teacher sees; 'Student <number>' when omitted or blank.",
    )
    student_key: str | None = Field(
        None,
        max_length=100,
        description="The key from an earlier join of this class: the same student and "
        "network come back (200) instead of a new student (201).",
    )


class Joined(BaseModel):
    student_id: str
    student_key: str = Field(description="Keep it to join again as the same student.")
    name: str
    class_id: str
    class_title: str
    network_id: str = Field(description="The student's network: /n/<network_id> is its page.")
    network: NetworkState


DiagnosisCode = Literal[
    "sign",
    "missing_derivative",
    "derivative_of_wrong_value",
    "updated_weights",
    "missing_rate",
    "one_example",
    "mean_vs_sum",
    "wrong_input",
]


class Diagnosis(BaseModel):
    """The common mistake a wrong value matches (never the expected number)."""

    code: DiagnosisCode
    message: str = Field(description="The mistake, in the lecture notes' words.")


class QuestionDiagnoses(BaseModel):
    """How many students' latest try at a question matched each mistake."""

    path: str
    prompt: str | None
    counts: dict[DiagnosisCode, int] = Field(
        description="Students (with the question still open) by the mistake their latest "
        "try matched; a mistake nobody made is left out."
    )


class AnswerProgress(BaseModel):
    total: int = Field(description="Questions in the activity.")
    right: int
    revealed: int
    tried: int = Field(description="Answers sent, right or wrong, to the activity's questions.")
    current: int | None = Field(description="Index of the first open question; null if none.")
    mastery: int | None = Field(None, description="The activity's `mastery` (k in a row).")
    mastered: list[str] = Field(
        default_factory=list,
        description="Paths of the questions answered right `mastery` times in a row.",
    )
    diagnoses: dict[str, DiagnosisCode] = Field(
        default_factory=dict,
        description="Per open question (by path): the mistake the student's latest try "
        "matched, if it matched one.",
    )


class Student(BaseModel):
    """A student's card on the dashboard (and the data of a `student` event)."""

    student_id: str
    number: int = Field(description="1, 2, 3… in the order students joined.")
    name: str = Field(description="Plain text, as the student typed it.")
    network_id: str = Field(description="The student's current network.")
    layers: list[int] = Field(description="[] once the student deleted the network.")
    weights: list[list[list[float]]]
    biases: list[list[float]]
    updates: int = Field(description="Weight updates applied to the current network.")
    loss: float | None = Field(description="J over the stored dataset after the last change.")
    losses: list[float] = Field(description="The last 50 (at most) values of J, oldest first.")
    phase: Phase = Field(description="What the student did last.")
    last_seen: float = Field(description="Unix seconds of the student's last request.")
    answers: AnswerProgress


class ClassState(BaseModel):
    """The data of a `class` event on the teacher's stream."""

    paused: bool
    activity_number: int = Field(description="1 for the first activity, +1 per push.")
    spotlight: list[str] = Field(description="Student ids shown on the projector.")
    networks_left: int = Field(
        description="Networks the class may still hold (BACKPROP_MAX_CLASS_NETWORKS less one "
        "per student and activity): a join takes one, a push one per student. Sent again "
        "after every join."
    )


class ClassInfo(ClassState):
    id: str
    title: str
    join_code: str
    join_url: str
    joining: bool = Field(
        True, description="Whether the code admits new students (POST …/joining)."
    )
    activity: dict[str, Any] = Field(description="The current activity, as it was pushed.")


class ClassSnapshot(ClassInfo):
    """GET /api/classes/{id}: the class and every student's card."""

    students: list[Student]
    role: Literal["teacher", "assistant"] = Field(
        "teacher",
        description="Whose key read it: a teaching assistant's may watch, pause, resume "
        "and spotlight, nothing else.",
    )
    diagnoses: list[QuestionDiagnoses] = Field(
        description="Per question of the current activity, the mistakes counted; the stream "
        "sends it again as an `event: diagnoses` after answers."
    )


class PauseState(BaseModel):
    paused: bool


class WorksheetQuestion(BaseModel):
    path: str
    prompt: str | None


class Worksheet(BaseModel):
    """One student's numbers: their current network, its examples and the answer key."""

    student_id: str
    number: int
    name: str
    layers: list[int]
    hidden_activation: str
    output_activation: str
    learning_rate: float
    reduction: str
    weights: list[list[list[float]]] = Field(description="w_rq per layer, as the network's.")
    biases: list[list[float]]
    x: list[list[float]] = Field(description="The stored examples' inputs ([] without).")
    y: list[list[float]]
    answers: list[float | None] = Field(
        description="The answer key: per question of the activity, the expected number on "
        "this student's network (null without a dataset)."
    )


class Worksheets(BaseModel):
    """GET /api/classes/{id}/worksheets: what the printable worksheets show."""

    title: str
    activity_number: int
    activity_title: str | None
    questions: list[WorksheetQuestion]
    students: list[Worksheet] = Field(description="In joining order.")


class JoiningRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"example": {"joining": False}}
    )

    joining: bool = Field(
        description="false: the code admits no new student (students already in stay, and "
        "come back with their student_key); true: it admits them again."
    )


class JoiningState(BaseModel):
    joining: bool


class AssistantKey(BaseModel):
    assistant_key: str = Field(
        description="Shown once (the server keeps its sha256): it opens the dashboard, "
        "watches, pauses, resumes and spotlights, and can do nothing else. A new one "
        "replaces the last."
    )
    teach_url: str = Field(description="/teach/<id>: the dashboard; add #key=<assistant_key>.")


class Removed(BaseModel):
    removed: str = Field(description="The removed student's id.")


class SpotlightRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"example": {"student_ids": ["b3Jx9a", "Qm2_kw"]}},
    )

    student_ids: list[StudentId] = Field(
        max_length=2, description="At most two students of the class; [] clears it."
    )


class SpotlightState(BaseModel):
    spotlight: list[str]


class QuestionView(BaseModel):
    path: str
    prompt: str | None
    state: QuestionState
    attempts: int
    expected: float | None = Field(description="Only once right or revealed.")
    streak: int = Field(0, description="Right answers in a row, across new numbers.")
    mastered: bool = Field(False, description="streak ≥ the activity's mastery.")


class StudentClassroom(BaseModel):
    """GET /api/networks/{id}/classroom: what the student's page shows about the class."""

    class_title: str
    student_name: str
    paused: bool
    lock: list[Lock]
    activity_number: int = Field(description="The activity this network was made from.")
    activity_title: str | None
    mastery: int | None = Field(
        None, description="Right answers in a row that master a question (null: no such aim)."
    )
    variant: int = Field(
        0, description="Which numbers this network has: 0 the activity's own, then 1, 2…"
    )
    current_network_id: str = Field(
        description="The student's network for the class's current activity (another id "
        "after a push)."
    )
    earlier_network_ids: list[str] = Field(description="The student's earlier networks.")
    questions: list[QuestionView]


class StudentClassState(BaseModel):
    """The data of a `class` event on a student's stream."""

    paused: bool
    activity_number: int
    current_network_id: str
    lock: list[Lock]


class AnswerRequest(BaseModel):
    """Body of POST /api/networks/{id}/answers: a value, or `"reveal": true`."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "example": {"path": "deltas[1][0][0]", "value": -0.1385},
            "anyOf": [
                {"required": ["value"]},
                {"required": ["reveal"], "properties": {"reveal": {"const": True}}},
            ],
        },
    )

    path: Path
    value: Annotated[Real | None, *NotNull] = Field(
        None, description="The student's number (leave it out to reveal)."
    )
    reveal: bool = Field(False, description="true: show the expected value (no more tries).")


class AnswerResult(BaseModel):
    path: str
    correct: bool
    attempts: int = Field(description="Values sent for this path on this network.")
    revealed: bool
    expected: float | None = Field(description="Only once right or revealed.")
    streak: int = Field(
        0, description="Right answers in a row to this question, across new numbers."
    )
    mastered: bool = Field(False, description="streak ≥ the activity's mastery (k).")
    diagnosis: Diagnosis | None = Field(
        None,
        description="A wrong value that matches a common mistake (computed from this "
        "network's own numbers) names it; null otherwise, and always for a right value.",
    )


class ExportedActivity(BaseModel):
    """A student's network for one activity."""

    activity: int = Field(description="The activity's number (1 for the first).")
    network_id: str
    updates: int | None = Field(description="Weight updates applied; null once deleted.")
    loss: float | None = Field(description="J over its stored dataset; null without one.")
    answers: AnswerProgress = Field(description="Answers to that activity's questions.")
    network: NetworkState | None = Field(description="null once the student deleted it.")


class ExportedStudent(BaseModel):
    student: Student
    network: NetworkState | None = Field(
        description="The current network (null once the student deleted it), as the last of "
        "`activities` also gives it."
    )
    activities: list[ExportedActivity] = Field(
        description="Every network the student had, one per activity they took part in, "
        "oldest first."
    )


class ClassExport(BaseModel):
    """GET /api/classes/{id}/export.json."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"class": {}, "activities": [], "students": []}}
    )

    class_: ClassInfo = Field(
        alias="class",
        description="The class as GET gives it, without the cards (they are in `students`).",
    )
    activities: list[dict[str, Any]] = Field(
        description="Every activity of the class as it was pushed, the first (number 1) first."
    )
    students: list[ExportedStudent]


class PlotDot(BaseModel):
    """One student's latest try at the question, without their name or their numbers."""

    error: float = Field(
        description="v − e: the value sent minus the number that was right on that "
        "student's own network when it was sent.",
        examples=[0.6028665],
    )
    allowed: float = Field(
        description="That try's tolerance, max(relative · |e|, absolute): the try is right "
        "exactly when |error| ≤ allowed, so error / allowed in [−1, 1] is the right band "
        "for every student, whatever their numbers.",
        examples=[0.000138498562],
    )
    correct: bool = Field(description="The server's verdict on the try.")
    diagnosis: DiagnosisCode | None = Field(
        description="The common mistake the try matched (app/classroom/diagnosis.py), or null."
    )


class AnswerPlot(BaseModel):
    """GET /api/classes/{id}/answers/{question}: the class's answers to one question, for
    the projector."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "question": 0,
                "path": "deltas[1][0][0]",
                "prompt": "δ of out1",
                "activity_number": 1,
                "students": 3,
                "tolerance": {"relative": 1e-3, "absolute": 1e-4},
                "dots": [
                    {
                        "error": -0.276997124,
                        "allowed": 0.000138498562,
                        "correct": False,
                        "diagnosis": "sign",
                    },
                    {"error": 1e-5, "allowed": 0.000138498562, "correct": True, "diagnosis": None},
                ],
            }
        }
    )

    question: int = Field(description="The question's index in the current activity (0, 1, …).")
    path: str
    prompt: str | None
    activity_number: int = Field(description="The current activity, whose questions these are.")
    students: int = Field(description="Students in the class (dots: those who tried).")
    tolerance: Tolerance
    dots: list[PlotDot] = Field(
        description="One per student who tried the question on their current network: "
        "their latest try, sorted by error / allowed (no order by student)."
    )


class TryView(BaseModel):
    """One value a student sent for a question."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "attempt": 1,
                "at": 1796117428.5,
                "value": 0.138498562,
                "expected": -0.13849856162855698,
                "correct": False,
                "diagnosis": {"code": "sign", "message": "Check the sign: δ = −∂J/∂net …"},
            }
        }
    )

    attempt: int = Field(description="1 for the first try at the question, then 2, 3, …")
    at: float = Field(description="Unix seconds when it was sent.")
    value: float = Field(description="The value sent.")
    expected: float | None = Field(
        description="The number that was right on the network when it was sent (null for "
        "a try of an earlier release)."
    )
    correct: bool
    diagnosis: Diagnosis | None = Field(description="The common mistake it matched, or null.")


class QuestionTries(BaseModel):
    path: str
    prompt: str | None
    state: QuestionState
    attempts: int = Field(description="Values sent (the first 100 are kept as tries).")
    streak: int = Field(description="Right answers in a row, across new numbers.")
    mastered: bool
    tries: list[TryView] = Field(description="Every try kept, oldest first.")


class StudentRef(BaseModel):
    student_id: str
    number: int
    name: str


class StudentRun(BaseModel):
    """GET /api/classes/{id}/students/{student_id}/run: what the teacher's read-only view
    of a student's run shows."""

    student: StudentRef
    activity_number: int = Field(description="The activity the current network was made from.")
    activity_title: str | None
    network: NetworkState = Field(description="The student's current network, as GET gives it.")
    history: HistoryResponse = Field(
        description="The states the network went through, as GET /api/networks/{id}/history "
        "gives them; GET …/students/{student_id}/history/{update} reads one."
    )
    questions: list[QuestionTries]


class TryExport(BaseModel):
    """One try, as GET /api/classes/{id}/tries.json lists them."""

    number: int = Field(description="The student's number (joining order).")
    name: str
    student_id: str
    activity: int
    question: int = Field(description="1 for the activity's first question.")
    path: str
    prompt: str | None
    attempt: int
    at: float = Field(description="Unix seconds.")
    value: float
    expected: float | None
    correct: bool
    diagnosis: DiagnosisCode | None


class TriesExport(BaseModel):
    """GET /api/classes/{id}/tries.json: every try kept, by activity, student, question and
    attempt."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "tries": [
                    {
                        "number": 1,
                        "name": "Ada",
                        "student_id": "j4m…",
                        "activity": 1,
                        "question": 1,
                        "path": "deltas[1][0][0]",
                        "prompt": "δ of out1",
                        "attempt": 1,
                        "at": 1796117428.5,
                        "value": 0.138498562,
                        "expected": -0.13849856162855698,
                        "correct": False,
                        "diagnosis": "sign",
                    }
                ]
            }
        }
    )

    tries: list[TryExport]
