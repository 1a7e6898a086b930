"""Make docs/screenshot.png for the README: Mazur's 2-2-2 network after Forward and Backward,
with the formula card of output unit 1 open.

    .venv/bin/python scripts/screenshot.py            # starts its own server on a temp database
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8000

Uses Debian's Chromium (/usr/bin/chromium), as the browser tests do.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

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


def shoot(url: str, out: Path, size: tuple[int, int] = (1440, 900)) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--size", default="1440x900", help="viewport, e.g. 1280x800 or 1920x1080")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.url:
        shoot(args.url.rstrip("/"), out, (width, height))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            process, url = start_server(Path(tmp) / "shot.sqlite3")
            try:
                shoot(url, out, (width, height))
            finally:
                process.terminate()
                process.wait(10)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
