"""What sharing the GIL with a second thread costs the engine: `nn.train` on Mazur's 2-2-2
network (the work inside one /step), CPU and wall time per call, alone and beside a thread.

/step runs Python on two threads at once (the event loop parses and answers, the store's
writer thread computes and commits); the bare endpoint it is measured against runs on one.
This isolates that difference: the same calls, in one process, with nothing beside them,
beside a thread that runs Python without pause, and beside one that gives the GIL up often
(as the event loop does when it waits for the network). Rounds alternate A B C A B C;
medians.

    .venv/bin/python -m bench.gil_sharing [--rounds 5] [--calls 3000]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable

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


def per_call(calls: int) -> tuple[float, float]:
    """(CPU µs, wall µs) per nn.train call on this thread."""
    case = mazur_case()  # the same network, config and example as bench.engine_vs_torch
    for _ in range(calls // 10):
        nn.train(case.params, case.config, case.x, case.y)
    cpu, wall = time.thread_time(), time.perf_counter()
    for _ in range(calls):
        nn.train(case.params, case.config, case.x, case.y)
    return (
        (time.thread_time() - cpu) / calls * 1e6,
        (time.perf_counter() - wall) / calls * 1e6,
    )


def beside(other: Callable[[threading.Event], None] | None, calls: int) -> tuple[float, float]:
    if other is None:
        return per_call(calls)
    stop = threading.Event()
    thread = threading.Thread(target=other, args=(stop,))
    thread.start()
    try:
        return per_call(calls)
    finally:
        stop.set()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3000, help="nn.train calls per timing")
    args = parser.parse_args()
    sides: list[tuple[str, Callable[[threading.Event], None] | None]] = [
        ("nothing", None),
        ("a thread running Python without pause", busy_python),
        ("a thread giving the GIL up often (time.sleep(0))", yielding_python),
    ]
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in sides}
    for _ in range(args.rounds):
        for name, other in sides:
            timings[name].append(beside(other, args.calls))
    alone = statistics.median(cpu for cpu, _ in timings["nothing"])
    rows = []
    for name, _ in sides:
        cpu = statistics.median(c for c, _ in timings[name])
        wall = statistics.median(w for _, w in timings[name])
        rows.append([name, f"{cpu:.0f}", f"{wall:.0f}", f"{cpu / alone:.2f}"])
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"nn.train on Mazur's 2-2-2, one example, one epoch; {args.calls} calls per timing")
    print(table(["beside it", "CPU µs per call", "wall µs per call", "CPU ÷ alone"], rows))


if __name__ == "__main__":
    main()
