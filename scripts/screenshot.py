"""Make the page's pictures for the README and docs/page.md: docs/screenshot.png, Mazur's 2-2-2
network at 1280 × 800 after Forward and Backward with the formula card of output unit 1 open;
docs/page-trained.png, a circle data set generated and trained at 1280 × 800, a hidden unit's
card with its own picture; docs/page-phone.png, XOR after Forward on a 375 × 667 phone;
docs/page-surface.png, the loss surface panel; docs/page-chain.png, a unit's chain rule;
docs/page-layers.png, the per-layer chart; docs/page-fork.png, a run and its fork overlaid;
docs/page-hidden.png, the hidden space (`--views`: only these last five); docs/page-minibatch.png,
the update-mode control in mini-batch mode, with docs/page-confusion.png, the scores and their
confusion tables (`--only fork hidden minibatch`: those named).

    .venv/bin/python scripts/screenshot.py            # starts its own server on a temp database
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000

Uses Debian's Chromium (/usr/bin/chromium), as the browser tests do.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.chromium import ARGS, CHROMIUM  # noqa: E402


def start_server(database: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BACKPROP_DATABASE": str(database)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


IDLE = "() => !document.body.hasAttribute('data-busy')"


@contextlib.contextmanager
def network_page(url: str, network_id: str) -> Iterator[Page]:
    """The network's page at 1280 × 800, its graph drawn; the browser closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
        page.goto(f"{url}/n/{network_id}")
        page.wait_for_selector("[data-unit='0-0']")
        yield page
        browser.close()


def shoot(url: str, out: Path, size: tuple[int, int] = (1280, 800)) -> None:
    """Mazur's network after Forward and Backward, the card of output unit 1 open."""
    network = httpx.post(url + "/api/networks", json={"preset": "mazur"}, timeout=10)
    network.raise_for_status()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(
            viewport={"width": size[0], "height": size[1]}, device_scale_factor=1
        )
        page.goto(f"{url}/n/{network.json()['id']}")
        page.wait_for_selector("[data-unit='0-0']")
        page.get_by_role("button", name="Forward", exact=True).click()
        page.wait_for_selector("[data-unit='2-0'][data-o]")
        page.get_by_role("button", name="Backward", exact=True).click()
        page.wait_for_selector("[data-unit='2-0'][data-delta]")
        page.click("[data-unit='2-0']")
        page.mouse.move(0, 0)
        page.wait_for_timeout(400)
        page.screenshot(path=str(out))
        browser.close()


def shoot_trained(url: str, out: Path) -> None:
    """A circle generated on the default network, trained by Play, h2's card and picture."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
        page.goto(f"{url}/")
        page.wait_for_selector("svg[data-network-id] [data-unit='0-0']")
        page.get_by_role("button", name="Add a unit to hidden layer 1").click()
        page.wait_for_selector("[data-unit='1-2']")
        page.get_by_role("button", name="Generate").click()
        page.wait_for_selector("#network-name:text('Circle (generated)')")
        page.fill("#stop-epochs", "300")
        page.get_by_role("button", name="Play").click()
        page.wait_for_selector("#stop-reason:text('Play stopped')", timeout=60_000)
        page.wait_for_function(IDLE)
        page.get_by_role("button", name="Backward", exact=True).click()
        page.wait_for_selector("[data-unit='1-1'][data-delta]")
        page.click("[data-unit='1-1'] circle")
        page.evaluate(
            "() => { window.scrollTo(0, 0); document.querySelector('.charts').scrollTo(0, 0); }"
        )
        page.mouse.move(0, 0)
        page.wait_for_timeout(900)
        page.screenshot(path=str(out))
        browser.close()


def shoot_phone(url: str, out: Path) -> None:
    """XOR after Forward on a phone: the phase buttons and the whole network on one screen."""
    network = httpx.post(url + "/api/networks", json={"preset": "xor"}, timeout=10)
    network.raise_for_status()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(
            viewport={"width": 375, "height": 667},
            device_scale_factor=2,
            has_touch=True,
            is_mobile=True,
        )
        page = context.new_page()
        page.goto(f"{url}/n/{network.json()['id']}")
        page.wait_for_selector("[data-unit='0-0']")
        page.locator("#forward").tap()
        page.wait_for_selector("[data-unit='2-0'][data-o]")
        page.wait_for_timeout(600)
        page.screenshot(path=str(out))
        browser.close()


def shoot_surface(url: str, out: Path) -> None:
    """XOR trained for 300 epochs, its loss surface over the output unit's first two weights."""
    network = httpx.post(url + "/api/networks", json={"preset": "xor"}, timeout=10)
    network.raise_for_status()
    network_id = network.json()["id"]
    for _ in range(30):
        httpx.post(f"{url}/api/networks/{network_id}/step", json={"epochs": 10}, timeout=10)
    with network_page(url, network_id) as page:
        page.locator("#surface-box summary").click()
        page.fill("#surface-span", "6")
        page.get_by_role("button", name="Draw", exact=True).click()
        page.wait_for_selector(".surface-path[points*=' ']")
        page.wait_for_function(IDLE)
        page.locator("#views").screenshot(path=str(out))


def shoot_chain(url: str, out: Path) -> None:
    """Mazur's output unit 1 opened into its scalar graph after Backward, walked to net."""
    network = httpx.post(url + "/api/networks", json={"preset": "mazur"}, timeout=10)
    network.raise_for_status()
    with network_page(url, network.json()["id"]) as page:
        page.get_by_role("button", name="Backward", exact=True).click()
        page.wait_for_selector("[data-unit='2-0'][data-delta]")
        page.click("[data-unit='2-0']")
        page.locator(".chain summary").click()
        page.get_by_role("button", name="Walk Backward").click()
        for _ in range(2):
            page.get_by_role("button", name="Next node").click()
        page.wait_for_function(IDLE)
        page.locator(".chain").screenshot(path=str(out))


def shoot_layers(url: str, out: Path) -> None:
    """The deep sigmoid preset after Backward: |δ| and |∂J/∂w| of each layer, log scale."""
    network = httpx.post(url + "/api/networks", json={"preset": "deep-sigmoid"}, timeout=10)
    network.raise_for_status()
    with network_page(url, network.json()["id"]) as page:
        page.locator("#layers-box summary").click()
        page.get_by_role("button", name="Backward", exact=True).click()
        page.wait_for_selector("[data-series='deltaMean']")
        page.wait_for_function(IDLE)
        page.locator("#layers-box").screenshot(path=str(out))


def shoot_fork(url: str, out: Path) -> None:
    """XOR and its fork at update 20 with η = 6, both trained 280 updates more: the charts
    panel of the origin, the fork's J overlaid, the link and the Fork control."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.post(url + path, json=body, timeout=30).json()
        return answer

    origin = post("/api/networks", {"preset": "xor"})["id"]
    post(f"/api/networks/{origin}/step", {"epochs": 20})
    fork = post(f"/api/networks/{origin}/fork", {"learning_rate": 6.0})["id"]
    for network_id in (origin, fork):
        for _ in range(14):
            post(f"/api/networks/{network_id}/step", {"epochs": 20})
    with network_page(url, origin) as page:
        page.wait_for_selector(f"#fork-links a[data-network-id='{fork}']")
        page.wait_for_function(
            "() => JSON.parse(document.querySelector('#loss-chart')"
            ".dataset.overlay || '[]').length === 1"
        )
        page.wait_for_function(IDLE)
        page.wait_for_timeout(300)
        page.locator(".charts").screenshot(path=str(out))


def shoot_hidden(url: str, out: Path) -> None:
    """XOR trained 500 updates: its four examples in the plane of the two hidden units' o,
    the output's line o = ½ between the classes."""
    network = httpx.post(url + "/api/networks", json={"preset": "xor"}, timeout=10).json()["id"]
    for _ in range(10):
        httpx.post(f"{url}/api/networks/{network}/step", json={"epochs": 50}, timeout=30)
    with network_page(url, network) as page:
        page.locator("#hidden-box summary").click()
        page.wait_for_selector("#hidden-line")
        page.wait_for_function(IDLE)
        page.locator("#hidden-box").screenshot(path=str(out))


def shoot_minibatch(url: str, out: Path) -> None:
    """A circle data set with a test part, mini-batch mode with B = 10 chosen in the Network
    panel, after three Updates: the control (`out`), and the scores with their confusion
    tables (page-confusion.png beside it)."""
    body = {
        "layers": [2, 4, 1],
        "seed": 2,
        "learning_rate": 1.0,
        "generate": {"shape": "circle", "n": 80, "test_fraction": 0.25, "seed": 4},
    }
    network = httpx.post(url + "/api/networks", json=body, timeout=10).json()["id"]
    with network_page(url, network) as page:
        page.get_by_label("Update mode").select_option("minibatch")
        page.get_by_label("Batch size B").fill("10")
        page.get_by_label("Batch size B").press("Enter")
        for _ in range(3):
            page.get_by_role("button", name="Update", exact=True).click()
            page.wait_for_function(IDLE)
        page.wait_for_selector("table.confusion[data-part='test']")
        page.locator("#build .settings").first.screenshot(path=str(out))
        page.locator("#confusion").scroll_into_view_if_needed()
        boxes = [page.locator(s).bounding_box() for s in ("#scores", "#confusion")]
        top = min(b["y"] for b in boxes if b)
        left = min(b["x"] for b in boxes if b)
        right = max(b["x"] + b["width"] for b in boxes if b)
        bottom = max(b["y"] + b["height"] for b in boxes if b)
        clip = {"x": left - 4, "y": top - 4, "width": right - left + 8, "height": bottom - top + 8}
        page.screenshot(path=str(out.with_name("page-confusion.png")), clip=clip)


SHOTS = {"fork": shoot_fork, "hidden": shoot_hidden, "minibatch": shoot_minibatch}
"""The pictures `--only` can name: docs/page-NAME.png."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--docs", default=str(ROOT / "docs"), help="where the pictures go")
    parser.add_argument(
        "--views", action="store_true", help="only the pictures of the panel of more views"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SHOTS), help="only these pictures")
    args = parser.parse_args()
    docs = Path(args.docs)
    docs.mkdir(parents=True, exist_ok=True)

    def all_three(url: str) -> None:
        for name in args.only or []:
            SHOTS[name](url, docs / f"page-{name}.png")
        if args.only:
            return
        shoot_minibatch(url, docs / "page-minibatch.png")
        shoot_fork(url, docs / "page-fork.png")
        shoot_hidden(url, docs / "page-hidden.png")
        shoot_surface(url, docs / "page-surface.png")
        shoot_chain(url, docs / "page-chain.png")
        shoot_layers(url, docs / "page-layers.png")
        if args.views:
            return
        shoot(url, docs / "screenshot.png")
        shoot_trained(url, docs / "page-trained.png")
        shoot_phone(url, docs / "page-phone.png")

    if args.url:
        all_three(args.url.rstrip("/"))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            process, url = start_server(Path(tmp) / "shot.sqlite3")
            try:
                all_three(url)
            finally:
                process.terminate()
                process.wait(10)
    print(f"wrote the pictures in {docs}")


if __name__ == "__main__":
    main()
