"""How long other writers wait while a teacher pushes a big activity to a big class.

A class of `--students` (default 150) on a real 2-worker uvicorn; the teacher pushes an
activity of `--examples` (default 5,000) stored examples (layers 2-8-1), so every student gets
a network holding them. Meanwhile another client, outside the class, PATCHes its own network's
name in a loop (one in flight, a new connection each, so both workers serve it): each PATCH is
a write, so its time is what any other writer waits; and a probe outside the server takes the
database's write lock every 20 ms (bench/lock_wait.py): how long it waited. Reported: the
push's own time, the writer's p50, p99 and worst time and the probe's during the push, beside
the same writer idle. With `--baseline DIR [DIR ...]` (other checkouts) their servers are
measured too, in the same run; with `--backend postgres` the database is a throwaway
PostgreSQL (bench.server.Postgres).

    .venv/bin/python -m bench.push_wait [--students 150] [--examples 5000] [--pushes 3]
        [--baseline DIR ...] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.lock_wait import Recorder, probe, quantiles
from bench.server import ROOT, Postgres, Server, command_line, machine, table

ENV = {  # a class as big as asked, joined from one address
    "BACKPROP_JOIN_BURST": "100000",
    "BACKPROP_MAX_CLASS_NETWORKS": "100000",
}


def writer(url: str, network: str) -> Recorder:
    """PATCHes the network's name, one at a time, on a new connection each."""
    client = httpx.Client(base_url=url, timeout=60, headers={"Connection": "close"})
    names = iter(range(1 << 60))

    def once() -> None:
        patched = client.patch(f"/api/networks/{network}", json={"name": f"w{next(names)}"})
        patched.raise_for_status()

    return Recorder(once)


def measure(
    cwd: Path, students: int, examples: int, pushes: int, database_url: str
) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    x = rng.random((examples, 2)).round(4)
    activity = {
        "layers": [2, 8, 1],
        "dataset": {"x": x.tolist(), "y": (x[:, :1] > 0.5).astype(float).tolist()},
    }
    env = {**ENV, "BACKPROP_MAX_STUDENTS_PER_CLASS": str(students)}
    if database_url:
        env["BACKPROP_DATABASE_URL"] = database_url
    with (
        Server(workers=2, cwd=cwd, env=env) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        created = client.post(
            "/api/classes", json={"title": "Bench", "activity": {"preset": "xor"}}
        ).json()
        for _ in range(students):
            client.post("/api/join", json={"code": created["join_code"]}).raise_for_status()
        other = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
        writes = writer(server.url, other)
        lock = Recorder(probe(server, database_url), pause=0.02)
        writes.start()
        lock.start()
        headers = {"Authorization": f"Bearer {created['teacher_key']}"}
        idle: list[float] = []
        during: list[float] = []
        waits: list[float] = []
        took: list[float] = []
        for _ in range(pushes):
            begun = time.monotonic()
            time.sleep(2.0)
            idle += writes.between(begun, time.monotonic())
            start = time.monotonic()
            pushed = client.post(
                f"/api/classes/{created['id']}/activity", json=activity, headers=headers
            )
            end = time.monotonic()
            pushed.raise_for_status()
            took.append(end - start)
            during += writes.between(start, end)
            waits += lock.between(start, end)
        writes.halt()
        lock.halt()
    return {
        "push s": statistics.median(took),
        "idle": quantiles(idle)[:2],
        "writer": quantiles(during),
        "lock": quantiles(waits),
        "n": len(during),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--pushes", type=int, default=3)
    parser.add_argument("--baseline", type=Path, nargs="*", default=[])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    runs: dict[str, dict[str, Any]] = {}
    with Postgres() if args.backend == "postgres" else contextlib.nullcontext() as pg:
        checkouts = {"this checkout": ROOT} | {str(d): d.resolve() for d in args.baseline}
        for name, cwd in checkouts.items():
            url = pg.server.database() if pg is not None else ""  # a fresh database each
            runs[name] = measure(cwd, args.students, args.examples, args.pushes, url)
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    header = ["server", "push s (median)", "writer idle p50 ms", "idle p99 ms"]
    header += ["during p50 ms", "p99 ms", "max ms"]
    header += ["lock wait p50 ms", "p99 ms", "max ms", "writes"]
    rows: list[list[str]] = []
    for name, r in runs.items():
        ms = [f"{v:.0f}" for v in (*r["idle"], *r["writer"], *r["lock"])]
        rows.append([name, f"{r['push s']:.1f}", *ms, str(r["n"])])
    print(table(header, rows))


if __name__ == "__main__":
    main()
