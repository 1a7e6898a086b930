"""What sharing the GIL with a second thread costs the engine: `nn.train` on Mazur's 2-2-2
network (the work inside one /step), CPU and wall time per call, alone and beside a thread.

/step runs Python on two threads at once (the event loop parses and answers, the store's
writer thread computes and commits); the bare endpoint it is measured against runs on one.
This isolates that difference: the same calls, in one process, with nothing beside them,
beside a thread that runs Python without pause, and beside one that gives the GIL up often
(as the event loop does when it waits for the network). Rounds alternate A B C A B C;
medians.

A second table times single calls the same way, alone and beside the busy thread: numpy's
`ndarray.dot` and `np.matmul` on Mazur's shapes, and the statements the store's writer runs.
Each of these can let the GIL go; winning it back from a thread on another CPU is what costs.
Run it again under `taskset -c 0` (every thread on one CPU) to see that cost go away.

    .venv/bin/python -m bench.gil_sharing [--rounds 5] [--calls 3000]
    taskset -c 0 .venv/bin/python -m bench.gil_sharing
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from app import nn
from bench.engine_vs_torch import mazur_case
from bench.server import command_line, machine, table


def busy_python(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(100))


def yielding_python(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(100))
        time.sleep(0)  # gives the GIL up, as a thread waiting on a socket does


SIDES: list[tuple[str, Callable[[threading.Event], None] | None]] = [
    ("nothing", None),
    ("a thread running Python without pause", busy_python),
    ("a thread giving the GIL up often (time.sleep(0))", yielding_python),
]
"""What runs beside the timed calls, on a thread of its own."""


def timed(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per call on this thread, after calls // 10 untimed ones."""
    for _ in range(calls // 10):
        call()
    cpu, wall = time.thread_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return (
        (time.thread_time() - cpu) / calls * 1e6,
        (time.perf_counter() - wall) / calls * 1e6,
    )


def train_mazur() -> Callable[[], object]:
    case = mazur_case()  # the same network, config and example as bench.engine_vs_torch
    return lambda: nn.train(case.params, case.config, case.x, case.y)


def beside(
    other: Callable[[threading.Event], None] | None, measure: Callable[[], tuple[float, float]]
) -> tuple[float, float]:
    """`measure()` while `other` runs on a thread of its own (or alone)."""
    if other is None:
        return measure()
    stop = threading.Event()
    thread = threading.Thread(target=other, args=(stop,))
    thread.start()
    try:
        return measure()
    finally:
        stop.set()
        thread.join()


UPDATE_ROW = "UPDATE n SET version = version + 1, params = ? WHERE id = 'a'"
"""A step's UPDATE on `one_row`'s table: the weights and a counter of one row."""


def one_row(path: Path, synchronous: str, params: bytes) -> sqlite3.Connection:
    """A WAL database like the store's, holding one row 'a' (autocommit: BEGIN is explicit)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("CREATE TABLE n (id TEXT PRIMARY KEY, version INTEGER, params BLOB)")
    conn.execute("INSERT INTO n VALUES ('a', 0, ?)", (params,))
    return conn


@contextmanager
def single_calls() -> Iterator[dict[str, Callable[[], object]]]:
    """One call of each kind the writer thread makes, on Mazur's shapes and a WAL database
    like the store's (synchronous=NORMAL here, so that no fsync is timed)."""
    u, w = np.array([[0.05, 0.10]]), np.array([[0.15, 0.20], [0.25, 0.30]])
    out = np.empty((1, 2))
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as folder:
        conn = one_row(Path(folder) / "gil.sqlite3", "NORMAL", w.tobytes())
        try:
            yield {
                "ndarray.dot, 1×2 by 2×2": lambda: u.dot(w.T, out),
                "np.matmul, 1×2 by 2×2": lambda: np.matmul(u, w.T, out=out),
                "SQLite SELECT of one row by id": lambda: conn.execute(
                    "SELECT version FROM n WHERE id = 'a'"
                ).fetchone(),
                "SQLite UPDATE of one row": lambda: conn.execute(UPDATE_ROW, (w.tobytes(),)),
                "SQLite BEGIN IMMEDIATE, COMMIT": lambda: (
                    conn.execute("BEGIN IMMEDIATE"),
                    conn.execute("COMMIT"),
                ),
            }
        finally:
            conn.close()


def call_table(rounds: int, calls: int) -> str:
    alone: dict[str, list[float]] = {}
    busy: dict[str, list[float]] = {}
    with single_calls() as kinds:
        for _ in range(rounds):
            for name, call in kinds.items():
                alone.setdefault(name, []).append(timed(call, calls)[0])
                cpu, _ = beside(busy_python, functools.partial(timed, call, calls))
                busy.setdefault(name, []).append(cpu)
    rows = []
    for name in alone:
        a, b = statistics.median(alone[name]), statistics.median(busy[name])
        rows.append([name, f"{a:.1f}", f"{b:.1f}", f"{b / a:.1f}"])
    header = ["call", "CPU µs alone", "CPU µs beside a busy thread", "beside ÷ alone"]
    return table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3000, help="nn.train calls per timing")
    args = parser.parse_args()
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in SIDES}
    train = train_mazur()
    for _ in range(args.rounds):
        for name, other in SIDES:
            timings[name].append(beside(other, lambda: timed(train, args.calls)))
    alone = statistics.median(cpu for cpu, _ in timings["nothing"])
    rows = []
    for name, _ in SIDES:
        cpu = statistics.median(c for c, _ in timings[name])
        wall = statistics.median(w for _, w in timings[name])
        rows.append([name, f"{cpu:.0f}", f"{wall:.0f}", f"{cpu / alone:.2f}"])
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"nn.train on Mazur's 2-2-2, one example, one epoch; {args.calls} calls per timing")
    print(table(["beside it", "CPU µs per call", "wall µs per call", "CPU ÷ alone"], rows))
    print()
    print(f"single calls, alone and beside a thread running Python; {args.calls} per timing")
    print(call_table(args.rounds, args.calls))


if __name__ == "__main__":
    main()
