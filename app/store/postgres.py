"""PostgreSQL's driver (docs/storage.md): several servers share one database, each process
through a pool. Every failure of the database (refused, gone mid-query, no pooled connection
or lock within `timeout`) is StoreUnavailable; the pool replaces broken connections, so once
PostgreSQL is back the next requests succeed without a restart."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg_pool

from app.store.base import StoreUnavailable
from app.store.core import Store
from app.store.sql import POSTGRES, Conn

log = logging.getLogger("backprop")

NAMED_LOCKS = 0x6270
"""First key of the two-key advisory locks `lock(conn, key)` takes (hashtext the other)."""


class PostgresStore(Store):
    """The store on PostgreSQL (BACKPROP_DATABASE_URL). Nothing here needs a restart: a
    lost database is answered per request."""

    def __init__(
        self,
        url: str,
        *,
        pool_min: int = 1,
        pool_max: int = 4,
        timeout: float = 5.0,
        **options: Any,
    ) -> None:
        """`url`: a libpq connection string (postgresql://user@host:port/db). `pool_min`,
        `pool_max`: connections this process keeps open and may open at most. `timeout`:
        seconds a request waits for a connection (or to connect) before StoreUnavailable.
        `options`: Store's (the cap, expiry, cache and quota)."""
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
        super().__init__(**options)

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        """A pooled connection in autocommit: each statement commits by itself."""
        try:
            with self._pool.connection() as raw:
                yield Conn(raw, POSTGRES)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
            log.warning("database unavailable: %s", error)
            raise StoreUnavailable("the database cannot be reached") from error

    @contextmanager
    def writing(self) -> Iterator[Conn]:
        with self.reading() as conn, conn.raw.transaction():
            yield conn

    def lock(self, conn: Conn, key: str) -> None:
        conn.run("SELECT pg_advisory_xact_lock(:space, hashtext(:key))", space=NAMED_LOCKS, key=key)

    def try_run(self, sql: str, /, **params: Any) -> None:
        """The statement skips what another writer holds (its `{lock:… SKIP LOCKED}`)."""
        try:
            with self.reading() as conn:
                conn.run(sql, **params)
        except StoreUnavailable:
            pass  # the next read tries again

    def close(self) -> None:
        self._pool.close()
