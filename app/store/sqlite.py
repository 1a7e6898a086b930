"""SQLite store: one file, WAL mode, one row per network.

Durability: every change is committed before the route returns, so a 2xx means the change is
on disk (synchronous=FULL survives power loss; NORMAL survives a killed process).

One way to change a network, `modify`, on the caller's own thread: load (from the cache when
the cached version is the database's), let the change compute the new state with no lock
held, then BEGIN IMMEDIATE, check that the version is still the one loaded, write, COMMIT.
If another writer (a thread, or another worker process) changed the network in between, the
change is computed again from the new state. So a long computation never holds the write
lock, and concurrent changes are each applied exactly once, in some order.

Reads never wait for writers: WAL readers see the last commit, and refreshing `last_used`
(at most once a minute per network) is skipped when another writer holds the lock.

Housekeeping (docs/storage.md): a network unused for `expire_after` seconds is gone: reads
no longer see it, and `create` deletes such networks at most once a minute. At
`max_networks`, `create` first deletes the expired ones, then refuses with StoreFull (a
503); it never evicts a network that is still in use. The count and the insert share one
write transaction, so concurrent creates in several workers never overshoot the cap.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np

from app.nn import Array, Params
from app.schemas import NetworkSettings
from app.store.base import (
    ChangeHook,
    NotFound,
    NotRecorded,
    SchemaTooNew,
    StoredNetwork,
    StoreFull,
    StoreUnavailable,
    Summary,
)
from app.store.cache import NetworkCache
from app.store.history import TABLES_SQLITE, EncodedDataset, Entry, HistorySQL, Plan, plan

T = TypeVar("T")
log = logging.getLogger("backprop")

SCHEMA = """
CREATE TABLE IF NOT EXISTS networks (
    id         TEXT PRIMARY KEY,
    layers     TEXT NOT NULL,
    settings   TEXT NOT NULL,
    seed       INTEGER NOT NULL,
    params     BLOB NOT NULL,
    dataset_n  INTEGER,
    dataset    BLOB,
    updates    INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    created_at REAL NOT NULL,
    last_used  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS networks_last_used ON networks (last_used);
"""
"""The tables as the first release made them; MIGRATIONS bring them to this release's."""

MIGRATIONS: list[str] = [
    # 1: datasets compressed (zlib of the float64 bytes): a dataset of 0s and 1s took four
    # times its JSON's bytes as raw float64. NULL marks the first release's raw bytes.
    "ALTER TABLE networks ADD COLUMN dataset_codec TEXT",
    # 2-6: the history of each network's states (app/store/history.py)
    *TABLES_SQLITE,
    # 7-8: a dataset's test part: test_n examples after the training ones in the same blob
    # (x, y, then the test x and y), in the network's row and in a history config's copy.
    # NULL: no test part, as every earlier dataset.
    "ALTER TABLE networks ADD COLUMN test_n INTEGER",
    "ALTER TABLE history_configs ADD COLUMN test_n INTEGER",
]
"""Schema changes in order; PRAGMA user_version counts those applied."""
SCHEMA_VERSION = len(MIGRATIONS)
JOURNAL_SIZE_LIMIT = 4 * 2**20
"""Bytes the WAL file is cut back to after a checkpoint (else it keeps its largest size)."""

COLUMNS = (
    "id, layers, settings, seed, params, dataset_n, dataset, updates, version, "
    "created_at, last_used, dataset_codec, history_head, history_tip, test_n"
)
TOUCH_EVERY = 60.0
"""Reads refresh last_used at most this often (seconds), so reads rarely write."""
SWEEP_EVERY = 60.0
"""`create` deletes expired networks at most this often (seconds, per process)."""


def encode_params(params: Params) -> bytes:
    parts = [a.ravel() for pair in zip(params.weights, params.biases, strict=True) for a in pair]
    return np.concatenate(parts).astype("<f8").tobytes()


def decode_params(layers: list[int], blob: bytes) -> Params:
    flat = np.frombuffer(blob, dtype="<f8")
    weights, biases, at = [], [], 0
    for n_in, n_out in itertools.pairwise(layers):
        weights.append(flat[at : at + n_in * n_out].reshape(n_out, n_in).copy())
        at += n_in * n_out
        biases.append(flat[at : at + n_out].copy())
        at += n_out
    return Params(weights, biases)


Examples = tuple[Array, Array]


def encode_dataset(
    dataset: Examples | None, test: Examples | None = None
) -> tuple[int | None, bytes | None, int | None]:
    """(n, blob, test_n): the examples as zlib-compressed little-endian float64s, x then y,
    then the test part's x and y when there is one."""
    if dataset is None:
        return None, None, None
    parts = [*dataset, *(test or ())]
    raw = np.concatenate([a.ravel() for a in parts]).astype("<f8").tobytes()
    return len(dataset[0]), zlib.compress(raw, 1), None if test is None else len(test[0])


def decode_dataset(
    layers: list[int],
    n: int | None,
    blob: bytes | None,
    codec: str | None = "zlib",
    test_n: int | None = None,
) -> tuple[Examples | None, Examples | None]:
    """(training examples, test examples), each None when absent."""
    if n is None or blob is None:
        return None, None
    flat = np.frombuffer(zlib.decompress(blob) if codec == "zlib" else blob, dtype="<f8")
    parts, at = [], 0
    for rows in (n, test_n or 0):
        for width in (layers[0], layers[-1]):
            parts.append(flat[at : at + rows * width].reshape(rows, width).copy())
            at += rows * width
    return (parts[0], parts[1]), ((parts[2], parts[3]) if test_n is not None else None)


def row_to_network(row: sqlite3.Row) -> StoredNetwork:
    layers = json.loads(row["layers"])
    dataset, test = decode_dataset(
        layers, row["dataset_n"], row["dataset"], row["dataset_codec"], row["test_n"]
    )
    return StoredNetwork(
        id=row["id"],
        settings=NetworkSettings.model_validate_json(row["settings"]),
        seed=row["seed"],
        params=decode_params(layers, row["params"]),
        dataset=dataset,
        updates=row["updates"],
        version=row["version"],
        created_at=row["created_at"],
        last_used=row["last_used"],
        head=row["history_head"],
        tip=row["history_tip"],
        test=test,
    )


def network_to_row(network: StoredNetwork) -> tuple[object, ...]:
    n, blob, test_n = encode_dataset(network.dataset, network.test)
    return (
        network.id,
        json.dumps(network.layers),
        network.settings.model_dump_json(),
        network.seed,
        encode_params(network.params),
        n,
        blob,
        network.updates,
        network.version,
        network.created_at,
        network.last_used,
        "zlib",
        network.head,
        network.tip,
        test_n,
    )


def config_of(network: StoredNetwork) -> tuple[str, str, int]:
    """The layers, settings and seed, as a history config row holds them."""
    return json.dumps(network.layers), network.settings.model_dump_json(), network.seed


def entry_to_network(network_id: str, row: Any) -> StoredNetwork:
    """A history state row (history.HistorySQL.state) as a network: id, settings, seed,
    weights, dataset, updates and its entry number as head."""
    layers = json.loads(row[3])
    blob = None if row[7] is None else bytes(row[7])
    dataset, test = decode_dataset(layers, row[6], blob, row[8], row[9])
    return StoredNetwork(
        id=network_id,
        settings=NetworkSettings.model_validate_json(row[4]),
        seed=int(row[5]),
        params=decode_params(layers, bytes(row[2])),
        dataset=dataset,
        updates=int(row[1]),
        head=int(row[0]),
        test=test,
    )


def trace_rows(rows: list[Any]) -> list[tuple[int, float | None, Params]]:
    """history.HistorySQL.trace's rows, decoded."""
    if not rows:
        return []
    layers = json.loads(rows[0][0])
    return [(int(r[1]), r[2], decode_params(layers, bytes(r[3]))) for r in rows]


def cached(
    cache: NetworkCache, network_id: str, head: tuple[int, float] | None, cutoff: float
) -> StoredNetwork | None:
    """The cached network if it is at the version `head` (version, last_used) gives, else
    None (read it); NotFound when there is no head or the network expired."""
    if head is None or head[1] < cutoff:
        raise NotFound(network_id)
    network = cache.get(network_id, head[0])
    if network is not None:
        network.last_used = head[1]
    return network


class _Columns(NamedTuple):
    """What a step leaves as it was; `_save` writes these columns only if they changed."""

    settings: NetworkSettings
    seed: int
    dataset: tuple[Array, Array] | None
    layers: list[int]
    test: tuple[Array, Array] | None

    @classmethod
    def of(cls, network: StoredNetwork) -> _Columns:
        return cls(network.settings, network.seed, network.dataset, network.layers, network.test)

    def kept(self, network: StoredNetwork) -> bool:
        """Whether the change left these as they were (a step): then only the weights and
        counters need writing, which spares re-encoding the dataset."""
        return (
            network.settings is self.settings
            and network.seed == self.seed
            and network.dataset is self.dataset
            and network.test is self.test
            and network.layers == self.layers
        )


def history_columns(
    network: StoredNetwork, held: _Columns, step: Plan
) -> tuple[tuple[str, str, int] | None, EncodedDataset | None]:
    """What HistorySQL.write needs beyond the weights: the config when the change altered
    the layers, settings, seed or dataset (or the history starts again), and the dataset
    (with its test part) the network held before when the change replaced it."""
    moved = network.dataset is not held.dataset or network.test is not held.test
    same = (
        not moved
        and network.seed == held.seed
        and network.layers == held.layers
        and network.settings == held.settings
    )
    config = None if same and not step.restart else config_of(network)
    return config, encode_dataset(held.dataset, held.test) if moved else None


class _Conflict(Exception):
    """The network changed between load and write: compute the change again."""


OPTIMISTIC_ATTEMPTS = 3
"""How often `modify` computes a change with no lock held before it computes it once more
inside the write transaction, where no other writer can come first (a busy network: a
class stepping one shared network, dozens of writers at once)."""


class SQLiteStore:
    def __init__(
        self,
        path: str,
        synchronous: str = "FULL",
        busy_timeout_ms: int = 10_000,
        max_networks: int = 0,
        expire_after: float = 0.0,
        cache_networks: int = 1024,
        max_stored_bytes: int = 0,
    ):
        """`max_networks`: the cap (0: none). `expire_after`: seconds unused before a network
        is deleted (0: never). `cache_networks`: how many recently used networks stay
        decoded in memory (0: none). `max_stored_bytes`: the quota of the database's bytes
        (0: none)."""
        self.path = path
        self.max_networks = max(0, max_networks)
        self.max_stored_bytes = max(0, max_stored_bytes)
        self.expire_after = max(0.0, expire_after)
        self._next_sweep = 0.0
        self.synchronous = synchronous if synchronous in ("FULL", "NORMAL", "EXTRA") else "FULL"
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        """Every open connection and the thread it belongs to. The server's thread pool
        retires idle threads (anyio: after 10 s), so connections of dead threads are closed
        when a new one opens; kept, they leaked three file descriptors and a page cache
        per retired thread, until the process ran out of descriptors."""
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._active = 0
        """Operations using a connection now (see `_in_use`): close waits for none."""
        self._reopen = False
        """A write found the database read-only: reopen every connection when next idle."""
        self._cache = NetworkCache(cache_networks)
        self._history = HistorySQL()
        self.hook: ChangeHook | None = None
        """Sees every change inside its write transaction (the classroom's gate and cards)."""
        self._writer = threading.Lock()
        """One writer per process at a time: threads queue here instead of in SQLite's busy
        handler, which polls with sleeps of up to 100 ms. Other processes still wait in it."""
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._wal = f"{path}-wal"
        self._wal_inode: int | None = None
        self._wal_lost = ""
        """Why writes are refused for good (the WAL file was removed), or empty."""
        with self._errors():
            self._migrate()
        self._wal_inode = self._inode()

    def _migrate(self) -> None:
        """Create the tables, or bring an older release's database up to this one's, in one
        transaction; refuse a database that a newer release wrote."""
        with self._write() as conn:
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if found > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"{self.path} has schema version {found}; this release knows versions "
                    f"up to {SCHEMA_VERSION}: run a newer release"
                )
            if found == SCHEMA_VERSION and found > 0:
                return
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            for migration in MIGRATIONS[found:]:
                conn.execute(migration)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            self._use_wal(conn)
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            self._local.conn = conn
            with self._lock:
                for thread, old in [(t, c) for t, c in self._all if not t.is_alive()]:
                    old.close()
                    self._all.remove((thread, old))
                self._all.append((threading.current_thread(), conn))
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """PRAGMA journal_mode = WAL, waiting as busy_timeout would. On a new file, while
        another process switches it, SQLite says "database is locked" at once instead of
        waiting: 3 processes opening one new file failed 9 to 19 times in 180, and a worker of a
        fresh `--workers 2` server then answered 503 until it reopened."""
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the database's own failures into StoreUnavailable (a 503), never a 500. Every
        use of a connection runs inside this (or `_in_use`)."""
        with self._in_use():
            try:
                yield
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
                if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
                    self._reopen = True
                raise StoreUnavailable(str(error)) from error

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        """Count an operation that uses a connection, so that `close` waits for it.

        Closing a connection while another thread steps a statement on it crashes the
        process (Python 3.11's sqlite3 then reads the freed handle: a segmentation fault,
        seen when a server stopped while its event feed still read on a worker thread).

        A connection opened while the disk was read-only stays read-only for good (SQLite
        opens the file, and shares its WAL index, read-only): after a write is refused so,
        the first operation that finds the store idle closes every connection, and the next
        ones open anew, writable once the disk is."""
        with self._idle:
            if self._reopen and self._active == 0:
                self._reopen = False
                self._close_all()
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                if self._active == 0:
                    self._idle.notify_all()

    def _close_all(self) -> None:
        with self._lock:
            for _, conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._writer_lock(), self._errors():
            conn = self._connection()
            self._check_wal(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            if self._wal_removed():
                self._lose_wal(conn)  # removed after the check: save this commit too

    def _wal_removed(self) -> bool:
        """The WAL file this store opened is gone (or another file took its name)."""
        return self._wal_inode is not None and self._inode() != self._wal_inode

    def _inode(self) -> int | None:
        try:
            return os.stat(self._wal).st_ino
        except FileNotFoundError:
            return None

    def _check_wal(self, conn: sqlite3.Connection) -> None:
        """Refuse to write once the WAL file has been removed (or replaced) under us.

        SQLite keeps writing to the removed file through its open descriptor, where commits
        are lost when the process ends: the server answered 200 to thousands of steps and
        after a restart each network had lost its last ones. So the first write that sees it
        copies every commit into the database file (a checkpoint through that descriptor)
        and from then on writes answer 503 until the server is restarted."""
        if self._wal_lost:
            raise StoreUnavailable(self._wal_lost)
        if self._wal_removed():
            self._lose_wal(conn)
            raise StoreUnavailable(self._wal_lost)

    def _lose_wal(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
        self._wal_lost = (
            "the database's write-ahead log was removed while the server ran; every change "
            "is saved, but no more can be until the server is restarted"
        )
        log.error("%s was removed: writes are refused until a restart", self._wal)

    @property
    def problem(self) -> str:
        """Why the store refuses every write until a restart, or empty."""
        return self._wal_lost

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """This process's write lock (see `_writer`), or StoreUnavailable after busy_timeout."""
        if not self._writer.acquire(timeout=self.busy_timeout_ms / 1000):
            raise StoreUnavailable("another change took too long; the database is busy")
        try:
            yield
        finally:
            self._writer.release()

    # -- the interface -----------------------------------------------------------------------
    def create(self, network: StoredNetwork) -> None:
        """Insert, or raise StoreFull when `max_networks` are stored and none has expired."""
        with self._write() as conn:
            if self.insert(conn, network):
                return
        raise StoreFull(
            f"the server already holds its maximum of {self.max_networks} networks",
            setting="BACKPROP_MAX_NETWORKS",
        )

    def _stored_bytes(self, conn: sqlite3.Connection) -> int:
        """Bytes the database's pages hold (its free pages not counted)."""
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        return (pages - free) * int(conn.execute("PRAGMA page_size").fetchone()[0])

    def _check_quota(self, conn: sqlite3.Connection) -> None:
        """Refuse (and so roll back) a write that leaves more than `max_stored_bytes`."""
        if self.max_stored_bytes and self._stored_bytes(conn) > self.max_stored_bytes:
            raise StoreFull(
                f"the server already stores its maximum of {self.max_stored_bytes:,} bytes",
                setting="BACKPROP_MAX_STORED_BYTES",
            )

    def _make_room(self, conn: sqlite3.Connection, now: float) -> int:
        """Delete expired networks when due (or when at the cap); the count that remains."""
        if now >= self._next_sweep:
            self._sweep(conn, now)
        if not self.max_networks:
            return 0
        count = int(conn.execute("SELECT COUNT(*) FROM networks").fetchone()[0])
        if count >= self.max_networks:
            count -= self._sweep(conn, now)
        return count

    def _sweep(self, conn: sqlite3.Connection, now: float) -> int:
        self._next_sweep = now + SWEEP_EVERY
        if not self.expire_after:
            return 0
        cursor = conn.execute("DELETE FROM networks WHERE last_used < ?", (self._cutoff(now),))
        return int(cursor.rowcount)

    def _cutoff(self, now: float) -> float:
        """Networks last used before this time have expired (-inf when nothing expires)."""
        return now - self.expire_after if self.expire_after else float("-inf")

    def _load(self, conn: sqlite3.Connection, network_id: str) -> StoredNetwork:
        """The network as the database holds it now: from the cache when the cached version
        is the current one, else read and decoded (and cached)."""
        head = conn.execute(
            "SELECT version, last_used FROM networks WHERE id = ?", (network_id,)
        ).fetchone()
        network = cached(self._cache, network_id, head, self._cutoff(time.time()))
        if network is not None:
            return network
        row = conn.execute(f"SELECT {COLUMNS} FROM networks WHERE id = ?", (network_id,)).fetchone()
        if row is None:
            raise NotFound(network_id)
        network = row_to_network(row)
        self._cache.put(network)
        return network

    def get(self, network_id: str) -> StoredNetwork:
        with self._errors():
            network = self._load(self._connection(), network_id)
        now = time.time()
        if now - network.last_used > TOUCH_EVERY:
            self._touch(network_id, now)
        return network

    def _touch(self, network_id: str, now: float) -> None:
        """Refresh last_used, best-effort: skipped (until a later read) when another writer
        holds the lock, so a read never waits for a write."""
        if not self._writer.acquire(blocking=False):
            return
        try:
            with self._in_use():
                conn = self._connection()
                conn.execute("PRAGMA busy_timeout = 0")
                try:
                    conn.execute(
                        "UPDATE networks SET last_used = ? WHERE id = ?", (now, network_id)
                    )
                except sqlite3.OperationalError:
                    pass  # busy, read-only or full: the next read tries again
                finally:
                    conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        finally:
            self._writer.release()

    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """Load, let `change` mutate the network (or raise to abort: nothing is saved), then
        save it if nobody changed it meanwhile, else run `change` again on the new state;
        after OPTIMISTIC_ATTEMPTS such conflicts, once more inside BEGIN IMMEDIATE, which no
        other writer can interrupt (so no change that should succeed is ever refused)."""
        for _ in range(OPTIMISTIC_ATTEMPTS):
            with self._errors():
                network = self._load(self._connection(), network_id)
            network.loss = network.rewound = None
            held = _Columns.of(network)
            loaded, updates = network.version, network.updates
            result = change(network)
            try:
                with self._write() as conn:
                    head = conn.execute(
                        "SELECT version FROM networks WHERE id = ?", (network_id,)
                    ).fetchone()
                    if head is None:
                        raise NotFound(network_id)
                    if head[0] != loaded:
                        raise _Conflict
                    self._commit(conn, network, held, updates, change)
            except _Conflict:
                continue
            self._cache.put(network, copy=False)  # nothing else holds it: no copy needed
            return result
        with self._write() as conn:
            network = self._load(conn, network_id)
            network.loss = network.rewound = None
            held = _Columns.of(network)
            updates = network.updates
            result = change(network)
            self._commit(conn, network, held, updates, change)
        self._cache.put(network, copy=False)
        return result

    def _commit(
        self,
        conn: sqlite3.Connection,
        network: StoredNetwork,
        held: _Columns,
        updates: int,
        change: object,
    ) -> None:
        """Write the changed network (version one more) with the hook around it, in the
        caller's write transaction, where its version was checked."""
        token = self.hook.before(conn, network.id, updates, change) if self.hook else None
        network.version += 1
        network.last_used = time.time()
        step = plan(network, updates)
        encoded = self._save(conn, network, held)
        self._history.write(conn, network, step, encoded, *history_columns(network, held, step))
        if token is not None and self.hook:
            self.hook.after(conn, token, network)

    def _save(self, conn: sqlite3.Connection, network: StoredNetwork, held: _Columns) -> bytes:
        """Write a changed network: every column, or only the weights and counters when the
        settings, the seed and the dataset are the ones the database holds (steps), which
        spares re-encoding the dataset. Returns the weights as encoded."""
        if held.kept(network):
            params = encode_params(network.params)
            conn.execute(
                "UPDATE networks SET params=?, updates=?, version=?, last_used=?, "
                "history_head=?, history_tip=? WHERE id=?",
                (
                    params,
                    network.updates,
                    network.version,
                    network.last_used,
                    network.head,
                    network.tip,
                    network.id,
                ),
            )
            return params
        row = network_to_row(network)
        conn.execute(
            "UPDATE networks SET layers=?, settings=?, seed=?, params=?, dataset_n=?, "
            "dataset=?, updates=?, version=?, last_used=?, dataset_codec=?, history_head=?, "
            "history_tip=?, test_n=? WHERE id=?",
            (*row[1:9], *row[10:15], network.id),
        )
        self._check_quota(conn)
        return cast(bytes, row[4])

    def delete(self, network_id: str) -> bool:
        self._cache.discard(network_id)
        with self._write() as conn:
            token = self.hook.before(conn, network_id, 0, None) if self.hook else None
            gone = conn.execute("DELETE FROM networks WHERE id = ?", (network_id,)).rowcount > 0
            if token is not None and self.hook:
                self.hook.after(conn, token, None)
            return gone

    # -- for the classroom (app/store/classroom.py, app/store/base.py SharedStore) -----------
    share_clause = ""

    def writing(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._write()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._errors():
            yield self._connection()

    def create_tables(self, schema: str) -> None:
        with self._errors():
            self._connection().executescript(schema)

    def lock(self, conn: sqlite3.Connection, key: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already runs every write transaction alone."""

    def insert(self, conn: sqlite3.Connection, network: StoredNetwork) -> bool:
        """`create` inside the caller's write transaction (from `_write`): False, and nothing
        inserted, at `max_networks`; StoreFull (the caller's transaction rolls back) over
        `max_stored_bytes`."""
        now = time.time()
        network.created_at = network.created_at or now
        network.last_used = now
        count = self._make_room(conn, now)
        if self.max_networks and count >= self.max_networks:
            return False
        step = plan(network, network.updates, created=True)
        row = network_to_row(network)
        marks = ",".join("?" * len(row))
        conn.execute(f"INSERT INTO networks ({COLUMNS}) VALUES ({marks})", row)
        self._history.write(conn, network, step, cast(bytes, row[4]), config_of(network), None)
        if self._stored_bytes(conn) > self.max_stored_bytes > 0:
            self._sweep(conn, now)  # expired networks go first
        self._check_quota(conn)
        return True

    def read(self, network_id: str) -> StoredNetwork:
        """`get` without counting as use (the teacher's dashboard reads every network)."""
        with self._errors():
            return self._load(self._connection(), network_id)

    # -- the history (app/store/history.py) --------------------------------------------------
    def history(self, network_id: str) -> tuple[int | None, list[Entry]]:
        """The entry the network is at (None before its first), and every entry kept."""
        with self._errors():
            return self._history.entries(self._connection(), network_id, self._cutoff(time.time()))

    def recorded(self, network_id: str, updates: int, seq: int | None = None) -> StoredNetwork:
        """The state recorded after update `updates` (the last entry there, or entry `seq`):
        NotFound(network id) without the network, NotRecorded without such an entry."""
        with self._errors():
            conn = self._connection()
            self._load(conn, network_id)
            row = self._history.state(conn, network_id, updates, seq)
        if row is None:
            raise NotRecorded(updates)
        return entry_to_network(network_id, row)

    def trace(self, network_id: str) -> list[tuple[int, float | None, Params]]:
        """(updates, J, weights) of each entry from the first to the current one that has the
        network's layers (NotFound without the network)."""
        with self._errors():
            conn = self._connection()
            self._load(conn, network_id)
            rows = self._history.trace(conn, network_id)
        return trace_rows(rows)

    def count(self) -> int:
        """Live networks (expired ones still on disk until the next sweep do not count)."""
        with self._errors():
            conn = self._connection()
            sql, cutoff = (
                "SELECT COUNT(*) FROM networks WHERE last_used >= ?",
                self._cutoff(time.time()),
            )
            return int(conn.execute(sql, (cutoff,)).fetchone()[0])

    def summaries(self, limit: int = 1000) -> list[Summary]:
        with self._errors():
            rows = (
                self._connection()
                .execute(
                    "SELECT id, layers, settings, updates, created_at, last_used FROM networks "
                    "WHERE last_used >= ? ORDER BY last_used DESC LIMIT ?",
                    (self._cutoff(time.time()), limit),
                )
                .fetchall()
            )
        return [
            Summary(
                r["id"],
                NetworkSettings.model_validate_json(r["settings"]).name,
                json.loads(r["layers"]),
                r["updates"],
                r["created_at"],
                r["last_used"],
            )
            for r in rows
        ]

    def scan(self, page: int = 100) -> Iterator[StoredNetwork]:
        """Every live network, by id, without touching last_used (the admin's export). Reads
        `page` rows at a time, so no read transaction stays open while the caller works."""
        after = ""
        while True:
            with self._errors():
                rows = (
                    self._connection()
                    .execute(
                        f"SELECT {COLUMNS} FROM networks WHERE id > ? AND last_used >= ? "
                        "ORDER BY id LIMIT ?",
                        (after, self._cutoff(time.time()), page),
                    )
                    .fetchall()
                )
            if not rows:
                return
            yield from (row_to_network(row) for row in rows)
            after = rows[-1]["id"]

    def close(self) -> None:
        """Close every connection, once no operation uses one (see `_in_use`). An operation
        still running after 30 s keeps its connection, left to the garbage collector."""
        with self._idle:
            if self._idle.wait_for(lambda: self._active == 0, timeout=30):
                self._close_all()
                return
            log.warning("closing the store while an operation still runs: left open")
            with self._lock:
                self._all.clear()
            self._local = threading.local()
