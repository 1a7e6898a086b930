"""Every table, and the one numbered sequence of migrations that makes them on both
databases: a database's number is how many steps it has; opening it applies the rest in one
write transaction, and refuses a number above this release's, naming both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.store.base import SchemaTooNew
from app.store.sql import Conn

Statement = str | Mapping[str, str]
"""Neutral SQL (app/store/sql.py), or SQL by dialect for what one database alone has."""

NETWORKS = """CREATE TABLE IF NOT EXISTS networks (
    id         TEXT PRIMARY KEY,
    layers     TEXT NOT NULL,
    settings   TEXT NOT NULL,
    seed       BIGINT NOT NULL,
    params     {blob} NOT NULL,
    dataset_n  INTEGER,
    dataset    {blob},
    updates    BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    last_used  DOUBLE PRECISION NOT NULL
)"""
# Rowid tables in SQLite, not WITHOUT ROWID: those keep at most about a quarter of a page of
# a row in the page, so each row of weights would take an overflow page of its own.
HISTORY = """CREATE TABLE history (
    network_id TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    updates    BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    loss       DOUBLE PRECISION,
    params     {blob} NOT NULL,
    config     BIGINT NOT NULL,
    PRIMARY KEY (network_id, seq)
)"""
HISTORY_CONFIGS = """CREATE TABLE history_configs (
    network_id    TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    seq           BIGINT NOT NULL,
    layers        TEXT NOT NULL,
    settings      TEXT NOT NULL,
    seed          BIGINT NOT NULL,
    shared        INTEGER NOT NULL,
    dataset_n     INTEGER,
    dataset       {blob},
    dataset_codec TEXT,
    PRIMARY KEY (network_id, seq)
)"""
HISTORY_GONE = """CREATE TRIGGER IF NOT EXISTS networks_history_gone AFTER DELETE ON networks
BEGIN
    DELETE FROM history WHERE network_id = OLD.id;
    DELETE FROM history_configs WHERE network_id = OLD.id;
END"""
"""SQLite enforces no foreign keys unless asked on every connection: a trigger cascades."""
CLASSROOM = [
    """CREATE TABLE IF NOT EXISTS classes (
        id              TEXT PRIMARY KEY,
        title           TEXT NOT NULL,
        join_code       TEXT NOT NULL UNIQUE,
        key_hash        TEXT NOT NULL,
        paused          INTEGER NOT NULL DEFAULT 0,
        activity_number INTEGER NOT NULL,
        spotlight       TEXT NOT NULL DEFAULT '[]',
        created_at      DOUBLE PRECISION NOT NULL,
        last_used       DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS activities (
        class_id TEXT NOT NULL,
        number   INTEGER NOT NULL,
        body     TEXT NOT NULL,
        PRIMARY KEY (class_id, number)
    )""",
    """CREATE TABLE IF NOT EXISTS students (
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
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS students_key ON students (class_id, key_hash)",
    """CREATE TABLE IF NOT EXISTS class_networks (
        network_id      TEXT PRIMARY KEY,
        class_id        TEXT NOT NULL,
        student_id      TEXT NOT NULL,
        activity_number INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS class_networks_student ON class_networks (student_id)",
    """CREATE TABLE IF NOT EXISTS answers (
        network_id TEXT NOT NULL,
        path       TEXT NOT NULL,
        attempts   INTEGER NOT NULL,
        state      TEXT NOT NULL,
        expected   DOUBLE PRECISION,
        PRIMARY KEY (network_id, path)
    )""",
]
ANSWER_TRIES = """CREATE TABLE answer_tries (
    network_id TEXT NOT NULL,
    path       TEXT NOT NULL,
    attempt    INTEGER NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    correct    INTEGER NOT NULL,
    diagnosis  TEXT,
    at         DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (network_id, path, attempt)
)"""
REMOVED = """CREATE TABLE removed_students (
    class_id TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    PRIMARY KEY (class_id, key_hash)
)"""
FORKS = """CREATE TABLE forks (
    network_id TEXT PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    origin_id  TEXT NOT NULL,
    updates    BIGINT NOT NULL,
    entry      BIGINT,
    changed    TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
)"""
"""A fork's link to the network it was copied from (app/networks/forks.py): gone with the
fork; kept when the origin goes (the fork still says what it was copied from)."""
FORKS_GONE = """CREATE TRIGGER IF NOT EXISTS networks_fork_gone AFTER DELETE ON networks
BEGIN
    DELETE FROM forks WHERE network_id = OLD.id;
END"""
EVENTS: list[Statement] = [  # app/events/: a table SQLite's feed polls; PostgreSQL NOTIFYs
    {
        "sqlite": """CREATE TABLE IF NOT EXISTS events (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            class_id   TEXT NOT NULL,
            student_id TEXT,
            kind       TEXT NOT NULL,
            at         REAL NOT NULL
        )"""
    },
    {"sqlite": "CREATE INDEX IF NOT EXISTS events_at ON events (at)"},
    {"postgres": "CREATE SEQUENCE IF NOT EXISTS class_events"},
]

MIGRATIONS: list[Sequence[Statement]] = [
    # 1: the networks, as the first release made them
    [NETWORKS, "CREATE INDEX IF NOT EXISTS networks_last_used ON networks (last_used)"],
    # 2: datasets compressed (zlib of the float64s); NULL marks the first release's raw bytes
    ["ALTER TABLE networks ADD COLUMN dataset_codec TEXT"],
    # 3-7: the history of each network's states (app/store/history.py), gone with its network
    [HISTORY],
    [HISTORY_CONFIGS],
    ["ALTER TABLE networks ADD COLUMN history_head BIGINT"],
    [{"sqlite": HISTORY_GONE}],
    ["ALTER TABLE networks ADD COLUMN history_tip BIGINT"],
    # 8-9: a dataset's test part: test_n examples after the training ones in the same blob,
    # in the network's row and in a history config's copy (NULL: no test part)
    ["ALTER TABLE networks ADD COLUMN test_n INTEGER"],
    ["ALTER TABLE history_configs ADD COLUMN test_n INTEGER"],
    # 10-11: the classroom (app/store/classroom.py) and its events, made by earlier releases
    # outside this sequence when missing (hence IF NOT EXISTS)
    CLASSROOM,
    EVENTS,
    # 12: the client addresses (hashed) each class knows: its teacher's and its students'
    [
        """CREATE TABLE IF NOT EXISTS class_addresses (
            class_id TEXT NOT NULL,
            address  TEXT NOT NULL,
            PRIMARY KEY (class_id, address)
        )"""
    ],
    # 13: how a step entry trained ('batch', 'online' or 'minibatch' on the stored dataset;
    # NULL: an edit, a step on examples sent with it, or an entry of an earlier release), so a
    # state inside the step can be recomputed (app/networks/replay.py)
    ["ALTER TABLE history ADD COLUMN trained TEXT"],
    # 14: each try at a question (its value and the mistake it matched, app/classroom/
    # diagnosis.py), the latest try's mistake beside the answer for the dashboard's counts,
    # the right answers in a row (mastery) and which numbers a network has (its variant)
    [
        ANSWER_TRIES,
        "ALTER TABLE answers ADD COLUMN diagnosis TEXT",
        "ALTER TABLE answers ADD COLUMN streak INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE class_networks ADD COLUMN variant INTEGER NOT NULL DEFAULT 0",
    ],
    # 15: joining under control: whether the code still admits new students, a teaching
    # assistant's key (its sha256), and the keys of removed students (they cannot come back)
    [
        "ALTER TABLE classes ADD COLUMN joining INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE classes ADD COLUMN assistant_hash TEXT",
        REMOVED,
    ],
    # 16: forks: each fork's origin, the origin's update count and history entry it was
    # copied at, and the setting it changed; the origin finds its forks by the index
    [FORKS, "CREATE INDEX forks_origin ON forks (origin_id)", {"sqlite": FORKS_GONE}],
    # 17: the expected value of each try when it was made (the projector's plot of the
    # class's answers measures each try against its own student's number; NULL: a try of an
    # earlier release)
    ["ALTER TABLE answer_tries ADD COLUMN expected DOUBLE PRECISION"],
    # 18: B of a mini-batch step (trained 'minibatch'; NULL for every other entry), so a
    # state inside it can be recomputed and the step exported as code
    ["ALTER TABLE history ADD COLUMN batch_size INTEGER"],
    # 19: an entry whose weights are an earlier entry's (an edit of settings alone) names
    # that entry and stores an empty blob instead of a copy (NULL: the entry's own weights)
    ["ALTER TABLE history ADD COLUMN params_of BIGINT"],
]
SCHEMA_VERSION = len(MIGRATIONS)

EARLIER = {"sqlite": {k: k + 1 for k in range(1, 9)}, "postgres": {1: 2, 2: 7, 3: 9}}
"""The numbers releases before this sequence wrote, each backend its own count, and what
they are in it. Those releases refuse a database this one wrote: its number is above theirs,
and this release writes no number below SCHEMA_VERSION, so none is mistaken for theirs."""
VERSION = {
    "sqlite": ("SELECT user_version FROM pragma_user_version", "PRAGMA user_version = {n}"),
    "postgres": (
        "SELECT MAX(version) FROM schema_version",
        "DELETE FROM schema_version; INSERT INTO schema_version VALUES ({n})",
    ),
}
"""How each backend reads and writes the number (PRAGMA takes no parameters)."""


def migrate(conn: Conn, where: str) -> None:
    """Bring the database on `conn` (in a write transaction, under the schema's lock) to this
    release's tables; SchemaTooNew for a newer release's. `where` names it in the message."""
    dialect = conn.dialect.name
    if dialect == "postgres":
        conn.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    read, write = VERSION[dialect]
    found = int(conn.one(read)[0] or 0)
    found = EARLIER[dialect].get(found, found)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{where} has schema version {found}; this release knows versions up to "
            f"{SCHEMA_VERSION}: run a newer release"
        )
    for step in MIGRATIONS[found:]:
        for statement in step:
            sql = statement if isinstance(statement, str) else statement.get(dialect)
            if sql:
                conn.run(sql)
    if found < SCHEMA_VERSION:
        for sql in write.format(n=SCHEMA_VERSION).split("; "):
            conn.run(sql)
