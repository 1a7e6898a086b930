"""A uvicorn subprocess on 127.0.0.1 for the benchmarks: started, waited for, stopped by pid.

Every benchmark server runs with the same settings (`UVICORN_FLAGS`), so two apps compare
on equal terms. The database is a fresh file in a temporary folder unless one is given.
"""

from __future__ import annotations

import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
UVICORN_FLAGS = ["--log-level", "warning", "--no-access-log"]
BENCH_ENV = {
    # The creation rate limit protects a public server; a benchmark creates many networks.
    "BACKPROP_CREATE_BURST": "100000000",
    "BACKPROP_CREATE_PER_MINUTE": "100000000",
    "BACKPROP_MAX_NETWORKS": "100000000",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`with Server("app.main:app", workers=1) as s: ... s.url ...`"""

    def __init__(
        self,
        app: str = "app.main:app",
        workers: int = 1,
        env: dict[str, str] | None = None,
        database: Path | None = None,
        health: str = "/healthz",
        cwd: Path = ROOT,
    ) -> None:
        self.app, self.workers, self.health, self.cwd = app, workers, health, cwd
        self._tmp = tempfile.TemporaryDirectory(prefix="backprop-bench-")
        self.database = database or Path(self._tmp.name) / "bench.sqlite3"
        self.env = {**BENCH_ENV, **(env or {})}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            *UVICORN_FLAGS,
        ]

    def start(self) -> Server:
        env = {**os.environ, "BACKPROP_DATABASE": str(self.database), **self.env}
        if self.cwd != ROOT:  # another checkout of the app (a baseline): import it, not ours
            env["PYTHONPATH"] = str(self.cwd)
        self.process = subprocess.Popen(self.command(), cwd=self.cwd, env=env)
        deadline = time.monotonic() + 90  # a busy machine starting several servers at once
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.app} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.app} did not answer {self.health} within 90 s")

    def pids(self) -> list[int]:
        """The supervisor and its worker processes."""
        if self.process is None:
            return []
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        return pids

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the workers (multiprocessing's resource tracker
        is a child too), or the one process when it has none."""
        pids = self.pids()
        spawned = [p for p in pids[1:] if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        return spawned or pids[:1]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the supervisor and its workers so far."""
        return cpu_seconds(self.pids())

    def cpu_snapshot(self) -> dict[tuple[int, int], int]:
        """Nanoseconds on a CPU of every live thread of the server (cpu_snapshot())."""
        return cpu_snapshot(self.pids())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
        self._tmp.cleanup()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (those gone count nothing)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def cpu_snapshot(pids: list[int]) -> dict[tuple[int, int], int]:
    """Nanoseconds on a CPU so far of every live thread of these processes, by (pid, tid),
    from the scheduler (/proc/PID/task/TID/schedstat): exact, where /proc/PID/stat counts
    10 ms ticks. A thread that ends takes its count with it, so compare two snapshots with
    cpu_between over windows shorter than a worker thread's idle life (anyio's: 10 s)."""
    found: dict[tuple[int, int], int] = {}
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                found[pid, int(task.name)] = int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return found


def cpu_between(before: dict[tuple[int, int], int], after: dict[tuple[int, int], int]) -> float:
    """Seconds of CPU between two cpu_snapshot()s: a thread born between them counts whole;
    one gone by the second counts nothing (it was idle: see cpu_snapshot)."""
    return sum(ns - before.get(key, 0) for key, ns in after.items()) / 1e9


class Postgres:
    """`with Postgres() as pg: ... pg.url ...`: Debian's PostgreSQL 15 on a temporary data
    directory (as the tests start it, tests/postgres.py), with fsync on, as a real server
    commits; `cpu_seconds()` counts every one of its processes."""

    def __init__(self) -> None:
        from tests.postgres import PostgresServer

        self.server = PostgresServer(free_port(), fsync=True)
        self.url = ""

    def __enter__(self) -> Postgres:
        self.server.start()
        self.url = self.server.database()
        return self

    def cpu_seconds(self) -> float:
        try:
            return cpu_seconds(self.server.pids())
        except OSError:
            return 0.0

    def __exit__(self, *_: object) -> None:
        self.server.remove()


class Nginx:
    """`with Nginx([s.port for s in servers]) as proxy: ... proxy.url ...`: Debian's nginx in
    the foreground with the repository's deploy/nginx.conf (compose.scale.yaml's proxy), its
    upstreams pointed at these ports instead of the services app1..app3; stopped by pid."""

    def __init__(self, ports: list[int]) -> None:
        self.ports, self.port = ports, free_port()
        self._tmp = tempfile.TemporaryDirectory(prefix="backprop-nginx-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Nginx:
        folder = Path(self._tmp.name)
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        upstreams = "".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in self.ports
        )
        lines = [line for line in conf.splitlines() if "server app" not in line]
        conf = "\n".join(lines).replace("keepalive 16;", upstreams + "keepalive 16;")
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        (folder / "nginx.conf").write_text(conf)
        flags = f"daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;"
        command = ["/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
        self.process = subprocess.Popen([*command, "-g", flags])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("nginx did not answer /healthz within 30 s")

    def __exit__(self, *_: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None
        self._tmp.cleanup()


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 answer with a Content-Length from a kept-alive connection: status, body."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def post_json(url: str, body: bytes, method: str = "POST") -> bytes:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        data: bytes = r.read()
        return data


def machine() -> str:
    """nproc, CPU model, Python, numpy and its BLAS (from threadpoolctl when installed)."""
    import numpy as np

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = "threadpoolctl not installed"
    try:
        from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

        blas = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')} "
            f"{i.get('num_threads')} threads"
            for i in threadpool_info()
            if i.get("user_api") == "blas"
        )
    except ImportError:
        pass
    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, "
        f"numpy {np.__version__} ({blas}), OPENBLAS_CORETYPE={coretype}, "
        f"load average {load} (other work on the machine)"
    )


def command_line() -> str:
    """How this benchmark was started, to print beside its table."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    target = ["-m", spec.name] if spec is not None else [sys.argv[0]]
    python = Path(sys.executable)
    shown = python.relative_to(ROOT).as_posix() if python.is_relative_to(ROOT) else str(python)
    return " ".join([shown, *target, *sys.argv[1:]])


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, ready to paste into docs/benchmarks.md."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
