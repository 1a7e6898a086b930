"""Share links in Chromium: a link made on one page, opened in a browser that never saw the
network, makes an equal network (every weight to the bit, as the API reports it)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.schemas import NetworkCreate
from tests.conftest import LiveServer
from tests.e2e.conftest import open_network

pytestmark = pytest.mark.e2e

SAME = sorted(set(NetworkCreate.model_fields) - {"preset", "generate"})
"""Every field a network is created with: a setting added later is compared too. A preset
and a generator are ways of asking for one; what they give (layers, settings, the dataset
and its test part) is compared."""


def trained(api: httpx.Client) -> dict[str, Any]:
    """A network whose weights have long decimals: XOR, tanh, trained a few epochs."""
    made = api.post(
        "/api/networks",
        json={
            "preset": "xor",
            "hidden_activation": "tanh",
            "learning_rate": 0.37,
            "reduction": "mean",
            "name": "shared XOR",
            "seed": 5,
        },
    )
    assert made.status_code == 201, made.text
    net: dict[str, Any] = made.json()
    step = api.post(f"/api/networks/{net['id']}/step", json={"epochs": 7})
    assert step.status_code == 200, step.text
    state: dict[str, Any] = api.get(f"/api/networks/{net['id']}").json()
    return state


def share_link(page: Page) -> str:
    page.get_by_role("button", name="Share", exact=True).click()
    field = page.locator("input[data-share-url]")
    expect(field).to_be_visible()
    url = field.get_attribute("data-share-url")
    assert url and field.input_value() == url
    return url


def open_link(browser: Browser, url: str) -> tuple[str, Page]:
    """The link in a fresh context (no storage, no cookies): the id of the network it made."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_url(re.compile(r"/n/[A-Za-z0-9_-]+"))
    page.wait_for_selector("[data-unit='0-0']")
    match = re.search(r"/n/([A-Za-z0-9_-]+)", page.url)
    assert match
    return match.group(1), page


def test_a_share_link_makes_an_equal_network_each_time(
    watched: Page, live_server: LiveServer, api: httpx.Client, browser: Browser
) -> None:
    original = trained(api)
    open_network(watched, live_server, original["id"])
    url = share_link(watched)
    assert url.startswith(f"{live_server.url}/share#1.")
    assert original["id"] not in url

    first, page = open_link(browser, url)
    second, _ = open_link(browser, url)
    assert len({first, second, original["id"]}) == 3
    a = api.get(f"/api/networks/{first}").json()
    b = api.get(f"/api/networks/{second}").json()
    for key in SAME:  # floats compare exactly: the JSON of both is the server's own
        assert a[key] == original[key], key
        assert b[key] == original[key], key
    assert a["updates"] == 0  # a new network, starting from the shared weights
    # the page shows the new network, with the shared weights
    shown = page.get_attribute("[data-weight-id='1-0-0']", "data-value")
    assert shown is not None and float(shown) == original["weights"][0][0][0]


def test_a_test_part_and_the_l2_term_travel_too(
    watched: Page, live_server: LiveServer, api: httpx.Client, browser: Browser
) -> None:
    """Generated points with a test part, an L2 term and trained weights: the new network
    holds the same test examples (never trained on there either) and the same λ."""
    made = api.post(
        "/api/networks",
        json={
            "layers": [2, 3, 1],
            "l2": 0.03,
            "learning_rate": 0.7,
            "generate": {"shape": "xor", "n": 30, "noise": 0.05, "test_fraction": 0.3},
        },
    )
    assert made.status_code == 201, made.text
    net_id = made.json()["id"]
    assert api.post(f"/api/networks/{net_id}/step", json={"epochs": 5}).status_code == 200
    original = api.get(f"/api/networks/{net_id}").json()
    assert len(original["dataset"]["test"]["x"]) == 9 and original["l2"] == 0.03
    open_network(watched, live_server, net_id)
    copy_id, _ = open_link(browser, share_link(watched))
    copy = api.get(f"/api/networks/{copy_id}").json()
    for key in SAME:
        assert copy[key] == original[key], key
    # the same step on both gives the same test J: the copy keeps its test part out of training
    steps = [api.post(f"/api/networks/{n}/step", json={}).json() for n in (net_id, copy_id)]
    assert steps[0]["test_losses"] == steps[1]["test_losses"]
    assert steps[0]["network"]["weights"] == steps[1]["network"]["weights"]


def test_the_update_mode_travels_and_hide_hides_panels(
    watched: Page, live_server: LiveServer, api: httpx.Client, browser: Browser
) -> None:
    original = trained(api)
    open_network(watched, live_server, original["id"])
    watched.select_option("#mode", "online")
    url = share_link(watched)
    teacher = url.replace("/share#", "/share?hide=build,data#")
    new_id, page = open_link(browser, teacher)
    assert page.url.endswith(f"/n/{new_id}?hide=build,data")
    expect(page.locator("#build")).to_be_hidden()
    expect(page.locator("#data")).to_be_hidden()
    expect(page.locator("#card")).to_be_visible()
    expect(page.locator("section.charts")).to_be_visible()
    # the same after the data (what a teacher can type at the end of a link)
    _, page2 = open_link(browser, url + "&hide=card,charts")
    expect(page2.locator("#card")).to_be_hidden()
    expect(page2.locator("section.charts")).to_be_hidden()
    expect(page2.locator("#build")).to_be_visible()
    # the update mode of the sharing page came along
    expect(page2.locator("#mode")).to_have_value("online")
    # a link made where panels are hidden keeps them hidden
    assert "?hide=build,data#" in share_link(page)


@pytest.mark.parametrize("allowed_errors", [["status of 4"]])
def test_damaged_links_say_so(
    watched: Page, live_server: LiveServer, api: httpx.Client, allowed_errors: list[str]
) -> None:
    original = trained(api)
    open_network(watched, live_server, original["id"])
    url = share_link(watched)
    page = watched
    for bad, words in [
        (url[:-12], "cut short"),
        (url.replace("#1.", "#7."), "version"),
        (url + "%%", "characters"),
        (f"{live_server.url}/share", "not a share link"),
    ]:
        page.goto(bad)
        error = page.locator("#share-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text(words)
        expect(page.get_by_role("link", name="Start a new network instead")).to_be_visible()
    # a well-formed link whose network the server refuses: the server's reason, not a crash
    forged = page.evaluate(
        """async () => {
            const { encodeSetup } = await import('/static/js/share.js');
            return encodeSetup({ network: { layers: [2, 0, 1] } });
        }"""
    )
    page.goto(f"{live_server.url}/share#{forged}")
    expect(page.locator("#share-error")).to_contain_text("refused the network")
    expect(page.locator("#share-error")).to_contain_text("layers")
