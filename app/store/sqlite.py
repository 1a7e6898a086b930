"""SQLite store: one file, WAL mode, one row per network.

Durability: every change is committed before the route returns, so a 2xx means the change is
on disk (synchronous=FULL survives power loss; NORMAL survives a killed process). Writers
take the database's write lock with BEGIN IMMEDIATE, which serializes concurrent changes to a
network across threads and worker processes: none is lost, none is applied twice. Within a
process, one writer thread applies every change: those that queue up while it commits are
committed together (group commit), so a class pays one fsync per batch, not one per step.
`modify` hands it a change and waits; `modify_async` lets an async route await it without a
worker thread of its own. Recently used networks stay decoded in
memory (app/store/cache.py), checked against the database's version at every use.

Housekeeping (docs/storage.md): a network unused for `expire_after` seconds is gone: reads
no longer see it, and `create` deletes such networks at most once a minute. At
`max_networks`, `create` first deletes the expired ones, then refuses with StoreFull (a
503); it never evicts a network that is still in use. The count and the insert share one
write transaction, so concurrent creates in several workers never overshoot the cap.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import numpy as np

from app.nn import Array, Params
from app.schemas import Settings
from app.store.base import NotFound, StoredNetwork, StoreFull, StoreUnavailable, Summary
from app.store.cache import NetworkCache, detached

T = TypeVar("T")

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

COLUMNS = (
    "id, layers, settings, seed, params, dataset_n, dataset, updates, version, "
    "created_at, last_used"
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


def encode_dataset(dataset: tuple[Array, Array] | None) -> tuple[int | None, bytes | None]:
    if dataset is None:
        return None, None
    x, y = dataset
    return len(x), np.concatenate([x.ravel(), y.ravel()]).astype("<f8").tobytes()


def decode_dataset(
    layers: list[int], n: int | None, blob: bytes | None
) -> tuple[Array, Array] | None:
    if n is None or blob is None:
        return None
    flat = np.frombuffer(blob, dtype="<f8")
    split = n * layers[0]
    return flat[:split].reshape(n, layers[0]).copy(), flat[split:].reshape(n, layers[-1]).copy()


def row_to_network(row: sqlite3.Row) -> StoredNetwork:
    layers = json.loads(row["layers"])
    return StoredNetwork(
        id=row["id"],
        settings=Settings.model_validate_json(row["settings"]),
        seed=row["seed"],
        params=decode_params(layers, row["params"]),
        dataset=decode_dataset(layers, row["dataset_n"], row["dataset"]),
        updates=row["updates"],
        version=row["version"],
        created_at=row["created_at"],
        last_used=row["last_used"],
    )


def network_to_row(network: StoredNetwork) -> tuple[object, ...]:
    n, blob = encode_dataset(network.dataset)
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
    )


class ChangeHook(Protocol):
    """Called inside the write transaction of every change (`modify`, `delete`): `before`
    may refuse by raising (nothing is written) and returns a token, or None to skip
    `after`; `after` sees the network as changed (None once deleted) and may write rows of
    its own in the same transaction."""

    def before(
        self, conn: sqlite3.Connection, network: StoredNetwork, change: object
    ) -> object | None: ...

    def after(
        self, conn: sqlite3.Connection, token: object, network: StoredNetwork | None
    ) -> None: ...


class _Columns(NamedTuple):
    """What a step leaves as it was; `_save` writes these columns only if they changed."""

    settings: Settings
    seed: int
    dataset: tuple[Array, Array] | None
    layers: list[int]


@dataclass(eq=False)
class _Pending:
    """One caller's change, waiting for the writer thread."""

    network_id: str
    change: Callable[[StoredNetwork], Any]
    queued: float
    """time.monotonic() when submitted."""
    start: Callable[[], bool]
    """Called once, before the change is applied: False if the caller gave up (cancelled),
    and then the change is dropped, never applied."""
    settle: Callable[[Any, BaseException | None], None]
    """Hands the caller the result, or the error, once the batch is committed (or failed)."""
    result: Any = None
    error: BaseException | None = None


def _resolve(
    future: Future[Any] | asyncio.Future[Any], result: Any, error: BaseException | None
) -> None:
    """Resolve a caller's future (unless it was cancelled); an asyncio one on its loop."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class SQLiteStore:
    def __init__(
        self,
        path: str,
        synchronous: str = "FULL",
        busy_timeout_ms: int = 10_000,
        max_networks: int = 0,
        expire_after: float = 0.0,
        cache_networks: int = 1024,
    ):
        """`max_networks`: the cap (0: none). `expire_after`: seconds unused before a network
        is deleted (0: never). `cache_networks`: how many recently used networks stay
        decoded in memory (0: none)."""
        self.path = path
        self.max_networks = max(0, max_networks)
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
        self._cache = NetworkCache(cache_networks)
        self.hook: ChangeHook | None = None
        """Sees every change inside its transaction (the classroom's gate and cards)."""
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        """Changes waiting for the writer thread; None asks it to stop."""
        self._thread: threading.Thread | None = None
        self._closed = False
        self._writer = threading.Lock()
        """One writer per process at a time (the writer thread, or create and delete): they
        queue here instead of in SQLite's busy handler, which polls with sleeps of up to
        100 ms. Other processes still wait in it."""
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self._errors():
            conn = self._connection()
            conn.executescript(SCHEMA)

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            self._use_wal(conn)
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
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
        """Turn the database's own failures into StoreUnavailable (a 503), never a 500."""
        try:
            yield
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
            raise StoreUnavailable(str(error)) from error

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        with self._writer_lock(), self._errors():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

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
        raise StoreFull(f"the server already holds its maximum of {self.max_networks} networks")

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
        if head is None or head[1] < self._cutoff(time.time()):
            raise NotFound(network_id)
        network = self._cache.get(network_id, head[0])
        if network is not None:
            network.last_used = head[1]
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
            with self._write() as conn:
                conn.execute("UPDATE networks SET last_used = ? WHERE id = ?", (now, network_id))
        return network

    def submit(self, network_id: str, change: Callable[[StoredNetwork], T]) -> Future[T]:
        """Queue `change` for the writer thread. The future resolves after the COMMIT that
        holds the change (so a 2xx built from it is on disk), or with the change's own
        exception (nothing saved), or StoreUnavailable. Cancelled before the writer takes
        it, the change is never applied."""
        future: Future[T] = Future()
        settle = functools.partial(_resolve, future)
        self._enqueue(network_id, change, future.set_running_or_notify_cancel, settle)
        return future

    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        return self.submit(network_id, change).result()

    async def modify_async(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """`modify` for the event loop: await the writer thread, with no pool thread and no
        concurrent.futures machinery in between (a /step pays for every microsecond)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            loop.call_soon_threadsafe(_resolve, future, result, error)

        self._enqueue(network_id, change, lambda: not future.cancelled(), settle)
        return await future

    def _enqueue(
        self,
        network_id: str,
        change: Callable[[StoredNetwork], Any],
        start: Callable[[], bool],
        settle: Callable[[Any, BaseException | None], None],
    ) -> None:
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the store is closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write_forever, name="backprop-writer", daemon=True
                )
                self._thread.start()
            self._queue.put(_Pending(network_id, change, time.monotonic(), start, settle))

    def _write_forever(self) -> None:
        """The writer thread: take every change waiting, apply and commit them as one batch
        (group commit), resolve their futures; repeat until close() sends None."""
        while True:
            first = self._queue.get()
            batch = [] if first is None else [first]
            stop = first is None
            while not stop:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                stop = item is None
                if item is not None:
                    batch.append(item)
            if batch:
                self._write_batch(batch)
            if stop:
                return

    def _write_batch(self, batch: list[_Pending]) -> None:
        waited_too_long = time.monotonic() - self.busy_timeout_ms / 1000
        batch = [item for item in batch if item.start()]
        live: list[_Pending] = []  # (a cancelled caller's change is dropped, never applied)
        for item in batch:
            if item.queued < waited_too_long:
                item.error = StoreUnavailable("other changes took too long; the database is busy")
            else:
                live.append(item)
        try:
            if live:
                with self._writer_lock():
                    self._commit(live)
        except BaseException as error:  # the writer thread must never die
            for item in live:
                item.result, item.error = None, item.error or error
        for item in batch:
            item.settle(item.result, item.error)

    def _commit(self, batch: list[_Pending]) -> None:
        """Apply the changes in order and commit them all at once; cache the new states once
        committed. A change that raises is refused alone: a change sees only the network,
        never the database, and nothing is written until every change has run. Each network
        is then written once, in its last state: one UPDATE, not one per change (on a VM,
        every statement pays to win the GIL back from the event loop; docs/benchmarks.md)."""
        conn = self._connection()
        staged: dict[str, StoredNetwork] = {}
        loaded: dict[str, _Columns] = {}
        try:
            with self._errors():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for item in batch:
                        try:
                            item.result = self._apply(
                                conn, item.network_id, item.change, staged, loaded
                            )
                        except sqlite3.Error:
                            raise  # the database failed: the whole batch fails
                        except Exception as error:  # this change was refused
                            item.error = error
                    for network in staged.values():
                        self._save(conn, network, loaded[network.id])
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except BaseException as error:  # nothing in the batch was committed
            for item in batch:
                item.result, item.error = None, item.error or error
            return
        for network in staged.values():  # nothing else holds these: no copy needed
            self._cache.put(network, copy=False)

    def _apply(
        self,
        conn: sqlite3.Connection,
        network_id: str,
        change: Callable[[StoredNetwork], T],
        staged: dict[str, StoredNetwork],
        loaded: dict[str, _Columns],
    ) -> T:
        """Load (from this batch's own earlier change, if any) and change; `staged` gets the
        new state, `loaded` the columns the database held, the first time a network is seen."""
        done = staged.get(network_id)
        if done is None:
            network = self._load(conn, network_id)
            loaded[network_id] = _Columns(
                network.settings, network.seed, network.dataset, network.layers
            )
        else:
            network = detached(done)
        token = self.hook.before(conn, network, change) if self.hook else None
        result = change(network)
        network.version += 1
        network.last_used = time.time()
        if token is not None and self.hook:
            self.hook.after(conn, token, network)
        staged[network_id] = network
        return result

    def _save(self, conn: sqlite3.Connection, network: StoredNetwork, held: _Columns) -> None:
        """Write a changed network: every column, or only the weights and counters when the
        settings, the seed and the dataset are the ones the database holds (steps), which
        spares re-encoding the dataset."""
        if (
            network.settings is held.settings
            and network.seed == held.seed
            and network.dataset is held.dataset
            and network.layers == held.layers
        ):
            conn.execute(
                "UPDATE networks SET params=?, updates=?, version=?, last_used=? WHERE id=?",
                (
                    encode_params(network.params),
                    network.updates,
                    network.version,
                    network.last_used,
                    network.id,
                ),
            )
        else:
            row = network_to_row(network)
            conn.execute(
                "UPDATE networks SET layers=?, settings=?, seed=?, params=?, dataset_n=?, "
                "dataset=?, updates=?, version=?, last_used=? WHERE id=?",
                (*row[1:9], row[10], network.id),
            )

    def delete(self, network_id: str) -> bool:
        self._cache.discard(network_id)
        with self._write() as conn:
            token = None
            if self.hook and (found := self._find(conn, network_id)) is not None:
                token = self.hook.before(conn, found, None)
            gone = conn.execute("DELETE FROM networks WHERE id = ?", (network_id,)).rowcount > 0
            if token is not None and self.hook:
                self.hook.after(conn, token, None)
            return gone

    # -- hooks for the classroom (app/store/classroom.py) -------------------------------------
    def _find(self, conn: sqlite3.Connection, network_id: str) -> StoredNetwork | None:
        try:
            return self._load(conn, network_id)
        except NotFound:
            return None

    def insert(self, conn: sqlite3.Connection, network: StoredNetwork) -> bool:
        """`create` inside the caller's write transaction (from `_write`): False, and nothing
        inserted, at `max_networks`."""
        now = time.time()
        network.created_at = network.created_at or now
        network.last_used = now
        count = self._make_room(conn, now)
        if self.max_networks and count >= self.max_networks:
            return False
        conn.execute(
            f"INSERT INTO networks ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            network_to_row(network),
        )
        return True

    def read(self, network_id: str) -> StoredNetwork:
        """`get` without counting as use (the teacher's dashboard reads every network)."""
        with self._errors():
            return self._load(self._connection(), network_id)

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
                Settings.model_validate_json(r["settings"]).name,
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
        with self._lock:
            self._closed, thread = True, self._thread
        if thread is not None:
            self._queue.put(None)  # after every change already queued
            thread.join()
        with self._lock:
            for _, conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
