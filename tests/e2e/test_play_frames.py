"""Play in frames, in Chromium: the graph shows each frame's weights in order (the states of
5, 10, 15 … one-epoch updates), the heatmap comes from the batches' own grids (no /predict
while playing), and Pause shows the weights the server holds."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network, server_weights, shown_weights

pytestmark = pytest.mark.e2e
XOR = {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}
NETWORK = {"layers": [2, 3, 1], "seed": 7, "dataset": XOR, "learning_rate": 2.0}
EDGE = "[data-weight-id='1-0-0']"
"""The edge of w_00 of the first hidden layer; its data-value is the weight shown."""


def test_play_shows_every_frame_in_order_and_pause_shows_the_server(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    network_id = api.post("/api/networks", json=NETWORK).json()["id"]
    open_network(page, live_server, network_id)
    expect(page.locator("#heatmap")).to_have_attribute("data-points", "4")
    page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    # every value the edge shows, in order
    page.evaluate(
        """(sel) => {
            const edge = document.querySelector(sel);
            window.shownValues = [];
            new MutationObserver(() => window.shownValues.push(Number(edge.dataset.value)))
                .observe(edge, { attributes: true, attributeFilter: ['data-value'] });
        }""",
        EDGE,
    )
    picture = "() => document.querySelector('#heatmap').toDataURL()"
    before = page.evaluate(picture)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/networks/" in r.url else None)
    page.locator("#play").click()
    page.wait_for_function("() => window.shownValues.length >= 25")
    page.locator("#play").click()
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    held = api.get(f"/api/networks/{network_id}").json()
    assert shown_weights(page) == server_weights(api, network_id)
    # the same network stepped 5 epochs at a time (the default speed: 5 epochs a frame)
    reference = api.post("/api/networks", json=NETWORK).json()["id"]
    states = [
        api.post(f"/api/networks/{reference}/step", json={"epochs": 5}).json()["network"]
        for _ in range(held["updates"] // 5)
    ]
    expected = [s["weights"][0][0][0] for s in states]
    shown: list[float] = page.evaluate("() => window.shownValues")
    # frames in order, none skipped, then Pause jumps to the last computed (the server's)
    played = shown[:-1] if shown[-1] == expected[-1] else shown
    assert len(played) >= 25
    assert played == expected[: len(played)]
    assert shown[-1] == expected[-1] == held["weights"][0][0][0]
    steps = [u for u in asked if u.endswith("/step")]
    assert len(steps) * 10 <= len(expected) + 10, "a request computes ten frames"
    assert not [u for u in asked if "/predict" in u], "the heatmap came from the batches"
    assert page.evaluate(picture) != before
