"""The timeline under the loss chart, in headless Chromium: dragging it shows a past state
without changing the server's network; "Continue from here" rewinds; Ctrl+Z undoes."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network
from tests.e2e.test_playground_data import BLUE, count_colour

pytestmark = pytest.mark.e2e


def edge_values(page: Page) -> list:
    return [
        [
            [
                float(page.get_attribute(f"[data-weight-id='{k}-{r}-{q}']", "data-value") or "nan")
                for q in range(2)
            ]
            for r in range(2)
        ]
        for k in (1, 2)
    ]


def test_drag_continue_and_undo(watched: Page, live_server: LiveServer, api: httpx.Client):
    page = watched
    net = api.post("/api/networks", json=MAZUR).json()
    path = f"/api/networks/{net['id']}"
    states = [net] + [api.post(f"{path}/step", json={}).json()["network"] for _ in range(3)]
    open_network(page, live_server, net["id"])
    timeline = page.locator("#timeline-range")
    expect(timeline).to_have_attribute("max", "3")
    expect(timeline).to_have_value("3")
    assert edge_values(page) == states[3]["weights"]

    with page.expect_request(lambda r: "/predict?update=1&entry=1" in r.url):
        timeline.fill("1")  # a drag to entry 1: the heatmap asks for that state's output
    expect(page.locator("#timeline-label")).to_contain_text("1 update · after a step")
    page.wait_for_function(
        "w => document.querySelector(\"[data-weight-id='2-0-0']\").dataset.value == w",
        arg=str(states[1]["weights"][1][0][0]),
    )
    assert edge_values(page) == states[1]["weights"]  # Mazur's first update, to the bit
    # the units show that state's numbers: its forward pass, as the API gives it
    then = api.post(f"{path}/forward?update=1&entry=1", json={}).json()
    out1 = page.locator("[data-unit='2-0']")
    expect(out1).to_have_attribute("data-o", str(then["output"][0][0]))
    expect(page.locator("[data-unit='1-1']")).to_have_attribute(
        "data-net", str(then["net"][0][0][1])
    )
    assert api.get(path).json() == states[3]  # nothing changed on the server
    timeline.fill("2")
    page.wait_for_function(
        "w => document.querySelector(\"[data-weight-id='2-0-0']\").dataset.value == w",
        arg=str(states[2]["weights"][1][0][0]),
    )
    assert api.get(path).json() == states[3]

    page.get_by_role("button", name="Continue from here").click()
    expect(page.get_by_role("button", name="Continue from here")).to_be_hidden()
    assert api.get(path).json() == states[2]
    expect(page.locator("#timeline-label")).to_contain_text("current")

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(timeline).to_have_value("1")
    assert api.get(path).json() == states[1]
    assert edge_values(page) == states[1]["weights"]
    history = api.get(f"{path}/history").json()
    assert history["current"] == 1
    assert [e["branch"] for e in history["entries"]] == [False, False, True, True]

    page.get_by_role("button", name="Reset", exact=True).click()
    expect(timeline).to_have_value("0")
    assert api.get(path).json()["weights"] == MAZUR["weights"]  # the same initial weights


def test_the_timeline_grows_while_playing(
    watched: Page, live_server: LiveServer, api: httpx.Client
):
    page = watched
    net = api.post("/api/networks", json=MAZUR).json()
    open_network(page, live_server, net["id"])
    timeline = page.locator("#timeline-range")
    expect(timeline).to_have_attribute("max", "0")
    page.get_by_role("button", name="Play").click()
    # read again while Play goes on (every 10 s), not only when it stops
    page.wait_for_function(
        "() => Number(document.querySelector('#timeline-range').max) > 0"
        " && document.body.classList.contains('playing')",
        timeout=30_000,
    )
    page.get_by_role("button", name="Pause").click()
    found = api.get(f"/api/networks/{net['id']}/history").json()
    expect(timeline).to_have_attribute("max", str(len(found["entries"]) - 1))


def test_a_network_trained_elsewhere_shows_its_j_from_the_history(
    watched: Page, live_server: LiveServer, api: httpx.Client
):
    page = watched
    net = api.post("/api/networks", json=MAZUR).json()
    for _ in range(5):
        api.post(f"/api/networks/{net['id']}/step", json={})  # a script, not this browser
    open_network(page, live_server, net["id"])
    expect(page.locator("#timeline-range")).to_have_attribute("max", "5")
    page.wait_for_function(  # the chart is drawn once the history is read
        "() => Number(document.querySelector('#loss-chart').dataset.points) === 6"
    )
    assert count_colour(page, "#loss-chart", BLUE) > 50  # the curve, in the line's colour
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(page.locator("#timeline-range")).to_have_value("0")  # after the chart was redrawn
    expect(page.locator("#loss-chart")).to_have_attribute("data-points", "0")
    assert count_colour(page, "#loss-chart", BLUE) < 10  # cleared, as Reset clears it
