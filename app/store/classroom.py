"""The classroom's tables, in the networks' own database (the SQLite file, or PostgreSQL):
classes, their activities, students, which network belongs to whom, answers, and
(app/events/) the events feed.

Everything a change implies is written in the transaction of the change: a step on a class
network updates the student's card row and publishes an event in the step's own transaction
(the store calls `before` and `after` below from inside it), so the dashboard, the events and
the networks never disagree, and a pause that the teacher saw acknowledged refuses every
later change, on every server: the check runs inside the write transaction, which on SQLite
runs alone (BEGIN IMMEDIATE), and on PostgreSQL holds a share lock on the class's row
(FOR SHARE), so the pause's UPDATE of that row waits for every change already past the check
and every later change waits for the pause, then sees it.

One copy of the SQL serves both backends (sqlite3's `?` placeholders; PostgreSQL's store
translates them); the store names what differs (`share_clause`, `lock`, `insert`). Where
SQLite's one writer at a time made a read-then-write safe, `lock` serialises the writers
that need it on PostgreSQL (class counts, student numbers, answer attempts).

Classes expire as networks do: a class unused for `expire_after` seconds (no teacher call,
no student request) is deleted, with its students, activities and answers, when classes
are next created.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from app.classroom.errors import LimitReached, Missing, Paused
from app.events import EventFeed
from app.store.base import Connection, SharedStore, StoredNetwork, StoreFull
from app.store.history import dataset_loss

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    join_code       TEXT NOT NULL UNIQUE,
    key_hash        TEXT NOT NULL,
    paused          INTEGER NOT NULL DEFAULT 0,
    activity_number INTEGER NOT NULL,
    spotlight       TEXT NOT NULL DEFAULT '[]',
    created_at      DOUBLE PRECISION NOT NULL,
    last_used       DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS activities (
    class_id TEXT NOT NULL,
    number   INTEGER NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (class_id, number)
);
CREATE TABLE IF NOT EXISTS students (
    id         TEXT PRIMARY KEY,
    class_id   TEXT NOT NULL,
    number     INTEGER NOT NULL,
    name       TEXT NOT NULL,
    key_hash   TEXT NOT NULL,
    network_id TEXT NOT NULL,
    updates    BIGINT NOT NULL DEFAULT 0,
    loss       DOUBLE PRECISION,
    losses     TEXT NOT NULL DEFAULT '[]',
    phase      TEXT NOT NULL DEFAULT 'idle',
    last_seen  DOUBLE PRECISION NOT NULL,
    UNIQUE (class_id, number)
);
CREATE UNIQUE INDEX IF NOT EXISTS students_key ON students (class_id, key_hash);
CREATE TABLE IF NOT EXISTS class_networks (
    network_id      TEXT PRIMARY KEY,
    class_id        TEXT NOT NULL,
    student_id      TEXT NOT NULL,
    activity_number INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS class_networks_student ON class_networks (student_id);
CREATE TABLE IF NOT EXISTS answers (
    network_id TEXT NOT NULL,
    path       TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    state      TEXT NOT NULL,
    expected   DOUBLE PRECISION,
    PRIMARY KEY (network_id, path)
);
"""
"""Column types both backends read alike (SQLite gives DOUBLE PRECISION its REAL affinity)."""
CLASS_COLUMNS = "id, title, join_code, key_hash, paused, activity_number, spotlight, last_used"
STUDENT_COLUMNS = "id, class_id, number, name, network_id, updates, loss, losses, phase, last_seen"
LOSSES_KEPT = 50
OUTSIDE_KEPT = 100_000
TOUCH_EVERY = 60.0


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


class TeacherChange:
    """A change the teacher makes to a student's network (a reset): a pause does not stop it,
    and the card goes back to idle."""

    def __init__(self, change: Callable[[StoredNetwork], Any]) -> None:
        self.change = change

    def __call__(self, network: StoredNetwork) -> Any:
        return self.change(network)


@dataclass(frozen=True)
class _Token:
    member: Membership
    updates: int
    by_teacher: bool


def _class(row: Any) -> ClassRow:
    """A row of CLASS_COLUMNS."""
    return ClassRow(
        row[0], row[1], row[2], row[3], bool(row[4]), int(row[5]), json.loads(row[6]), row[7]
    )


def _student(row: Any) -> StudentRow:
    """A row of STUDENT_COLUMNS."""
    return StudentRow(
        row[0],
        row[1],
        int(row[2]),
        row[3],
        row[4],
        int(row[5]),
        row[6],
        json.loads(row[7]),
        row[8],
        row[9],
    )


class ClassroomDB:
    def __init__(self, store: SharedStore, feed: EventFeed, expire_after: float = 0.0) -> None:
        self.store, self.feed, self.expire_after = store, feed, expire_after
        self._next_sweep = 0.0
        self._outside: set[str] = set()
        """Ids of networks in no class (see `membership`)."""
        store.create_tables(SCHEMA)
        store.hook = self

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.store.reading() as conn:
            yield conn

    # -- the store's hook: inside every change's transaction ---------------------------------
    def membership(
        self, conn: Connection, network_id: str, gate: bool = False
    ) -> Membership | None:
        """The network's class and student, or None. A network is made in a class or not,
        once and for all (a join or push inserts both in one transaction), so "in no class"
        is remembered: a step of such a network pays no query here. `gate`: in a write
        transaction that the pause must refuse, the class's row is read with the store's
        share lock."""
        if network_id in self._outside:
            return None
        row = conn.execute(
            "SELECT cn.class_id, cn.student_id, cn.activity_number, c.paused, "
            "s.network_id = cn.network_id FROM class_networks cn "
            "JOIN classes c ON c.id = cn.class_id JOIN students s ON s.id = cn.student_id "
            "WHERE cn.network_id = ?" + (self.store.share_clause if gate else ""),
            (network_id,),
        ).fetchone()
        if row is None:
            if len(self._outside) >= OUTSIDE_KEPT:
                self._outside.clear()
            self._outside.add(network_id)
            return None
        return Membership(row[0], row[1], row[2], bool(row[3]), bool(row[4]))

    def before(
        self, conn: Connection, network_id: str, updates: int, change: object
    ) -> _Token | None:
        member = self.membership(conn, network_id, gate=True)
        if member is None:
            return None
        teacher = isinstance(change, TeacherChange)
        if member.paused and not teacher:
            raise Paused()
        return _Token(member, updates, teacher)

    def after(self, conn: Connection, token: object, network: StoredNetwork | None) -> None:
        assert isinstance(token, _Token)
        member, now = token.member, time.time()
        if not member.current:
            conn.execute("UPDATE students SET last_seen = ? WHERE id = ?", (now, member.student_id))
            return
        if network is None:  # deleted
            updates, loss, phase, losses = 0, None, "edit", "[]"
        else:
            updates, loss = network.updates, dataset_loss(network)
            phase = "step" if network.updates > token.updates else "edit"
            if token.by_teacher:
                phase, losses = "idle", json.dumps([] if loss is None else [loss])
            else:
                (old,) = conn.execute(
                    "SELECT losses FROM students WHERE id = ?", (member.student_id,)
                ).fetchone()
                kept = json.loads(old)
                if loss is not None:
                    kept = [*kept, loss][-LOSSES_KEPT:]
                losses = json.dumps(kept)
        conn.execute(
            "UPDATE students SET updates = ?, loss = ?, losses = ?, phase = ?, last_seen = ? "
            "WHERE id = ?",
            (updates, loss, losses, phase, now, member.student_id),
        )
        kind = "reset" if token.by_teacher else "change"
        self.feed.publish(conn, member.class_id, kind, member.student_id)

    # -- classes -----------------------------------------------------------------------------
    def create_class(self, row: dict[str, Any], activity: str, max_classes: int) -> None:
        now = time.time()
        with self.store.writing() as conn:
            self.store.lock(conn, "classes")  # the count and the insert, one at a time
            if now >= self._next_sweep:
                self._sweep(conn, now)
            (count,) = conn.execute("SELECT COUNT(*) FROM classes").fetchone()
            if count >= max_classes:
                raise LimitReached(
                    "classes",
                    f"the server already holds its maximum of {max_classes} classes "
                    "(BACKPROP_MAX_CLASSES)",
                )
            conn.execute(
                "INSERT INTO classes (id, title, join_code, key_hash, activity_number, "
                "created_at, last_used) VALUES (?, ?, ?, ?, 1, ?, ?)",
                (row["id"], row["title"], row["join_code"], row["key_hash"], now, now),
            )
            conn.execute(
                "INSERT INTO activities (class_id, number, body) VALUES (?, 1, ?)",
                (row["id"], activity),
            )

    def code_taken(self, code: str) -> bool:
        with self._read() as conn:
            found = conn.execute("SELECT 1 FROM classes WHERE join_code = ?", (code,))
            return found.fetchone() is not None

    def _sweep(self, conn: Connection, now: float) -> None:
        """Delete classes nobody used for `expire_after` seconds, and what was theirs."""
        self._next_sweep = now + 60.0
        if not self.expire_after:
            return
        cutoff = now - self.expire_after
        conn.execute(
            "DELETE FROM classes WHERE last_used < ? AND NOT EXISTS (SELECT 1 FROM students s "
            "WHERE s.class_id = classes.id AND s.last_seen >= ?)",
            (cutoff, cutoff),
        )
        for table in ("activities", "students", "class_networks"):
            conn.execute(f"DELETE FROM {table} WHERE class_id NOT IN (SELECT id FROM classes)")
        conn.execute("DELETE FROM answers WHERE network_id NOT IN (SELECT id FROM networks)")

    def get_class(self, class_id: str) -> ClassRow:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {CLASS_COLUMNS} FROM classes WHERE id = ?", (class_id,)
            ).fetchone()
        if row is None:
            raise Missing("class_id", "no class has this id (it may have expired)")
        return _class(row)

    def class_by_code(self, code: str) -> ClassRow | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {CLASS_COLUMNS} FROM classes WHERE join_code = ?", (code,)
            ).fetchone()
        return None if row is None else _class(row)

    def touch(self, found: ClassRow) -> None:
        """Count a teacher's call as use (at most once a minute)."""
        now = time.time()
        if now - found.last_used > TOUCH_EVERY:
            with self.store.writing() as conn:
                conn.execute("UPDATE classes SET last_used = ? WHERE id = ?", (now, found.id))

    def activity(self, class_id: str, number: int) -> str:
        with self._read() as conn:
            row = conn.execute(
                "SELECT body FROM activities WHERE class_id = ? AND number = ?",
                (class_id, number),
            ).fetchone()
        if row is None:
            raise Missing("activity", f"the class has no activity {number}")
        return str(row[0])

    def set_paused(self, class_id: str, paused: bool) -> None:
        with self.store.writing() as conn:
            conn.execute(
                "UPDATE classes SET paused = ?, last_used = ? WHERE id = ?",
                (int(paused), time.time(), class_id),
            )
            self.feed.publish(conn, class_id, "pause" if paused else "resume")

    def set_spotlight(self, class_id: str, student_ids: list[str]) -> None:
        with self.store.writing() as conn:
            conn.execute(
                "UPDATE classes SET spotlight = ? WHERE id = ?", (json.dumps(student_ids), class_id)
            )
            self.feed.publish(conn, class_id, "spotlight")

    # -- students ----------------------------------------------------------------------------
    def students(self, class_id: str) -> list[StudentRow]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {STUDENT_COLUMNS} FROM students WHERE class_id = ? ORDER BY number",
                (class_id,),
            ).fetchall()
        return [_student(r) for r in rows]

    def student(self, student_id: str) -> StudentRow:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {STUDENT_COLUMNS} FROM students WHERE id = ?", (student_id,)
            ).fetchone()
        if row is None:
            raise Missing("student_id", "no student of this class has this id")
        return _student(row)

    def student_by_key(self, class_id: str, key_hash: str) -> StudentRow | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {STUDENT_COLUMNS} FROM students WHERE class_id = ? AND key_hash = ?",
                (class_id, key_hash),
            ).fetchone()
        return None if row is None else _student(row)

    def add_student(
        self,
        found: ClassRow,
        student_id: str,
        name: Callable[[int], str],
        key_hash: str,
        network: StoredNetwork,
        max_students: int,
    ) -> StudentRow | None:
        """Insert the student and their network; None if the class's activity changed since
        `found` was read (the caller builds the network again from the new one)."""
        now = time.time()
        with self.store.writing() as conn:
            self.store.lock(conn, f"class:{found.id}")  # numbers, the count, the activity
            (number, count, activity) = conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1, COUNT(*), (SELECT activity_number FROM "
                "classes WHERE id = ?) FROM students WHERE class_id = ?",
                (found.id, found.id),
            ).fetchone()
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
            self._insert_network(conn, network)
            loss = dataset_loss(network)
            conn.execute(
                "INSERT INTO students (id, class_id, number, name, key_hash, network_id, "
                "updates, loss, losses, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    student_id,
                    found.id,
                    number,
                    name(number),
                    key_hash,
                    network.id,
                    network.updates,
                    loss,
                    json.dumps([] if loss is None else [loss]),
                    now,
                ),
            )
            conn.execute(
                "INSERT INTO class_networks VALUES (?, ?, ?, ?)",
                (network.id, found.id, student_id, found.activity_number),
            )
            self.feed.publish(conn, found.id, "join", student_id)
            row = conn.execute(
                f"SELECT {STUDENT_COLUMNS} FROM students WHERE id = ?", (student_id,)
            ).fetchone()
        return _student(row)

    def seen(self, student: StudentRow) -> None:
        """A student came back (joined again)."""
        with self.store.writing() as conn:
            conn.execute(
                "UPDATE students SET last_seen = ? WHERE id = ?", (time.time(), student.id)
            )

    def _insert_network(self, conn: Connection, network: StoredNetwork) -> None:
        if not self.store.insert(conn, network):
            raise StoreFull(
                f"the server already holds its maximum of {self.store.max_networks} networks",
                setting="BACKPROP_MAX_NETWORKS",
            )

    def push_activity(
        self,
        found: ClassRow,
        activity: str,
        networks: dict[str, StoredNetwork],
    ) -> bool:
        """Activity `found.activity_number + 1`, with a new network for each student (by
        id). False, and nothing changed, if another push came first or a student joined
        since `found` and the students were read: the caller reads them again."""
        number, now = found.activity_number + 1, time.time()
        with self.store.writing() as conn:
            self.store.lock(conn, f"class:{found.id}")
            current = conn.execute(
                "SELECT activity_number FROM classes WHERE id = ?", (found.id,)
            ).fetchone()
            ids = {
                r[0]
                for r in conn.execute("SELECT id FROM students WHERE class_id = ?", (found.id,))
            }
            if current is None or current[0] != found.activity_number or ids != set(networks):
                return False
            conn.execute(
                "UPDATE classes SET activity_number = ?, last_used = ? WHERE id = ?",
                (number, now, found.id),
            )
            conn.execute("INSERT INTO activities VALUES (?, ?, ?)", (found.id, number, activity))
            for student_id, network in networks.items():
                self._insert_network(conn, network)
                loss = dataset_loss(network)
                conn.execute(
                    "UPDATE students SET network_id = ?, updates = ?, loss = ?, losses = ?, "
                    "phase = 'idle' WHERE id = ?",
                    (
                        network.id,
                        network.updates,
                        loss,
                        json.dumps([] if loss is None else [loss]),
                        student_id,
                    ),
                )
                conn.execute(
                    "INSERT INTO class_networks VALUES (?, ?, ?, ?)",
                    (network.id, found.id, student_id, number),
                )
            self.feed.publish(conn, found.id, "activity")
        return True

    def networks_of(self, student_id: str) -> list[tuple[str, int]]:
        """(network id, activity number) of every network the student had, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT network_id, activity_number FROM class_networks WHERE student_id = ? "
                "ORDER BY activity_number",
                (student_id,),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def member(self, network_id: str) -> Membership | None:
        with self._read() as conn:
            return self.membership(conn, network_id)

    def note_phase(self, network_id: str, phase: str) -> None:
        """forward or backward on a class network: the card shows it (only the student's
        current network; other networks write nothing)."""
        with self._read() as conn:
            member = self.membership(conn, network_id)
        if member is None or not member.current:
            return
        with self.store.writing() as conn:
            conn.execute(
                "UPDATE students SET phase = ?, last_seen = ? WHERE id = ?",
                (phase, time.time(), member.student_id),
            )
            self.feed.publish(conn, member.class_id, "change", member.student_id)

    # -- answers -----------------------------------------------------------------------------
    def answers(self, network_id: str) -> dict[str, AnswerRow]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT path, attempts, state, expected FROM answers WHERE network_id = ?",
                (network_id,),
            ).fetchall()
        return {r[0]: AnswerRow(r[0], r[1], r[2], r[3]) for r in rows}

    def answers_of(self, network_ids: list[str]) -> dict[str, dict[str, AnswerRow]]:
        """`answers` of many networks, in a query per 500 (a dashboard's every card)."""
        found: dict[str, dict[str, AnswerRow]] = {n: {} for n in network_ids}
        with self._read() as conn:
            for at in range(0, len(network_ids), 500):
                part = network_ids[at : at + 500]
                rows = conn.execute(
                    "SELECT network_id, path, attempts, state, expected FROM answers "
                    f"WHERE network_id IN ({','.join('?' * len(part))})",
                    part,
                ).fetchall()
                for r in rows:
                    found[r[0]][r[1]] = AnswerRow(r[1], r[2], r[3], r[4])
        return found

    def record_answer(
        self, network_id: str, path: str, decide: Callable[[AnswerRow | None], AnswerRow]
    ) -> AnswerRow:
        """Write the answer `decide` makes of the one stored (None the first time), in one
        transaction that a pause refuses; the card's progress follows in an event."""
        with self.store.writing() as conn:
            self.store.lock(conn, f"answer:{network_id}")  # attempts counted one at a time
            member = self.membership(conn, network_id, gate=True)
            if member is not None and member.paused:
                raise Paused()
            row = conn.execute(
                "SELECT path, attempts, state, expected FROM answers "
                "WHERE network_id = ? AND path = ?",
                (network_id, path),
            ).fetchone()
            new = decide(None if row is None else AnswerRow(*row))
            conn.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?) ON CONFLICT (network_id, path) DO "
                "UPDATE SET attempts = excluded.attempts, state = excluded.state, "
                "expected = excluded.expected",
                (network_id, path, new.attempts, new.state, new.expected),
            )
            if member is not None:
                conn.execute(
                    "UPDATE students SET last_seen = ? WHERE id = ?",
                    (time.time(), member.student_id),
                )
                if member.current:
                    self.feed.publish(conn, member.class_id, "answer", member.student_id)
        return new
