"""How many students in play mode one machine serves: the largest N with p99 < 100 ms and no
errors, with 1 and with 2 uvicorn workers, on loopback.

A student is what static/js/player.js and heatmap.js do in Play at the default speed:
- one POST /step {"mode": "batch", "epochs": 5} on the stored dataset, one in flight, the
  next one 100 ms after the answer (the page starts one at most every MIN_WAIT = 100 ms, so
  with answers of a few ms this is within a few per cent of its rate);
- beside it, one POST /predict of a 25 × 25 grid (625 examples) for the heatmap, at most
  one every 400 ms.
Each student has their own network, made from the default preset (the page's `/`).
wrk plays both streams for all students at once (one connection per student and stream,
`delay()` for the think time); p99 is the larger of the two streams' p99.

    .venv/bin/python -m bench.class_capacity [--workers 1 2] [--seconds 8] [--preset xor]

`--at N --baseline DIR` instead compares this checkout with another (e.g. `git archive REV
app templates static | tar -x -C DIR`) at a fixed N: both servers side by side, trials A B A B,
the median p99 of each; the search for the largest N is too coarse to show one change.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench.server import Server, command_line, machine, post_json, table

P99_LIMIT_MS = 100.0
THINK_MS = 100  # static/js/player.js MIN_WAIT
HEATMAP_EVERY_MS = 400
EPOCHS = 5
GRID = 25

SCRIPT = """
local ids = {%(ids)s}
local i = 0
local body = %(body)s
request = function()
  i = i + 1
  local id = ids[(i %% #ids) + 1]
  return wrk.format("POST", "/api/networks/" .. id .. "%(suffix)s",
                    {["Content-Type"] = "application/json"}, body)
end
delay = function() return %(delay)d end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT p99_us=%%d p50_us=%%d requests=%%d errors=%%d status=%%d\\n",
    latency:percentile(99), latency:percentile(50), summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Trial:
    students: int
    step_rate: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def ok(self) -> bool:
        return self.p99_ms < P99_LIMIT_MS and self.errors == 0


def grid(x: list[list[float]]) -> list[list[float]]:
    """The heatmap's grid: the examples' bounds padded by 10 %, as static/js/charts.js."""

    def pad(values: list[float]) -> tuple[float, float]:
        lo, hi = min(values), max(values)
        span = hi - lo or 1.0
        return lo - span * 0.1, hi + span * 0.1

    (a0, a1), (b0, b1) = pad([r[0] for r in x]), pad([r[1] for r in x])
    n = GRID - 1
    return [
        [a0 + (a1 - a0) * col / n, b1 - (b1 - b0) * row / n]
        for row in range(GRID)
        for col in range(GRID)
    ]


def script(folder: Path, name: str, ids: list[str], suffix: str, body: bytes, delay: int) -> Path:
    path = folder / f"{name}.lua"
    path.write_text(
        SCRIPT
        % {
            "ids": ", ".join(json.dumps(i) for i in ids),
            "body": json.dumps(body.decode()),
            "suffix": suffix,
            "delay": delay,
        }
    )
    return path


def wrk(url: str, lua: Path, connections: int, seconds: float) -> subprocess.Popen[str]:
    threads = min(2, connections)
    return subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "-s", str(lua), url],
        stdout=subprocess.PIPE,
        text=True,
    )


def results(process: subprocess.Popen[str]) -> list[dict[str, int]]:
    out, _ = process.communicate(timeout=120)
    found = [
        {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
        for line in out.splitlines()
        if line.startswith("RESULT")
    ]
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    return found


def trial(server: Server, ids: list[str], x: list[list[float]], seconds: float) -> Trial:
    with tempfile.TemporaryDirectory(prefix="backprop-class-") as tmp:
        folder = Path(tmp)
        step_body = orjson.dumps({"mode": "batch", "epochs": EPOCHS})
        forward_body = orjson.dumps({"x": grid(x)})
        steps = wrk(
            server.url,
            script(folder, "step", ids, "/step", step_body, THINK_MS),
            len(ids),
            seconds,
        )
        heatmaps = wrk(
            server.url,
            script(folder, "forward", ids, "/predict", forward_body, HEATMAP_EVERY_MS),
            len(ids),
            seconds,
        )
        step_results, forward_results = results(steps), results(heatmaps)
    every = step_results + forward_results
    return Trial(
        students=len(ids),
        step_rate=sum(r["requests"] for r in step_results) / seconds / len(ids),
        p50_ms=max(r["p50_us"] for r in step_results) / 1000,
        p99_ms=max(r["p99_us"] for r in every) / 1000,
        errors=sum(r["errors"] + r["status"] for r in every),
    )


def students(server: Server, preset: str, n: int) -> tuple[list[str], list[list[float]]]:
    """Create n students' networks from the preset, warm the server up; (ids, the dataset's
    x for the heatmap's grid)."""
    made = [
        json.loads(post_json(server.url + "/api/networks", orjson.dumps({"preset": preset})))
        for _ in range(n)
    ]
    ids, x = [m["id"] for m in made], made[0]["dataset"]["x"]
    trial(server, ids[:2], x, 2)  # warm up
    return ids, x


def capacity(
    workers: int, synchronous: str, preset: str, seconds: float, most: int
) -> tuple[int, list[Trial]]:
    """Double N while it holds, then bisect between the last good and the first bad N."""
    with Server(workers=workers, env={"BACKPROP_SYNCHRONOUS": synchronous}) as server:
        ids, x = students(server, preset, most)
        trials: list[Trial] = []
        good, bad, n = 0, most + 1, 4
        while n < bad and n <= most:
            t = trial(server, ids[:n], x, seconds)
            trials.append(t)
            print(
                f"  {workers} worker(s), {synchronous}, N={n}: p99 {t.p99_ms:.1f} ms, "
                f"{t.errors} errors, "
                f"{t.step_rate:.1f} steps/s per student",
                flush=True,
            )
            if t.ok:
                good = n
                n = n * 2 if bad > most else (good + bad) // 2
            else:
                bad = n
                n = (good + bad) // 2
            if bad - good <= max(1, good // 10):
                break
        return good, trials


def side_by_side(args: argparse.Namespace) -> None:
    """`--at N --baseline DIR`: the same N students on this checkout and on DIR, A B A B."""
    sides: list[tuple[str, Server, list[str], list[list[float]], list[Trial]]] = []
    # ExitStack: every server started is stopped, even when a later one fails to start.
    with ExitStack() as servers:
        for name, tree in (("this checkout", None), (f"baseline {args.baseline}", args.baseline)):
            options = {"cwd": tree.resolve()} if tree else {}
            for workers in args.workers:
                for synchronous in args.synchronous:
                    env = {"BACKPROP_SYNCHRONOUS": synchronous}
                    server = servers.enter_context(Server(workers=workers, env=env, **options))
                    ids, x = students(server, args.preset, args.at)
                    sides.append(
                        (f"{name}, {workers} worker(s), {synchronous}", server, ids, x, [])
                    )
        for _ in range(args.rounds):
            for label, server, ids, x, trials in sides:
                t = trial(server, ids, x, args.seconds)
                trials.append(t)
                print(
                    f"  {label}, N={args.at}: p99 {t.p99_ms:.1f} ms, {t.errors} errors",
                    flush=True,
                )
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    rows = [
        [
            label,
            " ".join(f"{t.p99_ms:.0f}" for t in trials),
            f"{statistics.median(t.p99_ms for t in trials):.1f}",
            str(sum(t.errors for t in trials)),
            f"{statistics.median(t.step_rate for t in trials):.1f}",
        ]
        for label, _, _, _, trials in sides
    ]
    headers = ["server", "p99 ms per trial", "median p99 ms", "errors", "steps/s per student"]
    print(table(headers, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one trial")
    parser.add_argument("--preset", default="xor", help="the network each student plays")
    parser.add_argument("--most", type=int, default=400, help="largest N tried")
    parser.add_argument("--synchronous", nargs="+", default=["FULL", "NORMAL"])
    parser.add_argument("--at", type=int, help="with --baseline: this many students")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare at --at")
    parser.add_argument("--rounds", type=int, default=3, help="with --baseline: A B rounds")
    args = parser.parse_args()
    if args.baseline is not None:
        if args.at is None:
            parser.error("--baseline needs --at N")
        side_by_side(args)
        return

    rows = []
    for synchronous in args.synchronous:
        for workers in args.workers:
            n, trials = capacity(workers, synchronous, args.preset, args.seconds, args.most)
            at = next((t for t in trials if t.students == n), None)
            rows.append(
                [
                    str(workers),
                    synchronous,
                    str(n),
                    f"{at.p99_ms:.1f}" if at else "-",
                    f"{at.step_rate:.1f}" if at else "-",
                    f"{at.step_rate * n:.0f}" if at else "-",
                ]
            )
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        f"student: /step of {EPOCHS} epochs on preset {args.preset!r}, next one {THINK_MS} ms "
        f"after the answer; /predict of {GRID * GRID} points every {HEATMAP_EVERY_MS} ms; "
        f"trials of {args.seconds:g} s"
    )
    print(
        table(
            [
                "workers",
                "synchronous",
                "students (p99 < 100 ms, 0 errors)",
                "p99 ms at N",
                "steps/s per student",
                "steps/s in all",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
