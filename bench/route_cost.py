"""CPU per request of the API's routes against the HTTP stack's own cost.

For each route, the server's CPU time (user + system, from /proc, every thread of every
process) over `--requests` sequential calls on one kept-alive connection, divided by their
number; beside it the same for a bare FastAPI endpoint (bench/bare_app.py) that answers with
the same bytes. CPU time, not requests per second: it does not count the time a request
waits for the CPU, so it means the same on a busy machine. Target: every route within 1.5
times the bare endpoint's cost. With `--baseline DIR` (another checkout) that app's routes
are measured too, in the same run, for a before and after.

    .venv/bin/python -m bench.route_cost [--requests 2000] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
from pathlib import Path

import orjson

from bench.server import ROOT, Server, command_line, machine, post_json, table

XOR_GRID = [[i / 24, j / 24] for i in range(25) for j in range(25)]
ROUTES: list[tuple[str, str, str, bytes | None]] = [
    # name, method, path under the network, body
    ("GET network", "GET", "", None),
    ("forward", "POST", "/forward", b"{}"),
    ("backward", "POST", "/backward", b"{}"),
    ("step, 1 epoch", "POST", "/step", orjson.dumps({"epochs": 1})),
    ("step, 5 epochs (Play)", "POST", "/step", orjson.dumps({"epochs": 5})),
    ("predict, 625 points", "POST", "/predict", orjson.dumps({"x": XOR_GRID})),
]


def fetch(server: Server, method: str, path: str, body: bytes | None) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
    data = conn.getresponse().read()
    conn.close()
    return data


def cpu_per_call(server: Server, method: str, path: str, body: bytes | None, n: int) -> float:
    """Microseconds of the server's CPU per call, after a warm-up of n // 10 calls."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    headers = {"Content-Type": "application/json"} if body is not None else {}

    def call() -> bytes:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return data

    for _ in range(max(1, n // 10)):
        call()
    before = server.cpu_seconds()
    for _ in range(n):
        call()
    spent = server.cpu_seconds() - before
    conn.close()
    return spent / n * 1e6


def measure(cwd: Path, n: int, bare: Path) -> dict[str, float]:
    costs: dict[str, float] = {}
    with Server(cwd=cwd) as server:
        made = json.loads(post_json(server.url + "/api/networks", b'{"preset": "xor"}'))
        base = f"/api/networks/{made['id']}"
        for i, (name, method, suffix, body) in enumerate(ROUTES):
            if cwd == ROOT:  # the real answer's bytes, for the bare endpoint to send
                (bare / f"{i}.json").write_bytes(fetch(server, method, base + suffix, body))
            costs[name] = cpu_per_call(server, method, base + suffix, body, n)
    return costs


def measure_bare(n: int, bare: Path) -> dict[str, float]:
    costs: dict[str, float] = {}
    with Server("bench.bare_app:app", env={"BENCH_BARE_DIR": str(bare)}) as server:
        for i, (name, method, _, body) in enumerate(ROUTES):
            costs[name] = cpu_per_call(server, method, f"/bytes/{i}.json", body, n)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured beside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-bare-") as tmp:
        bare = Path(tmp)
        ours = measure(ROOT, args.requests, bare)
        stack = measure_bare(args.requests, bare)
        baseline = measure(args.baseline.resolve(), args.requests, bare) if args.baseline else {}
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    headers = ["route (XOR 2-2-1)", "bare µs", "API µs", "API ÷ bare"]
    if baseline:
        headers += ["baseline µs", "baseline ÷ bare"]
    rows = []
    for name, *_ in ROUTES:
        row = [name, f"{stack[name]:.0f}", f"{ours[name]:.0f}", f"{ours[name] / stack[name]:.2f}"]
        if baseline:
            row += [f"{baseline[name]:.0f}", f"{baseline[name] / stack[name]:.2f}"]
        rows.append(row)
    print(table(headers, rows))


if __name__ == "__main__":
    main()
