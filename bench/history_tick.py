"""One Play tick with the history on and off, side by side in one process.

A Play tick is what the page's Play button asks for: POST …/step with 5 epochs on XOR 2-2-1.
Here it is the route's own change (app.api.networks.step_change) saved through
SQLiteStore.modify, on two database files: one store writes the history, the other is the
same store with the history's writes left out. Rounds alternate between the two so that
the machine's other work falls on both alike; the table gives the median over rounds of the
CPU time (this process) and the wall time per tick, and the ratio. Target: on ≤ 1.10 × off.

    .venv/bin/python -m bench.history_tick [--rounds 21] [--ticks 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from app.api.networks import build, step_change
from app.schemas import NetworkCreate, StepRequest
from app.store import SQLiteStore
from app.store.history import HistorySQL


class NoHistory(HistorySQL):
    def write(self, *args: Any, **kwargs: Any) -> None:
        return None


def open_store(path: Path, history: bool) -> tuple[SQLiteStore, str]:
    store = SQLiteStore(str(path))
    if not history:
        store._history = NoHistory()
    network = build(NetworkCreate(preset="xor"))
    store.create(network)
    return store, network.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--ticks", type=int, default=200)
    args = parser.parse_args()
    change = step_change(StepRequest(epochs=5), lambda: False)
    with tempfile.TemporaryDirectory() as folder:
        stores = {
            "on": open_store(Path(folder) / "on.sqlite3", True),
            "off": open_store(Path(folder) / "off.sqlite3", False),
        }
        cpu: dict[str, list[float]] = {"on": [], "off": []}
        wall: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(args.rounds):
            for name, (store, network_id) in stores.items():
                c0, w0 = time.process_time(), time.perf_counter()
                for _ in range(args.ticks):
                    store.modify(network_id, change)
                cpu[name].append((time.process_time() - c0) / args.ticks * 1e6)
                wall[name].append((time.perf_counter() - w0) / args.ticks * 1e6)
        entries = len(stores["on"][0].history(stores["on"][1])[1])
    print(f"{args.rounds} rounds of {args.ticks} ticks each; history kept {entries} entries")
    print("| per Play tick | history off | history on | on ÷ off |")
    print("| --- | --- | --- | --- |")
    for label, values in (("CPU µs", cpu), ("wall µs", wall)):
        off, on = statistics.median(values["off"]), statistics.median(values["on"])
        print(f"| {label} | {off:.0f} | {on:.0f} | {on / off:.2f} |")


if __name__ == "__main__":
    main()
