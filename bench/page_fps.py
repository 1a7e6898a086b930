"""The page in headless Chromium: frames per second while playing a 2-8-8-8-8-1 network with
the heatmap drawn, and the time from navigation to the first drawn graph.

Frames are timed with requestAnimationFrame from an init script (every frame the browser
draws calls it once), for `--seconds` of Play at the default speed. "First graph" is the
first frame drawn after the graph's first unit appears in the SVG, measured from the start
of navigation (performance.timeOrigin). Chromium is Debian's, headless, with the flags the
browser tests use. Target: median ≥ 55 fps.

    .venv/bin/python -m bench.page_fps [--seconds 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time

import orjson
from playwright.sync_api import Page, sync_playwright

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


def one_run(url: str, seconds: float) -> dict[str, float]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
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
        page.click("#play")
        page.wait_for_timeout(500)  # let Play settle into its loop
        start = len(page.evaluate("window.__frames"))
        page.wait_for_timeout(seconds * 1000)
        frames: list[float] = page.evaluate("window.__frames")[start:]
        updates = page.evaluate("document.querySelector('#loss-now').textContent")
        page.click("#play")
        browser.close()
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    span = (frames[-1] - frames[0]) / 1000
    idle_gaps = [b - a for a, b in itertools.pairwise(idle)]
    return {
        "idle_fps": 1000 / statistics.median(idle_gaps),
        "first_graph_ms": first_graph,
        "median_fps": 1000 / statistics.median(gaps),
        "mean_fps": (len(frames) - 1) / span,
        "p5_fps": 1000 / percentile(gaps, 0.95),
        "longest_ms": max(gaps),
        "frames": len(frames),
        "status": updates,
    }


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
            f"{r['idle_fps']:.1f}",
            f"{r['median_fps']:.1f}",
            f"{r['mean_fps']:.1f}",
            f"{r['p5_fps']:.1f}",
            f"{r['longest_ms']:.0f}",
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
                "idle median fps",
                "playing: median fps",
                "mean fps",
                "5th percentile fps",
                "longest frame ms",
            ],
            rows,
        )
    )
    print(f"last status line: {runs[-1]['status']}")
    print(
        f"median of runs: {statistics.median(r['median_fps'] for r in runs):.1f} fps, "
        f"first graph {statistics.median(r['first_graph_ms'] for r in runs):.0f} ms; "
        "target: median ≥ 55 fps"
    )


if __name__ == "__main__":
    main()
