"""XSS in the browser: a `<script>` payload in a network name, a preset's title and
description, and a CSV cell is shown as text and runs nothing.

Two layers are tested separately: the page renders the payload as text (no element is
created from it — true even without a CSP), and the CSP would stop an inline script anyway
(checked in test_security.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import browser_context_args, browser_type_launch_args

__all__ = ["browser_context_args", "browser_type_launch_args"]  # fixtures, shared

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
INJECTED = "img[src='x'], svg[onload], script:not([src])"


def nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.locator(INJECTED).count() == 0


def test_payloads_render_as_text_and_run_nothing(
    page: Page, live_server_factory: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "presets"
    folder.mkdir()
    (folder / "evil.json").write_text(
        json.dumps(
            {
                "title": "Evil " + PAYLOAD,
                "description": PAYLOAD,
                "layers": [2, 2, 1],
                "dataset": {"x": [[0, 1]], "y": [[1]]},
            }
        )
    )
    server = live_server_factory(env={"BACKPROP_PRESETS_DIR": str(folder)})
    body = {"layers": [2, 2, 1], "name": PAYLOAD, "dataset": {"x": [[0, 1]], "y": [[1]]}}
    network = httpx.post(f"{server.url}/api/networks", json=body).json()
    page.goto(f"{server.url}/n/{network['id']}")
    page.wait_for_selector(f"svg[data-network-id='{network['id']}'] [data-unit='0-0']")

    # the name, as text
    expect(page.locator("#network-name")).to_have_text(PAYLOAD)
    nothing_ran(page)

    # the preset's title in the list and its description, as text
    option = page.locator("#preset option[value='evil']")
    expect(option).to_have_text("Evil " + PAYLOAD)
    page.get_by_label("Preset").select_option("evil")
    expect(page.get_by_text(PAYLOAD, exact=True).first).to_be_visible()
    nothing_ran(page)

    # a CSV cell: the parser names the bad cell and quotes it, as text
    page.get_by_text("CSV: paste or import").click()
    page.get_by_label("One example per row").fill(f"x1,x2,y1\n0,0,0\n{PAYLOAD},1,1\n")
    page.get_by_role("button", name="Import CSV").click()
    expect(page.locator(".csv-errors")).to_contain_text("<script>")
    nothing_ran(page)
    stored = httpx.get(f"{server.url}/api/networks/{network['id']}").json()
    assert stored["dataset"] == body["dataset"]  # the bad CSV changed nothing
