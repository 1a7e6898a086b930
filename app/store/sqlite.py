"""SQLite's driver: one file in WAL mode, a connection per thread, one writer at a time.
A 2xx means the change is on disk (synchronous=FULL survives power loss, NORMAL a killed
process); reads never wait for writers (WAL readers see the last commit)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.store.base import StoreUnavailable
from app.store.core import Store
from app.store.sql import SQLITE, Conn

log = logging.getLogger("backprop")

JOURNAL_SIZE_LIMIT = 4 * 2**20
"""Bytes the WAL file is cut back to after a checkpoint (else it keeps its largest size)."""


class SQLiteStore(Store):
    """The store on a SQLite file (the default)."""

    def __init__(
        self, path: str, synchronous: str = "FULL", busy_timeout_ms: int = 10_000, **options: Any
    ) -> None:
        """`options`: Store's (the cap, expiry, cache and quota)."""
        self.path = self.where = path
        self.synchronous = synchronous if synchronous in ("FULL", "NORMAL", "EXTRA") else "FULL"
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        """Every open connection and its thread: those of ended threads (the server's pool
        retires idle ones) are closed when a new one opens, else their descriptors leak."""
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._active = 0
        """Operations using a connection now (see `_in_use`): close waits for none."""
        self._reopen = False
        """A write found the database read-only: reopen every connection when next idle."""
        self._writer = threading.Lock()
        """One writer per process at a time: threads queue here instead of in SQLite's busy
        handler, which polls with sleeps of up to 100 ms. Other processes still wait in it."""
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._wal, self._wal_lost = f"{path}-wal", ""
        """The WAL file, and why writes are refused for good (it was removed), or empty."""
        self._wal_inode: int | None = None
        """The WAL file's inode, taken at the first commit."""
        super().__init__(**options)

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> Conn:
        conn: Conn | None = getattr(self._local, "conn", None)
        if conn is None:
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            raw.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            self._use_wal(raw)
            raw.execute(f"PRAGMA synchronous = {self.synchronous}")
            raw.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            conn = self._local.conn = Conn(raw, SQLITE)
            with self._lock:
                for thread, old in [(t, c) for t, c in self._all if not t.is_alive()]:
                    old.close()
                    self._all.remove((thread, old))
                self._all.append((threading.current_thread(), raw))
        return conn

    def _use_wal(self, raw: sqlite3.Connection) -> None:
        """PRAGMA journal_mode = WAL, retried until busy_timeout: while another process
        switches a new file to WAL, SQLite answers "database is locked" at once."""
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        while True:
            try:
                raw.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """The database's own failures as StoreUnavailable. Every use of a connection runs
        inside this (or `_in_use`)."""
        with self._in_use():
            try:
                yield
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as error:
                if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY:
                    self._reopen = True
                raise StoreUnavailable(str(error)) from error

    @contextmanager
    def _in_use(self) -> Iterator[None]:
        """Count an operation that uses a connection, so that `close` waits for it: closing a
        connection while another thread steps a statement on it crashes the process (sqlite3
        then reads the freed handle).

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

    def _close_all(self, close: bool = True) -> None:
        """Forget every connection, closing each unless `close` is false."""
        with self._lock:
            for _, raw in self._all if close else ():
                raw.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        with self._errors():
            yield self._connection()

    @contextmanager
    def writing(self) -> Iterator[Conn]:
        """BEGIN IMMEDIATE: the transaction runs alone, against every process's writers."""
        if not self._writer.acquire(timeout=self.busy_timeout_ms / 1000):
            raise StoreUnavailable("another change took too long; the database is busy")
        try:
            with self._errors():
                conn = self._connection()
                self._check_wal(conn.raw)
                conn.raw.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.raw.execute("ROLLBACK")
                    raise
                conn.raw.execute("COMMIT")
                self._check_wal(conn.raw, committed=True)  # removed since: save this commit too
        finally:
            self._writer.release()

    def lock(self, conn: Conn, key: str) -> None:
        """Nothing to do: BEGIN IMMEDIATE already runs every write transaction alone."""

    def try_run(self, sql: str, /, **params: Any) -> None:
        if not self._writer.acquire(blocking=False):
            return
        try:
            with self._in_use():
                conn = self._connection()
                conn.raw.execute("PRAGMA busy_timeout = 0")
                try:
                    conn.run(sql, **params)
                except sqlite3.OperationalError:
                    pass  # busy, read-only or full: the next read tries again
                finally:
                    conn.raw.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        finally:
            self._writer.release()

    # -- the WAL file removed under a running server -------------------------------------------
    def _check_wal(self, raw: sqlite3.Connection, committed: bool = False) -> None:
        """Refuse to write once the WAL file has been removed (or replaced) under us: SQLite
        keeps writing to the removed file through its open descriptor, and those commits are
        lost when the process ends. So the first write that sees it copies every commit into
        the database file (a checkpoint through that descriptor) and from then on writes
        answer 503 until the server is restarted. `committed`: after a commit, which is kept;
        the first one notes the WAL file's inode."""
        if self._wal_lost and not committed:
            raise StoreUnavailable(self._wal_lost)
        try:
            inode: int | None = os.stat(self._wal).st_ino
        except FileNotFoundError:
            inode = None
        if self._wal_inode is None and committed:
            self._wal_inode = inode
        elif self._wal_inode is not None and inode != self._wal_inode and not self._wal_lost:
            raw.execute("PRAGMA wal_checkpoint(FULL)")
            self._wal_lost = (
                "the database's write-ahead log was removed while the server ran; every "
                "change is saved, but no more can be until the server is restarted"
            )
            log.error("%s was removed: writes are refused until a restart", self._wal)
            if not committed:
                raise StoreUnavailable(self._wal_lost)

    @property
    def problem(self) -> str:
        return self._wal_lost

    def close(self) -> None:
        """Close every connection, once no operation uses one (see `_in_use`). An operation
        still running after 30 s keeps its connection, left to the garbage collector."""
        with self._idle:
            idle = self._idle.wait_for(lambda: self._active == 0, timeout=30)
            if not idle:
                log.warning("closing the store while an operation still runs: left open")
            self._close_all(close=idle)
