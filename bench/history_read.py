"""What the page's timeline costs the server to read, beside a Play tick.

A network of XOR 2-2-1 is stepped `--updates` times (one update a request), then GET
…/history and POST …/step with 5 epochs (a Play tick) are each called `--calls` times; the
table gives this process's CPU per call and the answer's bytes. In-process (FastAPI's
TestClient, a temporary SQLite file), so the figure is the app's own work without the HTTP
server's; compare the two rows of one run.

    .venv/bin/python -m bench.history_read [--updates 12000] [--calls 200]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from bench.server import command_line, machine, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=12000)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BACKPROP_DATABASE"] = str(Path(folder) / "history.sqlite3")
        from app.main import create_app

        with TestClient(create_app()) as client:
            path = (
                f"/api/networks/{client.post('/api/networks', json={'preset': 'xor'}).json()['id']}"
            )
            for _ in range(args.updates):
                client.post(f"{path}/step", json={"epochs": 1})
            entries = len(client.get(f"{path}/history").json()["entries"])
            rows = []
            for name, call in (
                ("GET …/history", lambda: client.get(f"{path}/history")),
                ("POST …/step, 5 epochs", lambda: client.post(f"{path}/step", json={"epochs": 5})),
            ):
                size = len(call().content)
                start = time.process_time()
                for _ in range(args.calls):
                    call()
                cpu = (time.process_time() - start) / args.calls * 1e3
                rows.append([name, f"{cpu:.2f}", f"{size:,}"])
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"{args.updates} updates made; the history keeps {entries} entries")
    print(table(["call", "CPU ms", "bytes"], rows))


if __name__ == "__main__":
    main()
