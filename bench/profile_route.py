"""Where one route's CPU goes: cProfile in every thread of a server under sequential calls.

The app runs in this process under uvicorn (the image's flags: httptools, uvloop) with one
cProfile per thread (the event loop and every worker thread), each counting its thread's CPU
time (time.thread_time), so the machine's other tenants distort it little. A client in a
subprocess creates an XOR network and calls the route `--requests` times on one kept-alive
connection, as bench.route_cost does. The tables give µs of CPU per request by function,
every thread together: own time, and with what it calls; then own time by package. cProfile
adds its own cost to every call it sees (most to many small ones): read shares, not totals,
and confirm a change with bench.route_cost.

    .venv/bin/python -m bench.profile_route [--route play] [--requests 500] [--top 25]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.route_cost import PLAY, routes_of
from bench.server import BENCH_ENV, ROOT, command_line, free_port, machine, table

CLIENT = """
import http.client, json, sys
port, method, suffix, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
body = sys.stdin.buffer.read() or None
conn = http.client.HTTPConnection("127.0.0.1", port)
conn.request("POST", "/api/networks", b'{"preset": "xor"}', {"Content-Type": "application/json"})
path = "/api/networks/" + json.loads(conn.getresponse().read())["id"] + suffix
headers = {"Content-Type": "application/json"} if body is not None else {}
for _ in range(n):
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    assert response.status < 400, (response.status, data[:200])
"""

PACKAGES = ("app/nn/", "app/", "numpy/", "fastapi/", "starlette/", "pydantic", "anyio/")


def serve_and_call(route: tuple[str, str, str, bytes | None], n: int) -> list[cProfile.Profile]:
    """Profiles of every thread of a server that answered `n` calls of `route` (and the
    POST that created the network; the app is built before profiling starts)."""
    import uvicorn

    from app.main import create_app

    _, method, suffix, body = route
    port = free_port()
    config = uvicorn.Config(
        create_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)

    def drive() -> None:
        while not server.started:
            time.sleep(0.05)
        subprocess.run(
            [sys.executable, "-c", CLIENT, str(port), method, suffix, str(n)],
            input=body or b"",
            check=True,
        )
        server.should_exit = True

    driver = threading.Thread(target=drive)  # started before setprofile: not profiled
    driver.start()
    profiles = [cProfile.Profile(time.thread_time)]

    def first_event(*_: Any) -> None:  # a new thread's first call: give it its profile
        profiles.append(cProfile.Profile(time.thread_time))
        profiles[-1].enable()

    threading.setprofile(first_event)
    profiles[0].enable()
    server.run()
    profiles[0].disable()
    threading.setprofile(None)  # type: ignore[arg-type]
    driver.join()
    return profiles


def package(filename: str) -> str:
    for name in PACKAGES:
        if name in filename:
            return name.rstrip("/")
    return "other" if filename != "~" else "built-in calls"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--route", choices=routes_of(PLAY), default="play")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    route = routes_of(PLAY)[args.route]
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp:
        os.environ.update({**BENCH_ENV, "BACKPROP_DATABASE": str(Path(tmp) / "b.sqlite3")})
        os.chdir(ROOT)
        profiles = serve_and_call(route, args.requests)
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        profile.create_stats()
        if profile.stats:  # type: ignore[attr-defined]
            stats.add(profile)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    us = 1e6 / args.requests
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"route: {route[0]}: {stats.total_tt * us:.0f} µs per request under cProfile")  # type: ignore[attr-defined]
    for key, title in ((2, "own time"), (3, "with what it calls")):
        rows = sorted(raw.items(), key=lambda item: item[1][key], reverse=True)[: args.top]
        print(f"\nby {title}")
        cells = [
            [f"`{Path(f).name}:{line}({fn})`", f"{v[1] / args.requests:.1f}", f"{v[key] * us:.0f}"]
            for (f, line, fn), v in rows
        ]
        print(table(["function", "calls per request", "µs per request"], cells))
    own: collections.Counter[str] = collections.Counter()
    for (f, _, _), v in raw.items():
        own[package(f)] += v[2]
    print("\nown time by package")
    shares = [[k, f"{v * us:.0f}"] for k, v in own.most_common()]
    print(table(["package", "µs per request"], shares))


if __name__ == "__main__":
    main()
