"""Requests per second of POST /step on Mazur's 2-2-2 network against the HTTP stack's limit.

The limit is bench/bare_app.py: a bare FastAPI endpoint on the same uvicorn settings that
returns prebuilt bytes of the same size as a real /step response. One worker each; wrk sends
the same POST body to both, A B A B. Target: API / bare ≥ 0.4.

    .venv/bin/python -m bench.api_vs_bare [--rounds 3] [--seconds 5] [--synchronous FULL NORMAL]

With `--baseline DIR` (a checkout of another commit, e.g. `git archive REV app templates static |
tar -x -C DIR`), that app's /step joins the rotation, to measure one change in one run.
With `--taskset 0`, every server runs with all of its threads on CPU 0 (wrk stays free).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from app.schemas import MAZUR_EXAMPLE
from bench.server import ROOT, Server, command_line, machine, post_json, table

STEP_BODY = orjson.dumps({"x": [[0.05, 0.10]], "y": [[0.01, 0.99]], "mode": "batch", "epochs": 1})


@dataclass
class Target:
    name: str
    server: Server
    path: str
    rates: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)
    loop_cpu_us: list[float] = field(default_factory=list)
    """The event loop's (main thread's) part of cpu_us."""
    errors: int = 0


def mazur_step_path(server_url: str) -> str:
    """Create Mazur's network on the server; the path of its /step."""
    created = json.loads(post_json(server_url + "/api/networks", orjson.dumps(MAZUR_EXAMPLE)))
    return f"/api/networks/{created['id']}/step"


def lua_script(folder: Path, body: bytes) -> Path:
    script = folder / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body.decode())}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def run_wrk(
    url: str, script: Path, seconds: float, connections: int, threads: int
) -> tuple[float, float, float, int]:
    """Requests per second, mean and p99 latency (ms), and errors (socket or non-2xx)."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    latency = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return rate, latency, float(p99[0]) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99[1]], errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="A B A B … rounds")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--synchronous", nargs="+", default=["FULL", "NORMAL"], help="SQLite modes to measure"
    )
    parser.add_argument(
        "--taskset",
        metavar="CPUS",
        help="run every server under taskset -c CPUS (0: all of a server's threads on CPU 0)",
    )
    parser.add_argument("--baseline", type=Path, help="another checkout of the app to compare")
    args = parser.parse_args()

    # ExitStack: every server started is stopped, even when a later one fails to start.
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp, ExitStack() as servers:
        folder = Path(tmp)
        script = lua_script(folder, STEP_BODY)
        targets: list[Target] = []
        trees = [("", ROOT)] + ([("baseline ", args.baseline.resolve())] if args.baseline else [])
        for label, tree in trees:
            for mode in args.synchronous:
                server = servers.enter_context(
                    Server(env={"BACKPROP_SYNCHRONOUS": mode}, cwd=tree, cpus=args.taskset)
                )
                path = mazur_step_path(server.url)
                targets.append(Target(f"{label}/step, synchronous={mode}", server, path))
        sample = post_json(targets[0].server.url + targets[0].path, STEP_BODY)
        (folder / "body.json").write_bytes(sample)
        body_file = {"BENCH_BARE_BODY": str(folder / "body.json")}
        bare = Server("bench.bare_app:app", env=body_file, cpus=args.taskset)
        targets.append(Target("bare FastAPI, prebuilt bytes", servers.enter_context(bare), "/step"))
        for target in targets:  # warm up: imports, caches, the WAL file
            run_wrk(target.server.url + target.path, script, 1, args.connections, 1)
        for _ in range(args.rounds):
            for target in targets:
                cpu = target.server.cpu_seconds()
                loop_cpu = target.server.cpu_seconds(main_threads_only=True)
                rate, latency, p99, errors = run_wrk(
                    target.server.url + target.path,
                    script,
                    args.seconds,
                    args.connections,
                    args.threads,
                )
                target.rates.append(rate)
                target.latencies_ms.append(latency)
                target.p99_ms.append(p99)
                used = target.server.cpu_seconds() - cpu
                target.cpu_us.append(used / (rate * args.seconds) * 1e6)
                loop_used = target.server.cpu_seconds(main_threads_only=True) - loop_cpu
                target.loop_cpu_us.append(loop_used / (rate * args.seconds) * 1e6)
                target.errors += errors

    limit = statistics.median(targets[-1].rates)
    bare_cpu = statistics.median(targets[-1].cpu_us)
    rows = []
    for target in targets:
        rate = statistics.median(target.rates)
        rows.append(
            [
                target.name,
                " ".join(f"{r:,.0f}" for r in target.rates),
                f"{rate:,.0f}",
                f"{statistics.median(target.latencies_ms):.2f}",
                f"{statistics.median(target.p99_ms):.1f}",
                str(target.errors),
                f"{rate / limit:.2f}",
                f"{statistics.median(target.cpu_us):.0f}",
                f"{statistics.median(target.loop_cpu_us):.0f}",
                f"{bare_cpu / statistics.median(target.cpu_us):.2f}",
            ]
        )
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds:g}s, POST {len(STEP_BODY)} "
        f"bytes, response {len(sample)} bytes, 1 uvicorn worker each, A B A B × {args.rounds}"
    )
    print(
        table(
            [
                "target",
                "req/s per round",
                "median req/s",
                "mean latency ms",
                "p99 ms",
                "errors",
                "÷ bare",
                "server CPU µs per request",
                "of which the event loop's thread",
                "bare CPU ÷ this CPU",
            ],
            rows,
        )
    )
    print("target: /step ÷ bare ≥ 0.4")


if __name__ == "__main__":
    main()
