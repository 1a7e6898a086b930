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
With `--class` the students join one class (POST /api/join, as from `/join`) and each keeps
the class's event stream open as the student's page does (GET …/classroom/events), beside
the teacher's dashboard stream (GET /api/classes/{id}/events), all read by one asyncio
process; halfway through each trial the server's file descriptors, the event streams each
worker holds (matched by their client ports in /proc/net/tcp) and each worker's memory are
read. The class's limits are raised for the one address the bench joins from.
With `--nginx` the servers sit behind nginx with the repository's deploy/nginx.conf (as
compose.scale.yaml runs them), and every student goes through it.

    .venv/bin/python -m bench.class_capacity --play 150 --hall 300 [--workers 1 2]
        [--synchronous FULL NORMAL] [--samples 2000] [--backend sqlite postgres]
        [--servers 1 3] [--pool-max 4] [--frames] [--class] [--nginx]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import re
import subprocess
import tempfile
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
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
CLASS_ENV = {
    # one class of every student, all joining and streaming from the bench's one address
    "BACKPROP_MAX_STUDENTS_PER_CLASS": "100000",
    "BACKPROP_MAX_CLASS_NETWORKS": "100000",
    "BACKPROP_JOIN_BURST": "100000",
    "BACKPROP_JOINS_PER_MINUTE": "100000",
    "BACKPROP_MAX_STREAMS_PER_ADDRESS": "100000",
}

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
    cpu_ms: float = 0.0
    """The app servers' CPU per request of the trial, every stream's requests together."""


def timed(
    servers: list[Server], urls: list[str], plan: list[Stream], seconds: float
) -> list[Result]:
    """run(), with the servers' CPU per request (processes, not the database's)."""
    before = sum(server.cpu_seconds() for server in servers)
    results = run(urls, plan, seconds)
    spent = sum(server.cpu_seconds() for server in servers) - before
    requests = sum(r.per_second * r.students for r in results) * seconds
    for r in results:
        r.cpu_ms = spent / max(requests, 1) * 1000
    return results


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


@dataclass
class Class:
    id: str
    teacher_key: str


def join(server: Server, preset: str, n: int) -> tuple[list[str], list[list[float]], Class]:
    """A class whose activity is `preset`, and `n` students joined to it: their networks."""
    made = json.loads(
        post_json(
            server.url + "/api/classes",
            orjson.dumps({"title": "Bench", "activity": {"preset": preset}}),
        )
    )
    code = orjson.dumps({"code": made["join_code"]})
    ids = [json.loads(post_json(server.url + "/api/join", code))["network_id"] for _ in range(n)]
    network = json.loads(post_json(f"{server.url}/api/networks/{ids[0]}", b"", "GET"))
    return ids, network["dataset"]["x"], Class(made["id"], made["teacher_key"])


@dataclass
class Tally:
    """What the stream reader saw."""

    opened: int = 0
    refused: int = 0
    ended: int = 0
    """Streams the server closed while the trial ran."""
    events: int = 0
    ports: list[int] = field(default_factory=list)
    """The client side's port of every open stream."""


async def follow(url: str, path: str, headers: str, tally: Tally) -> None:
    where = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {where.netloc}\r\n{headers}\r\n".encode())
    try:
        status = int((await reader.readline()).split()[1])
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        if status != 200:
            tally.refused += 1
            return
        tally.opened += 1
        tally.ports.append(writer.get_extra_info("sockname")[1])
        while chunk := await reader.read(65536):
            tally.events += chunk.count(b"event: ")
        tally.ended += 1
    finally:
        writer.close()


def hold(streams: list[tuple[str, str, str]], out: Connection) -> None:
    """In a process of its own: open every (url, path, headers) stream and read them all
    until told to stop; sends the Tally once every stream answered, then again at the end."""

    async def main() -> None:
        tally = Tally()
        tasks = [asyncio.create_task(follow(*s, tally)) for s in streams]
        while tally.opened + tally.refused < len(streams) and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        out.send(tally)
        while not out.poll():
            await asyncio.sleep(0.1)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        out.send(tally)

    asyncio.run(main())


class Watching:
    """Every student's class stream and the teacher's, open (read by hold() in a process of
    its own) from now until stop() or the end of `stack`; student i on `urls[i mod n]`."""

    def __init__(
        self, stack: contextlib.ExitStack, urls: list[str], ids: list[str], joined: Class
    ) -> None:
        followed = [
            (urls[i % len(urls)], f"/api/networks/{n}/classroom/events", "")
            for i, n in enumerate(ids)
        ]
        teacher = f"Authorization: Bearer {joined.teacher_key}\r\n"
        followed.append((urls[0], f"/api/classes/{joined.id}/events", teacher))
        self.asked = len(followed)
        self.pipe, theirs = multiprocessing.Pipe()
        reader = multiprocessing.Process(target=hold, args=(followed, theirs), daemon=True)
        reader.start()
        stack.callback(reader.join, 30)
        stack.callback(self.stop)
        if not self.pipe.poll(120):
            raise RuntimeError("the event streams did not open within 120 s")
        self.ready: Tally = self.pipe.recv()
        self.stopped: Tally | None = None

    def stop(self) -> Tally:
        """Close every stream; what the reader saw from the start."""
        if self.stopped is None:
            self.pipe.send("stop")
            self.stopped = self.pipe.recv()
        return self.stopped


def class_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class",
        dest="in_class",
        action="store_true",
        help="one class, every student's and the teacher's event stream open",
    )


def sockets(port: int) -> dict[int, int]:
    """inode → the client's port, for every TCP connection to local `port`."""
    found = {}
    for table_path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(table_path).read_text().splitlines()[1:]:
                fields = line.split()
                local, remote, inode = fields[1], fields[2], int(fields[9])
                if int(local.rsplit(":", 1)[1], 16) == port:
                    found[inode] = int(remote.rsplit(":", 1)[1], 16)
    return found


@dataclass
class Usage:
    """One worker's file descriptors, the event streams it holds, and its memory."""

    fds: int
    streams: int
    rss_mib: float


def usage(servers: list[Server], stream_ports: set[int]) -> list[Usage]:
    found = []
    for server in servers:
        clients = sockets(server.port)
        for pid in server.worker_pids():
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
            held = 0
            for fd in fds:
                with contextlib.suppress(OSError):
                    link = fd.readlink().name
                    if link.startswith("socket:["):
                        held += clients.get(int(link[8:-1]), -1) in stream_ports
            rss = next(
                int(line.split()[1])
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
            found.append(Usage(len(fds), held, rss / 1024))
    return found


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


def trial_seconds(plan: list[Stream], samples: int) -> float:
    """Long enough for `samples` requests of every stream (wrk takes whole seconds)."""
    return float(math.ceil(max(8.0, max(samples / s.rate() for s in plan))))


@dataclass
class Held:
    """A trial's event streams: how many were asked for, what the reader saw, and each
    worker's file descriptors, streams and memory halfway through."""

    asked: int
    tally: Tally
    workers: list[Usage]
    proxied: bool = False
    """Behind nginx: the servers see nginx's ports, so a worker's streams are not told apart."""


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
    in_class: bool = False,
) -> tuple[list[Result], Held | None]:
    """One trial: `servers` app servers on one database (PostgreSQL at `database_url`, else
    one SQLite file), the students spread over them (`nginx`: by nginx in front of them);
    `in_class`: in one class, every event stream open (what they held: Held)."""
    env = {"BACKPROP_SYNCHRONOUS": synchronous, **(CLASS_ENV if in_class else {})}
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
        if not in_class:
            ids, x = make(made[0], preset, students)
            plan = streams(ids, x, playing, frames)
            run(urls, plan, 3)  # warm up: every network read once, every path taken
            return timed(made, urls, plan, trial_seconds(plan, samples)), None
        ids, x, joined = join(made[0], preset, students)
        plan = streams(ids, x, playing, frames)
        watching = Watching(stack, urls, ids, joined)
        run(urls, plan, 3)
        seconds = trial_seconds(plan, samples)
        sample: list[list[Usage]] = []

        def look() -> None:
            sample.append(usage(made, set(watching.ready.ports)))

        timer = threading.Timer(seconds / 2, look)
        timer.start()
        results = timed(made, urls, plan, seconds)
        timer.join()
        if not sample:  # the reading failed in the timer's thread (its error is printed above)
            raise RuntimeError("the workers' usage could not be read halfway")
        return results, Held(watching.asked, watching.stop(), sample[0], nginx)


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
            f"{r.cpu_ms:.1f}",
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
    class_option(parser)
    args = parser.parse_args()

    rows: list[list[str]] = []
    kept: list[list[str]] = []
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
                            results, held = measure(
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
                                args.in_class,
                            )
                            rows += report(
                                results, students, playing, backend, servers, workers, synchronous
                            )
                            if held is not None:
                                kept.append(holding(held, rows[-1][0], backend, servers, workers))
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
        "server CPU ms a request",
        "target",
    ]
    print(table(headers, rows))
    if kept:
        print("\nevent streams, halfway through each trial")
        print(
            table(
                [
                    "students",
                    "backend",
                    "servers",
                    "workers",
                    "streams open of asked",
                    "refused",
                    "closed by the server",
                    "events read",
                    "per worker: fds / streams / MiB",
                ],
                kept,
            )
        )


def holding(held: Held, students: str, backend: str, servers: int, workers: int) -> list[str]:
    per_worker = ", ".join(
        f"{u.fds} / {'—' if held.proxied else u.streams} / {u.rss_mib:.0f}" for u in held.workers
    )
    t = held.tally
    return [
        students,
        backend,
        str(servers),
        str(workers),
        f"{t.opened} of {held.asked}",
        str(t.refused),
        str(t.ended),
        f"{t.events:,}",
        per_worker,
    ]


if __name__ == "__main__":
    main()
