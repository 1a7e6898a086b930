"""Does one student's largest request stall the class? Another student's step latency while
the largest request the work bound allows runs, against the same steps with nothing else.

The large request is an online step of a [1, 1] network over 5,000 stored examples (the
kind of request whose cost is per update, not per multiply-add), with the most epochs the
bound accepts, sent again as soon as it is answered. Beside it, `--students` students each
send XOR steps of 5 epochs, 100 ms apart (Play). Both phases run on the same server
(`--workers`, synchronous=FULL), one after the other: p50 and p99 of the students' steps
alone, then with the large request running. Target: p99 under 100 ms with it running.

    .venv/bin/python -m bench.stall [--students 10] [--seconds 10] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import httpx
import orjson

from app.config import LIMITS
from bench.class_capacity import Stream, run
from bench.server import Server, command_line, machine, post_json, table

BIG = {"layers": [1, 1], "dataset": {"x": [[i / 5000] for i in range(5000)], "y": [[0.5]] * 5000}}


def largest_epochs() -> int:
    """The most online epochs of BIG the work bound accepts (as validate.work counts)."""
    per_epoch = 5000 * 3 * 2 + 5000 * LIMITS.update_cost  # products + updates, per epoch
    return max(1, LIMITS.max_work // per_epoch)


def hog(url: str, network: str, epochs: int, stop: threading.Event, took: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.is_set():
            start = time.monotonic()
            response = client.post(
                f"/api/networks/{network}/step", json={"mode": "online", "epochs": epochs}
            )
            response.raise_for_status()
            took.append(time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    epochs = largest_epochs()
    rows = []
    for workers in args.workers:
        with Server(workers=workers) as server:
            made = [
                json.loads(post_json(server.url + "/api/networks", b'{"preset": "xor"}'))
                for _ in range(args.students)
            ]
            big = json.loads(post_json(server.url + "/api/networks", orjson.dumps(BIG)))["id"]
            steps = Stream(
                "step",
                [m["id"] for m in made],
                [("/step", orjson.dumps({"epochs": 5}))],
                (100, 100),
            )
            run([server.url], [steps], 2)  # warm up
            (alone,) = run([server.url], [steps], args.seconds)
            stop, took = threading.Event(), []
            thread = threading.Thread(target=hog, args=(server.url, big, epochs, stop, took))
            thread.start()
            time.sleep(0.5)
            (beside,) = run([server.url], [steps], args.seconds)
            stop.set()
            thread.join()
        for label, r in (("alone", alone), ("beside the largest request", beside)):
            rows.append(
                [
                    str(workers),
                    label,
                    f"{r.p50_ms:.1f}",
                    f"{r.p99_ms:.1f}",
                    str(r.errors),
                    f"{sum(took) / len(took):.2f}" if took and label != "alone" else "",
                ]
            )
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        f"largest request: online step of [1, 1] over 5,000 examples, {epochs} epochs "
        f"({epochs * 5000:,} updates); {args.students} students stepping XOR"
    )
    headers = ["workers", "students' steps", "p50 ms", "p99 ms", "errors", "large request s"]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
