"""The store: every method of the interface, written once over a driver (app/store/sqlite.py,
app/store/postgres.py) that knows connections, transactions, locks and placeholders. One
`modify` sequence on both (`modify`, `_change`; docs/storage.md): nothing that computes holds
the write lock every other writer needs, and concurrent changes each apply exactly once."""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from app.nn import Params
from app.schemas import NetworkSettings
from app.store import rows, schema
from app.store.base import (
    ChangeHook,
    Fork,
    NotFound,
    NotRecorded,
    StoredNetwork,
    StoreFull,
    Summary,
)
from app.store.cache import NetworkCache
from app.store.history import Entry, HistorySQL, dataset_loss, plan
from app.store.sql import Conn

T = TypeVar("T")

OPTIMISTIC_ATTEMPTS = 3
"""Conflicts `modify` takes before it runs the change inside the write transaction."""
TOUCH_EVERY = 60.0
"""Reads refresh last_used at most this often (seconds), so reads rarely write."""
SWEEP_EVERY = 60.0
"""`create` deletes expired networks at most this often (seconds, per process)."""

HEAD = "SELECT version, last_used FROM networks WHERE id = :id"
HEAD_LOCKED = HEAD + " {lock:FOR UPDATE}"
VERSION = "SELECT version FROM networks WHERE id = :id {lock:FOR UPDATE}"
TOUCH = (
    "UPDATE networks SET last_used = :now "
    "WHERE id = (SELECT id FROM networks WHERE id = :id {lock:FOR UPDATE SKIP LOCKED})"
)
SUMMARIES = (
    "SELECT id, settings, layers, updates, created_at, last_used FROM networks "
    "WHERE last_used >= :cutoff ORDER BY last_used DESC LIMIT :limit"
)
PAGE = (
    f"SELECT {rows.COLUMNS} FROM networks WHERE id > :after AND last_used >= :cutoff "
    "ORDER BY id LIMIT :page"
)
STORED_BYTES = {
    # the file's pages, its free pages not counted
    "sqlite": "SELECT (c.page_count - f.freelist_count) * s.page_size "
    "FROM pragma_page_count c, pragma_freelist_count f, pragma_page_size s",
    # the rows' blobs as stored (pg_column_size reads no blob), their text and 64 bytes of
    # row overhead, the networks' and their histories': unlike pg_total_relation_size, less
    # as soon as a row is deleted
    "postgres": "SELECT (SELECT COALESCE(SUM(pg_column_size(params) "
    "+ COALESCE(pg_column_size(dataset), 0) + octet_length(settings) + octet_length(layers) "
    "+ 64), 0) FROM networks) "
    "+ (SELECT COALESCE(SUM(pg_column_size(params) + 64), 0) FROM history) "
    "+ (SELECT COALESCE(SUM(COALESCE(pg_column_size(dataset), 0) + octet_length(settings) "
    "+ octet_length(layers) + 64), 0) FROM history_configs)",
}

FORK_OF = (
    "SELECT f.origin_id, f.updates, f.entry, f.changed FROM forks f "
    "JOIN networks n ON n.id = f.origin_id WHERE f.network_id = :id AND n.last_used >= :cutoff"
)
FORKS_OF = (
    "SELECT f.network_id, f.updates, f.entry, f.changed FROM forks f "
    "JOIN networks n ON n.id = f.network_id WHERE f.origin_id = :id AND n.last_used >= :cutoff "
    "ORDER BY f.created_at DESC, f.network_id LIMIT :limit"
)


class _Conflict(Exception):
    """The network changed between load and write: run the change again."""


class Store(ABC):
    """Where networks live. A subclass is a database's driver (app/store/sqlite.py,
    app/store/postgres.py): its connections, transactions and locks, the abstract methods
    below, and nothing else. Every failure of the database is StoreUnavailable (a 503)."""

    where = "the database"
    """The database, as a message names it."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[Conn]:
        """A connection for reads (each statement sees the last commit)."""

    @abstractmethod
    def writing(self) -> AbstractContextManager[Conn]:
        """A write transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def lock(self, conn: Conn, key: str) -> None:
        """Until `conn`'s transaction ends, other writers that lock `key` wait."""

    @abstractmethod
    def try_run(self, sql: str, /, **params: Any) -> None:
        """One write that waits for no other writer: skipped when it would."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    def problem(self) -> str:
        """Why every write is refused until the server restarts, or empty."""
        return ""

    def __init__(
        self,
        max_networks: int = 0,
        expire_after: float = 0.0,
        cache_networks: int = 1024,
        max_stored_bytes: int = 0,
    ) -> None:
        """`max_networks`: the cap (0: none). `expire_after`: seconds unused before a network
        is deleted (0: never). `cache_networks`: how many recently used networks stay decoded
        (0: none). `max_stored_bytes`: the quota of the database's bytes (0: none)."""
        self.max_networks = max(0, max_networks)
        self.expire_after, self.max_stored_bytes = max(0.0, expire_after), max(0, max_stored_bytes)
        self._next_sweep = 0.0
        self._cache = NetworkCache(cache_networks)
        self._history = HistorySQL()
        self.hook: ChangeHook | None = None
        try:
            with self.writing() as conn:
                self.lock(conn, "schema")  # servers that start together take turns
                schema.migrate(conn, self.where)
        except BaseException:
            self.close()
            raise

    # -- creating: the cap, expiry and the quota ---------------------------------------------
    def create(self, network: StoredNetwork, fork: Fork | None = None) -> None:
        """Insert; at the cap, delete expired networks first, else raise StoreFull. `fork`:
        the link to the network this one is a fork of (its id), written in the same
        transaction."""
        staged = self.stage(network)
        with self.writing() as conn:
            self.insert(conn, network, staged)
            if fork is not None:
                link = dict(network_id=network.id, origin_id=fork.id, updates=fork.updates)
                link |= dict(entry=fork.entry, changed=json.dumps(fork.changed))
                conn.insert("forks", link | dict(created_at=network.created_at))

    def stage(
        self, network: StoredNetwork, encoded: rows.EncodedDataset | None = None
    ) -> dict[str, Any]:
        """What `insert` computes, computed before the transaction: J (`network.loss`) and
        the row as stored (the weights encoded, the dataset compressed, or `encoded`: the
        network's dataset as `rows.encode_dataset` gave it, for networks that share one)."""
        if network.loss is None:
            network.loss = dataset_loss(network)
        network.last_used = now = time.time()
        network.created_at = network.created_at or now
        plan(network, network.updates, created=True)  # the history's head and tip: entry 0
        return rows.encode_network(network, rows.encode_params(network.params), encoded=encoded)

    def insert(
        self, conn: Conn, network: StoredNetwork, staged: dict[str, Any] | None = None
    ) -> None:
        """`create` in the caller's write transaction: StoreFull (the transaction rolls back)
        at the cap or over the quota. Expired networks go first; a network in use never does.
        The count and the insert share a lock."""
        row = staged if staged is not None else self.stage(network)
        now = time.time()
        self.lock(conn, "networks")
        if now >= self._next_sweep:
            self._sweep(conn, now)
        if self.max_networks:
            count = int(conn.one("SELECT COUNT(*) FROM networks")[0])
            if count >= self.max_networks and count - self._sweep(conn, now) >= self.max_networks:
                raise StoreFull(
                    f"the server already holds its maximum of {self.max_networks} networks",
                    setting="BACKPROP_MAX_NETWORKS",
                )
        step = plan(network, network.updates, created=True)
        conn.insert("networks", row)
        self._history.write(conn, network, step, row["params"], rows.config_of(network), None)
        if self.max_stored_bytes and self._stored_bytes(conn) > self.max_stored_bytes:
            self._sweep(conn, now)  # expired networks go before the quota refuses
        self._check_quota(conn)

    def _stored_bytes(self, conn: Conn) -> int:
        return int(conn.one(STORED_BYTES[conn.dialect.name])[0])

    def _check_quota(self, conn: Conn) -> None:
        """Refuse (and so roll back) a write that leaves more than `max_stored_bytes`."""
        if self.max_stored_bytes and self._stored_bytes(conn) > self.max_stored_bytes:
            raise StoreFull(
                f"the server already stores its maximum of {self.max_stored_bytes:,} bytes",
                setting="BACKPROP_MAX_STORED_BYTES",
            )

    def _sweep(self, conn: Conn, now: float) -> int:
        """Delete the expired networks; how many."""
        self._next_sweep = now + SWEEP_EVERY
        if not self.expire_after:
            return 0
        sql = "DELETE FROM networks WHERE last_used < :cutoff"
        return max(0, int(conn.run(sql, cutoff=self._cutoff(now)).rowcount))

    def _cutoff(self, now: float) -> float:
        """Networks last used before this time have expired (-inf when nothing expires)."""
        return now - self.expire_after if self.expire_after else float("-inf")

    # -- reading -----------------------------------------------------------------------------
    def _load(self, conn: Conn, network_id: str, lock: bool = False) -> StoredNetwork:
        """The network as the database holds it now: from the cache when the cached version
        is the current one, else decoded (and cached). `lock`: the row stays locked."""
        head = conn.one(HEAD_LOCKED if lock else HEAD, id=network_id)
        if head is None or head[1] < self._cutoff(time.time()):
            raise NotFound(network_id)
        network = self._cache.get(network_id, head[0])
        if network is None:
            row = conn.one(f"SELECT {rows.COLUMNS} FROM networks WHERE id = :id", id=network_id)
            if row is None:
                raise NotFound(network_id)
            network = rows.decode_network(row)
            self._cache.put(network)
        network.last_used = head[1]
        return network

    def read(self, network_id: str) -> StoredNetwork:
        """`get` without counting as use (the teacher's dashboard reads every network)."""
        with self.reading() as conn:
            return self._load(conn, network_id)

    def get(self, network_id: str) -> StoredNetwork:
        """NotFound when there is none, or it expired."""
        network, now = self.read(network_id), time.time()
        if now - network.last_used > TOUCH_EVERY:  # best-effort: skipped while others write
            self.try_run(TOUCH, now=now, id=network_id)
        return network

    def history(self, network_id: str) -> tuple[int | None, list[Entry]]:
        """The entry the network is at (None before its first), and every entry kept,
        oldest first (app/store/history.py)."""
        with self.reading() as conn:
            return self._history.entries(conn, network_id, self._cutoff(time.time()))

    def recorded(self, network_id: str, updates: int, seq: int | None = None) -> StoredNetwork:
        """The state recorded after update `updates`: the last entry there, or entry `seq`
        if it is one of them. NotFound without the network, NotRecorded without the entry."""
        with self.reading() as conn:
            self._load(conn, network_id)
            state = self._history.state(conn, network_id, updates, seq)
        if state is None:
            raise NotRecorded(updates)
        return state

    def step_start(
        self, network_id: str, updates: int
    ) -> tuple[StoredNetwork, str, int | None] | None:
        """The recorded state a step on the stored dataset started from, for the newest such
        step that passed update `updates` without stopping there, its mode and its B (for
        mini-batches); None when no kept entry is one (app/store/history.py `step_start`)."""
        with self.reading() as conn:
            self._load(conn, network_id)
            return self._history.step_start(conn, network_id, updates)

    def trace(self, network_id: str) -> list[tuple[int, float | None, Params]]:
        """(updates, J, weights) of each entry from the first to the current one that has
        the network's layers, oldest first."""
        with self.reading() as conn:
            self._load(conn, network_id)
            return self._history.trace(conn, network_id)

    def forks(self, network_id: str, limit: int = 50) -> tuple[Fork | None, list[Fork]]:
        """The link to the network this one was forked from (None: not a fork, or that one is
        gone), and the `limit` newest live forks of this one, oldest first."""
        cutoff = self._cutoff(time.time())
        with self.reading() as conn:
            self._load(conn, network_id)
            up = conn.one(FORK_OF, id=network_id, cutoff=cutoff)
            down = conn.all(FORKS_OF, id=network_id, cutoff=cutoff, limit=limit)

        def link(row: Any) -> Fork:
            entry = None if row[2] is None else int(row[2])
            return Fork(row[0], int(row[1]), entry, json.loads(row[3]))

        return (None if up is None else link(up)), [link(r) for r in reversed(down)]

    def count(self) -> int:
        """Live networks (expired ones not yet swept do not count)."""
        sql = "SELECT COUNT(*) FROM networks WHERE last_used >= :cutoff"
        with self.reading() as conn:
            return int(conn.one(sql, cutoff=self._cutoff(time.time()))[0])

    def summaries(self, limit: int = 1000) -> list[Summary]:
        with self.reading() as conn:
            found = conn.all(SUMMARIES, cutoff=self._cutoff(time.time()), limit=limit)
        name = NetworkSettings.model_validate_json
        return [Summary(r[0], name(r[1]).name, json.loads(r[2]), *r[3:]) for r in found]

    def scan(self, page: int = 100) -> Iterator[StoredNetwork]:
        """Every live network, by id, without touching last_used (the admin's export),
        `page` rows at a time, so no connection is held while the caller works."""
        after = ""
        while True:
            with self.reading() as conn:
                found = conn.all(PAGE, after=after, cutoff=self._cutoff(time.time()), page=page)
            if not found:
                return
            yield from (rows.decode_network(row) for row in found)
            after = found[-1][0]

    # -- changing ----------------------------------------------------------------------------
    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """Load, let `change` mutate the network (or raise to abort: nothing is written),
        save, commit; what `change` returned. `change` runs with no lock held and may run
        again, on the newer state, if another writer changed the network meanwhile: it must
        depend on nothing but the network it is given. After OPTIMISTIC_ATTEMPTS conflicts it
        runs once more with the network locked, so none is refused for losing races."""
        for _ in range(OPTIMISTIC_ATTEMPTS):
            with self.reading() as conn:
                network = self._load(conn, network_id)
            result, save = self._change(network, change)
            try:
                with self.writing() as conn:
                    save(conn)
            except _Conflict:
                continue
            self._cache.put(network, copy=False)  # nothing else holds it: no copy
            return result
        with self.writing() as conn:
            network = self._load(conn, network_id, lock=True)
            result, save = self._change(network, change)
            save(conn)
        self._cache.put(network, copy=False)
        return result

    def _change(
        self, network: StoredNetwork, change: Callable[[StoredNetwork], T]
    ) -> tuple[T, Callable[[Conn], None]]:
        """Run the change and compute everything its write needs; the write, to run in the
        transaction: the version check, the hook's `before`, the row, the history entry,
        the hook's `after`. The transaction writes only the columns the change altered: the
        weights (megabytes on a large network, written and synced under the write lock) only
        when their bits changed, and the history entry of a state with the same weights as
        the one before names that entry's instead of copying them."""
        network.loss = network.rewound = network.trained = network.resumed = None
        network.batch_size = None
        loaded, updates, head = network.version, network.updates, network.head
        seed, layers, settings = network.seed, network.layers, network.settings
        dataset, test = network.dataset, network.test
        before = rows.encode_params(network.params)  # the change may alter arrays in place
        result = change(network)
        network.version, network.last_used = loaded + 1, time.time()
        step = plan(network, updates)
        if network.loss is None:
            network.loss = dataset_loss(network)
        params = rows.encode_params(network.params)
        unchanged = params == before
        moved = network.dataset is not dataset or network.test is not test
        same = not moved and (network.seed, network.layers) == (seed, layers)
        kept = same and network.settings is settings  # a step: the dataset is not encoded again
        row = rows.encode_network(
            network, None if unchanged else params, config=not kept, dataset=moved
        )
        # the history's config row when the change altered it (or the history restarts), and
        # a copy of the dataset its entries read when the change replaced it
        altered = not same or network.settings != settings or step.restart
        config = rows.config_of(network) if altered else None
        old_dataset = rows.encode_dataset(dataset, test) if moved else None
        # the new entry follows the state the change started from, whose weights it shares
        shared = unchanged and head is not None and step.append and step.seq == head + 1
        grows = moved or not (kept or unchanged)  # more than a step's entry: the quota decides

        def save(conn: Conn) -> None:
            found = conn.one(VERSION, id=network.id)
            if found is None:
                raise NotFound(network.id)
            if found[0] != loaded:
                raise _Conflict
            hook = self.hook
            token = hook.before(conn, network.id, updates, change) if hook else None
            conn.update("networks", row)
            self._history.write(conn, network, step, params, config, old_dataset, shared)
            if grows:
                self.lock(conn, "networks")  # the quota, across servers
                self._check_quota(conn)
            if token is not None and hook:
                hook.after(conn, token, network)

        return result, save

    def delete(self, network_id: str) -> bool:
        """False when there was nothing to delete."""
        self._cache.discard(network_id)
        with self.writing() as conn:
            token = self.hook.before(conn, network_id, 0, None) if self.hook else None
            gone = conn.run("DELETE FROM networks WHERE id = :id", id=network_id).rowcount > 0
            if token is not None and self.hook:
                self.hook.after(conn, token, None)
        return bool(gone)
