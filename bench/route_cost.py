"""CPU per request of the API's routes against the HTTP stack's own cost.

For each route, the server's CPU time (every thread's time on a CPU, from the scheduler's
/proc/PID/task/TID/schedstat) over `--requests` sequential calls on a kept-alive
connection, divided by their number; beside it the same for a bare FastAPI endpoint
(bench/bare_app.py) that answers with the same bytes, `async` and plain `def` (on a worker
thread, as the API's routes run). CPU time, not requests per second: it
does not count the time a request waits for the CPU. Every server runs at once and each
route is measured in `--rounds` turns (ours, the bare endpoint, the others, the engine, then
again), so the machine's other work weighs on all alike and their ratios hold on a busy
machine. Target: every route within 1.5 times the bare endpoint's cost. With
`--baseline DIR` (another checkout) that app's routes are measured too, for a before and
after. With `--backend sqlite postgres` the routes run on PostgreSQL too (a throwaway server
with fsync on, as bench.server.Postgres starts it), and the database server's own CPU per
call is counted beside the app's (SQLite's is inside the app's process). The Play request
of the page (static/js/frames.js: 50 epochs in 10 frames with the 25 × 25 grid and the
hidden units' pictures) is shown beside the engine's own CPU for the same work (nn.train
and nn.grid in this process, on the same network): the target is within 2 times it.
With `--network xor spiral wide`, a table for each of XOR 2-2-1, 2-8-8-8-8-1 on the
200-point spiral and 256-64-10 on 500 examples: how a request's cost grows with the network
(a click is GET, forward, backward or a step of one epoch; the wide network's Play is what
the page asks within the work bound: one epoch in one frame, no grid).

    .venv/bin/python -m bench.route_cost [--requests 2000] [--rounds 5] [--baseline DIR]
        [--backend sqlite postgres] [--routes get forward backward] [--network xor spiral]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from app import nn
from app.networks.frames import plane_bounds
from app.schemas import NetworkSettings, engine_config
from bench.engine_epoch import wide_examples
from bench.server import (
    Postgres,
    Server,
    command_line,
    cpu_between,
    machine,
    post_json,
    table,
)

XOR_GRID = [[i / 24, j / 24] for i in range(25) for j in range(25)]
Route = tuple[str, str, str, bytes | None]
PLAY = {"epochs": 50, "frames": 10, "grid": 25, "grid_hidden": True}
PLAY_ROUTE = "Play in frames"


def routes_of(play: dict[str, Any]) -> dict[str, Route]:
    """The routes by `--routes` name: (name, method, path under the network, body)."""
    frames = f"{play['epochs']} epochs, {play['frames']} frames"
    grid = f", {play['grid']} × {play['grid']} grid" if "grid" in play else ""
    return {
        "get": ("GET network", "GET", "", None),
        "forward": ("forward", "POST", "/forward", b"{}"),
        "backward": ("backward", "POST", "/backward", b"{}"),
        "step": ("step, 1 epoch", "POST", "/step", orjson.dumps({"epochs": 1})),
        "play5": ("step, 5 epochs (Play)", "POST", "/step", orjson.dumps({"epochs": 5})),
        "predict": ("predict, 625 points", "POST", "/predict", orjson.dumps({"x": XOR_GRID})),
        "play": (f"{PLAY_ROUTE}: {frames}{grid}", "POST", "/step", orjson.dumps(play)),
    }


def wide_network() -> dict[str, Any]:
    """bench.engine_epoch's 256-64-10 case (its inputs to 3 places: a smaller body)."""
    x, y = wide_examples()
    return {
        "layers": [256, 64, 10],
        "learning_rate": 0.001,
        "dataset": {"x": np.round(x, 3).tolist(), "y": y.tolist()},
    }


SPIRAL = {
    "layers": [2, 8, 8, 8, 8, 1],
    "hidden_activation": "tanh",
    "loss": "cross_entropy",
    "reduction": "mean",
    "learning_rate": 1.0,
    "generate": {"shape": "spiral", "n": 200, "noise": 0.03, "seed": 3},
}
NETWORKS: dict[str, tuple[str, Callable[[], dict[str, Any]], dict[str, Any]]] = {
    # name: (label, create body, the page's Play request)
    "xor": ("XOR 2-2-1", lambda: {"preset": "xor"}, PLAY),
    "spiral": ("2-8-8-8-8-1, spiral of 200", lambda: SPIRAL, PLAY),
    "wide": ("256-64-10, 500 examples", wide_network, {"epochs": 1, "frames": 1}),
}
ONE_INPUT_PAIR = {"predict", "play5"}
"""Routes the wide network has not: a 2-input grid, and 5 epochs (over the work bound)."""


def engine_us(network: dict[str, Any], n: int, play: dict[str, Any]) -> float:
    """Microseconds of this process's CPU for the Play request's work in the engine alone:
    nn.train of its epochs in its frames, then nn.grid after it (when it asks for one), on
    `network` as created."""
    params = nn.Params(
        [np.array(w, dtype=np.float64) for w in network["weights"]],
        [np.array(b, dtype=np.float64) for b in network["biases"]],
    )
    fields = {k: v for k, v in network.items() if k in NetworkSettings.model_fields}
    config = engine_config(NetworkSettings.model_validate(fields))
    x, y = (np.array(network["dataset"][k], dtype=np.float64) for k in ("x", "y"))
    bounds = plane_bounds(x)

    def work() -> None:
        result = nn.train(params, config, x, y, epochs=play["epochs"], frames=play["frames"])
        if "grid" in play:
            nn.grid(result.params, config, bounds, play["grid"], hidden=play["grid_hidden"])

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
    warm_up: bool = True,
) -> tuple[float, float]:
    """Microseconds of the server's CPU per call (its threads' time on a CPU, exact), after
    a warm-up of n // 10 calls; with `database` (its CPU seconds so far) that server's too."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    headers = {"Content-Type": "application/json"} if body is not None else {}

    def call() -> bytes:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return data

    for _ in range(max(1, n // 10) if warm_up else 0):
        call()
    before, before_db = server.cpu_snapshot(), database() if database else 0.0
    for _ in range(n):
        call()
    spent = cpu_between(before, server.cpu_snapshot())
    spent_db = database() - before_db if database else 0.0
    conn.close()
    return spent / n * 1e6, spent_db / n * 1e6


@dataclass
class Target:
    """A server measured side by side with the others: its routes' paths and bodies."""

    server: Server
    calls: list[tuple[str, str, bytes | None]]
    database: Callable[[], float] | None = None
    network: dict[str, Any] | None = None


def api_target(
    server: Server,
    routes: list[Route],
    create: dict[str, Any],
    database: Callable[[], float] | None = None,
) -> Target:
    made = json.loads(post_json(server.url + "/api/networks", orjson.dumps(create)))
    base = f"/api/networks/{made['id']}"
    calls = [(method, base + suffix, body) for _, method, suffix, body in routes]
    return Target(server, calls, database, made)


def interleaved(
    targets: dict[str, Target], routes: list[Route], n: int, rounds: int, play: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per target and route: (app µs, database µs) per call; and the engine's µs for the
    Play request's work, under "engine". Each route is measured in `rounds` rounds, each
    giving every target (and the engine) n // rounds calls in turn, so the machine's other
    work falls on all alike; the figures are totals over the rounds ÷ calls."""
    per = max(1, n // rounds)
    costs: dict[str, dict[str, Any]] = {label: {} for label in targets}
    engine: list[float] = []
    network = next(t.network for t in targets.values() if t.network is not None)
    assert network is not None
    for i, (name, *_) in enumerate(routes):
        for target in targets.values():  # warm-up
            cpu_per_call(target.server, *target.calls[i], max(1, n // 10), warm_up=False)
        sums = {label: [0.0, 0.0] for label in targets}
        for _ in range(rounds):
            for label, target in targets.items():
                app, db = cpu_per_call(
                    target.server, *target.calls[i], per, target.database, warm_up=False
                )
                sums[label][0] += app / rounds
                sums[label][1] += db / rounds
            if name.startswith(PLAY_ROUTE):
                engine.append(engine_us(network, per, play))
        for label in targets:
            costs[label][name] = tuple(sums[label])
    for label in targets:
        costs[label]["engine"] = (sum(engine) / max(1, len(engine)), 0.0)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5, help="turns each route is split into")
    parser.add_argument("--baseline", type=Path, help="another checkout, measured beside")
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument(
        "--routes", nargs="+", choices=routes_of(PLAY), default=list(routes_of(PLAY))
    )
    parser.add_argument("--network", nargs="+", choices=NETWORKS, default=["xor"])
    args = parser.parse_args()
    tables = []
    with contextlib.ExitStack() as stack:
        bare = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="backprop-bare-")))
        servers = {"sqlite": stack.enter_context(Server())}
        bare_server = Server("bench.bare_app:app", env={"BENCH_BARE_DIR": str(bare)})
        stack.enter_context(bare_server)
        postgres = stack.enter_context(Postgres()) if "postgres" in args.backend else None
        if postgres is not None:
            pg = Server(env={"BACKPROP_DATABASE_URL": postgres.url})
            servers["postgres"] = stack.enter_context(pg)
        if args.baseline:
            servers["baseline"] = stack.enter_context(Server(cwd=args.baseline.resolve()))
        for network in args.network:
            label, create, play = NETWORKS[network]
            names = [n for n in args.routes if network != "wide" or n not in ONE_INPUT_PAIR]
            routes = [routes_of(play)[name] for name in names]
            targets = {
                name: api_target(
                    server,
                    routes,
                    create(),
                    postgres.cpu_seconds if name == "postgres" and postgres else None,
                )
                for name, server in servers.items()
            }
            ours = targets["sqlite"]
            for i, (method, path, body) in enumerate(ours.calls):  # the real answers' bytes
                (bare / f"{network}-{i}.json").write_bytes(fetch(ours.server, method, path, body))
            for where, kind in (("bare", "bytes"), ("bare def", "thread")):
                calls = [
                    (m, f"/{kind}/{network}-{i}.json", b) for i, (_, m, _, b) in enumerate(routes)
                ]
                targets[where] = Target(bare_server, calls)
            costs = interleaved(targets, routes, args.requests, args.rounds, play)
            tables.append(report(label, routes, costs))
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print("\n\n".join(tables))


def report(label: str, routes: list[Route], costs: dict[str, dict[str, Any]]) -> str:
    headers = [f"route ({label})", "bare µs", "bare `def` µs", "API µs", "API ÷ bare"]
    headers += ["API ÷ bare `def`", "engine µs", "API ÷ engine"]
    if "postgres" in costs:
        headers += ["PostgreSQL: API µs", "+ database µs", "API + database ÷ bare"]
    if "baseline" in costs:
        headers += ["baseline µs", "baseline ÷ bare", "baseline ÷ engine"]
    engine = costs["sqlite"]["engine"][0]
    rows = []
    for name, *_ in routes:
        app, bare_us = costs["sqlite"][name][0], costs["bare"][name][0]
        thread = costs["bare def"][name][0]
        play = name.startswith(PLAY_ROUTE)
        row = [name, f"{bare_us:.0f}", f"{thread:.0f}", f"{app:.0f}", f"{app / bare_us:.2f}"]
        row += [f"{app / thread:.2f}"]
        row += [f"{engine:.0f}", f"{app / engine:.2f}"] if play else ["", ""]
        if "postgres" in costs:
            pg_app, pg_db = costs["postgres"][name]
            row += [f"{pg_app:.0f}", f"{pg_db:.0f}", f"{(pg_app + pg_db) / bare_us:.2f}"]
        if "baseline" in costs:
            before = costs["baseline"][name][0]
            row += [f"{before:.0f}", f"{before / bare_us:.2f}"]
            row += [f"{before / engine:.2f}"] if play else [""]
        rows.append(row)
    return table(headers, rows)


if __name__ == "__main__":
    main()
