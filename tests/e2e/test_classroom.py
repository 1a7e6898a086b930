"""A class in the browser: each visitor gets a network of their own, which a reload, a new
device and a crashed-and-restarted server all keep."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer

pytestmark = pytest.mark.e2e
UPDATES = {n: re.compile(rf"\b{n} updates?\b") for n in (1, 2, 3)}


def visit(page: Page, server: LiveServer) -> str:
    """Open the server's root as a new visitor; the id of the network the page then shows."""
    page.goto(server.url + "/")
    page.wait_for_url(f"{server.url}/n/*")
    page.wait_for_selector("svg[data-network-id] [data-unit='0-0']")
    network_id = page.get_attribute("#graph", "data-network-id")
    assert network_id and page.url == f"{server.url}/n/{network_id}"
    return network_id


def shown_weight(page: Page) -> float:
    """w of the first hidden unit's first input, as the page drew it (full precision)."""
    value = page.get_attribute("[data-weight-id='1-0-0']", "data-value")
    assert value is not None
    return float(value)


def state(server: LiveServer, network_id: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/networks/{network_id}", timeout=10)
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_two_students_reload_and_a_crash(browser: Browser, live_server_factory: Any) -> None:
    server: LiveServer = live_server_factory()
    alice_context, bob_context = browser.new_context(), browser.new_context()
    alice, bob = alice_context.new_page(), bob_context.new_page()
    alice_id, bob_id = visit(alice, server), visit(bob, server)
    assert alice_id != bob_id
    assert len(alice_id) >= 32  # 192 random bits, URL-safe base64

    # Alice trains; Bob's network does not move
    before = shown_weight(alice)
    for count in (1, 2, 3):  # one click at a time: the page ignores clicks while it works
        alice.get_by_role("button", name="Step", exact=True).click()
        expect(alice.locator("#loss-now")).to_contain_text(UPDATES[count])
    trained = state(server, alice_id)
    assert trained["updates"] == 3
    assert shown_weight(alice) == trained["weights"][0][0][0] != before
    assert state(server, bob_id)["updates"] == 0

    # a reload, and the same link on another device, show the same network
    alice.reload()
    alice.wait_for_selector(f"svg[data-network-id='{alice_id}'] [data-unit='0-0']")
    assert shown_weight(alice) == trained["weights"][0][0][0]
    expect(alice.locator("#loss-now")).to_contain_text(UPDATES[3])
    laptop = browser.new_context().new_page()
    laptop.goto(f"{server.url}/n/{alice_id}")
    laptop.wait_for_selector(f"svg[data-network-id='{alice_id}'] [data-unit='0-0']")
    assert shown_weight(laptop) == trained["weights"][0][0][0]

    # the server crashes (SIGKILL) and comes back on the same database
    server.kill()
    server.start()
    alice.reload()
    alice.wait_for_selector(f"svg[data-network-id='{alice_id}'] [data-unit='0-0']")
    assert shown_weight(alice) == trained["weights"][0][0][0]
    expect(alice.locator("#loss-now")).to_contain_text(UPDATES[3])
    assert state(server, alice_id) == trained
    assert state(server, bob_id)["updates"] == 0

    # New network gives Alice a fresh one and leaves her old one in place
    alice.get_by_role("button", name="New network").click()
    alice.wait_for_url(lambda url: "/n/" in url and alice_id not in url)
    assert state(server, alice_id) == trained
    for context in (alice_context, bob_context, laptop.context):
        context.close()


def test_the_preset_list_offers_every_preset(browser: Browser, live_server_factory: Any) -> None:
    server: LiveServer = live_server_factory()
    page = browser.new_page()
    visit(page, server)
    listed = httpx.get(server.url + "/api/presets").json()["presets"]
    options = page.locator("#preset option")
    expect(options).to_have_count(len(listed))
    assert options.all_text_contents() == [p["title"] for p in listed]
    page.select_option("#preset", "spiral")
    expect(page.locator(".preset-desc")).to_contain_text("spiral")
    page.get_by_role("button", name="Load preset").click()
    page.wait_for_function("() => document.querySelectorAll('[data-unit^=\"2-\"]').length === 12")
    spiral_id = page.get_attribute("#graph", "data-network-id")
    assert spiral_id is not None
    assert state(server, spiral_id)["layers"] == [2, 12, 12, 1]
    page.context.close()


def test_the_admin_page_lists_deletes_and_exports(
    browser: Browser, live_server_factory: Any, tmp_path: Path
) -> None:
    token = "a-teacher-token-of-some-length"
    server: LiveServer = live_server_factory(env={"BACKPROP_ADMIN_TOKEN": token})
    payload = "<script>window.pwned = 1</script><img src=x onerror=window.pwned=1>"
    ids = [
        httpx.post(server.url + "/api/networks", json={"preset": "xor", "name": name}).json()["id"]
        for name in (payload, "Bob's XOR")
    ]
    page = browser.new_page(accept_downloads=True)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(server.url + "/admin")

    page.get_by_label("Admin token").fill("wrong")
    page.get_by_role("button", name="Show networks").click()
    expect(page.locator("#error")).to_contain_text("not the admin token")
    expect(page.locator("#networks")).to_be_hidden()

    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Show networks").click()
    rows = page.locator("#networks tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#status")).to_contain_text("2 networks")
    expect(page.locator(f"tr[data-id='{ids[0]}'] td").first).to_have_text(payload)
    assert page.evaluate("window.pwned") is None  # shown as text, never run

    with page.expect_download() as download:
        page.get_by_role("button", name="Export all as JSON").click()
    saved = tmp_path / "all.json"
    download.value.save_as(saved)
    archive = json.loads(saved.read_text())
    assert sorted(n["id"] for n in archive["networks"]) == sorted(ids)

    page.get_by_role("button", name=f"Delete {ids[1]}").click()
    expect(rows).to_have_count(1)
    assert httpx.get(f"{server.url}/api/networks/{ids[1]}").status_code == 404
    assert httpx.get(f"{server.url}/api/networks/{ids[0]}").status_code == 200
    page.context.close()


def test_without_a_token_there_is_no_admin_page(live_server_factory: Any) -> None:
    server: LiveServer = live_server_factory()
    assert httpx.get(server.url + "/admin").status_code == 404
