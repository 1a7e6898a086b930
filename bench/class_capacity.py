"""How many students one machine serves: a class in Play, and a lecture hall clicking.

A student in Play does what the page did before it played in frames, at the default speed:
- POST /step {"mode": "batch", "epochs": 5} on the stored dataset, one in flight, the next
  100 ms after the answer;
- beside it, POST /predict of the heatmap's 25 × 25 grid (625 points), one every 400 ms.
With `--frames`, what the page does now (static/js/frames.js): one POST /step of 10 frames of
5 epochs with the 25 × 25 grid and the hidden units' pictures, each a second of Play, the next
1 s after the answer (the page asks when a batch starts playing: a little more often). The
frames a second are 10 × its requests a second; the animation waits only when an answer
takes more than the second its batch plays, so the target there is p99 < 250 ms and 9.5
frames a second.
A student in a lecture hall clicks Forward, Backward, Update (a step of one epoch) or Step,
with 2 to 5 s between clicks. Each student has their own network from the preset (the page's
`/`). wrk plays every stream at once (one connection per student and stream), after a
warm-up trial; each trial runs long enough for at least `--samples` requests on every
stream, so p99 is a real 99th percentile. The target: p99 < 100 ms on every stream, every
Play student at 9 or more of the 10 ticks a second, and no errors.

With `--backend sqlite postgres` and `--servers 1 3`, each trial runs on each backend
(PostgreSQL: a throwaway server with fsync on, bench.server.Postgres) with that many app
servers on the one database (SQLite: every server on the same file), the students spread
over the servers directly (student i on server i mod n, no proxy in between): wrk plays
each stream once per server, and a stream's p50 and p99 are the highest of its servers'.
With `--nginx` the servers sit behind nginx with the repository's deploy/nginx.conf (as
compose.scale.yaml runs them), and every student goes through it.

    .venv/bin/python -m bench.class_capacity --play 150 --hall 300 [--workers 1 2]
        [--synchronous FULL NORMAL] [--samples 2000] [--backend sqlite postgres]
        [--servers 1 3] [--pool-max 4] [--frames] [--nginx]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from bench.server import Nginx, Postgres, Server, command_line, machine, post_json, table

P99_LIMIT_MS = 100.0
FRAMES_P99_LIMIT_MS = 250.0
THINK_MS = 100  # the per-request page's wait between Play's requests
FRAMES = 10  # static/js/frames.js FRAMES: a second of Play a request
HEATMAP_EVERY_MS = 400
CLICK_MS = (2000, 5000)
EPOCHS = 5
GRID = 25

SCRIPT = """
local ids = {%(ids)s}
local bodies = {%(bodies)s}
local suffixes = {%(suffixes)s}
local threads, started = 0, 0
setup = function(thread)
  thread:set("index", threads)
  threads = threads + 1
end
local mine, i = nil, 0
local function students()
  if mine == nil then
    mine = {}
    for j = index + 1, #ids, %(threads)d do mine[#mine + 1] = ids[j] end
  end
  return mine
end
request = function()
  local mine = students()
  i = i + 1
  local id = mine[(i %% #mine) + 1]
  local k = (i %% #suffixes) + 1
  return wrk.format("POST", "/api/networks/" .. id .. suffixes[k],
                    {["Content-Type"] = "application/json"}, bodies[k])
end
delay = function()
  started = started + 1
  if started <= #students() then return math.random(0, %(high)d) end
  return math.random(%(low)d, %(high)d)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT p99_us=%%d p50_us=%%d requests=%%d errors=%%d status=%%d\\n",
    latency:percentile(99), latency:percentile(50), summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Stream:
    """One kind of request for a group of students, as wrk plays it."""

    name: str
    ids: list[str]
    calls: list[tuple[str, bytes]]
    """(path suffix, body), taken in turn."""
    wait_ms: tuple[int, int]

    def rate(self) -> float:
        """Requests a second for the whole stream, if answers took no time."""
        return len(self.ids) * 2000 / sum(self.wait_ms)


@dataclass
class Result:
    name: str
    students: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def grid(x: list[list[float]]) -> list[list[float]]:
    """The heatmap's grid: the examples' bounds padded by 10 %, as static/js/heatmap.js."""

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


def threads(stream: Stream) -> int:
    """wrk's threads for a stream: each plays its own share of the students."""
    return min(2, len(stream.ids))


def lua(folder: Path, stream: Stream, k: int = 0) -> Path:
    path = folder / f"{stream.name}-{k}.lua"
    path.write_text(
        SCRIPT
        % {
            "ids": ", ".join(json.dumps(i) for i in stream.ids),
            "bodies": ", ".join(json.dumps(body.decode()) for _, body in stream.calls),
            "suffixes": ", ".join(json.dumps(suffix) for suffix, _ in stream.calls),
            "low": stream.wait_ms[0],
            "high": stream.wait_ms[1],
            "threads": threads(stream),
        }
    )
    return path


def run(urls: list[str], streams: list[Stream], seconds: float) -> list[Result]:
    """Every stream at once, its students spread over the servers at `urls` (student i on
    server i mod n); per stream, the requests and errors of all its servers, and the
    highest of their p50 and p99."""
    plays = [
        (stream, replace(stream, ids=stream.ids[k :: len(urls)]), url)
        for stream in streams
        for k, url in enumerate(urls)
        if stream.ids[k :: len(urls)]
    ]
    with tempfile.TemporaryDirectory(prefix="backprop-class-") as tmp:
        processes = [
            subprocess.Popen(
                [
                    "wrk",
                    f"-t{threads(part)}",
                    f"-c{len(part.ids)}",
                    f"-d{seconds:g}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(lua(Path(tmp), part, k)),
                    url,
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for k, (_, part, url) in enumerate(plays)
        ]
        outputs = [p.communicate(timeout=seconds + 120)[0] for p in processes]
    merged: dict[str, Result] = {}
    for (stream, _, _), out in zip(plays, outputs, strict=True):
        found = [
            {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
            for line in out.splitlines()
            if line.startswith("RESULT")
        ]
        if not found:
            raise RuntimeError(f"wrk printed no result:\n{out}")
        (r,) = found
        part = Result(
            stream.name,
            len(stream.ids),
            r["requests"] / seconds / len(stream.ids),
            r["p50_us"] / 1000,
            r["p99_us"] / 1000,
            r["errors"] + r["status"],
        )
        if stream.name in merged:
            was = merged[stream.name]
            part = Result(
                stream.name,
                len(stream.ids),
                was.per_second + part.per_second,
                max(was.p50_ms, part.p50_ms),
                max(was.p99_ms, part.p99_ms),
                was.errors + part.errors,
            )
        merged[stream.name] = part
    return [merged[stream.name] for stream in streams]


def make(server: Server, preset: str, n: int) -> tuple[list[str], list[list[float]]]:
    made = [
        json.loads(post_json(server.url + "/api/networks", orjson.dumps({"preset": preset})))
        for _ in range(n)
    ]
    return [m["id"] for m in made], made[0]["dataset"]["x"]


def streams(
    ids: list[str], x: list[list[float]], playing: int, frames: bool = False
) -> list[Stream]:
    step = orjson.dumps({"mode": "batch", "epochs": EPOCHS})
    play, hall = ids[:playing], ids[playing:]
    batch = {"epochs": EPOCHS * FRAMES, "frames": FRAMES, "grid": GRID, "grid_hidden": True}
    found = (
        [Stream("play: frames", play, [("/step", orjson.dumps(batch))], (1000, 1000))]
        if frames
        else [
            Stream("play: step", play, [("/step", step)], (THINK_MS, THINK_MS)),
            Stream(
                "play: heatmap",
                play,
                [("/predict", orjson.dumps({"x": grid(x)}))],
                (HEATMAP_EVERY_MS, HEATMAP_EVERY_MS),
            ),
        ]
    )
    if hall:
        clicks = [
            ("/forward", b"{}"),
            ("/backward", b"{}"),
            ("/step", orjson.dumps({"epochs": 1})),
            ("/step", step),
        ]
        found.append(Stream("hall: click", hall, clicks, CLICK_MS))
    return found


def measure(
    workers: int,
    synchronous: str,
    students: int,
    playing: int,
    preset: str,
    samples: int,
    servers: int = 1,
    database_url: str | None = None,
    pool_max: int = 4,
    frames: bool = False,
    nginx: bool = False,
) -> list[Result]:
    """One trial: `servers` app servers on one database (PostgreSQL at `database_url`, else
    one SQLite file), the students spread over them (`nginx`: by nginx in front of them)."""
    env = {"BACKPROP_SYNCHRONOUS": synchronous}
    if database_url:
        env |= {"BACKPROP_DATABASE_URL": database_url, "BACKPROP_PG_POOL_MAX": str(pool_max)}
    # the servers stop (the stack) before their folder goes, or they log a removed WAL file
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        shared = Path(tmp) / "bench.sqlite3"
        made = [Server(workers=workers, env=env, database=shared) for _ in range(servers)]
        for server in made:
            stack.callback(server.stop)
        with ThreadPoolExecutor(servers) as pool:
            list(pool.map(Server.start, made))
        urls = [server.url for server in made]
        if nginx:
            urls = [stack.enter_context(Nginx([server.port for server in made])).url]
        ids, x = make(made[0], preset, students)
        plan = streams(ids, x, playing, frames)
        run(urls, plan, 3)  # warm up: every network read once, every path taken
        seconds = float(math.ceil(max(8.0, max(samples / s.rate() for s in plan))))  # wrk: whole s
        return run(urls, plan, seconds)


def report(
    results: list[Result],
    students: int,
    playing: int,
    backend: str,
    servers: int,
    workers: int,
    synchronous: str,
) -> list[list[str]]:
    """A trial's rows of the table: one per stream, the target met or not (frames: a Play
    row's rate is its frames a second)."""
    for r in results:
        if r.name == "play: frames":
            r.per_second *= FRAMES
    ok = all(
        r.errors == 0
        and r.p99_ms < (FRAMES_P99_LIMIT_MS if r.name == "play: frames" else P99_LIMIT_MS)
        for r in results
    )
    ticks = next(
        r.per_second for r in results if r.name.startswith("play: ") and r.name != "play: heatmap"
    )
    ok = ok and ticks >= (9.5 if any(r.name == "play: frames" for r in results) else 9.0)
    kind = "Play" if playing == students else f"hall ({playing} in Play)"
    return [
        [
            f"{students} {kind}",
            backend,
            str(servers),
            str(workers),
            synchronous if backend == "sqlite" else "—",
            r.name,
            f"{r.per_second:.2f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            str(r.errors),
            "met" if ok else "not met",
        ]
        for r in results
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--play", type=int, nargs="*", default=[150], help="classes in Play")
    parser.add_argument("--hall", type=int, nargs="*", default=[300], help="lecture halls")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--synchronous", nargs="+", default=["FULL", "NORMAL"])
    parser.add_argument("--preset", default="xor", help="the network each student has")
    parser.add_argument("--samples", type=int, default=2000, help="requests per stream, least")
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--servers", type=int, nargs="+", default=[1], help="app servers")
    parser.add_argument("--pool-max", type=int, default=4, help="BACKPROP_PG_POOL_MAX")
    parser.add_argument("--frames", action="store_true", help="Play in frames, as the page")
    parser.add_argument(
        "--nginx", action="store_true", help="the servers behind nginx (deploy/nginx.conf)"
    )
    args = parser.parse_args()

    rows = []
    cases = [(n, n) for n in args.play] + [(n, n // 5) for n in args.hall]
    with contextlib.ExitStack() as stack:
        urls: dict[str, str | None] = {"sqlite": None}
        if "postgres" in args.backend:
            urls["postgres"] = stack.enter_context(Postgres()).url
        for students, playing in cases:
            for backend in args.backend:
                for servers in args.servers:
                    for synchronous in args.synchronous:
                        for workers in args.workers:
                            results = measure(
                                workers,
                                synchronous,
                                students,
                                playing,
                                args.preset,
                                args.samples,
                                servers,
                                urls[backend],
                                args.pool_max,
                                args.frames,
                                args.nginx,
                            )
                            rows += report(
                                results, students, playing, backend, servers, workers, synchronous
                            )
                            print(rows[-len(results) :], flush=True)
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    headers = [
        "students",
        "backend",
        "servers",
        "workers",
        "sync",
        "stream",
        "req/s per student (frames: frames/s)",
        "p50 ms",
        "p99 ms",
        "errors",
        "target",
    ]
    print(table(headers, rows))


if __name__ == "__main__":
    main()
