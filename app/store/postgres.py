"""PostgreSQL store: several servers (and their workers) share one database.

The same interface and the same promises as the SQLite store (app/store/sqlite.py), with the
same row layout and the same encodings of the blobs (stored as bytea), so a network moves
between the two bit for bit (`backprop-lab export` / `import`).

`modify` is optimistic first, as in SQLite: load (from the decoded-network cache when its
version is the database's), compute the change with no lock and no connection held, then
`UPDATE … WHERE id = %s AND version = %s`; when that touches no row another writer (another
thread, worker or server) got there first, and the change is computed again from the new
state. A step therefore rarely holds a row lock or one of the pool's few connections while
it computes. After OPTIMISTIC_ATTEMPTS such conflicts (a network many writers step at once)
the change is computed once more with the row locked (SELECT … FOR UPDATE), which no other
writer can overtake: the writers of a busy network queue on its row instead of failing.

The classroom's tables (app/store/classroom.py) live in the same database, and its writes
run in this store's transactions: `writing()`, `insert()` and `lock()` (an advisory lock by
name), and `hook`, called inside every change's transaction, as on SQLite. Its SQL is
SQLite's, with `?` placeholders: `_Sql` turns them into psycopg's.

`create` takes a transaction-scoped advisory lock that every create (and every write of a new
dataset) shares, so the cap on networks and the quota of stored bytes hold across servers.

Every failure of the database (connection refused, the server gone mid-query, the pool out
of connections for `timeout` seconds) is StoreUnavailable: a 503 with Retry-After. The pool
checks each connection before lending it and replaces broken ones, so once PostgreSQL is
back the next requests succeed without a restart.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import psycopg
import psycopg_pool
from psycopg.rows import dict_row

from app.nn import Params
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
from app.store.history import TABLES_POSTGRES, Entry, HistorySQL, plan
from app.store.sqlite import (
    COLUMNS,
    OPTIMISTIC_ATTEMPTS,
    SWEEP_EVERY,
    TOUCH_EVERY,
    _Columns,
    cached,
    config_of,
    encode_params,
    entry_to_network,
    history_columns,
    network_to_row,
    row_to_network,
    trace_rows,
)

T = TypeVar("T")
log = logging.getLogger("backprop")

MIGRATIONS: list[str] = [
    # 1: the networks table, as SQLite's at its schema version 1 (bytea for the blobs; times
    # as seconds since the epoch in float8, so they round-trip exactly through export)
    """
    CREATE TABLE networks (
        id            TEXT PRIMARY KEY,
        layers        TEXT NOT NULL,
        settings      TEXT NOT NULL,
        seed          BIGINT NOT NULL,
        params        BYTEA NOT NULL,
        dataset_n     INTEGER,
        dataset       BYTEA,
        updates       BIGINT NOT NULL,
        version       BIGINT NOT NULL,
        created_at    DOUBLE PRECISION NOT NULL,
        last_used     DOUBLE PRECISION NOT NULL,
        dataset_codec TEXT
    );
    CREATE INDEX networks_last_used ON networks (last_used);
    """,
    # 2: the history of each network's states (app/store/history.py), as SQLite's 2-6
    TABLES_POSTGRES,
    # 3: a dataset's test part, as SQLite's 7-8
    """
    ALTER TABLE networks ADD COLUMN test_n INTEGER;
    ALTER TABLE history_configs ADD COLUMN test_n INTEGER;
    """,
]
"""Schema changes in order; the one row of `schema_version` counts those applied."""
SCHEMA_VERSION = len(MIGRATIONS)

MIGRATE_LOCK = 0x6270_0001
"""Advisory lock key held while the schema is created or migrated (servers start together)."""
CREATE_LOCK = 0x6270_0002
"""Advisory lock key every create and every new dataset shares (the cap and the quota)."""
NAMED_LOCKS = 0x6270
"""First half of the two-key advisory locks that `lock(conn, key)` takes (hashtext the other)."""

ROW_BYTES = """
    SELECT COALESCE(SUM(pg_column_size(params) + COALESCE(pg_column_size(dataset), 0)
                        + octet_length(settings) + octet_length(layers) + 64), 0)
    FROM networks
"""
"""Bytes the networks' rows hold: their blobs as stored (pg_column_size does not detoast),
their text, and 64 bytes of row overhead and fixed-width columns. Unlike
pg_total_relation_size it shrinks as soon as a network is deleted, not after VACUUM."""


@functools.lru_cache(maxsize=512)
def psycopg_sql(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s` (and a literal % doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Sql:
    """A psycopg connection that runs SQL written for sqlite3 (`?` placeholders), so the
    classroom's statements are written once for both backends."""

    __slots__ = ("conn",)

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        return self.conn.execute(psycopg_sql(sql), params)


class PostgresStore:
    share_clause = " FOR SHARE OF c"

    def __init__(
        self,
        url: str,
        *,
        pool_min: int = 1,
        pool_max: int = 4,
        timeout: float = 5.0,
        max_networks: int = 0,
        expire_after: float = 0.0,
        cache_networks: int = 1024,
        max_stored_bytes: int = 0,
    ):
        """`url`: a libpq connection string (postgresql://user@host:port/db). `pool_min`,
        `pool_max`: connections this process keeps open and may open at most. `timeout`:
        seconds a request waits for a connection (or to connect) before StoreUnavailable.
        The rest as in SQLiteStore."""
        self.max_networks = max(0, max_networks)
        self.max_stored_bytes = max(0, max_stored_bytes)
        self.expire_after = max(0.0, expire_after)
        self.timeout = timeout
        self._next_sweep = 0.0
        self._cache = NetworkCache(cache_networks)
        self._history = HistorySQL()
        self.hook: ChangeHook | None = None
        """Sees every change inside its write transaction (the classroom's gate and cards)."""
        timeout_ms = int(timeout * 1000)
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=max(0, min(pool_min, pool_max)),
            max_size=max(1, pool_max),
            timeout=timeout,
            check=psycopg_pool.ConnectionPool.check_connection,
            # a connection that cannot be made is given up after this long; the next request
            # that waits starts a fresh attempt, so recovery never waits on a long back-off
            reconnect_timeout=max(10.0, 2 * timeout),
            kwargs={
                "autocommit": True,
                "connect_timeout": max(1, int(timeout)),
                # a change never waits long on another's lock: a 503 says "try again"
                "options": f"-c lock_timeout={timeout_ms} -c statement_timeout={timeout_ms * 6}",
            },
            open=False,
            name="backprop",
        )
        self._pool.open(wait=False)
        try:
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    # -- connections -------------------------------------------------------------------------
    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (autocommit: each statement commits unless in `_transaction`);
        every failure of the database becomes StoreUnavailable."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
            log.warning("database unavailable: %s", error)
            raise StoreUnavailable("the database cannot be reached") from error

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self._connection() as conn, conn.transaction():
            yield conn

    def _migrate(self) -> None:
        """Create the tables, or bring an older release's up to this one's, in one
        transaction under an advisory lock; refuse a database that a newer release wrote."""
        with self._transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            found = 0 if row is None else int(row[0])
            if found > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"the database has schema version {found}; this release knows versions "
                    f"up to {SCHEMA_VERSION}: run a newer release"
                )
            for migration in MIGRATIONS[found:]:
                conn.execute(migration)
            if row is None:
                conn.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION,))
            elif found < SCHEMA_VERSION:
                conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))

    @property
    def problem(self) -> str:
        """Nothing here needs a restart: a lost database is answered per request."""
        return ""

    # -- the interface -----------------------------------------------------------------------
    def create(self, network: StoredNetwork) -> None:
        """Insert, or raise StoreFull when `max_networks` are stored and none has expired."""
        with self._transaction() as conn:
            if self.insert(_Sql(conn), network):
                return
        raise StoreFull(
            f"the server already holds its maximum of {self.max_networks} networks",
            setting="BACKPROP_MAX_NETWORKS",
        )

    def insert(self, sql: Any, network: StoredNetwork) -> bool:
        """`create` inside the caller's transaction (`writing()`): False, and nothing
        inserted, at `max_networks`; StoreFull (the transaction rolls back) over the quota.
        Every insert takes the create lock until its transaction ends."""
        conn: psycopg.Connection[Any] = sql.conn
        now = time.time()
        network.created_at = network.created_at or now
        network.last_used = now
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
        count = self._make_room(conn, now)
        if self.max_networks and count >= self.max_networks:
            return False
        step = plan(network, network.updates, created=True)
        row = network_to_row(network)
        marks = ",".join("%s" for _ in row)
        conn.execute(f"INSERT INTO networks ({COLUMNS}) VALUES ({marks})", row)
        self._history.write(sql, network, step, cast(bytes, row[4]), config_of(network), None)
        if self.max_stored_bytes and self._stored_bytes(conn) > self.max_stored_bytes:
            self._sweep(conn, now)  # expired networks go first
        self._check_quota(conn)
        return True

    def _stored_bytes(self, conn: psycopg.Connection[Any]) -> int:
        row = conn.execute(ROW_BYTES).fetchone()
        return int(row[0]) if row else 0

    def _check_quota(self, conn: psycopg.Connection[Any]) -> None:
        """Refuse (and so roll back) a write that leaves more than `max_stored_bytes`."""
        if self.max_stored_bytes and self._stored_bytes(conn) > self.max_stored_bytes:
            raise StoreFull(
                f"the server already stores its maximum of {self.max_stored_bytes:,} bytes",
                setting="BACKPROP_MAX_STORED_BYTES",
            )

    def _make_room(self, conn: psycopg.Connection[Any], now: float) -> int:
        """Delete expired networks when due (or when at the cap); the count that remains."""
        if now >= self._next_sweep:
            self._sweep(conn, now)
        if not self.max_networks:
            return 0
        row = conn.execute("SELECT COUNT(*) FROM networks").fetchone()
        count = int(row[0]) if row else 0
        if count >= self.max_networks:
            count -= self._sweep(conn, now)
        return count

    def _sweep(self, conn: psycopg.Connection[Any], now: float) -> int:
        self._next_sweep = now + SWEEP_EVERY
        if not self.expire_after:
            return 0
        cursor = conn.execute("DELETE FROM networks WHERE last_used < %s", (self._cutoff(now),))
        return max(0, cursor.rowcount)

    def _cutoff(self, now: float) -> float:
        return now - self.expire_after if self.expire_after else float("-inf")

    def _load(self, network_id: str) -> StoredNetwork:
        """The network as the database holds it now (see SQLiteStore._load)."""
        with self._connection() as conn:
            return self._load_on(conn, network_id)

    def _load_on(
        self, conn: psycopg.Connection[Any], network_id: str, lock: bool = False
    ) -> StoredNetwork:
        """`_load` on `conn`; `lock`: FOR UPDATE, held until its transaction ends."""
        head = conn.execute(
            "SELECT version, last_used FROM networks WHERE id = %s" + (" FOR UPDATE" * lock),
            (network_id,),
        ).fetchone()
        network = cached(self._cache, network_id, head, self._cutoff(time.time()))
        if network is not None:
            return network
        with conn.cursor(row_factory=dict_row) as cursor:
            row = cursor.execute(
                f"SELECT {COLUMNS} FROM networks WHERE id = %s", (network_id,)
            ).fetchone()
        if row is None:
            raise NotFound(network_id)
        network = row_to_network(row)  # type: ignore[arg-type]  # a mapping, as sqlite3.Row
        self._cache.put(network)
        return network

    def read(self, network_id: str) -> StoredNetwork:
        """`get` without counting as use (the teacher's dashboard reads every network)."""
        return self._load(network_id)

    def get(self, network_id: str) -> StoredNetwork:
        network = self._load(network_id)
        now = time.time()
        if now - network.last_used > TOUCH_EVERY:
            self._touch(network_id, now)
        return network

    def _touch(self, network_id: str, now: float) -> None:
        """Refresh last_used, best-effort: skipped when a writer holds the row (SKIP LOCKED)
        or the database fails, so a read never waits for a write."""
        try:
            with self._connection() as conn:
                conn.execute(
                    "UPDATE networks SET last_used = %s WHERE id = (SELECT id FROM networks "
                    "WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    (now, network_id),
                )
        except StoreUnavailable:
            pass  # the next read tries again

    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """Load, let `change` mutate the network (or raise to abort: nothing is saved), then
        save it if nobody changed it meanwhile, else run `change` again on the new state;
        after OPTIMISTIC_ATTEMPTS such conflicts, once more with the row locked."""
        for _ in range(OPTIMISTIC_ATTEMPTS):
            network = self._load(network_id)
            network.loss = network.rewound = None
            held = _Columns.of(network)
            loaded, updates = network.version, network.updates
            result = change(network)
            with self._transaction() as conn:
                if self._save(conn, network, loaded, held, updates, change):
                    break
                if not conn.execute(
                    "SELECT 1 FROM networks WHERE id = %s", (network_id,)
                ).fetchone():
                    raise NotFound(network_id)
        else:
            with self._transaction() as conn:
                network = self._load_on(conn, network_id, lock=True)
                network.loss = network.rewound = None
                held = _Columns.of(network)
                loaded, updates = network.version, network.updates
                result = change(network)
                self._save(conn, network, loaded, held, updates, change)
        self._cache.put(network, copy=False)  # nothing else holds it
        return result

    def _save(
        self,
        conn: psycopg.Connection[Any],
        network: StoredNetwork,
        loaded: int,
        held: _Columns,
        updates: int,
        change: object,
    ) -> bool:
        """Write the network, version one more, if the database still holds version
        `loaded` (False: changed meanwhile, nothing written): only the weights and counters
        when the settings, seed and dataset are the ones loaded (steps), else every column,
        under the create lock and within the quota; then its history, and the hook around
        both, in `conn`'s transaction. The create lock is taken after the hook's `before`,
        which locks the class's row: a push of an activity takes them in that order too."""
        steps_only = held.kept(network)
        network.version, network.last_used = loaded + 1, time.time()
        step = plan(network, updates)
        if steps_only:
            encoded = encode_params(network.params)
            cursor = conn.execute(
                "UPDATE networks SET params=%s, updates=%s, version=%s, last_used=%s, "
                "history_head=%s, history_tip=%s WHERE id=%s AND version=%s",
                (
                    encoded,
                    network.updates,
                    network.version,
                    network.last_used,
                    network.head,
                    network.tip,
                    network.id,
                    loaded,
                ),
            )
        else:
            row = network_to_row(network)
            encoded = cast(bytes, row[4])
            cursor = conn.execute(
                "UPDATE networks SET layers=%s, settings=%s, seed=%s, params=%s, "
                "dataset_n=%s, dataset=%s, updates=%s, version=%s, last_used=%s, "
                "dataset_codec=%s, history_head=%s, history_tip=%s, test_n=%s "
                "WHERE id=%s AND version=%s",
                (*row[1:9], *row[10:15], network.id, loaded),
            )
        if cursor.rowcount != 1:
            network.version = loaded
            return False
        sql = _Sql(conn)
        token = self.hook.before(sql, network.id, updates, change) if self.hook else None
        if not steps_only:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
            self._check_quota(conn)
        self._history.write(sql, network, step, encoded, *history_columns(network, held, step))
        if token is not None and self.hook:
            self.hook.after(sql, token, network)
        return True

    def delete(self, network_id: str) -> bool:
        self._cache.discard(network_id)
        with self._transaction() as conn:
            sql = _Sql(conn)
            token = self.hook.before(sql, network_id, 0, None) if self.hook else None
            cursor = conn.execute("DELETE FROM networks WHERE id = %s", (network_id,))
            if token is not None and self.hook:
                self.hook.after(sql, token, None)
            return cursor.rowcount > 0

    # -- for the classroom (app/store/classroom.py, app/store/base.py SharedStore) -----------
    @contextmanager
    def writing(self) -> Iterator[_Sql]:
        with self._transaction() as conn:
            yield _Sql(conn)

    @contextmanager
    def reading(self) -> Iterator[_Sql]:
        with self._connection() as conn:
            yield _Sql(conn)

    def create_tables(self, schema: str) -> None:
        """Under the migration lock: CREATE … IF NOT EXISTS is not safe against itself."""
        with self._transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            for statement in schema.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def lock(self, sql: Any, key: str) -> None:
        sql.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (NAMED_LOCKS, key))

    # -- the history (app/store/history.py) --------------------------------------------------
    def history(self, network_id: str) -> tuple[int | None, list[Entry]]:
        """The entry the network is at (None before its first), and every entry kept."""
        with self._connection() as conn:
            return self._history.entries(_Sql(conn), network_id, self._cutoff(time.time()))

    def recorded(self, network_id: str, updates: int, seq: int | None = None) -> StoredNetwork:
        """As SQLiteStore.recorded."""
        self._load(network_id)
        with self._connection() as conn:
            row = self._history.state(_Sql(conn), network_id, updates, seq)
        if row is None:
            raise NotRecorded(updates)
        return entry_to_network(network_id, row)

    def trace(self, network_id: str) -> list[tuple[int, float | None, Params]]:
        """As SQLiteStore.trace."""
        self._load(network_id)
        with self._connection() as conn:
            return trace_rows(self._history.trace(_Sql(conn), network_id))

    def count(self) -> int:
        """Live networks (expired ones not yet swept do not count)."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM networks WHERE last_used >= %s",
                (self._cutoff(time.time()),),
            ).fetchone()
        return int(row[0]) if row else 0

    def summaries(self, limit: int = 1000) -> list[Summary]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT id, layers, settings, updates, created_at, last_used FROM networks "
                "WHERE last_used >= %s ORDER BY last_used DESC LIMIT %s",
                (self._cutoff(time.time()), limit),
            ).fetchall()
        return [
            Summary(
                r[0],
                NetworkSettings.model_validate_json(r[2]).name,
                json.loads(r[1]),
                int(r[3]),
                float(r[4]),
                float(r[5]),
            )
            for r in rows
        ]

    def scan(self, page: int = 100) -> Iterator[StoredNetwork]:
        """Every live network, by id, without touching last_used; `page` rows at a time, so
        no transaction or connection is held while the caller works."""
        after = ""
        while True:
            with self._connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
                rows = cursor.execute(
                    f"SELECT {COLUMNS} FROM networks WHERE id > %s AND last_used >= %s "
                    "ORDER BY id LIMIT %s",
                    (after, self._cutoff(time.time()), page),
                ).fetchall()
            if not rows:
                return
            yield from (row_to_network(row) for row in rows)  # type: ignore[arg-type]
            after = rows[-1]["id"]

    def close(self) -> None:
        self._pool.close()
