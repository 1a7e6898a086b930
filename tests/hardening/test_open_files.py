"""A class holds about two connections per student in a worker: the class's event stream and
the page's requests. Many shells and container runtimes start processes with a soft limit of
1,024 open files, which a lecture hall passes; a worker at its limit stops accepting
connections. Each worker raises its soft limit to its hard limit when it starts: here the
server starts at 64, and 150 students of one class all get their stream on 2 workers."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.classroom.classes import open_class

pytestmark = pytest.mark.slow

STUDENTS = 150
STARTED_AT = 64


def open_files(pid: int) -> tuple[str, str]:
    """(soft, hard) "Max open files" of a process, from /proc."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return soft, hard
    raise AssertionError(f"no open files limit for {pid}")


def stream(port: int, network_id: str) -> tuple[socket.socket, bytes]:
    """A student's class stream, opened as the page opens it: the socket (kept open) and the
    first bytes the server sent on it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(
        f"GET /api/networks/{network_id}/classroom/events HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    )
    got = b""
    while b"event: class" not in got:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    return s, got


def test_a_low_open_files_limit_does_not_cap_a_class(live_server_factory: Any) -> None:
    server = live_server_factory(
        workers=2,
        as_deployed=True,
        open_files=STARTED_AT,
        env={"BACKPROP_JOIN_BURST": "1000"},
    )
    assert server.process is not None
    supervisor = server.process.pid
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    workers = [  # multiprocessing's resource tracker is a child too
        int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
    ]
    assert len(workers) == 2
    assert open_files(supervisor)[0] == str(STARTED_AT)  # started low, as asked
    with httpx.Client(base_url=server.url, timeout=10) as client:
        created = open_class(client, {"preset": "xor"})
        joined = [
            client.post("/api/join", json={"code": created["join_code"]}).json()["network_id"]
            for _ in range(STUDENTS)
        ]
    for pid in workers:
        soft, hard = open_files(pid)
        assert soft == hard, f"worker {pid} kept {soft} of {hard}"
    opened: list[socket.socket] = []
    try:
        answers = []
        for network_id in joined:
            s, first = stream(server.port, network_id)
            opened.append(s)
            answers.append(first)
        assert all(a.startswith(b"HTTP/1.1 200") and b"event: class" in a for a in answers), [
            a[:60] for a in answers if b"event: class" not in a
        ][:3]
        with httpx.Client(base_url=server.url, timeout=10) as client:  # and one more request
            assert client.get("/healthz").status_code == 200
    finally:
        for s in opened:
            s.close()
