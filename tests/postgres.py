"""A real PostgreSQL server for the tests: Debian's PostgreSQL 15 on a temporary data directory
and a free loopback port, run as the package's `postgres` user when the tests run as root
(initdb refuses root). `apt-get install postgresql` provides it (scripts/test does)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

# Debian's layout first; otherwise whatever initdb is on PATH.
_BINDIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)


def bindir() -> Path | None:
    for candidate in _BINDIRS:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresServer:
    """`start()` initialises the data directory on first use; `stop()` and `start()` again
    keep the data (the outage tests). `database()` makes a fresh empty database."""

    def __init__(self, port: int, fsync: bool = False) -> None:
        """`fsync`: make commits durable, as a real server's (the benchmarks); the tests
        stop the app servers, never PostgreSQL's machine, and need not wait for the disk."""
        bins = bindir()
        if bins is None:
            raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin, self.port, self.fsync = bins, port, fsync
        self.dir = Path(tempfile.mkdtemp(prefix="backprop-pg-"))
        self.data = self.dir / "data"
        self._names = itertools.count()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}{log[-2000:]}")

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                      "postgres", "--no-sync")  # fmt: skip
        durability = "" if self.fsync else "-c fsync=off -c full_page_writes=off "
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {durability}"
            "-c max_connections=200"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                  str(self.dir / "log"), "-o", options, "start")  # fmt: skip
        return self

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def pids(self) -> list[int]:
        """The postmaster and its children (a backend per connection, background processes)."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [pid, *(int(p) for p in children.read_text().split())]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def drop(self, url: str) -> None:
        """Drop the database at `url` (made by `database()`), connections and all."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]

    def database(self) -> str:
        """A new empty database; its URL."""
        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
        return self.url(name)
