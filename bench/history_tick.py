"""One Play tick with the history on and off, side by side in one process.

A Play tick is what the page's Play button asks for: POST …/step with 5 epochs on XOR 2-2-1.
Here it is the route's own change (app.networks.passes.step_change) saved through the store's
`modify`, on two databases: one store writes the history, the other is the same store with
the history's writes left out. Rounds alternate between the two so that the machine's other
work falls on both alike; the table gives the median over rounds of the CPU time (this
process, plus PostgreSQL's processes on that backend) and the wall time per tick, and the
ratio. Target: on ≤ 1.10 × off.

    .venv/bin/python -m bench.history_tick [--rounds 21] [--ticks 200] \
        [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.networks.edits import build
from app.networks.passes import step_change
from app.networks.views import step_payload, to_json
from app.schemas import NetworkCreate, StepRequest
from app.store import SharedStore, SQLiteStore, StoredNetwork
from app.store.history import HistorySQL
from app.store.postgres import PostgresStore
from bench.server import Postgres


class NoHistory(HistorySQL):
    def write(self, *args: Any, **kwargs: Any) -> None:
        return None


def open_store(store: SharedStore, history: bool) -> tuple[SharedStore, str]:
    if not history:
        store._history = NoHistory()
    network = build(NetworkCreate(preset="xor"))
    store.create(network)
    return store, network.id


def measure(
    stores: dict[str, tuple[SharedStore, str]],
    rounds: int,
    ticks: int,
    database_cpu: Callable[[], float],
) -> None:
    step = step_change(StepRequest(epochs=5), lambda: False)

    def change(network: StoredNetwork) -> bytes:  # the answer's bytes, as the route sends
        return to_json(step_payload(step(network)))

    cpu: dict[str, list[float]] = {"on": [], "off": []}
    wall: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):
        for name, (store, network_id) in stores.items():
            c0, d0, w0 = time.process_time(), database_cpu(), time.perf_counter()
            for _ in range(ticks):
                store.modify(network_id, change)
            used = time.process_time() - c0 + database_cpu() - d0
            cpu[name].append(used / ticks * 1e6)
            wall[name].append((time.perf_counter() - w0) / ticks * 1e6)
    entries = len(stores["on"][0].history(stores["on"][1])[1])
    print(f"{rounds} rounds of {ticks} ticks each; history kept {entries} entries")
    print("| per Play tick | history off | history on | on ÷ off |")
    print("| --- | --- | --- | --- |")
    for label, values in (("CPU µs", cpu), ("wall µs", wall)):
        off, on = statistics.median(values["off"]), statistics.median(values["on"])
        print(f"| {label} | {off:.0f} | {on:.0f} | {on / off:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--backend", nargs="+", choices=("sqlite", "postgres"), default=["sqlite"])
    args = parser.parse_args()
    for backend in args.backend:
        print(f"## {backend}")
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                stores = {
                    name: open_store(SQLiteStore(str(Path(folder) / f"{name}.sqlite3")), on)
                    for name, on in (("on", True), ("off", False))
                }
                measure(stores, args.rounds, args.ticks, lambda: 0.0)
        else:
            with Postgres() as pg:
                stores = {
                    name: open_store(PostgresStore(pg.server.database()), on)
                    for name, on in (("on", True), ("off", False))
                }
                measure(stores, args.rounds, args.ticks, pg.cpu_seconds)


if __name__ == "__main__":
    main()
