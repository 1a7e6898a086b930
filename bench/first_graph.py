"""Where the page's time to its first graph goes, and the same beside another checkout's page.

Headless Chromium opens a 2-8-8-8-8-1 network's address in a fresh context (an empty cache, as
a new visitor) and reads the browser's own timings: the HTML's arrival, the ES modules fetched
(how many, when the first was requested and when the last arrived), when the network's `GET`
started (the page's script runs only once every module is in), and the first frame drawn with
the graph (as `bench.page_fps` times it), all from the start of navigation; and the server's
CPU time (user + system, from /proc) over the load, which moves less than the times when the
machine is busy.

With `--baseline DIR ...` (other commits' app, pages and static files: `git archive REV app
static templates | tar -x -C DIR`) the servers run side by side and the loads alternate (A B C
A B C ...) for `--rounds`; the table gives medians and the ratio this ÷ each baseline.

    .venv/bin/python -m bench.first_graph [--rounds 9] [--baseline DIR ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
from contextlib import ExitStack
from pathlib import Path

import orjson
from playwright.sync_api import Browser, sync_playwright

from bench.page_fps import NETWORK, TIMING, wait_for
from bench.server import Server, command_line, machine, post_json, table
from tests.e2e.chromium import ARGS, CHROMIUM

TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const all = performance.getEntriesByType('resource');
  const js = all.filter((e) => e.initiatorType !== 'fetch' && e.name.endsWith('.js'));
  const api = all.filter((e) => new URL(e.name).pathname.startsWith('/api/networks/'));
  return {
    html: nav.responseEnd,
    modules: js.length,
    first_module: Math.min(...js.map((e) => e.startTime)),
    last_module: Math.max(...js.map((e) => e.responseEnd)),
    network_get: api.length ? Math.min(...api.map((e) => e.startTime)) : NaN,
    graph: window.__graph,
  };
}"""
COLUMNS = {
    "graph": "first graph ms",
    "html": "HTML in ms",
    "first_module": "first module asked ms",
    "last_module": "last module in ms",
    "network_get": "network GET sent ms",
    "modules": "modules",
    "server_cpu": "server CPU per load ms",
}


def load(browser: Browser, server: Server, url: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    cpu = server.cpu_seconds()
    page = context.new_page()
    page.add_init_script(TIMING)
    page.goto(url)
    wait_for(page, "window.__graph !== null")
    timings: dict[str, float] = page.evaluate(TIMINGS)
    timings["server_cpu"] = (
        server.cpu_seconds() - cpu
    ) * 1000  # the first graph's and a little after
    context.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--baseline",
        type=Path,
        nargs="*",
        default=[],
        help="other checkouts (app, static, templates)",
    )
    args = parser.parse_args()

    sides = {"this": Server()}
    for folder in args.baseline:
        sides[str(folder)] = Server(cwd=folder.resolve())
    others = [name for name in sides if name != "this"]
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    with ExitStack() as stack, sync_playwright() as p:
        urls = {}
        for name, server in sides.items():
            stack.enter_context(server)
            made = json.loads(post_json(server.url + "/api/networks", orjson.dumps(NETWORK)))
            urls[name] = f"{server.url}/n/{made['id']}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for name in sides:  # one load each first: the servers' and the browser's first use
            load(browser, sides[name], urls[name])
        for _ in range(args.rounds):
            for name in sides:
                results[name].append(load(browser, sides[name], urls[name]))
        browser.close()

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    rows = []
    for key, label in COLUMNS.items():
        row = [label] + [f"{median(name, key):.0f}" for name in sides]
        row += [f"{median('this', key) / median(name, key):.2f}" for name in others]
        rows.append(row)
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    order = " ".join("ABCDEFGH"[: len(sides)])
    print(
        f"network {NETWORK['layers']}, its address in a fresh context each load, "
        f"{order} × {args.rounds}, medians, ms from the start of navigation"
    )
    header = ["", *sides, *(f"this ÷ {name}" for name in others)]
    print(table(header, rows))
    for name in sides:
        graphs = sorted(r["graph"] for r in results[name])
        print(f"{name}: first graph {graphs[0]:.0f} to {graphs[-1]:.0f} ms")


if __name__ == "__main__":
    main()
