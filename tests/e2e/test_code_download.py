"""The page's "Download code" and "Notebook" links, in headless Chromium: the program saved
from the page, run with numpy alone, prints the weights the page's network has."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network

pytestmark = pytest.mark.e2e

XOR = {"preset": "xor", "name": "XOR"}


def download(page: Page, name: str, path: Path) -> Path:
    with page.expect_download() as got:
        page.get_by_role("link", name=name, exact=True).click()
    got.value.save_as(path)
    return path


@pytest.mark.parametrize("body, online", [(MAZUR, False), (XOR, True)], ids=["mazur", "xor"])
def test_download_code_runs_to_the_pages_weights(
    watched: Page, live_server: LiveServer, api: httpx.Client, tmp_path: Path, body, online
) -> None:
    page = watched
    net = api.post("/api/networks", json=body).json()
    open_network(page, live_server, net["id"])
    if online:
        page.get_by_label("Update mode").select_option("online")
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    updates = 8 if online else 2
    expect(page.locator("#loss-now")).to_have_text(re.compile(rf"· {updates} updates$"))

    program = download(page, "Download code", tmp_path / "network.py")
    done = subprocess.run(
        [sys.executable, "-I", str(program)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout.splitlines()[-1])
    state = api.get(f"/api/networks/{net['id']}").json()
    assert printed == {"weights": state["weights"], "biases": state["biases"]}
    assert ('("online", 2)' if online else '("batch", 2)') in program.read_text()

    notebook = json.loads(download(page, "Notebook", tmp_path / "network.ipynb").read_text())
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert program.read_text().endswith("\n\n\n".join(code) + "\n")
