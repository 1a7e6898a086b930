"""What one commit of a step costs in wall time, synchronous=FULL against NORMAL, alone and
beside a thread running Python (as the store's writer commits beside the event loop).
The event loop lies between the two threads of `bench.gil_sharing`: it runs Python in
bursts (a batch of requests to answer and parse) and gives the GIL up when it waits.

One transaction as the writer runs it for a batch on one network: BEGIN IMMEDIATE, UPDATE
of one row (Mazur's weights), COMMIT, on a WAL database like the store's in a temporary
folder (`--folder` to put it elsewhere, e.g. on the disk the server will use). With FULL the
COMMIT waits for an fsync of the WAL; with NORMAL it does not. Rounds alternate; medians.

    .venv/bin/python -m bench.commit_cost [--rounds 5] [--commits 500] [--folder DIR]
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.gil_sharing import SIDES, UPDATE_ROW, beside, one_row, timed
from bench.server import command_line, machine, table


def transaction(folder: Path, synchronous: str) -> tuple[sqlite3.Connection, Callable[[], None]]:
    params = np.array([0.15, 0.20, 0.25, 0.30, 0.35, 0.35, 0.40, 0.45, 0.50, 0.55, 0.6, 0.6])
    conn = one_row(folder / f"{synchronous}.sqlite3", synchronous, params.tobytes())

    def run() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(UPDATE_ROW, (params.tobytes(),))
        conn.execute("COMMIT")

    return conn, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--commits", type=int, default=500, help="commits per timing")
    parser.add_argument("--folder", type=Path, help="where the databases go (default: /tmp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-bench-", dir=args.folder) as tmp:
        sides = {mode: transaction(Path(tmp), mode) for mode in ("FULL", "NORMAL")}
        walls: dict[tuple[str, str], list[float]] = {}
        cpus: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for mode, (_, run) in sides.items():
                for name, other in SIDES:
                    cpu, wall = beside(other, functools.partial(timed, run, args.commits))
                    walls.setdefault((mode, name), []).append(wall)
                    cpus.setdefault((mode, name), []).append(cpu)
        for conn, _ in sides.values():
            conn.close()
    rows = [
        [
            mode,
            name,
            f"{statistics.median(walls[mode, name]):.0f}",
            f"{statistics.median(cpus[mode, name]):.0f}",
        ]
        for mode in sides
        for name, _ in SIDES
    ]
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"BEGIN IMMEDIATE, UPDATE of one row, COMMIT; WAL; {args.commits} per timing")
    print(table(["synchronous", "beside it", "wall µs per commit", "CPU µs per commit"], rows))


if __name__ == "__main__":
    main()
