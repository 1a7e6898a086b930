"""The loss surface panel in headless Chromium: its contour levels are the API's J's, the dot
is the network now and the line is the trace's path of the two weights."""

from __future__ import annotations

import json
import math

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network

pytestmark = pytest.mark.e2e


def levels(loss: list[list[float | None]], count: int = 12) -> list[float]:
    """Log-spaced from the least to the largest J (the panel's rule, written again)."""
    finite = [v for row in loss for v in row if v is not None]
    lo, hi = min(finite), max(finite)
    return [lo * (hi / lo) ** (n / (count + 1)) for n in range(1, count + 1)]


@pytest.mark.parametrize(
    "body, first, second",
    [
        (MAZUR, "weights[1][0][0]", "weights[1][0][1]"),
        ({"preset": "xor"}, "weights[0][1][0]", "biases[1][0]"),
    ],
    ids=["mazur", "xor"],
)
def test_contours_dot_and_path(
    watched: Page, live_server: LiveServer, api: httpx.Client, body, first, second
) -> None:
    page = watched
    net = api.post("/api/networks", json=body).json()
    for _ in range(3):
        api.post(f"/api/networks/{net['id']}/step", json={"epochs": 5})
    open_network(page, live_server, net["id"])
    page.locator("#surface-box summary").click()
    page.get_by_label("Weight across", exact=True).select_option(first)
    page.get_by_label("Weight up", exact=True).select_option(second)
    page.get_by_role("button", name="Draw", exact=True).click()
    # the box drew the default pair when it opened: wait for the chosen pair's drawing
    label = "async (p) => (await import('/static/js/contours.js')).pathLabel(p)"
    chosen = f"Across: {page.evaluate(label, first)}; up: {page.evaluate(label, second)}."
    expect(page.locator("#surface-note")).to_contain_text(chosen)
    expect(page.locator("#surface-note")).to_contain_text("over 4 recorded states")

    state = api.get(f"/api/networks/{net['id']}").json()
    surface = api.post(
        f"/api/networks/{net['id']}/surface", json={"weights": [first, second], "n": 41, "span": 2}
    ).json()
    dot = json.loads(page.get_attribute(".surface-now", "data-values") or "null")
    assert dot == surface["at"]
    shown = [
        float(v)
        for v in page.locator(".contours path").evaluate_all("ps => ps.map(p => p.dataset.level)")
    ]
    assert all(
        math.isclose(a, b, rel_tol=1e-12)
        for a, b in zip(shown, levels(surface["loss"]), strict=True)
    )
    drawn = page.locator(".contours path").evaluate_all(
        "ps => ps.filter(p => p.getAttribute('d')).length"
    )
    assert drawn >= 3  # several levels cross the grid
    trace = api.get(f"/api/networks/{net['id']}/trace.json").json()
    a, b = trace["columns"].index(first), trace["columns"].index(second)
    taken = json.loads(page.get_attribute(".surface-path", "data-values") or "[]")
    assert taken == [[row[a], row[b]] for row in trace["data"]]
    assert taken[-1] == surface["at"]  # the path ends at the dot
    assert taken[0] != taken[-1]
    assert state["updates"] == 15
