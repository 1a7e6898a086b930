"""How long other writers wait while a teacher pushes a big activity to a big class.

A class of `--students` (default 150) on a real 2-worker uvicorn; the teacher pushes an
activity of `--examples` (default 5,000) stored examples (layers 2-8-1), so every student gets
a network holding them. Meanwhile another client, outside the class, PATCHes its own network's
name in a loop (one in flight): each PATCH is a write, so its time is what any other writer
waits. Reported: the push's own time and the other writer's p50, p99 and worst time during
the push, beside the same writer idle. With `--baseline DIR` (another checkout) its server is
measured too, in the same run; with `--backend postgres` the database is a throwaway
PostgreSQL (bench.server.Postgres).

    .venv/bin/python -m bench.push_wait [--students 150] [--examples 5000]
        [--baseline DIR] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.server import ROOT, Postgres, Server, command_line, machine, table


def writer(url: str, stop: threading.Event, out: list[tuple[float, float]]) -> None:
    """PATCH the network at `url` until `stop`: (start, seconds) of each."""
    with httpx.Client(timeout=60) as client:
        k = 0
        while not stop.is_set():
            k += 1
            start = time.monotonic()
            client.patch(url, json={"name": f"w{k}"}).raise_for_status()
            out.append((start, time.monotonic() - start))


def measure(cwd: Path, students: int, examples: int, database_url: str) -> dict[str, float]:
    rng = np.random.default_rng(0)
    x = rng.random((examples, 2)).round(4)
    activity = {
        "layers": [2, 8, 1],
        "dataset": {"x": x.tolist(), "y": (x[:, :1] > 0.5).astype(float).tolist()},
    }
    env = {"BACKPROP_MAX_STUDENTS_PER_CLASS": str(students)}
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
        times: list[tuple[float, float]] = []
        stop = threading.Event()
        thread = threading.Thread(
            target=writer, args=(f"{server.url}/api/networks/{other}", stop, times)
        )
        thread.start()
        time.sleep(2.0)
        idle = [t for _, t in times]
        start = time.monotonic()
        headers = {"Authorization": f"Bearer {created['teacher_key']}"}
        pushed = client.post(
            f"/api/classes/{created['id']}/activity", json=activity, headers=headers
        )
        end = time.monotonic()
        time.sleep(0.5)
        stop.set()
        thread.join()
        pushed.raise_for_status()
    during = [t for s, t in times if s + t >= start and s <= end]
    q = statistics.quantiles
    return {
        "push s": end - start,
        "idle p50": statistics.median(idle),
        "p50": statistics.median(during),
        "p99": q(during, n=100)[98] if len(during) > 1 else during[0],
        "max": max(during),
        "n": len(during),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    runs: dict[str, dict[str, float]] = {}
    with Postgres() if args.backend == "postgres" else contextlib.nullcontext() as pg:
        url = pg.url if pg is not None else ""
        runs["this checkout"] = measure(ROOT, args.students, args.examples, url)
        if args.baseline:
            if pg is not None:  # a fresh database for the other checkout's tables
                url = pg.server.database()
            runs["baseline"] = measure(args.baseline.resolve(), args.students, args.examples, url)
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    header = ["server", "push s", "writer idle p50 ms", "p50 ms", "p99 ms", "max ms", "writes"]
    rows: list[list[Any]] = []
    for name, r in runs.items():
        ms = [f"{1000 * r[k]:.0f}" for k in ("idle p50", "p50", "p99", "max")]
        rows.append([name, f"{r['push s']:.1f}", *ms, str(int(r["n"]))])
    print(table(header, rows))


if __name__ == "__main__":
    main()
