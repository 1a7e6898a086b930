"""Shared fixtures: an in-process client, and a real uvicorn server on a temporary database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.postgres import PostgresServer
from tests.postgres import bindir as pg_bindir

ROOT = Path(__file__).resolve().parent.parent
# The tests open many classes from one address (the in-process client's, or 127.0.0.1): the
# per-address class allowance is off unless a test of it sets it (live servers inherit this).
os.environ.setdefault("BACKPROP_CLASS_BURST", "0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` holds the socket listening on `port` (Linux's /proc; elsewhere
    assumed). uvicorn binds in its first process, and its workers inherit the socket."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return True
    inodes = set()
    for table in tables:
        with contextlib.suppress(OSError):
            for line in table.read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) in inodes:
                    return True
    return False


@dataclass
class LiveServer:
    """A real uvicorn process. `restart()` and `kill()` serve the crash tests."""

    database: Path
    port: int
    workers: int = 1
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    as_deployed: bool = False
    """Start it as the image does (`python -m app`: the app's own uvicorn settings, such as
    which proxies' X-Forwarded-For it believes), not with uvicorn's defaults."""
    open_files: int | None = None
    """Start it with this soft limit on open files (util-linux's prlimit), as a shell or a
    container runtime with a low default would."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        env = {**os.environ, "BACKPROP_DATABASE": str(self.database), **(self.env or {})}
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        if self.as_deployed:
            cmd = [sys.executable, "-m", "app"]
            env |= {"BACKPROP_HOST": "127.0.0.1", "BACKPROP_PORT": str(self.port)}
            env |= {"BACKPROP_WORKERS": str(self.workers)}
        if self.open_files is not None:  # prlimit execs the server: the same process
            cmd = ["prlimit", f"--nofile={self.open_files}:", *cmd]
        # A process group of its own, so kill() can reach the workers through the process group.
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                answered = httpx.get(self.url + "/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                answered = False
            if answered and listens(self.process.pid, self.port):
                return self
            if answered:
                # Another process (a server of a test running beside this one) took the port
                # between free_port() and this server's bind: this one cannot bind, so move.
                self.kill()
                self.port = free_port()
                return self.start()
            time.sleep(0.1)
        raise RuntimeError("server did not answer /healthz within 90 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as in a crash."""
        if self.process is None:
            return
        # uvicorn's workers are the supervisor's children, in its process group: SIGKILL them
        # all at once, or they would go on serving (and writing) after the "crash".
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()


@pytest.fixture
def live_server_factory(tmp_path: Path) -> Iterator[type[LiveServer]]:
    """Build servers on this test's temporary folder; all are stopped at the end."""
    made: list[LiveServer] = []

    def make(
        workers: int = 1,
        env: dict[str, str] | None = None,
        database: Path | None = None,
        as_deployed: bool = False,
        open_files: int | None = None,
    ) -> LiveServer:
        database = database or tmp_path / "backprop.sqlite3"
        server = LiveServer(
            database, free_port(), workers, env, as_deployed=as_deployed, open_files=open_files
        )
        made.append(server)
        return server.start()

    yield make  # type: ignore[misc]
    for server in made:
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the whole session (the browser tests share it)."""
    server = LiveServer(tmp_path_factory.mktemp("live") / "backprop.sqlite3", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app in-process, on a fresh SQLite file."""
    monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "test.sqlite3"))
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        yield c
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for this test process, stopped and removed at the end."""
    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    server = PostgresServer(free_port()).start()
    yield server
    server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database on the test run's PostgreSQL server, dropped afterwards (each
    takes 7 MB on disk, and the suite makes hundreds)."""
    url = postgres_server.database()
    yield url
    postgres_server.drop(url)


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may stop and start again."""
    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql)")
    server = PostgresServer(free_port()).start()
    yield server
    server.remove()
