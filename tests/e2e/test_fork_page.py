"""Runs side by side in headless Chromium: Fork with another η opens the fork in a new tab,
each page links to the other, and while both play each loss chart overlays the other run's
J, the very values of its history as the API answers them."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network

pytestmark = pytest.mark.e2e


def history_curve(api: httpx.Client, network_id: str) -> dict[str, Any]:
    """J after each kept entry on the network's line, from GET …/history."""
    entries = api.get(f"/api/networks/{network_id}/history").json()["entries"]
    line = [e for e in entries if not e["branch"] and e["loss"] is not None]
    return {"id": network_id, "u": [e["update"] for e in line], "J": [e["loss"] for e in line]}


def overlay_of(page: Page) -> list[dict[str, Any]]:
    return list(json.loads(page.get_attribute("#loss-chart", "data-overlay") or "[]"))


def wait_for_overlay(page: Page, api: httpx.Client, network_id: str) -> list[dict[str, Any]]:
    """The page's overlay once it shows the run's history as the API has it now (the page
    reads it again every few seconds)."""
    expected = history_curve(api, network_id)
    deadline = time.monotonic() + 30
    while overlay_of(page) != [expected] and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    return overlay_of(page)


def play_for(page: Page, api: httpx.Client, network_id: str, updates: int) -> None:
    start = api.get(f"/api/networks/{network_id}").json()["updates"]
    page.locator("#play").click()
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "true")
    deadline = time.monotonic() + 30
    while api.get(f"/api/networks/{network_id}").json()["updates"] < start + updates:
        assert time.monotonic() < deadline, "Play made no progress"
        page.wait_for_timeout(200)


def pause(page: Page) -> None:
    page.locator("#play").click()
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")


def test_fork_with_another_eta_play_both_and_each_overlays_the_other(
    watched: Page, context: BrowserContext, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    origin = api.post("/api/networks", json={"preset": "xor"}).json()
    api.post(f"/api/networks/{origin['id']}/step", json={"epochs": 20})
    open_network(page, live_server, origin["id"])
    expect(page.locator("#fork-setting")).to_have_value("learning_rate")
    expect(page.locator("#fork-value")).to_have_value("4")  # 2η proposed
    page.locator("#fork-value").fill("6")
    with context.expect_page() as opened:
        page.locator("#fork").click()
    fork_page = opened.value
    problems: list[str] = []  # the new tab's console errors fail the test too
    fork_page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    fork_page.on("pageerror", lambda e: problems.append(str(e)))
    fork_page.wait_for_url("**/n/**")
    fork_id = fork_page.url.rsplit("/", 1)[1]
    fork_page.wait_for_selector(f"svg[data-network-id='{fork_id}'] [data-unit='0-0']")

    links = api.get(f"/api/networks/{origin['id']}/forks").json()
    assert links["forks"] == [
        {"id": fork_id, "update": 20, "entry": 1, "changed": {"learning_rate": 6.0}}
    ]
    fork_state = api.get(f"/api/networks/{fork_id}").json()
    assert fork_state["learning_rate"] == 6.0
    assert (fork_state["weights"], fork_state["updates"]) == (
        api.get(f"/api/networks/{origin['id']}").json()["weights"],
        20,
    )
    # each page links to the other
    expect(page.locator(f"#fork-links a[data-network-id='{fork_id}']")).to_contain_text(
        "η = 6 from update 20"
    )
    expect(fork_page.locator(f"#fork-links a[data-network-id='{origin['id']}']")).to_be_visible()
    expect(fork_page.locator("#fork-links")).to_contain_text("at update 20 (η = 6 here)")

    # play both at once, then each chart overlays the other's J as its history has it
    play_for(fork_page, api, fork_id, 30)
    # while the fork plays, the origin's page sees its curve grow
    deadline = time.monotonic() + 30
    while not any(max(c["u"]) > 20 for c in overlay_of(page)):
        assert time.monotonic() < deadline, "the overlay did not follow the fork's Play"
        page.wait_for_timeout(250)
    play_for(page, api, origin["id"], 30)
    pause(fork_page)
    pause(page)
    on_origin = wait_for_overlay(page, api, fork_id)
    on_fork = wait_for_overlay(fork_page, api, origin["id"])
    assert on_origin == [history_curve(api, fork_id)]
    assert on_fork == [history_curve(api, origin["id"])]
    # the curves part: the fork starts where the origin was at update 20 and trains apart
    fork_curve, origin_curve = on_origin[0], on_fork[0]
    assert fork_curve["u"][0] == 20 and fork_curve["u"][-1] >= 50
    assert fork_curve["J"][0] == origin_curve["J"][origin_curve["u"].index(20)]
    assert fork_curve["J"][1:] != origin_curve["J"][origin_curve["u"].index(20) + 1 :]
    # Reset on the fork goes back to where it was forked, not to the origin's start
    fork_page.get_by_role("button", name="Reset", exact=True).click()
    fork_page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    expect(fork_page.locator("#timeline-label")).to_contain_text("20 updates · as created")
    reset = api.get(f"/api/networks/{fork_id}").json()
    assert (reset["updates"], reset["weights"]) == (20, fork_state["weights"])
    fork_page.close()
    assert problems == []
