"""The classroom's tables in the networks' own database (docs/storage.md): classes, their
activities, students, whose each network is, answers. What a change implies is written in
its own transaction (the store's hook), so the dashboard, the events and the networks never
disagree, and an acknowledged pause refuses every later change on every server (`membership`).
Where SQLite's one writer makes a read, then a write safe, the store's `lock` serialises
PostgreSQL's. Classes unused for `expire_after` seconds go at the next class created."""

from __future__ import annotations

import contextlib
import json
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

from app.classroom.errors import LimitReached, Missing, Paused
from app.events import EventFeed
from app.store import rows
from app.store.base import StoredNetwork, StoreUnavailable
from app.store.core import Store
from app.store.sql import Conn, in_parts

LOSSES_KEPT = 50
OUTSIDE_KEPT = 100_000
TOUCH_EVERY = 60.0
PUSH_BATCH = 5
"""Students' new networks a push writes per transaction (see `push_activity`): the lock every
network creation takes is held through each one's statements (on PostgreSQL a round trip
each), so the batch bounds another writer's wait (docs/benchmarks.md, bench/push_wait.py)."""

TRIES_KEPT = 100
"""Tries kept per question and network (each with its value and diagnosis): the rest are
counted, not kept, so a script sending answers cannot grow the table without bound."""


@dataclass(frozen=True)
class ClassRow:
    id: str
    title: str
    join_code: str
    key_hash: str
    paused: bool
    activity_number: int
    spotlight: list[str]
    last_used: float
    joining: bool = True
    """Whether the code admits new students (students already in always come back)."""
    assistant_hash: str | None = None
    """sha256 of the teaching assistant's key, if the teacher made one."""


@dataclass(frozen=True)
class StudentRow:
    id: str
    class_id: str
    number: int
    name: str
    network_id: str
    updates: int
    loss: float | None
    losses: list[float]
    phase: str
    last_seen: float


@dataclass(frozen=True)
class Membership:
    """Whose a network is: the class, the student, the activity it was made from."""

    class_id: str
    student_id: str
    activity_number: int
    paused: bool
    current: bool
    """True for the student's network of the class's current activity."""


@dataclass(frozen=True)
class AnswerRow:
    path: str
    attempts: int
    state: str
    expected: float | None
    diagnosis: str | None = None
    """The mistake the latest try matched (app/classroom/diagnosis.py), None if none."""
    streak: int = 0
    """Right answers in a row, across the network's variants (a wrong try or a reveal: 0)."""


@dataclass(frozen=True)
class Try:
    """One value sent for a question: right or not, the mistake it matched, and the number
    that was right when it was sent (None for a try of an earlier release)."""

    value: float
    correct: bool
    diagnosis: str | None
    expected: float | None = None


@dataclass(frozen=True)
class TryRow(Try):
    """A stored try: its number among the question's tries (1, 2, …) and when (Unix time)."""

    attempt: int = 0
    at: float = 0.0


class TeacherChange:
    """A change the teacher makes to a student's network (a reset): a pause does not stop it,
    and the card goes back to idle."""

    def __init__(self, change: Callable[[StoredNetwork], Any]) -> None:
        self.change = change

    def __call__(self, network: StoredNetwork) -> Any:
        return self.change(network)


class _Stale(Exception):
    """The class changed while a push wrote its networks: the caller reads it again."""


class VariantChange(TeacherChange):
    """New numbers for a student's current network, asked by the student: a pause stops it
    (as any change of theirs); the network's questions open again, their streaks kept."""

    def __init__(self, change: Callable[[StoredNetwork], Any], variant: int) -> None:
        super().__init__(change)
        self.variant = variant


@dataclass(frozen=True)
class _Token:
    member: Membership
    updates: int
    by_teacher: bool
    variant: int | None = None


R = TypeVar("R", ClassRow, StudentRow, AnswerRow)
LOAD: dict[str, Callable[[Any], Any]] = {"bool": bool, "int": int}
LOAD |= {"list[str]": json.loads, "list[float]": json.loads}
"""How a column becomes its field, by the field's type (the rest as read)."""


def columns(cls: type[R]) -> str:
    """The columns of a row dataclass: its fields, in order."""
    return ", ".join(f.name for f in fields(cls))


def load(cls: type[R], row: Any) -> R:
    """A row of `columns(cls)`: flags as bool, lists from their JSON."""
    pairs = zip(fields(cls), row, strict=True)
    return cls(*(LOAD[str(f.type)](v) if str(f.type) in LOAD else v for f, v in pairs))


def _card(network: StoredNetwork) -> dict[str, Any]:
    """A new network's card: its J, computed before the transaction (`store.stage`)."""
    losses = json.dumps([] if network.loss is None else [network.loss])
    return dict(network_id=network.id, updates=network.updates, loss=network.loss, losses=losses)


MEMBERSHIP = (
    "SELECT cn.class_id, cn.student_id, cn.activity_number, c.paused, "
    "s.network_id = cn.network_id FROM class_networks cn "
    "JOIN classes c ON c.id = cn.class_id JOIN students s ON s.id = cn.student_id "
    "WHERE cn.network_id = :id"
)
NEXT_STUDENT = (
    "SELECT COALESCE(MAX(number), 0) + 1, COUNT(*), "
    "(SELECT activity_number FROM classes WHERE id = :id) FROM students WHERE class_id = :id"
)
SWEEP = (
    "DELETE FROM classes WHERE last_used < :cutoff AND NOT EXISTS "
    "(SELECT 1 FROM students s WHERE s.class_id = classes.id AND s.last_seen >= :cutoff)"
)
TRY_COLUMNS = "value, correct, diagnosis, expected, attempt, at"


def _try(row: Any) -> TryRow:
    """A row of TRY_COLUMNS."""
    return TryRow(row[0], bool(row[1]), row[2], row[3], int(row[4]), float(row[5]))


REOPEN = (
    "UPDATE answers SET state = 'open', expected = NULL, diagnosis = NULL WHERE network_id = :id"
)


class ClassroomDB:
    def __init__(self, store: Store, feed: EventFeed, expire_after: float = 0.0) -> None:
        self.store, self.feed, self.expire_after = store, feed, expire_after
        self._next_sweep = 0.0
        self._outside: set[str] = set()
        """Ids of networks in no class (see `membership`)."""
        store.hook = self

    def _all(self, sql: str, /, **params: Any) -> list[Any]:
        """Rows read in one statement."""
        with self.store.reading() as conn:
            return conn.all(sql, **params)

    def _rows(self, cls: type[R], table: str, where: str, **params: Any) -> list[R]:
        """The rows of `table` that match, as `cls` (its fields are the columns read)."""
        return [
            load(cls, r)
            for r in self._all(f"SELECT {columns(cls)} FROM {table} WHERE {where}", **params)
        ]

    # -- the store's hook: inside every change's transaction ---------------------------------
    def membership(self, conn: Conn, network_id: str, gate: bool = False) -> Membership | None:
        """The network's class and student, or None. A network is made in a class or not,
        once and for all (a join or push inserts both in one transaction), so "in no class"
        is remembered: a step of such a network pays no query here. `gate`: in a write
        transaction that the pause must refuse, the class's row is read share-locked, so
        the pause's UPDATE of it waits for this transaction, and a later one for the pause."""
        if network_id in self._outside:
            return None
        row = conn.one(MEMBERSHIP + (" {lock:FOR SHARE OF c}" if gate else ""), id=network_id)
        if row is None:
            if len(self._outside) >= OUTSIDE_KEPT:
                self._outside.clear()
            self._outside.add(network_id)
            return None
        return Membership(row[0], row[1], row[2], bool(row[3]), bool(row[4]))

    def before(self, conn: Conn, network_id: str, updates: int, change: object) -> _Token | None:
        member = self.membership(conn, network_id, gate=True)
        if member is None:
            return None
        variant = change.variant if isinstance(change, VariantChange) else None
        teacher = isinstance(change, TeacherChange)
        if member.paused and (not teacher or variant is not None):
            raise Paused()
        return _Token(member, updates, teacher, variant)

    def after(self, conn: Conn, token: object, network: StoredNetwork | None) -> None:
        """The card follows the change, with the J the store computed for the history."""
        assert isinstance(token, _Token)
        member = token.member
        if token.variant is not None and network is not None:
            variant = dict(network_id=network.id, variant=token.variant)
            conn.update("class_networks", variant, key="network_id")
            conn.run(REOPEN, id=network.id)
        card: dict[str, Any] = dict(id=member.student_id, last_seen=time.time())
        if not member.current:
            conn.update("students", card)
            return
        if network is None:  # deleted
            card |= dict(updates=0, loss=None, losses="[]", phase="edit")
        elif token.by_teacher:
            card |= _card(network) | dict(phase="idle")
        else:
            sql = "SELECT losses FROM students WHERE id = :id"
            losses = json.loads(conn.one(sql, id=member.student_id)[0])
            if network.loss is not None:
                losses = [*losses, network.loss][-LOSSES_KEPT:]
            phase = "step" if network.updates > token.updates else "edit"
            card |= dict(updates=network.updates, loss=network.loss, losses=json.dumps(losses))
            card |= dict(phase=phase)
        conn.update("students", card)
        kind = "reset" if token.by_teacher else "change"
        self.feed.publish(conn, member.class_id, kind, member.student_id)

    # -- classes -----------------------------------------------------------------------------
    def create_class(
        self, row: dict[str, Any], activity: str, max_classes: int, address: str = ""
    ) -> None:
        now = time.time()
        with self.store.writing() as conn:
            self.store.lock(conn, "classes")  # the count and the insert, one at a time
            if now >= self._next_sweep:
                self._sweep(conn, now)
            (count,) = conn.one("SELECT COUNT(*) FROM classes")
            if count >= max_classes:
                raise LimitReached(
                    "classes",
                    f"the server already holds its maximum of {max_classes} classes "
                    "(BACKPROP_MAX_CLASSES)",
                )
            made = {k: row[k] for k in ("id", "title", "join_code", "key_hash")}
            made |= dict(activity_number=1, created_at=now)
            conn.insert("classes", made | dict(last_used=now))
            conn.insert("activities", dict(class_id=row["id"], number=1, body=activity))
            if address:
                conn.insert("class_addresses", dict(class_id=row["id"], address=address))

    def code_taken(self, code: str) -> bool:
        return bool(self._all("SELECT 1 FROM classes WHERE join_code = :code", code=code))

    def _sweep(self, conn: Conn, now: float) -> None:
        """Delete classes nobody used for `expire_after` seconds, and what was theirs."""
        self._next_sweep = now + 60.0
        if not self.expire_after:
            return
        conn.run(SWEEP, cutoff=now - self.expire_after)
        tables = ("activities", "students", "class_networks", "class_addresses", "removed_students")
        for table in tables:
            conn.run(f"DELETE FROM {table} WHERE class_id NOT IN (SELECT id FROM classes)")
        for table in ("answers", "answer_tries"):
            conn.run(f"DELETE FROM {table} WHERE network_id NOT IN (SELECT id FROM networks)")

    def get_class(self, class_id: str) -> ClassRow:
        for found in self._rows(ClassRow, "classes", "id = :id", id=class_id):
            return found
        raise Missing("class_id", "no class has this id (it may have expired)")

    def class_by_code(self, code: str) -> ClassRow | None:
        return next(iter(self._rows(ClassRow, "classes", "join_code = :code", code=code)), None)

    def knows(self, class_id: str, address: str) -> bool:
        """Whether the class was opened, or joined by a new student, from this address."""
        sql = "SELECT 1 FROM class_addresses WHERE class_id = :id AND address = :address"
        return bool(self._all(sql, id=class_id, address=address))

    def network_count(self, class_id: str) -> int:
        """The networks the class holds: one per student and activity they had."""
        sql = "SELECT COUNT(*) FROM class_networks WHERE class_id = :id"
        return int(self._all(sql, id=class_id)[0][0])

    def touch(self, found: ClassRow) -> None:
        """Count a teacher's call as use (at most once a minute)."""
        now = time.time()
        if now - found.last_used > TOUCH_EVERY:
            with self.store.writing() as conn:
                conn.update("classes", dict(id=found.id, last_used=now))

    def activity(self, class_id: str, number: int) -> str:
        sql = "SELECT body FROM activities WHERE class_id = :id AND number = :number"
        for (body,) in self._all(sql, id=class_id, number=number):
            return str(body)
        raise Missing("activity", f"the class has no activity {number}")

    def set_paused(self, class_id: str, paused: bool) -> None:
        with self.store.writing() as conn:
            conn.update("classes", dict(id=class_id, paused=int(paused), last_used=time.time()))
            self.feed.publish(conn, class_id, "pause" if paused else "resume")

    def set_joining(self, class_id: str, joining: bool) -> None:
        with self.store.writing() as conn:
            conn.update("classes", dict(id=class_id, joining=int(joining), last_used=time.time()))
            self.feed.publish(conn, class_id, "joining")

    def set_assistant(self, class_id: str, key_hash: str) -> None:
        with self.store.writing() as conn:
            conn.update("classes", dict(id=class_id, assistant_hash=key_hash))

    def was_removed(self, class_id: str, key_hash: str) -> bool:
        sql = "SELECT 1 FROM removed_students WHERE class_id = :id AND key_hash = :key"
        return bool(self._all(sql, id=class_id, key=key_hash))

    def remove_student(self, class_id: str, student_id: str) -> None:
        """The student, every network they had, their answers: gone in one transaction, so
        every worker's next request with their network ids finds nothing (a cached network
        is used only while the database still holds its version); their key is kept, to
        refuse their coming back."""
        with self.store.writing() as conn:
            self.store.lock(conn, f"class:{class_id}")
            row = conn.one(
                "SELECT key_hash FROM students WHERE id = :id AND class_id = :class_id",
                id=student_id,
                class_id=class_id,
            )
            if row is None:
                raise Missing("student_id", "no student of this class has this id")
            owned = "IN (SELECT network_id FROM class_networks WHERE student_id = :id)"
            for table in ("answers", "answer_tries"):
                conn.run(f"DELETE FROM {table} WHERE network_id {owned}", id=student_id)
            conn.run(f"DELETE FROM networks WHERE id {owned}", id=student_id)
            conn.run("DELETE FROM class_networks WHERE student_id = :id", id=student_id)
            conn.run("DELETE FROM students WHERE id = :id", id=student_id)
            conn.insert("removed_students", dict(class_id=class_id, key_hash=row[0]))
            self.feed.publish(conn, class_id, "remove", student_id)

    def set_spotlight(self, class_id: str, student_ids: list[str]) -> None:
        with self.store.writing() as conn:
            conn.update("classes", dict(id=class_id, spotlight=json.dumps(student_ids)))
            self.feed.publish(conn, class_id, "spotlight")

    # -- students ----------------------------------------------------------------------------
    def students(self, class_id: str, ids: Iterable[str] | None = None) -> list[StudentRow]:
        """The class's students in joining order; with `ids`, only those (a live update
        concerns a few students, and reading the whole class for them grows with its size)."""
        if ids is None:
            return self._rows(StudentRow, "students", "class_id = :id ORDER BY number", id=class_id)
        found = []
        for marks, params in in_parts("s", list(ids)):
            where = f"class_id = :id AND id IN ({marks})"
            found += self._rows(StudentRow, "students", where, id=class_id, **params)
        return sorted(found, key=lambda s: s.number)

    def student(self, student_id: str) -> StudentRow:
        for found in self._rows(StudentRow, "students", "id = :id", id=student_id):
            return found
        raise Missing("student_id", "no student of this class has this id")

    def student_by_key(self, class_id: str, key_hash: str) -> StudentRow | None:
        found = self._rows(
            StudentRow, "students", "class_id = :id AND key_hash = :key", id=class_id, key=key_hash
        )
        return next(iter(found), None)

    def add_student(
        self,
        found: ClassRow,
        student_id: str,
        name: Callable[[int], str],
        key_hash: str,
        network: StoredNetwork,
        max_students: int,
        max_networks: int,
        address: str = "",
    ) -> StudentRow | None:
        """Insert the student and their network; None if the class's activity changed since
        `found` was read (the caller builds the network again from the new one). A name
        another student of the class already has (compared as `same_name` does) gets the
        first free number: "Ada (2)". The class then knows `address`."""
        now, staged = time.time(), self.store.stage(network)
        with self.store.writing() as conn:
            self.store.lock(conn, f"class:{found.id}")  # numbers, the count, the activity
            number, count, activity = conn.one(NEXT_STUDENT, id=found.id)
            if activity is None:
                raise Missing("code", "no class has this code")
            if activity != found.activity_number:
                return None
            if count >= max_students:
                raise LimitReached(
                    "students",
                    f"the class already has its maximum of {max_students} students "
                    "(BACKPROP_MAX_STUDENTS_PER_CLASS)",
                )
            self.check_room(found.id, 1, max_networks, "code", conn)
            self.store.insert(conn, network, staged)
            owner = dict(network_id=network.id, class_id=found.id, student_id=student_id)
            conn.insert("class_networks", owner | dict(activity_number=found.activity_number))
            taken = conn.all("SELECT name FROM students WHERE class_id = :id", id=found.id)
            unique = numbered(name(number), {same_name(n) for (n,) in taken})
            student = dict(id=student_id, class_id=found.id, number=number, name=unique)
            student |= dict(key_hash=key_hash, last_seen=now, **_card(network))
            conn.insert("students", student)
            if address:
                known = dict(class_id=found.id, address=address)
                conn.insert("class_addresses", known, keys=("class_id", "address"))
            self.feed.publish(conn, found.id, "join", student_id)
        return self.student(student_id)

    def seen(self, student: StudentRow) -> None:
        """A student came back (joined again)."""
        with self.store.writing() as conn:
            conn.update("students", dict(id=student.id, last_seen=time.time()))

    def check_room(
        self, class_id: str, more: int, max_networks: int, field: str, conn: Conn | None = None
    ) -> None:
        """LimitReached naming `field` unless the class can hold `more` networks (read on
        `conn`, else on a connection of its own): a class's networks (students × activities)
        stay within `max_networks`, so no one class, its joins and its pushes can fill the
        server's cap."""
        if conn is None:
            with self.store.reading() as conn:
                return self.check_room(class_id, more, max_networks, field, conn)
        sql = "SELECT COUNT(*) FROM class_networks WHERE class_id = :id"
        (count,) = conn.one(sql, id=class_id)
        if count + more > max_networks:
            raise LimitReached(
                field,
                f"the class is full: it holds {count:,} networks (one per student and "
                f"activity) and this would add {more:,}, over its maximum of "
                f"{max_networks:,} (BACKPROP_MAX_CLASS_NETWORKS)",
            )

    def push_activity(
        self,
        found: ClassRow,
        activity: str,
        networks: dict[str, StoredNetwork],
        max_networks: int,
    ) -> bool:
        """Activity `found.activity_number + 1`, with a new network for each student (by
        id). False, and nothing changed, if another push came first or a student joined
        since `found` and the students were read: the caller reads them again.

        The networks are written PUSH_BATCH to a transaction, belonging to no class yet (no
        one knows their ids), then one short transaction makes them the students' and the
        activity the class's: no transaction holds the write lock for more than a batch,
        however large the class. If the push does not happen, they are deleted (or, if the
        server dies first, expire unused)."""
        number, now = found.activity_number + 1, time.time()
        staged, encoded = {}, {}  # each distinct dataset compressed once (students share one)
        for student_id, network in networks.items():
            key = (id(network.dataset), id(network.test))
            if key not in encoded:
                encoded[key] = rows.encode_dataset(network.dataset, network.test)
            staged[student_id] = self.store.stage(network, encoded[key])
            time.sleep(0)  # the worker's other requests take the GIL if they wait for it
        items, written = list(networks.items()), []
        try:
            for at in range(0, len(items), PUSH_BATCH):
                with self.store.writing() as conn:
                    for student_id, network in items[at : at + PUSH_BATCH]:
                        self.store.insert(conn, network, staged[student_id])
                written += [network.id for _, network in items[at : at + PUSH_BATCH]]
            with self.store.writing() as conn:
                self.store.lock(conn, f"class:{found.id}")
                sql = "SELECT activity_number FROM classes WHERE id = :id"
                current = conn.one(sql, id=found.id)
                ids = conn.all("SELECT id FROM students WHERE class_id = :id", id=found.id)
                if current != (found.activity_number,) or {i for (i,) in ids} != set(networks):
                    raise _Stale
                self.check_room(found.id, len(networks), max_networks, "activity", conn)
                conn.update("classes", dict(id=found.id, activity_number=number, last_used=now))
                conn.insert("activities", dict(class_id=found.id, number=number, body=activity))
                with pipelined(conn):
                    for student_id, network in items:
                        owner: dict[str, Any] = dict(class_id=found.id, student_id=student_id)
                        owner["activity_number"] = number
                        conn.insert("class_networks", dict(network_id=network.id, **owner))
                        card = dict(id=student_id, phase="idle", **_card(network))
                        conn.update("students", card)
                self.feed.publish(conn, found.id, "activity")
        except BaseException as error:
            self._discard(written)
            if isinstance(error, _Stale):
                return False
            raise
        return True

    def _discard(self, network_ids: list[str]) -> None:
        """Delete networks a push wrote and did not give (best effort: else they expire)."""
        with contextlib.suppress(StoreUnavailable):
            for marks, ids in in_parts("id", network_ids, PUSH_BATCH):
                with self.store.writing() as conn:
                    conn.run(f"DELETE FROM networks WHERE id IN ({marks})", **ids)

    def variant(self, network_id: str) -> int:
        """Which numbers the network has: 0 the activity's own, then 1, 2… (new numbers)."""
        sql = "SELECT variant FROM class_networks WHERE network_id = :id"
        for (variant,) in self._all(sql, id=network_id):
            return int(variant)
        raise Missing("id", "this network is in no class")

    def networks_of(self, student_id: str) -> list[tuple[str, int]]:
        """(network id, activity number) of every network the student had, oldest first."""
        sql = (
            "SELECT network_id, activity_number FROM class_networks WHERE student_id = :id "
            "ORDER BY activity_number"
        )
        return [(r[0], r[1]) for r in self._all(sql, id=student_id)]

    def member(self, network_id: str) -> Membership | None:
        if network_id in self._outside:  # known to be in no class: no connection needed
            return None
        with self.store.reading() as conn:
            return self.membership(conn, network_id)

    def note_phase(self, network_id: str, phase: str) -> None:
        """forward or backward on a class network: the card shows it (only the student's
        current network; other networks write nothing)."""
        member = self.member(network_id)
        if member is None or not member.current:
            return
        with self.store.writing() as conn:
            conn.update("students", dict(id=member.student_id, phase=phase, last_seen=time.time()))
            self.feed.publish(conn, member.class_id, "change", member.student_id)

    # -- answers -----------------------------------------------------------------------------
    def tries(self, network_id: str) -> dict[str, list[TryRow]]:
        """Every value sent for each question of the network, by path, in order."""
        sql = f"SELECT path, {TRY_COLUMNS} FROM answer_tries WHERE network_id = :id"
        found: dict[str, list[TryRow]] = {}
        for row in self._all(sql + " ORDER BY path, attempt", id=network_id):
            found.setdefault(row[0], []).append(_try(row[1:]))
        return found

    def latest_tries(self, network_ids: list[str], path: str) -> dict[str, TryRow]:
        """Each network's latest kept try at `path` (networks without one are left out), in
        a query per 500 networks; the primary key finds each network's latest."""
        found: dict[str, TryRow] = {}
        for marks, ids in in_parts("id", network_ids):
            sql = (
                f"SELECT t.network_id, {TRY_COLUMNS} FROM answer_tries t WHERE t.path = :path "
                f"AND t.network_id IN ({marks}) AND t.attempt = (SELECT MAX(attempt) FROM "
                "answer_tries l WHERE l.network_id = t.network_id AND l.path = :path)"
            )
            for row in self._all(sql, path=path, **ids):
                found[row[0]] = _try(row[1:])
        return found

    def answers(self, network_id: str) -> dict[str, AnswerRow]:
        return self.answers_of([network_id])[network_id]

    def answers_of(self, network_ids: list[str]) -> dict[str, dict[str, AnswerRow]]:
        """The answers of each network, in a query per 500 (a dashboard's every card)."""
        found: dict[str, dict[str, AnswerRow]] = {n: {} for n in network_ids}
        for marks, ids in in_parts("id", network_ids):
            sql = f"SELECT network_id, {columns(AnswerRow)} FROM answers WHERE "
            for r in self._all(sql + f"network_id IN ({marks})", **ids):
                found[r[0]][r[1]] = AnswerRow(*r[1:])
        return found

    def record_answer(
        self,
        network_id: str,
        path: str,
        decide: Callable[[AnswerRow | None], AnswerRow],
        asked: set[str] | None = None,
        max_paths: int = 20,
        tried: Try | None = None,
    ) -> AnswerRow:
        """Write the answer `decide` makes of the one stored (None the first time), and the
        try (None for a reveal) as attempt number `attempts` (the first TRIES_KEPT of each
        question), in one transaction that a pause refuses; the card's progress follows in
        an event. Written only for a path in `asked` (the activity's questions), or, when
        `asked` is None, a path already stored or one of the network's first `max_paths`;
        otherwise only decided, so one network's answers stay bounded."""
        with self.store.writing() as conn:
            self.store.lock(conn, f"answer:{network_id}")  # attempts counted one at a time
            member = self.membership(conn, network_id, gate=True)
            if member is not None and member.paused:
                raise Paused()
            row = conn.one(
                f"SELECT {columns(AnswerRow)} FROM answers WHERE network_id = :id AND path = :path",
                id=network_id,
                path=path,
            )
            new = decide(None if row is None else AnswerRow(*row))
            if asked is not None:
                keep = path in asked
            else:
                sql = "SELECT COUNT(*) FROM answers WHERE network_id = :id"
                keep = row is not None or conn.one(sql, id=network_id)[0] < max_paths
            if not keep:
                return new
            conn.insert(
                "answers", dict(network_id=network_id, **asdict(new)), ("network_id", "path")
            )
            if tried is not None and new.attempts <= TRIES_KEPT:
                at = dict(network_id=network_id, path=path, attempt=new.attempts, at=time.time())
                conn.insert("answer_tries", at | asdict(tried) | dict(correct=int(tried.correct)))
            if member is not None:
                conn.update("students", dict(id=member.student_id, last_seen=time.time()))
                if member.current:
                    self.feed.publish(conn, member.class_id, "answer", member.student_id)
        return new


def pipelined(conn: Conn) -> contextlib.AbstractContextManager[Any]:
    """On PostgreSQL, statements whose results nobody reads sent without waiting for each
    answer (psycopg's pipeline mode): a push's 2 per student in one round trip, not 300."""
    if conn.dialect.name == "postgres":
        return conn.raw.pipeline()  # type: ignore[no-any-return]
    return contextlib.nullcontext()


def same_name(name: str) -> str:
    """What two names are compared as: NFKC (compatibility forms and full-width letters as
    their plain ones) and case-folded, so "Ada", "ADA" and "Ａｄａ" are one name on the cards."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def numbered(name: str, taken: set[str]) -> str:
    """`name`, or "name (2)", "name (3)"… the first that no name in `taken` (as `same_name`
    gives them) already is."""
    if same_name(name) not in taken:
        return name
    k = 2
    while same_name(f"{name} ({k})") in taken:
        k += 1
    return f"{name} ({k})"
