"""Other writers' wait while one client loops a heavy request on a big network.

A real 2-worker uvicorn; a network of layers `[256]*10` with `--examples` stored examples
(1,400: every forward pass over them is past the work bound, so J, a step, PATCH, rewind and
answers are refused; 84: the most a PATCH's J accepts). One client loops one request on it
(one in flight): PATCH of `learning_rate`, a rewind to the other of two entries, an answer
(`deltas[8][0][0]`), `trace.csv` read to its end. Meanwhile, in every phase and the idle one:
- another student steps their own XOR network (1 epoch, a new connection each, so both
  workers serve them), one step in flight: its latency;
- a probe outside the server takes the database's write lock every 20 ms and gives it back
  at once: how long it waited (SQLite: BEGIN IMMEDIATE, retried every 0.5 ms; PostgreSQL:
  the advisory lock every network creation and dataset change takes, `lock(conn,
  "networks")`, waited for in its queue).
The phases run one after the other on one server, so their figures compare; with
`--baseline DIR ...` other checkouts' servers run the same phases after it.

    .venv/bin/python -m bench.lock_wait [--seconds 6] [--examples 1400 84]
        [--loops patch rewind answers trace] [--backend sqlite|postgres] [--baseline DIR ...]
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import numpy as np

from bench.server import ROOT, Postgres, Server, command_line, machine, table

LAYERS = [256] * 10
PROBE_EVERY = 0.02


def quantiles(values: list[float]) -> tuple[float, float, float]:
    """(p50, p99, max) in ms; zeros when there are none."""
    if not values:
        return 0.0, 0.0, 0.0
    p99 = values[0]
    if len(values) > 1:
        p99 = statistics.quantiles(values, n=100, method="inclusive")[98]
    return 1000 * statistics.median(values), 1000 * p99, 1000 * max(values)


class Recorder(threading.Thread):
    """Runs `once` in a loop until stopped, recording (start, seconds) of each."""

    def __init__(self, once: Callable[[], None], pause: float = 0.0) -> None:
        super().__init__(daemon=True)
        self.once, self.pause = once, pause
        self.times: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            start = time.monotonic()
            self.once()
            self.times.append((start, time.monotonic() - start))
            if self.pause:
                time.sleep(self.pause)

    def between(self, start: float, end: float) -> list[float]:
        """Durations of the calls that overlapped [start, end]."""
        return [t for s, t in self.times if s + t >= start and s <= end]

    def halt(self) -> None:
        self.stop.set()
        self.join()


def sqlite_probe(path: str) -> Callable[[], None]:
    """Take and release SQLite's write lock: waits polled every 0.5 ms, not by SQLite's busy
    handler (whose sleeps grow to 100 ms), so the time is the lock's."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)

    def once() -> None:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:
                time.sleep(0.0005)
        conn.execute("ROLLBACK")

    return once


def postgres_probe(url: str) -> Callable[[], None]:
    """Take and release the advisory lock the store's `lock(conn, "networks")` takes, waiting
    in its queue as the app's writers do (a try-lock that polls never gets ahead of them)."""
    import psycopg

    from app.store.postgres import NAMED_LOCKS

    conn = psycopg.connect(url, autocommit=True)
    sql = "SELECT pg_advisory_xact_lock(%s, hashtext('networks'))"

    def once() -> None:
        with conn.transaction():
            conn.execute(sql, (NAMED_LOCKS,))

    return once


def probe(server: Server, database_url: str) -> Callable[[], None]:
    if database_url:
        return postgres_probe(database_url)
    return sqlite_probe(str(server.database))


def student(url: str, network: str) -> Callable[[], None]:
    """Another student's step on their own XOR network, on a new connection each time (the
    server closes it), so both workers serve them."""
    client = httpx.Client(base_url=url, timeout=60, headers={"Connection": "close"})

    def once() -> None:
        client.post(f"/api/networks/{network}/step", json={"epochs": 1}).raise_for_status()

    return once


@contextlib.contextmanager
def watched(server: Server, database_url: str) -> Iterator[tuple[Recorder, Recorder]]:
    """(the lock probe, another student's steps), running for the block."""
    xor = httpx.post(f"{server.url}/api/networks", json={"preset": "xor"}).json()["id"]
    lock = Recorder(probe(server, database_url), pause=PROBE_EVERY)
    steps = Recorder(student(server.url, xor), pause=0.01)
    lock.start()
    steps.start()
    try:
        yield lock, steps
    finally:
        lock.halt()
        steps.halt()


def big_network(client: httpx.Client, examples: int) -> str:
    """A `[256]*10` network with `examples` examples of 0s and 1s (the body stays under
    the 2 MB limit), and two entries to rewind between when a PATCH is accepted."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (examples, 256)).tolist()
    made = client.post("/api/networks", json={"layers": LAYERS, "dataset": {"x": x, "y": x}})
    made.raise_for_status()
    network: str = made.json()["id"]
    client.patch(f"/api/networks/{network}", json={"learning_rate": 0.4})
    return network


def looper(client: httpx.Client, loop: str, network: str) -> tuple[Callable[[], None], list[int]]:
    """The request `loop` sends again and again, and the statuses it got."""
    statuses: list[int] = []
    path = f"/api/networks/{network}"
    flip = iter(range(1 << 60))

    def once() -> None:
        k = next(flip) % 2
        if loop == "patch":
            r = client.patch(path, json={"learning_rate": (0.3, 0.5)[k]})
        elif loop == "rewind":
            r = client.post(f"{path}/rewind", json={"update": 0, "entry": k})
        elif loop == "answers":
            r = client.post(f"{path}/answers", json={"path": "deltas[8][0][0]", "value": 0.1})
        else:
            with client.stream("GET", f"{path}/trace.csv") as r:
                for _ in r.iter_bytes():
                    pass
        statuses.append(r.status_code)

    return once, statuses


def measure(
    cwd: Path, loops: list[str], examples: list[int], seconds: float, database_url: str
) -> list[list[str]]:
    rows: list[list[str]] = []
    env = {"BACKPROP_DATABASE_URL": database_url} if database_url else {}
    with (
        Server(workers=2, env=env, cwd=cwd) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
        watched(server, database_url) as (lock, steps),
    ):
        time.sleep(1.0)  # warm up
        start = time.monotonic()
        time.sleep(seconds)
        rows.append(row("idle", "", "", lock, steps, start, time.monotonic()))
        for n in examples:
            network = big_network(client, n)
            for loop in loops:
                once, statuses = looper(client, loop, network)
                heavy = Recorder(once)
                heavy.start()
                time.sleep(0.5)
                start = time.monotonic()
                time.sleep(seconds)
                end = time.monotonic()
                heavy.halt()
                took = heavy.between(start, end)
                counted = ", ".join(f"{statuses.count(s)} × {s}" for s in sorted(set(statuses)))
                label = f"{loop}, {n:,} examples"
                looped = f"{quantiles(took)[0]:.0f}"
                rows.append(row(label, looped, counted, lock, steps, start, end))
    return rows


def row(
    label: str,
    looped: str,
    statuses: str,
    lock: Recorder,
    steps: Recorder,
    start: float,
    end: float,
) -> list[str]:
    waits, stepped = quantiles(lock.between(start, end)), quantiles(steps.between(start, end))
    return [label, looped, statuses, *(f"{v:.1f}" for v in (*waits, *stepped))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--examples", type=int, nargs="+", default=[1400, 84])
    parser.add_argument(
        "--loops", nargs="+", default=["patch", "rewind", "answers", "trace"],
        choices=["patch", "rewind", "answers", "trace"],
    )  # fmt: skip
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--baseline", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    rows: list[list[str]] = []
    with Postgres() if args.backend == "postgres" else contextlib.nullcontext() as pg:
        checkouts = {"": ROOT} | {f"{d}: ": d.resolve() for d in args.baseline}
        for name, cwd in checkouts.items():
            url = pg.server.database() if pg is not None else ""  # a fresh database each
            measured = measure(cwd, args.loops, args.examples, args.seconds, url)
            rows += [[name + row[0], *row[1:]] for row in measured]
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    header = [
        "one client loops",
        "its request p50 ms",
        "statuses",
        "lock wait p50 ms",
        "p99 ms",
        "max ms",
        "another student's step p50 ms",
        "p99 ms",
        "max ms",
    ]
    print(table(header, rows))


if __name__ == "__main__":
    main()
