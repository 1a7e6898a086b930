"""CPU per request of the API's routes against the HTTP stack's own cost.

For each route, the server's CPU time (user + system, from /proc, every thread of every
process) over `--requests` sequential calls on one kept-alive connection, divided by their
number; beside it the same for a bare FastAPI endpoint (bench/bare_app.py) that answers with
the same bytes. CPU time, not requests per second: it does not count the time a request
waits for the CPU, so it means the same on a busy machine. Target: every route within 1.5
times the bare endpoint's cost. With `--baseline DIR` (another checkout) that app's routes
are measured too, in the same run, for a before and after. With `--backend sqlite postgres`
the routes run on each backend in turn (PostgreSQL: a throwaway server with fsync on, as
bench.server.Postgres starts it), and the database server's own CPU per call is counted
beside the app's (SQLite's is inside the app's process). The Play request of the page
(static/js/frames.js: 50 epochs in 10 frames with the 25 × 25 grid and the hidden units'
pictures) is shown beside the engine's own CPU for the same work (nn.train and nn.grid in
this process, on the same network): the target is within 2 times it.

    .venv/bin/python -m bench.route_cost [--requests 2000] [--baseline DIR]
        [--backend sqlite postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from app import nn
from app.networks.frames import plane_bounds
from app.schemas import NetworkSettings, engine_config
from bench.server import ROOT, Postgres, Server, command_line, machine, post_json, table

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
PLAY = {"epochs": 50, "frames": 10, "grid": 25, "grid_hidden": True}
PLAY_ROUTE = "Play in frames: 50 epochs, 10 frames, 25 × 25 grid"
ROUTES.append((PLAY_ROUTE, "POST", "/step", orjson.dumps(PLAY)))


def engine_us(network: dict[str, Any], n: int) -> float:
    """Microseconds of this process's CPU for the Play request's work in the engine alone:
    nn.train of its epochs in its frames, then nn.grid after it, on `network` as created."""
    params = nn.Params(
        [np.array(w, dtype=np.float64) for w in network["weights"]],
        [np.array(b, dtype=np.float64) for b in network["biases"]],
    )
    fields = {k: v for k, v in network.items() if k in NetworkSettings.model_fields}
    config = engine_config(NetworkSettings.model_validate(fields))
    x, y = (np.array(network["dataset"][k], dtype=np.float64) for k in ("x", "y"))
    bounds = plane_bounds(x)

    def work() -> None:
        result = nn.train(params, config, x, y, epochs=PLAY["epochs"], frames=PLAY["frames"])
        nn.grid(result.params, config, bounds, PLAY["grid"], hidden=True)

    for _ in range(max(1, n // 10)):
        work()
    start = time.process_time()
    for _ in range(n):
        work()
    return (time.process_time() - start) / n * 1e6


def fetch(server: Server, method: str, path: str, body: bytes | None) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
    data = conn.getresponse().read()
    conn.close()
    return data


def cpu_per_call(
    server: Server,
    method: str,
    path: str,
    body: bytes | None,
    n: int,
    database: Callable[[], float] | None = None,
) -> tuple[float, float]:
    """Microseconds of the server's CPU per call, after a warm-up of n // 10 calls; with
    `database` (its CPU seconds so far) that server's too, in `cpu_per_call.database`."""
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
    before, before_db = server.cpu_seconds(), database() if database else 0.0
    for _ in range(n):
        call()
    spent = server.cpu_seconds() - before
    spent_db = database() - before_db if database else 0.0
    conn.close()
    return spent / n * 1e6, spent_db / n * 1e6


def measure(
    cwd: Path, n: int, bare: Path, postgres: Postgres | None = None
) -> dict[str, tuple[float, float]]:
    """Per route: (the app's µs, the database server's µs) per call; and the engine's µs
    for the Play request's work, under "engine"."""
    costs: dict[str, tuple[float, float]] = {}
    env = {"BACKPROP_DATABASE_URL": postgres.url} if postgres else {}
    with Server(cwd=cwd, env=env) as server:
        made = json.loads(post_json(server.url + "/api/networks", b'{"preset": "xor"}'))
        costs["engine"] = (engine_us(made, n), 0.0)
        base = f"/api/networks/{made['id']}"
        for i, (name, method, suffix, body) in enumerate(ROUTES):
            if cwd == ROOT and not postgres:  # the real answer's bytes, for the bare endpoint
                (bare / f"{i}.json").write_bytes(fetch(server, method, base + suffix, body))
            database = postgres.cpu_seconds if postgres else None
            costs[name] = cpu_per_call(server, method, base + suffix, body, n, database)
    return costs


def measure_bare(n: int, bare: Path) -> dict[str, float]:
    costs: dict[str, float] = {}
    with Server("bench.bare_app:app", env={"BENCH_BARE_DIR": str(bare)}) as server:
        for i, (name, method, _, body) in enumerate(ROUTES):
            costs[name] = cpu_per_call(server, method, f"/bytes/{i}.json", body, n)[0]
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured beside")
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backprop-bare-") as tmp:
        bare = Path(tmp)
        ours = {"sqlite": measure(ROOT, args.requests, bare)}
        stack = measure_bare(args.requests, bare)
        if "postgres" in args.backend:
            with Postgres() as postgres:
                ours["postgres"] = measure(ROOT, args.requests, bare, postgres)
        baseline = measure(args.baseline.resolve(), args.requests, bare) if args.baseline else {}
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    headers = ["route (XOR 2-2-1)", "bare µs", "API µs", "API ÷ bare", "engine µs", "API ÷ engine"]
    if "postgres" in ours:
        headers += ["PostgreSQL: API µs", "+ database µs", "API + database ÷ bare"]
    if baseline:
        headers += ["baseline µs", "baseline ÷ bare"]
    rows = []
    for name, *_ in ROUTES:
        (app, _), bare_us = ours["sqlite"][name], stack[name]
        row = [name, f"{bare_us:.0f}", f"{app:.0f}", f"{app / bare_us:.2f}"]
        engine = ours["sqlite"]["engine"][0]
        row += [f"{engine:.0f}", f"{app / engine:.2f}"] if name == PLAY_ROUTE else ["", ""]
        with contextlib.suppress(KeyError):
            pg_app, pg_db = ours["postgres"][name]
            row += [f"{pg_app:.0f}", f"{pg_db:.0f}", f"{(pg_app + pg_db) / bare_us:.2f}"]
        if baseline:
            row += [f"{baseline[name][0]:.0f}", f"{baseline[name][0] / bare_us:.2f}"]
        rows.append(row)
    print(table(headers, rows))


if __name__ == "__main__":
    main()
