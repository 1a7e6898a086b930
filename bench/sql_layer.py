"""What SQLAlchemy Core would cost a Play request: the store's statements of one Play tick run
through the raw driver (sqlite3, psycopg) and through SQLAlchemy Core, against the whole
request's cost.

A Play tick is POST …/step {"epochs": 5} on XOR 2-2-1 with its 4 examples. Its statements,
as the store runs them: the cache check (a read), then one write transaction: the version
check, the UPDATE of the weights, the history's INSERT … SELECT and, for a class network,
the classroom hook's (the student's class and pause gate, the card's losses, the card's
UPDATE and the event). Each side runs them on the same database, one held connection for
reads and one for writes (no pool checkouts: those would only add to SQLAlchemy's side), in
rounds that alternate raw, Core, text(); the table gives the median over rounds of this
process's CPU per tick. SQLAlchemy's side is its documented way: Table metadata and Core
constructs built once (its compiled cache on), and `text()` with named parameters.

The request's cost is measured first, in the same run, as bench.route_cost measures it: a
uvicorn server's CPU per call over sequential calls (plus PostgreSQL's own processes on that
backend) on a network of the same shape, once a student's network in a class, once a
network in none. The last column is what Core adds to a Play request: (Core − raw) ÷ request.

    .venv/bin/python -m bench.sql_layer [--ticks 2000] [--rounds 9] [--requests 2000]
        [--backend sqlite postgres]

SQLAlchemy is in the `bench` extra (pip install -e '.[bench]'); the app does not use it.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import sqlalchemy as sa

from bench.route_cost import cpu_per_call
from bench.server import Postgres, Server, command_line, machine, post_json, table

PLAY = orjson.dumps({"epochs": 5})


@dataclass
class Target:
    """A network in the database, and where its history and card stand."""

    network_id: str
    student_id: str | None
    class_id: str | None
    seq: int
    version: int
    updates: int
    losses: list[float] = field(default_factory=list)


# -- the statements, as SQL text (the raw driver) ---------------------------------------------
CHECK = "SELECT version, last_used FROM networks WHERE id = {p}"
VERSION = "SELECT version FROM networks WHERE id = {p}{for_update}"
MEMBER = (
    "SELECT cn.class_id, cn.student_id, cn.activity_number, c.paused, "
    "s.network_id = cn.network_id FROM class_networks cn JOIN classes c ON c.id = cn.class_id "
    "JOIN students s ON s.id = cn.student_id WHERE cn.network_id = {p}{for_share}"
)
SAVE = (
    "UPDATE networks SET params = {p}, updates = {p}, version = {p}, last_used = {p}, "
    "history_head = {p}, history_tip = {p} WHERE id = {p}"
)
HISTORY = (
    "INSERT INTO history (network_id, seq, updates, kind, loss, params, config) "
    "SELECT {p}, {p}, {p}, {p}, {p}, {p}, config FROM history WHERE network_id = {p} AND seq = {p}"
)
LOSSES = "SELECT losses FROM students WHERE id = {p}"
CARD = (
    "UPDATE students SET updates = {p}, loss = {p}, losses = {p}, phase = {p}, last_seen = {p} "
    "WHERE id = {p}"
)
EVENT = {
    "sqlite": "INSERT INTO events (class_id, student_id, kind, at) VALUES (?, ?, ?, ?)",
    "postgres": "SELECT pg_notify('backprop_events', json_build_array(nextval('class_events'), "
    "%s::text, %s::text, %s::text)::text)",
}


def raw_sql(backend: str) -> dict[str, str]:
    """Each statement in the driver's own form: SQLite's `?`, psycopg's `%s`, and the row
    locks PostgreSQL takes (SQLite's write transaction runs alone)."""
    tokens = (
        {"p": "?", "for_update": "", "for_share": ""}
        if backend == "sqlite"
        else {"p": "%s", "for_update": " FOR UPDATE", "for_share": " FOR SHARE OF c"}
    )
    texts = {"check": CHECK, "version": VERSION, "member": MEMBER, "save": SAVE}
    texts |= {"history": HISTORY, "losses": LOSSES, "card": CARD}
    return {name: text.format(**tokens) for name, text in texts.items()} | {"event": EVENT[backend]}


# -- the same statements in SQLAlchemy Core ----------------------------------------------------
meta = sa.MetaData()
networks = sa.Table(
    "networks",
    meta,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("params", sa.LargeBinary),
    sa.Column("updates", sa.BigInteger),
    sa.Column("version", sa.BigInteger),
    sa.Column("last_used", sa.Double),
    sa.Column("history_head", sa.BigInteger),
    sa.Column("history_tip", sa.BigInteger),
)
history = sa.Table(
    "history",
    meta,
    sa.Column("network_id", sa.Text),
    sa.Column("seq", sa.BigInteger),
    sa.Column("updates", sa.BigInteger),
    sa.Column("kind", sa.Text),
    sa.Column("loss", sa.Double),
    sa.Column("params", sa.LargeBinary),
    sa.Column("config", sa.BigInteger),
)
classes = sa.Table(
    "classes", meta, sa.Column("id", sa.Text, primary_key=True), sa.Column("paused", sa.Integer)
)
students = sa.Table(
    "students",
    meta,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("network_id", sa.Text),
    sa.Column("updates", sa.BigInteger),
    sa.Column("loss", sa.Double),
    sa.Column("losses", sa.Text),
    sa.Column("phase", sa.Text),
    sa.Column("last_seen", sa.Double),
)
class_networks = sa.Table(
    "class_networks",
    meta,
    sa.Column("network_id", sa.Text, primary_key=True),
    sa.Column("class_id", sa.Text),
    sa.Column("student_id", sa.Text),
    sa.Column("activity_number", sa.Integer),
)
events = sa.Table(
    "events",
    meta,
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("class_id", sa.Text),
    sa.Column("student_id", sa.Text),
    sa.Column("kind", sa.Text),
    sa.Column("at", sa.Double),
)
B = sa.bindparam
CORE: dict[str, Any] = {
    "check": sa.select(networks.c.version, networks.c.last_used).where(networks.c.id == B("id")),
    "version": sa.select(networks.c.version).where(networks.c.id == B("id")).with_for_update(),
    "member": sa.select(
        class_networks.c.class_id,
        class_networks.c.student_id,
        class_networks.c.activity_number,
        classes.c.paused,
        students.c.network_id == class_networks.c.network_id,
    )
    .select_from(
        class_networks.join(classes, classes.c.id == class_networks.c.class_id).join(
            students, students.c.id == class_networks.c.student_id
        )
    )
    .where(class_networks.c.network_id == B("id"))
    .with_for_update(read=True, of=classes),
    "save": networks.update()
    .where(networks.c.id == B("nid"))
    .values(
        params=B("p"),
        updates=B("u"),
        version=B("v"),
        last_used=B("t"),
        history_head=B("h"),
        history_tip=B("h"),
    ),
    "history": history.insert().from_select(
        ["network_id", "seq", "updates", "kind", "loss", "params", "config"],
        sa.select(
            B("nid", type_=sa.Text),
            B("s", type_=sa.BigInteger),
            B("u", type_=sa.BigInteger),
            B("k", type_=sa.Text),
            B("l", type_=sa.Double),
            B("p", type_=sa.LargeBinary),
            history.c.config,
        ).where(history.c.network_id == B("nid"), history.c.seq == B("prev")),
    ),
    "losses": sa.select(students.c.losses).where(students.c.id == B("sid")),
    "card": students.update()
    .where(students.c.id == B("sid"))
    .values(updates=B("u"), loss=B("l"), losses=B("ls"), phase=B("ph"), last_seen=B("t")),
    "event sqlite": events.insert().values(
        class_id=B("c"), student_id=B("sid"), kind=B("k"), at=B("t")
    ),
    "event postgres": sa.select(
        sa.func.pg_notify(
            "backprop_events",
            sa.cast(
                sa.func.json_build_array(
                    sa.func.nextval("class_events"),
                    sa.cast(B("c"), sa.Text),
                    sa.cast(B("k"), sa.Text),
                    sa.cast(B("sid"), sa.Text),
                ),
                sa.Text,
            ),
        )
    ),
}
TEXT = {  # SQLAlchemy's text(): named parameters it compiles to the driver's style
    "check": "SELECT version, last_used FROM networks WHERE id = :id",
    "version": "SELECT version FROM networks WHERE id = :id{for_update}",
    "member": MEMBER.replace("{p}", ":id"),
    "save": "UPDATE networks SET params = :p, updates = :u, version = :v, last_used = :t, "
    "history_head = :h, history_tip = :h WHERE id = :nid",
    "history": "INSERT INTO history (network_id, seq, updates, kind, loss, params, config) "
    "SELECT :nid, :s, :u, :k, :l, :p, config FROM history WHERE network_id = :nid AND seq = :prev",
    "losses": "SELECT losses FROM students WHERE id = :sid",
    "card": "UPDATE students SET updates = :u, loss = :l, losses = :ls, phase = :ph, "
    "last_seen = :t WHERE id = :sid",
    "event sqlite": "INSERT INTO events (class_id, student_id, kind, at) VALUES (:c, :sid, :k, :t)",
    "event postgres": "SELECT pg_notify('backprop_events', json_build_array("
    "nextval('class_events'), CAST(:c AS TEXT), CAST(:k AS TEXT), CAST(:sid AS TEXT))::text)",
}


def text_statements(backend: str) -> dict[str, Any]:
    locks = {"for_update": "", "for_share": ""}
    if backend == "postgres":
        locks = {"for_update": " FOR UPDATE", "for_share": " FOR SHARE OF c"}
    return {name: sa.text(sql.format(**locks)) for name, sql in TEXT.items()}


# -- one tick's values, the same for every side ------------------------------------------------
@dataclass
class Tick:
    params: bytes
    updates: int
    version: int
    seq: int
    loss: float
    losses: str
    now: float


def next_tick(target: Target, rng: np.random.Generator) -> Tick:
    target.seq += 1
    target.version += 1
    target.updates += 5
    loss = float(rng.uniform(0.1, 0.3))
    target.losses = [*target.losses, loss][-50:]
    weights = rng.normal(size=9).astype("<f8").tobytes()
    return Tick(
        weights, target.updates, target.version, target.seq, loss, json.dumps(target.losses),
        time.time(),
    )  # fmt: skip


# -- the three sides ---------------------------------------------------------------------------
class Raw:
    """sqlite3 or psycopg, as the store uses them."""

    def __init__(self, backend: str, where: str) -> None:
        self.backend, self.sql = backend, raw_sql(backend)
        if backend == "sqlite":
            self.read_conn = self.write_conn = sqlite3.connect(where, isolation_level=None)
            self.read_conn.execute("PRAGMA journal_mode = WAL")
            self.read_conn.execute("PRAGMA synchronous = FULL")
        else:
            import psycopg

            self.read_conn = psycopg.connect(where, autocommit=True)
            self.write_conn = psycopg.connect(where, autocommit=True)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        conn = self.write_conn
        if self.backend == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        else:
            with conn.transaction():
                yield conn

    def tick(self, t: Target, v: Tick) -> None:
        s, nid = self.sql, t.network_id
        self.read_conn.execute(s["check"], (nid,)).fetchone()
        with self.transaction() as conn:
            assert conn.execute(s["version"], (nid,)).fetchone()[0] == v.version - 1
            if t.student_id:
                conn.execute(s["member"], (nid,)).fetchone()
            conn.execute(s["save"], (v.params, v.updates, v.version, v.now, v.seq, v.seq, nid))
            conn.execute(s["history"], (nid, v.seq, v.updates, "step", v.loss, v.params, nid,
                                        v.seq - 1))  # fmt: skip
            if t.student_id:
                conn.execute(s["losses"], (t.student_id,)).fetchone()
                conn.execute(s["card"], (v.updates, v.loss, v.losses, "step", v.now, t.student_id))
                event = (t.class_id, t.student_id, "change")
                conn.execute(s["event"], (*event, v.now) if self.backend == "sqlite" else event)

    def close(self) -> None:
        self.read_conn.close()
        if self.write_conn is not self.read_conn:
            self.write_conn.close()


class Alchemy:
    """SQLAlchemy Core on the same driver: Core constructs, or text()."""

    def __init__(self, backend: str, where: str, statements: dict[str, Any]) -> None:
        self.backend = backend
        self.stmt = {k: v for k, v in statements.items() if not k.startswith("event")}
        self.stmt["event"] = statements[f"event {backend}"]
        if backend == "sqlite":
            engine = sa.create_engine(f"sqlite:///{where}")

            @sa.event.listens_for(engine, "connect")
            def connect(dbapi: Any, _: Any) -> None:
                dbapi.isolation_level = None  # we BEGIN ourselves: IMMEDIATE, as the store
                dbapi.execute("PRAGMA synchronous = FULL")

            @sa.event.listens_for(engine, "begin")
            def begin(conn: Any) -> None:
                if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            engine = sa.create_engine(where.replace("postgresql://", "postgresql+psycopg://"))
        self.engine = engine
        self.reader = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.writer = engine.connect()

    def tick(self, t: Target, v: Tick) -> None:
        s, nid, w = self.stmt, t.network_id, self.writer
        self.reader.execute(s["check"], {"id": nid}).fetchone()
        with w.begin():
            assert w.execute(s["version"], {"id": nid}).scalar_one() == v.version - 1
            if t.student_id:
                w.execute(s["member"], {"id": nid}).fetchone()
            w.execute(s["save"], {"nid": nid, "p": v.params, "u": v.updates, "v": v.version,
                                  "t": v.now, "h": v.seq})  # fmt: skip
            w.execute(s["history"], {"nid": nid, "s": v.seq, "u": v.updates, "k": "step",
                                     "l": v.loss, "p": v.params, "prev": v.seq - 1})  # fmt: skip
            if t.student_id:
                w.execute(s["losses"], {"sid": t.student_id}).fetchone()
                w.execute(s["card"], {"u": v.updates, "l": v.loss, "ls": v.losses, "ph": "step",
                                      "t": v.now, "sid": t.student_id})  # fmt: skip
                w.execute(s["event"], {"c": t.class_id, "sid": t.student_id, "k": "change",
                                       "t": v.now})  # fmt: skip

    def close(self) -> None:
        self.reader.close()
        self.writer.close()
        self.engine.dispose()


# -- the measurement ---------------------------------------------------------------------------
def prepare(server: Server, database: Callable[[], float] | None, n: int) -> dict[str, Any]:
    """A class network and a network in none, made through the API; each one's Play request
    cost (µs of CPU, the app's and the database's)."""
    url = server.url
    made = json.loads(
        post_json(url + "/api/classes", b'{"title": "Bench", "activity": {"preset": "xor"}}')
    )
    joined = json.loads(post_json(url + "/api/join", orjson.dumps({"code": made["join_code"]})))
    alone = json.loads(post_json(url + "/api/networks", b'{"preset": "xor"}'))["id"]
    cost = {}
    for name, network_id in (("class", joined["network_id"]), ("alone", alone)):
        app, db = cpu_per_call(
            server, "POST", f"/api/networks/{network_id}/step", PLAY, n, database
        )
        cost[name] = app + db
    return {
        "cost": cost,
        "class": (joined["network_id"], joined["student_id"], made["id"]),
        "alone": alone,
    }


def where_it_stands(backend: str, where: str, network_id: str) -> tuple[int, int, int, str]:
    """(seq, version, updates, losses) of the network, read before the sides take turns."""
    query = (
        "SELECT n.history_head, n.version, n.updates, COALESCE((SELECT s.losses FROM students s "
        "WHERE s.network_id = n.id), '[]') FROM networks n WHERE n.id = {p}"
    )
    if backend == "sqlite":
        with sqlite3.connect(where) as conn:
            row = conn.execute(query.format(p="?"), (network_id,)).fetchone()
    else:
        import psycopg

        with psycopg.connect(where) as conn:
            row = conn.execute(query.format(p="%s"), (network_id,)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2]), str(row[3])


def measure(backend: str, where: str, targets: list[Target], ticks: int, rounds: int) -> dict:
    sides: dict[str, Any] = {
        "raw": Raw(backend, where),
        "Core": Alchemy(backend, where, CORE),
        "text()": Alchemy(backend, where, text_statements(backend)),
    }
    rng = np.random.default_rng(0)
    spent: dict[tuple[str, str], list[float]] = {}
    try:
        for side in sides.values():  # warm up: connections, SQLAlchemy's compiled cache
            for target in targets:
                for _ in range(50):
                    side.tick(target, next_tick(target, rng))
        for _ in range(rounds):
            for target in targets:
                kind = "class" if target.student_id else "alone"
                for name, side in sides.items():
                    values = [next_tick(target, rng) for _ in range(ticks)]
                    began = time.process_time()
                    for v in values:
                        side.tick(target, v)
                    used = (time.process_time() - began) / ticks * 1e6
                    spent.setdefault((kind, name), []).append(used)
    finally:
        for side in sides.values():
            side.close()
    return {key: statistics.median(values) for key, values in spent.items()}


def run(backend: str, args: argparse.Namespace) -> list[list[str]]:
    with contextlib_postgres(backend) as pg, tempfile.TemporaryDirectory() as folder:
        env = {"BACKPROP_DATABASE_URL": pg.url} if pg else {}
        database = Path(folder) / "bench.sqlite3"
        with Server(env=env, database=database) as server:
            made = prepare(server, pg.cpu_seconds if pg else None, args.requests)
        where = pg.url if pg else str(database)
        targets = []
        for network_id, student_id, class_id in (made["class"], (made["alone"], None, None)):
            seq, version, updates, losses = where_it_stands(backend, where, network_id)
            targets.append(
                Target(network_id, student_id, class_id, seq, version, updates, json.loads(losses))
            )
        medians = measure(backend, where, targets, args.ticks, args.rounds)
    rows = []
    for kind, label in (("class", "a student's network"), ("alone", "a network in no class")):
        raw, core, text = (medians[(kind, name)] for name in ("raw", "Core", "text()"))
        request = made["cost"][kind]
        rows.append([
            backend, label, f"{request:.0f}", f"{raw:.0f}", f"{core:.0f}", f"{text:.0f}",
            f"{core - raw:.0f}", f"{(core - raw) / request:.1%}", f"{(text - raw) / request:.1%}",
        ])  # fmt: skip
    return rows


@contextmanager
def contextlib_postgres(backend: str) -> Iterator[Postgres | None]:
    if backend == "postgres":
        with Postgres() as pg:
            yield pg
    else:
        yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ticks", type=int, default=2000, help="ticks per side per round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=2000, help="Play requests timed")
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    args = parser.parse_args()
    header = [
        "backend", "Play tick on", "request µs", "raw µs", "Core µs", "text() µs",
        "Core − raw µs", "Core adds", "text() adds",
    ]  # fmt: skip
    rows: list[list[str]] = []
    for backend in args.backend:
        rows += run(backend, args)
        print(table(header, rows[-2:]), flush=True)  # each backend as soon as it is measured
    print(f"command: {command_line()}")
    print(f"machine: {machine()}; SQLAlchemy {sa.__version__}")
    print(table(header, rows))


if __name__ == "__main__":
    main()
