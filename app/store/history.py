"""The history of a network's states, kept beside it by both stores (docs/storage.md).

Every change that `modify` saves (a step, a PATCH, a teacher's reset, a rewind) is written
in the same transaction as the network itself: a history row (the weights, J over the stored
dataset, the update count and the kind of change) pointing at a config row (layers,
settings, seed and dataset), which is written only when those changed, so a step costs one
row of weights. The network's `head` names the entry it is at.

Entries are numbered 0, 1, 2… in the order they were made (`seq`). Rewinding moves the head
back to an entry and keeps the entries after it: the branch, which a later rewind can
return to (undo and redo). The next step or edit from a rewound state deletes the branch
and continues from the head: the branch is replaced.

Bounded in size: the newest `window` entries are all kept; older ones are thinned, every
10th kept up to 10 windows back, every 100th up to 100 windows back, every 1,000th beyond
(at most `window` of those); entry 0 is kept always. `window` is 1,000 unless the network's
weights are large: it shrinks so that the kept entries hold at most HISTORY_BYTES of weights
(never below 10 entries).

SQL here is written once for both databases, with `?` placeholders (PostgreSQL's driver
gets them as `%s`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app import nn
from app.schemas import engine_config
from app.store.base import Connection, NotFound, StoredNetwork

Kind = Literal["create", "step", "edit"]
EncodedDataset = tuple[int | None, bytes | None, int | None]
"""A dataset as stored: (examples, zlib blob of x, y and the test part's x, y, test examples)."""

WINDOW = 1000
"""Entries kept whole (the newest), unless the weights are large (see `window`)."""
MIN_WINDOW = 10
HISTORY_BYTES = 8 * 2**20
"""The bytes of weights a network's history may hold (its bound; docs/storage.md)."""
LEVELS = (10, 100, 1000)
"""Beyond the window, every 10th entry is kept up to 10 windows back, every 100th up to
100 windows back, and every 1000th beyond (at most one window of those)."""
ENTRY_OVERHEAD = 64
"""Bytes a history row costs beyond its weights (keys, counters, J), for the bound."""
THIN_SHARE = 10
"""Thinning runs when an entry's number is a multiple of a tenth of the window (it reads the
number of every entry older than the window), so at most a tenth of a window more entries
are kept between two runs."""

TABLES_SQLITE = [
    """CREATE TABLE IF NOT EXISTS history (
        network_id TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        updates    INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        loss       REAL,
        params     BLOB NOT NULL,
        config     INTEGER NOT NULL,
        PRIMARY KEY (network_id, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS history_configs (
        network_id    TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        layers        TEXT NOT NULL,
        settings      TEXT NOT NULL,
        seed          INTEGER NOT NULL,
        shared        INTEGER NOT NULL,
        dataset_n     INTEGER,
        dataset       BLOB,
        dataset_codec TEXT,
        PRIMARY KEY (network_id, seq)
    )""",
    "ALTER TABLE networks ADD COLUMN history_head INTEGER",
    """CREATE TRIGGER IF NOT EXISTS networks_history_gone AFTER DELETE ON networks BEGIN
        DELETE FROM history WHERE network_id = OLD.id;
        DELETE FROM history_configs WHERE network_id = OLD.id;
    END""",
    "ALTER TABLE networks ADD COLUMN history_tip INTEGER",
]
"""SQLite's migrations for the history (a deleted or expired network takes its history).
Rowid tables, not WITHOUT ROWID: those keep at most about a quarter of a page of a row in
the page, and a 2 KB row of weights took an overflow page of 4 KB of its own."""

TABLES_POSTGRES = """
    CREATE TABLE history (
        network_id TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
        seq        BIGINT NOT NULL,
        updates    BIGINT NOT NULL,
        kind       TEXT NOT NULL,
        loss       DOUBLE PRECISION,
        params     BYTEA NOT NULL,
        config     BIGINT NOT NULL,
        PRIMARY KEY (network_id, seq)
    );
    CREATE TABLE history_configs (
        network_id    TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
        seq           BIGINT NOT NULL,
        layers        TEXT NOT NULL,
        settings      TEXT NOT NULL,
        seed          BIGINT NOT NULL,
        shared        INTEGER NOT NULL,
        dataset_n     INTEGER,
        dataset       BYTEA,
        dataset_codec TEXT,
        PRIMARY KEY (network_id, seq)
    );
    ALTER TABLE networks ADD COLUMN history_head BIGINT;
    ALTER TABLE networks ADD COLUMN history_tip BIGINT;
"""


@dataclass(frozen=True)
class Entry:
    seq: int
    updates: int
    kind: str
    loss: float | None


@dataclass(frozen=True)
class Plan:
    """What a saved change does to the history: append entry `seq` (after deleting the
    branch past the head when there is one, `branch`, or everything when `restart`), or only
    move the head (`append` false)."""

    seq: int
    kind: Kind
    append: bool = True
    restart: bool = False
    branch: bool = False


def dataset_loss(network: StoredNetwork) -> float | None:
    """J over the stored dataset, its L2 term included, as a step's `losses` (None without
    one, or if it overflows)."""
    if network.dataset is None:
        return None
    config = engine_config(network.settings)
    x, y = network.dataset
    try:
        return nn.objective(network.params, config, nn.forward(network.params, config, x), y)
    except nn.NonFinite:
        return None


def plan(network: StoredNetwork, updates_before: int, created: bool = False) -> Plan:
    """The history's part of a change (or of a network's creation), decided before it is
    saved; sets `network.head` and `network.tip`."""
    kind: Kind = "step" if network.updates > updates_before else "edit"
    if network.rewound is not None:
        result = Plan(network.rewound, "edit", append=False)
    elif created or network.updates < updates_before:  # new, or the teacher's reset
        result = Plan(0, "create", restart=True)
    elif network.head is None:  # saved by an earlier release: its history starts here
        result = Plan(0, kind, restart=True)
    else:  # a branch is there after a rewind (tip past the head), or when the tip is unknown
        head = network.head
        result = Plan(head + 1, kind, branch=network.tip is None or network.tip > head)
    network.head = result.seq
    if result.append:
        network.tip = result.seq
    return result


def window(parameters: int) -> int:
    """How many newest entries are kept whole for a network of this many weights and biases."""
    per_entry = 8 * parameters + ENTRY_OVERHEAD
    # a window kept whole, 0.9 of one at each of the two thinned levels, one at the last,
    # and a tenth of one made since thinning last ran
    return max(MIN_WINDOW, min(WINDOW, int(HISTORY_BYTES / (per_entry * 3.9))))


def thinned(seqs: Sequence[int], size: int, newest: int | None = None) -> list[int]:
    """Which of the entries `seqs` (ascending) the bound removes, for a window of `size`,
    when the newest entry is `newest` (by default the last of `seqs`)."""
    if not seqs:
        return []
    newest = seqs[-1] if newest is None else newest
    drop: list[int] = []
    oldest_level: list[int] = []
    for seq in seqs:
        age = newest - seq
        if seq == 0 or age < size:
            continue
        every = LEVELS[0] if age < 10 * size else LEVELS[1] if age < 100 * size else LEVELS[2]
        if seq % every:
            drop.append(seq)
        elif every == LEVELS[2]:
            oldest_level.append(seq)
    drop.extend(oldest_level[: max(0, len(oldest_level) - size)])
    return sorted(drop)


class HistorySQL:
    """The history's statements, written once for both backends (`?` placeholders; the
    PostgreSQL store passes a connection that translates them)."""

    def run(self, conn: Connection, sql: str, params: Iterable[Any] = ()) -> Any:
        return conn.execute(sql, tuple(params))

    def write(
        self,
        conn: Connection,
        network: StoredNetwork,
        step: Plan,
        encoded: bytes,
        config: tuple[str, str, int] | None,
        old_dataset: EncodedDataset | None,
    ) -> None:
        """Write what `step` plans, inside the change's transaction, after the network's row.
        `encoded`: the weights as stored; `config`: (layers, settings, seed) as stored, when
        they differ from the head entry's (else None); `old_dataset`: the dataset the network
        held before, encoded, when the change replaced it (else None).

        A config row holds no copy of the network's current dataset (`shared`): entries
        with the dataset the network has now read it from the network's row, and get a copy
        of their own only when the network's dataset is replaced."""
        nid, seq = network.id, step.seq
        if old_dataset is not None and not step.restart:
            self.run(
                conn,
                "UPDATE history_configs SET shared = 0, dataset_n = ?, dataset = ?, "
                "test_n = ?, dataset_codec = 'zlib' WHERE network_id = ? AND shared = 1",
                (*old_dataset, nid),
            )
        if not step.append:
            return
        if step.restart:
            self.run(conn, "DELETE FROM history WHERE network_id = ?", (nid,))
            self.run(conn, "DELETE FROM history_configs WHERE network_id = ?", (nid,))
        elif step.branch:  # the branch past the head is replaced
            sql = "DELETE FROM history WHERE network_id = ? AND seq >= ?"
            if self.run(conn, sql, (nid, seq)).rowcount:
                sql = "DELETE FROM history_configs WHERE network_id = ? AND seq >= ?"
                self.run(conn, sql, (nid, seq))
        loss = network.loss if network.loss is not None else dataset_loss(network)
        values = (nid, seq, network.updates, step.kind, loss, encoded)
        if config is None:
            written = self.run(
                conn,
                "INSERT INTO history (network_id, seq, updates, kind, loss, params, config) "
                "SELECT ?, ?, ?, ?, ?, ?, config FROM history WHERE network_id = ? AND seq = ?",
                (*values, nid, seq - 1),
            ).rowcount
            if written != 1:
                raise LookupError(f"history entry {seq - 1} of {nid} is missing")
        else:
            self.run(
                conn,
                "INSERT INTO history_configs (network_id, seq, layers, settings, seed, shared) "
                "VALUES (?, ?, ?, ?, ?, 1)",
                (nid, seq, *config),
            )
            self.run(
                conn,
                "INSERT INTO history (network_id, seq, updates, kind, loss, params, config) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*values, seq),
            )
        size = window(parameters(network))
        if seq % max(1, size // THIN_SHARE) == 0:
            self.thin(conn, nid, seq, size)

    def thin(self, conn: Connection, network_id: str, newest: int, size: int) -> int:
        """Remove what the bound does not keep, `newest` being the newest entry; the number
        of entries removed. Reads only the numbers older than the window."""
        rows = self.run(
            conn,
            "SELECT seq FROM history WHERE network_id = ? AND seq <= ? ORDER BY seq",
            (network_id, newest - size),
        ).fetchall()
        drop = thinned([int(r[0]) for r in rows], size, newest)
        for at in range(0, len(drop), 500):
            part = drop[at : at + 500]
            marks = ", ".join("?" for _ in part)
            self.run(
                conn,
                f"DELETE FROM history WHERE network_id = ? AND seq IN ({marks})",
                (network_id, *part),
            )
        if drop:
            self.run(
                conn,
                "DELETE FROM history_configs WHERE network_id = ? AND seq NOT IN "
                "(SELECT config FROM history WHERE network_id = ?)",
                (network_id, network_id),
            )
        return len(drop)

    # -- reading (each one statement, so it sees one committed state) --------------------------
    def entries(
        self, conn: Connection, network_id: str, cutoff: float
    ) -> tuple[int | None, list[Entry]]:
        """The network's head and its entries, oldest first (NotFound without the network,
        or once it expired: last used before `cutoff`)."""
        rows = self.run(
            conn,
            "SELECT n.history_head, h.seq, h.updates, h.kind, h.loss FROM networks n "
            "LEFT JOIN history h ON h.network_id = n.id WHERE n.id = ? AND n.last_used >= ? "
            "ORDER BY h.seq",
            (network_id, cutoff),
        ).fetchall()
        if not rows:
            raise NotFound(network_id)
        found = [Entry(int(r[1]), int(r[2]), str(r[3]), r[4]) for r in rows if r[1] is not None]
        return rows[0][0], found

    def state(self, conn: Connection, network_id: str, updates: int, seq: int | None) -> Any:
        """The row of the entry at `updates` (the last one recorded there, or entry `seq` if
        that is one of them): seq, updates, params, layers, settings, seed, dataset_n,
        dataset, dataset_codec, test_n; None if there is none."""
        where = "" if seq is None else " AND h.seq = ?"
        return self.run(
            conn,
            "SELECT h.seq, h.updates, h.params, c.layers, c.settings, c.seed, "
            "CASE WHEN c.shared = 1 THEN n.dataset_n ELSE c.dataset_n END, "
            "CASE WHEN c.shared = 1 THEN n.dataset ELSE c.dataset END, "
            "CASE WHEN c.shared = 1 THEN n.dataset_codec ELSE c.dataset_codec END, "
            "CASE WHEN c.shared = 1 THEN n.test_n ELSE c.test_n END "
            "FROM history h JOIN networks n ON n.id = h.network_id JOIN history_configs c "
            "ON c.network_id = h.network_id AND c.seq = h.config "
            f"WHERE h.network_id = ? AND h.updates = ?{where} ORDER BY h.seq DESC LIMIT 1",
            (network_id, updates) if seq is None else (network_id, updates, seq),
        ).fetchone()

    def trace(self, conn: Connection, network_id: str) -> list[Any]:
        """(layers, updates, loss, params) of the entries from the first to the head that
        have the network's layers, oldest first."""
        return list(
            self.run(
                conn,
                "SELECT n.layers, h.updates, h.loss, h.params FROM networks n "
                "JOIN history h ON h.network_id = n.id AND h.seq <= n.history_head "
                "JOIN history_configs c ON c.network_id = h.network_id AND c.seq = h.config "
                "AND c.layers = n.layers WHERE n.id = ? ORDER BY h.seq",
                (network_id,),
            ).fetchall()
        )


def parameters(network: StoredNetwork) -> int:
    return sum(int(a.size) for a in [*network.params.weights, *network.params.biases])
