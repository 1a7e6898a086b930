"""The classroom's verbs: open a class, join it, read it, push an activity, pause, spotlight,
reset, answer, export. Each checks, then reads or writes through ClassroomDB (one
transaction per verb) and returns the JSON the contract (app/classroom/schemas.py) gives.
Networks are built by app/networks' `build` (the one that serves POST /api/networks), so a
student's network is checked exactly as any other; its refusals name the activity's fields.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app import nn, presets
from app.classroom import activity as act
from app.classroom import answers, diagnosis
from app.classroom.errors import Forbidden, Invalid, Mismatch, Missing, NotAuthorized, Paused
from app.classroom.schemas import Activity, AnswerRequest, ClassCreate, JoinRequest
from app.networks import edits, validate
from app.networks.errors import NetworkError
from app.schemas import NetworkCreate, engine_config
from app.store.base import NotFound, StoredNetwork
from app.store.classroom import (
    AnswerRow,
    ClassroomDB,
    ClassRow,
    StudentRow,
    TeacherChange,
    Try,
    VariantChange,
)
from app.store.history import dataset_loss

CSV_COLUMNS = (
    "number",
    "name",
    "activity",
    "activity_title",
    "network_id",
    "updates",
    "loss",
    "questions",
    "answers_tried",
    "answers_right",
    "answers_revealed",
)
RETRIES = 5
"""Times a join or push is tried again when the class changed under it."""


@dataclass(frozen=True)
class JoinLimits:
    max_students: int
    """Students one class may have."""
    max_networks: int
    """Networks one class may hold (students × activities)."""


class Classroom:
    def __init__(self, db: ClassroomDB, max_networks: int = 1000) -> None:
        self.db = db
        self.max_networks = max_networks
        """Networks one class may hold (students × activities)."""
        self.store = db.store

    @staticmethod
    def build(body: NetworkCreate) -> StoredNetwork:
        """edits.build, its refusals naming the activity's fields (`activity.layers`)."""
        try:
            return edits.build(body)
        except NetworkError as error:
            raise error.under("activity") from error

    # -- activities --------------------------------------------------------------------------
    def check_activity(self, activity: Activity) -> None:
        """Build the activity's network once (as the teacher wrote it) and check that every
        question names a number of it; Invalid naming the field otherwise."""
        network = self.build(act.network_body(activity, None, presets.get))
        if activity.questions and network.dataset is None:
            raise Mismatch("activity.dataset", "is required: questions are checked on it")
        if activity.per_student == "inputs" and network.dataset is None:
            raise Mismatch("activity.dataset", "is required for per_student 'inputs'")
        examples = 0 if network.dataset is None else len(network.dataset[0])
        for i, question in enumerate(activity.questions):
            answers.check(question.path, network.layers, examples, f"activity.questions[{i}].path")

    def student_network(
        self, found: ClassRow, number: int, student_id: str, body: str, variant: int = 0
    ) -> StoredNetwork:
        """The network a student starts activity `number` with (in `variant`, new numbers):
        same student and variant, same numbers."""
        activity = Activity.model_validate_json(body)
        seed = act.variant_seed(found.id, number, student_id, variant)
        return self.build(act.network_body(activity, seed, presets.get, variant > 0))

    def student_networks(
        self, found: ClassRow, number: int, student_ids: list[str], body: str
    ) -> dict[str, StoredNetwork]:
        """`student_network` of each student (by id), at the cost of about one: the activity
        is read once and, unless each student has inputs of their own, its examples are
        checked and converted once, for the first student, whose dataset the others share
        (the same arrays, so the store compresses them once)."""
        activity = Activity.model_validate_json(body)
        shared = activity.per_student != "inputs"
        networks: dict[str, StoredNetwork] = {}
        first: StoredNetwork | None = None
        for student_id in student_ids:
            seed = act.variant_seed(found.id, number, student_id, 0)
            examples = first is None or not shared
            network = self.build(act.network_body(activity, seed, presets.get, False, examples))
            if first is None:
                first = network
            elif shared:
                network.dataset, network.test = first.dataset, first.test
            networks[student_id] = network
            time.sleep(0)  # the worker's other requests take the GIL if they wait for it
        return networks

    def current_activity(self, found: ClassRow) -> Activity:
        return Activity.model_validate_json(self.db.activity(found.id, found.activity_number))

    # -- teacher -----------------------------------------------------------------------------
    def create(self, body: ClassCreate, max_classes: int, address: str = "") -> dict[str, Any]:
        """Open the class; it knows `address` (its teacher's) from the start."""
        self.check_activity(body.activity)
        class_id, key = act.new_id(), act.new_key()
        code = act.new_code()
        while self.db.code_taken(code):  # 887 million codes: a clash is rare
            code = act.new_code()
        self.db.create_class(
            {"id": class_id, "title": body.title, "join_code": code, "key_hash": act.key_hash(key)},
            body.activity.model_dump_json(exclude_unset=True),
            max_classes,
            act.address_hash(address) if address else "",
        )
        return {
            "id": class_id,
            "title": body.title,
            "join_code": code,
            "join_url": f"/join/{code}",
            "teacher_key": key,
            "teach_url": f"/teach/{class_id}",
        }

    def authorize(
        self, class_id: str, authorization: str | None, assistant: bool = False
    ) -> ClassRow:
        """The class, for its teacher's key; with `assistant`, a teaching assistant's key
        is taken too (what an assistant may do: watch, pause, resume, spotlight)."""
        return self.authorize_role(class_id, authorization, assistant)[0]

    def authorize_role(
        self, class_id: str, authorization: str | None, assistant: bool = True
    ) -> tuple[ClassRow, str]:
        """The class and who is calling: "teacher" or "assistant"."""
        found = self.db.get_class(class_id)
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise NotAuthorized(
                "authorization", "send the class's key as 'Authorization: Bearer <teacher_key>'"
            )
        if act.key_matches(key.strip(), found.key_hash):
            self.db.touch(found)
            return found, "teacher"
        if found.assistant_hash and act.key_matches(key.strip(), found.assistant_hash):
            if not assistant:
                raise Forbidden(
                    "authorization",
                    "a teaching assistant's key cannot do this; it takes the teacher's key",
                )
            return found, "assistant"
        raise Forbidden("authorization", "this is not this class's teacher key")

    def set_joining(self, found: ClassRow, joining: bool) -> dict[str, Any]:
        self.db.set_joining(found.id, joining)
        return {"joining": joining}

    def new_assistant_key(self, found: ClassRow) -> dict[str, Any]:
        """A teaching assistant's key (shown once; a new one replaces the last)."""
        key = act.new_key()
        self.db.set_assistant(found.id, act.key_hash(key))
        return {
            "assistant_key": key,
            "teach_url": f"/teach/{found.id}",
        }

    def remove(self, found: ClassRow, student_id: str) -> dict[str, Any]:
        self.student_of(found, student_id)
        self.db.remove_student(found.id, student_id)
        return {"removed": student_id}

    def class_state(self, found: ClassRow) -> dict[str, Any]:
        return {
            "paused": found.paused,
            "activity_number": found.activity_number,
            "spotlight": found.spotlight,
            "networks_left": max(0, self.max_networks - self.db.network_count(found.id)),
        }

    def info(self, found: ClassRow) -> dict[str, Any]:
        return {
            "id": found.id,
            "title": found.title,
            "join_code": found.join_code,
            "join_url": f"/join/{found.join_code}",
            "joining": found.joining,
            **self.class_state(found),
            "activity": self.current_activity(found).model_dump(mode="json", exclude_unset=True),
        }

    def snapshot(self, found: ClassRow, role: str = "teacher") -> dict[str, Any]:
        cards = self.cards(found)
        questions = self.current_activity(found).questions
        return {
            **self.info(found),
            "role": role,
            "students": cards,
            "diagnoses": diagnosis_counts(cards, questions),
        }

    def diagnoses(self, found: ClassRow) -> list[dict[str, Any]]:
        """The snapshot's `diagnoses`: the mistakes of the class, counted per question."""
        return diagnosis_counts(self.cards(found), self.current_activity(found).questions)

    def fresh_snapshot(self, class_id: str) -> dict[str, Any]:
        return self.snapshot(self.db.get_class(class_id))

    def card(
        self,
        student: StudentRow,
        activity: Activity | None = None,
        stored: dict[str, AnswerRow] | None = None,
    ) -> dict[str, Any]:
        """The student's card; `activity` (the current one) and `stored` (the network's
        answers) are read when not given."""
        if activity is None:
            activity = self.current_activity(self.db.get_class(student.class_id))
        if stored is None:
            stored = self.db.answers(student.network_id)
        network = self._network(student.network_id)
        return {
            "student_id": student.id,
            "number": student.number,
            "name": student.name,
            "network_id": student.network_id,
            "layers": [] if network is None else network.layers,
            "weights": [] if network is None else network.params.weights,
            "biases": [] if network is None else network.params.biases,
            "updates": student.updates,
            "loss": student.loss,
            "losses": student.losses,
            "phase": student.phase,
            "last_seen": student.last_seen,
            "answers": progress(stored, activity.questions, activity.mastery),
        }

    def cards(
        self, found: ClassRow, student_ids: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """The cards of these students of the class (None: of all), in joining order."""
        activity = self.current_activity(found)
        students = self.db.students(found.id, student_ids)
        stored = self.db.answers_of([s.network_id for s in students])
        return [self.card(s, activity, stored[s.network_id]) for s in students]

    def _network(self, network_id: str) -> StoredNetwork | None:
        try:
            return self.store.read(network_id)
        except NotFound:
            return None

    def push(self, found: ClassRow, activity: Activity) -> dict[str, Any]:
        max_networks = self.max_networks
        self.check_activity(activity)
        body = activity.model_dump_json(exclude_unset=True)
        for _ in range(RETRIES):
            number = found.activity_number + 1
            students = self.db.students(found.id)
            # refused before any network is built; checked again in the push's transaction
            self.db.check_room(found.id, len(students), max_networks, "activity")
            networks = self.student_networks(found, number, [s.id for s in students], body)
            if self.db.push_activity(found, body, networks, max_networks):
                break
            found = self.db.get_class(found.id)
        else:
            raise Mismatch("activity", "the class kept changing; try again")
        return self.snapshot(self.db.get_class(found.id))

    def pause(self, found: ClassRow, paused: bool) -> dict[str, Any]:
        self.db.set_paused(found.id, paused)
        return {"paused": paused}

    def spotlight(self, found: ClassRow, student_ids: list[str]) -> dict[str, Any]:
        mine = {s.id for s in self.db.students(found.id)}
        for i, student_id in enumerate(student_ids):
            if student_id not in mine:
                raise Mismatch(f"student_ids[{i}]", "no student of this class has this id")
        unique = list(dict.fromkeys(student_ids))
        self.db.set_spotlight(found.id, unique)
        return {"spotlight": unique}

    def reset(self, found: ClassRow, student_id: str) -> dict[str, Any]:
        student = self.student_of(found, student_id)
        number = next(n for nid, n in self.db.networks_of(student.id) if nid == student.network_id)
        fresh = self.student_network(found, number, student.id, self.db.activity(found.id, number))

        self.store.modify(student.network_id, TeacherChange(start_from(fresh)))
        return self.card(self.db.student(student.id))

    def projected(self, found: ClassRow, student_id: str) -> tuple[nn.Backward, bool]:
        """The backward pass of the student's current network on the first example of its
        dataset, for the projector, and whether the network has an L2 term. A read by the
        teacher: the student's card (what they did last, and when) stays as it was."""
        network = self.store.read(self.student_of(found, student_id).network_id)
        if network.dataset is None:
            raise Mismatch("dataset", "the student's network has no examples to pass forward")
        x, y = network.dataset
        config = engine_config(network.settings)
        return nn.backward(network.params, config, x[:1], y[:1]), network.settings.l2 > 0

    def student_of(self, found: ClassRow, student_id: str) -> StudentRow:
        try:
            student = self.db.student(student_id)
        except Missing:
            student = None
        if student is None or student.class_id != found.id:
            raise Missing("student_id", "no student of this class has this id")
        return student

    def activities(self, found: ClassRow) -> list[Activity]:
        """Every activity of the class, the first (number 1) first."""
        return [
            Activity.model_validate_json(self.db.activity(found.id, number))
            for number in range(1, found.activity_number + 1)
        ]

    def worksheets(self, found: ClassRow) -> dict[str, Any]:
        """Per student of the class (joining order), their current network's numbers, its
        examples and the activity's questions, with the answer key (the expected number of
        each question on that student's own network). For the teacher only."""
        activity = self.current_activity(found)
        sheets = []
        for student in self.db.students(found.id):
            network = self._network(student.network_id)
            if network is None:
                continue  # deleted by the student: nothing to print
            x, y = network.dataset if network.dataset is not None else ([], [])
            key: list[float | None] = [None] * len(activity.questions)
            if network.dataset is not None and activity.questions:
                config = engine_config(network.settings)
                result = nn.backward(network.params, config, *network.dataset)
                key = [
                    answers.value_in(network.params, result, answers.parse(q.path))
                    for q in activity.questions
                ]
            settings = network.settings
            sheets.append(
                {
                    "student_id": student.id,
                    "number": student.number,
                    "name": student.name,
                    "layers": network.layers,
                    "hidden_activation": settings.hidden_activation,
                    "output_activation": settings.output_activation,
                    "learning_rate": settings.learning_rate,
                    "reduction": settings.reduction,
                    "weights": network.params.weights,
                    "biases": network.params.biases,
                    "x": x,
                    "y": y,
                    "answers": key,
                }
            )
        return {
            "title": found.title,
            "activity_number": found.activity_number,
            "activity_title": activity.title,
            "questions": [{"path": q.path, "prompt": q.prompt} for q in activity.questions],
            "students": sheets,
        }

    def export_rows(self, found: ClassRow) -> list[dict[str, Any]]:
        """Per student, in joining order: the card, and every network they had, one per
        activity, oldest first: {activity (its number), network_id, network (None once
        deleted), updates, loss (J on its dataset), answers (as a card's)}."""
        activities = self.activities(found)
        rows = []
        for card in self.cards(found):
            owned = self.db.networks_of(card["student_id"])
            stored = self.db.answers_of([network_id for network_id, _ in owned])
            done = []
            for network_id, number in owned:
                network = self._network(network_id)
                done.append(
                    {
                        "activity": number,
                        "network_id": network_id,
                        "network": network,
                        "updates": None if network is None else network.updates,
                        "loss": None if network is None else dataset_loss(network),
                        "answers": progress(
                            stored[network_id],
                            activities[number - 1].questions,
                            activities[number - 1].mastery,
                        ),
                    }
                )
            rows.append({"student": card, "activities": done})
        return rows

    def export_csv(self, found: ClassRow) -> str:
        """CSV_COLUMNS, one row per student and activity: by activity, then by student."""
        titles = [activity.title or "" for activity in self.activities(found)]
        lines = [
            (done["activity"], row["student"]["number"], row["student"], done)
            for row in self.export_rows(found)
            for done in row["activities"]
        ]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for number, _, card, done in sorted(lines, key=lambda line: line[:2]):
            answers = done["answers"]
            writer.writerow(
                [
                    card["number"],
                    spreadsheet_text(card["name"]),
                    number,
                    spreadsheet_text(titles[number - 1]),
                    done["network_id"],
                    "" if done["updates"] is None else done["updates"],
                    "" if done["loss"] is None else repr(done["loss"]),
                    answers["total"],
                    answers["tried"],
                    answers["right"],
                    answers["revealed"],
                ]
            )
        return out.getvalue()

    # -- students ----------------------------------------------------------------------------
    def join(
        self,
        body: JoinRequest,
        limits: JoinLimits,
        address: str = "",
        known_only: bool = False,
        before_new: Callable[[str], None] = lambda class_id: None,
    ) -> tuple[dict[str, Any], bool] | None:
        """The joined student and whether they are new; None for an unknown code, and, when
        `known_only` (the address used up its allowance of unknown codes), for a class that
        does not know `address` either, so a guesser learns nothing more from a refusal.
        `before_new(class_id)` runs before a new student is added (a limit may refuse)."""
        found = self.db.class_by_code(act.normal_code(body.code))
        if found is None:
            return None
        if body.student_key:
            student = self.db.student_by_key(found.id, act.key_hash(body.student_key))
            if student is not None:
                self.db.seen(student)
                return self.joined(found, student, body.student_key), False
            if self.db.was_removed(found.id, act.key_hash(body.student_key)):
                raise Forbidden("student_key", "the teacher removed this student from the class")
        hashed = act.address_hash(address) if address else ""
        if known_only and not self.db.knows(found.id, hashed):
            return None
        if not found.joining:
            raise Forbidden("code", "the teacher has closed joining this class")
        act.student_name(body.name, 1)  # refuse a bad name before any work
        before_new(found.id)
        key = act.new_key()
        for _ in range(RETRIES):
            student_id = act.new_id()
            body_json = self.db.activity(found.id, found.activity_number)
            network = self.student_network(found, found.activity_number, student_id, body_json)
            student = self.db.add_student(
                found,
                student_id,
                lambda number: act.student_name(body.name, number),
                act.key_hash(key),
                network,
                limits.max_students,
                limits.max_networks,
                hashed,
            )
            if student is not None:
                return self.joined(found, student, key), True
            found = self.db.get_class(found.id)
        raise Mismatch("code", "the class kept changing; try again")

    def joined(self, found: ClassRow, student: StudentRow, key: str) -> dict[str, Any]:
        return {
            "student_id": student.id,
            "student_key": key,
            "name": student.name,
            "class_id": found.id,
            "class_title": found.title,
            "network_id": student.network_id,
            "network": self.store.read(student.network_id),
        }

    def _membership(self, network_id: str) -> tuple[ClassRow, StudentRow, int]:
        member = self.db.member(network_id)
        if member is None:
            raise Missing("id", "this network is in no class")
        return (
            self.db.get_class(member.class_id),
            self.db.student(member.student_id),
            member.activity_number,
        )

    def student_view(self, network_id: str) -> dict[str, Any]:
        self.store.read(network_id)  # NotFound (404) first for a network that is gone
        found, student, number = self._membership(network_id)
        activity = Activity.model_validate_json(self.db.activity(found.id, number))
        stored = self.db.answers(network_id)
        questions = []
        for q in activity.questions:
            row = stored.get(answers_key(q.path))
            state = "open" if row is None else row.state
            questions.append(
                {
                    "path": q.path,
                    "prompt": q.prompt,
                    "state": state,
                    "attempts": 0 if row is None else row.attempts,
                    "expected": None if row is None or state == "open" else row.expected,
                    "streak": 0 if row is None else row.streak,
                    "mastered": mastered(row, activity.mastery),
                }
            )
        return {
            "class_title": found.title,
            "student_name": student.name,
            "paused": found.paused,
            "lock": activity.lock,
            "activity_number": number,
            "activity_title": activity.title,
            "mastery": activity.mastery,
            "variant": self.db.variant(network_id),
            "current_network_id": student.network_id,
            "earlier_network_ids": [
                nid for nid, _ in self.db.networks_of(student.id) if nid != student.network_id
            ],
            "questions": questions,
        }

    def student_class_state(self, class_id: str, student_id: str) -> dict[str, Any]:
        found, student = self.db.get_class(class_id), self.db.student(student_id)
        activity = self.current_activity(found)
        return {
            "paused": found.paused,
            "activity_number": found.activity_number,
            "current_network_id": student.network_id,
            "lock": activity.lock,
        }

    def membership_of(self, network_id: str) -> tuple[str, str]:
        """(class id, student id) of a class network; Missing otherwise."""
        self.store.read(network_id)
        member = self.db.member(network_id)
        if member is None:
            raise Missing("id", "this network is in no class")
        return member.class_id, member.student_id

    def lock_of(self, network_id: str) -> list[str]:
        """The locks of the activity a network was made from ([] outside a class)."""
        member = self.db.member(network_id)
        if member is None:
            return []
        body = self.db.activity(member.class_id, member.activity_number)
        return list(Activity.model_validate_json(body).lock)

    def note_phase(self, network_id: str, phase: str) -> None:
        self.db.note_phase(network_id, phase)

    def check_patch(self, network_id: str, fields: dict[str, Any]) -> None:
        if fields:
            act.refuse_locked(self.lock_of(network_id), fields)

    def check_fork(self, network_id: str, fields: dict[str, Any]) -> None:
        """A fork of a class network (`fields`: the setting it changes) is refused while the
        class is paused, and when the activity locks the settings: a copy with another η
        would step around the lock."""
        member = self.db.member(network_id)
        if member is None:
            return
        if member.paused:
            raise Paused()
        if "settings" in self.lock_of(network_id):
            raise Forbidden(
                next(iter(fields), "body"), "locked by the teacher: this network cannot be forked"
            )

    def answer(
        self,
        network_id: str,
        body: AnswerRequest,
        max_paths: int = 20,
    ) -> dict[str, Any]:
        """Check the answer: a backward pass over the stored dataset, so first the work
        bound of POST …/backward (a refusal naming `dataset`). Kept for later (attempts,
        the card's progress): an answer to a question of the network's activity, or,
        outside a class, to one of the first `max_paths` paths the network was asked
        about; any other is checked and not kept, so the answers table grows only with
        what the activities ask."""
        if body.value is None and not body.reveal:
            raise Invalid("value", "is required unless reveal is true")
        network = self.store.get(network_id)
        if network.dataset is None:
            raise Mismatch(
                "path", "answers are checked on the stored dataset; this network has none"
            )
        x, y = network.dataset
        parsed = answers.check(body.path, network.layers, len(x))
        # the backward pass, and for a value, the diagnosis's at most one pass more
        validate.work(network.layers, len(x), passes=2 if body.reveal else 3, field="dataset")
        config = engine_config(network.settings)
        result = nn.backward(network.params, config, x, y)
        target = answers.value_in(network.params, result, parsed)
        activity = self._activity_of(network_id)
        tolerance = (
            Activity.model_fields["tolerance"].get_default(call_default_factory=True)
            if activity is None
            else activity.tolerance
        )
        mastery = None if activity is None else activity.mastery
        asked = None if activity is None else {answers_key(q.path) for q in activity.questions}
        bounds = (tolerance.relative, tolerance.absolute)
        correct = body.value is not None and answers.is_right(body.value, target, *bounds)
        found = None
        if body.value is not None and not body.reveal:
            found = diagnosis.diagnose(
                network.params, config, result, y, parsed, body.value, bounds
            )
        code = None if found is None else found.code

        def decide(old: AnswerRow | None) -> AnswerRow:
            attempts, state, shown, streak = (
                (0, "open", None, 0)
                if old is None
                else (old.attempts, old.state, old.expected, old.streak)
            )
            if body.reveal:
                if state == "open":  # shown, not found: mastery starts again
                    state, shown, streak = "revealed", target, 0
            else:
                attempts += 1
                if state == "open":  # a try on closed numbers counts for nothing
                    streak = streak + 1 if correct else 0
                    if correct:
                        state, shown = "right", target
            return AnswerRow(answers_key(body.path), attempts, state, shown, code, streak)

        tried = None
        if body.value is not None and not body.reveal:
            tried = Try(body.value, correct, code, target)
        row = self.db.record_answer(
            network_id, answers_key(body.path), decide, asked, max_paths, tried
        )
        return {
            "path": body.path,
            "correct": correct and not body.reveal,
            "attempts": row.attempts,
            "revealed": row.state == "revealed",
            "expected": row.expected if row.state != "open" else None,
            "streak": row.streak,
            "mastered": mastered(row, mastery),
            "diagnosis": None if found is None else {"code": found.code, "message": found.message},
        }

    def _activity_of(self, network_id: str) -> Activity | None:
        """The activity the network was made from; None outside a class."""
        member = self.db.member(network_id)
        if member is None:
            return None
        return Activity.model_validate_json(
            self.db.activity(member.class_id, member.activity_number)
        )

    def new_numbers(self, network_id: str) -> dict[str, Any]:
        """The student's current network on new numbers (the next variant, drawn from the
        class, the activity, the student and the variant's number): its questions open
        again; right answers in a row are kept. Refused while paused; only for the
        network of the class's current activity."""
        self.store.read(network_id)
        found, student, number = self._membership(network_id)
        if student.network_id != network_id:
            raise Mismatch("id", "only the network of the current activity gets new numbers")
        variant = self.db.variant(network_id) + 1
        body = self.db.activity(found.id, number)
        fresh = self.student_network(found, number, student.id, body, variant)
        self.store.modify(network_id, VariantChange(start_from(fresh), variant))
        return self.student_view(network_id)


def start_from(fresh: StoredNetwork) -> Callable[[StoredNetwork], None]:
    """The change that puts a network at `fresh`'s numbers, no update made (a reset, a
    variant): its settings, seed, weights and examples."""

    def change(network: StoredNetwork) -> None:
        network.settings, network.seed = fresh.settings, fresh.seed
        network.params, network.dataset, network.updates = fresh.params, fresh.dataset, 0
        network.test = fresh.test

    return change


def mastered(row: AnswerRow | None, mastery: int | None) -> bool:
    """k right answers in a row, k the activity's `mastery` (none without one)."""
    return row is not None and mastery is not None and row.streak >= mastery


def progress(
    stored: dict[str, AnswerRow], questions: list[Any], mastery: int | None = None
) -> dict[str, Any]:
    """A card's `answers`: how far the student is with the activity's questions."""
    states = [stored.get(answers_key(q.path)) for q in questions]
    current = next((i for i, row in enumerate(states) if row is None or row.state == "open"), None)
    return {
        "total": len(questions),
        "right": sum(1 for r in states if r is not None and r.state == "right"),
        "revealed": sum(1 for r in states if r is not None and r.state == "revealed"),
        "tried": sum(r.attempts for r in states if r is not None),
        "current": current,
        "mastery": mastery,
        "mastered": [
            answers_key(q.path)
            for q, r in zip(questions, states, strict=True)
            if mastered(r, mastery)
        ],
        "diagnoses": {
            r.path: r.diagnosis
            for r in states
            if r is not None and r.state == "open" and r.diagnosis is not None
        },
    }


def diagnosis_counts(cards: list[dict[str, Any]], questions: list[Any]) -> list[dict[str, Any]]:
    """Per question, how many students' latest try matched each mistake (open questions)."""
    counted = []
    for q in questions:
        counts: dict[str, int] = {}
        for card in cards:
            code = card["answers"]["diagnoses"].get(answers_key(q.path))
            if code is not None:
                counts[code] = counts.get(code, 0) + 1
        counted.append({"path": q.path, "prompt": q.prompt, "counts": counts})
    return counted


def answers_key(path: str) -> str:
    """How a path is stored: without spaces, so `deltas[1][0][0]` is one question."""
    return path.replace(" ", "")


def spreadsheet_text(text: str) -> str:
    """A name as text in a spreadsheet: one starting with = + - @ would be read as a
    formula, so it gets a leading apostrophe (the spreadsheet's own 'this is text')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
