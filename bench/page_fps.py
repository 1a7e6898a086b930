"""The page in headless Chromium: frames per second while playing a 2-8-8-8-8-1 network with
the heatmap drawn, the time from navigation to the first drawn graph, and the renderer's
main-thread CPU per Play request.

Frames are timed with requestAnimationFrame from an init script (every frame the browser
draws calls it once), for `--seconds` of Play at the default speed. "First graph" is the
first frame drawn after the graph's first unit appears in the SVG, measured from the start
of navigation (performance.timeOrigin), for the network's own address and for `/` (a new
visitor: the page makes the network, or, before it did, the server made it and redirected).
"CPU per request" is the thread time of the
renderer's main-thread tasks (and of their painting) in a Chromium trace of the same Play,
divided by the /step requests sent: unlike fps, it hardly moves when the machine is busy.
Chromium is Debian's, headless, with the flags the browser tests use. Target: median ≥ 55
fps.

    .venv/bin/python -m bench.page_fps [--seconds 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time

import orjson
from playwright.sync_api import Browser, Page, sync_playwright

from bench.server import Server, command_line, machine, post_json, table
from tests.e2e.chromium import ARGS, CHROMIUM

NETWORK = {"preset": "circle", "layers": [2, 8, 8, 8, 8, 1], "name": "fps 2-8-8-8-8-1"}

TIMING = """
window.__frames = [];
window.__graph = null;
const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
requestAnimationFrame(tick);
new MutationObserver((_, observer) => {
  if (document.querySelector('#graph circle')) {
    observer.disconnect();
    requestAnimationFrame((t) => { window.__graph = t; });
  }
}).observe(document, { childList: true, subtree: true });
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_for(page: Page, expression: str, timeout: float = 30.0) -> None:
    """Poll a JavaScript expression from outside the page: Playwright's wait_for_function
    evaluates strings with eval(), which the page's Content-Security-Policy refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} still false after {timeout:g} s")
        page.wait_for_timeout(20)


def first_graph_ms(browser: Browser, url: str) -> float:
    """From navigation to the first frame with the graph drawn, in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(TIMING)
    page.goto(url)
    wait_for(page, "window.__graph !== null")
    drawn = float(page.evaluate("window.__graph"))
    context.close()
    return drawn


def one_run(url: str, seconds: float) -> dict[str, float]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        home = first_graph_ms(browser, url.split("/n/")[0] + "/")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(TIMING)
        page.goto(url)
        wait_for(page, "window.__graph !== null")
        first_graph = float(page.evaluate("window.__graph"))
        wait_for(
            page,
            "!!document.querySelector('#heatmap') && !document.querySelector('#heatmap').hidden",
        )
        page.wait_for_timeout(500)
        idle_from = len(page.evaluate("window.__frames"))
        page.wait_for_timeout(2000)
        idle = page.evaluate("window.__frames")[idle_from:]
        steps: list[str] = []
        page.on("request", lambda r: steps.append(r.url) if r.url.endswith("/step") else None)
        browser.start_tracing(
            page=page,
            categories=["devtools.timeline", "disabled-by-default-devtools.timeline"],
        )
        page.click("#play")
        page.wait_for_timeout(500)  # let Play settle into its loop
        start = len(page.evaluate("window.__frames"))
        page.wait_for_timeout(seconds * 1000)
        frames: list[float] = page.evaluate("window.__frames")[start:]
        updates = page.evaluate("document.querySelector('#loss-now').textContent")
        page.click("#play")
        trace = orjson.loads(browser.stop_tracing())["traceEvents"]
        browser.close()
    cpu, paint = main_thread_ms(trace)
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    span = (frames[-1] - frames[0]) / 1000
    idle_gaps = [b - a for a, b in itertools.pairwise(idle)]
    return {
        "idle_fps": 1000 / statistics.median(idle_gaps),
        "first_graph_ms": first_graph,
        "home_ms": home,
        "median_fps": 1000 / statistics.median(gaps),
        "mean_fps": (len(frames) - 1) / span,
        "p5_fps": 1000 / percentile(gaps, 0.95),
        "longest_ms": max(gaps),
        "frames": len(frames),
        "status": updates,
        "cpu_ms": cpu / max(1, len(steps)),
        "paint_ms": paint / max(1, len(steps)),
    }


def main_thread_ms(events: list[dict[str, object]]) -> tuple[float, float]:
    """Thread time (ms) of the renderer main thread's tasks, and of its paints, in a trace."""
    functions = [e for e in events if e.get("name") == "FunctionCall"]
    where = (functions[0]["pid"], functions[0]["tid"]) if functions else None
    total = paint = 0.0
    for e in events:
        if (e.get("pid"), e.get("tid")) != where or e.get("ph") != "X":
            continue
        tdur = float(e.get("tdur", 0)) / 1000  # type: ignore[arg-type]
        if e.get("name") == "RunTask":
            total += tdur
        elif e.get("name") == "Paint":
            paint += tdur
    return total, paint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="Play time per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with Server() as server:
        made = json.loads(post_json(server.url + "/api/networks", orjson.dumps(NETWORK)))
        url = f"{server.url}/n/{made['id']}"
        runs = [one_run(url, args.seconds) for _ in range(args.runs)]

    rows = [
        [
            str(i + 1),
            f"{r['first_graph_ms']:.0f}",
            f"{r['home_ms']:.0f}",
            f"{r['idle_fps']:.1f}",
            f"{r['median_fps']:.1f}",
            f"{r['mean_fps']:.1f}",
            f"{r['p5_fps']:.1f}",
            f"{r['longest_ms']:.0f}",
            f"{r['cpu_ms']:.0f} ({r['paint_ms']:.0f})",
        ]
        for i, r in enumerate(runs)
    ]
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        f"network {made['layers']} ({NETWORK['preset']} dataset, "
        f"{len(made['dataset']['x'])} examples), Play at the default speed for "
        f"{args.seconds:g} s per run, viewport 1280×900, headless {CHROMIUM}"
    )
    print(
        table(
            [
                "run",
                "navigation → first graph ms",
                "from / ms",
                "idle median fps",
                "playing: median fps",
                "mean fps",
                "5th percentile fps",
                "longest frame ms",
                "CPU per request ms (paint)",
            ],
            rows,
        )
    )
    print(f"last status line: {runs[-1]['status']}")
    print(
        f"median of runs: {statistics.median(r['median_fps'] for r in runs):.1f} fps, "
        f"first graph {statistics.median(r['first_graph_ms'] for r in runs):.0f} ms "
        f"(from / {statistics.median(r['home_ms'] for r in runs):.0f} ms), "
        f"CPU per request {statistics.median(r['cpu_ms'] for r in runs):.0f} ms; "
        "target: median ≥ 55 fps"
    )


if __name__ == "__main__":
    main()
