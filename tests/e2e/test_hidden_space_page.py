"""The hidden space panel in headless Chromium on XOR: its points are forward's o of the hidden
units as the API answers them, its line's ends satisfy w·o + b = 0 with the API's weights,
and once Play has trained XOR to a low J the line puts the two classes on opposite sides (a
property computed here from the API's numbers); with 3 hidden units the student picks two."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network

pytestmark = pytest.mark.e2e

BOUNDS = (-0.05, 1.05)
"""The plot's bounds for sigmoid hidden units on both axes."""


def shown_points(page: Page) -> list[tuple[int, list[float], list[float]]]:
    found = page.locator(".hidden-point").evaluate_all(
        "ps => ps.map(p => [Number(p.dataset.i), p.dataset.o, p.dataset.target])"
    )
    return [(i, json.loads(o), json.loads(t)) for i, o, t in found]


def hidden_o(api: httpx.Client, network_id: str) -> list[list[float]]:
    """o of the last hidden layer for each stored example, from POST …/forward."""
    forward = api.post(f"/api/networks/{network_id}/forward").json()
    return list(forward["activations"][-2])


SHOWS = """(want) => {
    const o = [...document.querySelectorAll('.hidden-point')].map((p) => JSON.parse(p.dataset.o));
    const same = (xy, i) => xy[0] === want[i][0] && xy[1] === want[i][1];
    return o.length === want.length && o.every(same);
}"""
"""The panel shows these points (numbers compared as doubles, not as text)."""


WATCH = """() => {
    window.hiddenDrawn = [];
    new MutationObserver(() => {
        const points = [...document.querySelectorAll('.hidden-point')];
        const o = points.map((p) => JSON.parse(p.dataset.o));
        if (o.length) window.hiddenDrawn.push(o);
    }).observe(document.querySelector('#hidden-plot'), { childList: true });
}"""
"""Keep every set of points the panel draws from now on."""


def check_points_and_line(page: Page, api: httpx.Client, network_id: str) -> dict[str, Any]:
    state = api.get(f"/api/networks/{network_id}").json()
    o = hidden_o(api, network_id)
    page.wait_for_function(SHOWS, arg=o)
    points = shown_points(page)
    assert [(i, p) for i, p, _ in points] == list(enumerate(o))  # the server's numbers, exactly
    assert [t for _, _, t in points] == state["dataset"]["y"]
    (w1, w2), b = state["weights"][-1][0], state["biases"][-1][0]
    line = page.locator("#hidden-line")
    ends = [json.loads(line.get_attribute(a) or "null") for a in ("data-from", "data-to")]
    for x, y in ends:
        assert abs(w1 * x + w2 * y + b) <= 1e-12 * (abs(w1 * x) + abs(w2 * y) + abs(b))
        assert all(BOUNDS[0] - 1e-12 <= v <= BOUNDS[1] + 1e-12 for v in (x, y))
        assert min(abs(v - edge) for v in (x, y) for edge in BOUNDS) < 1e-12  # clipped to the edge
    assert ends[0] != ends[1]
    return {"o": o, "w": (w1, w2), "b": b, "y": [row[0] for row in state["dataset"]["y"]]}


def test_points_are_forward_s_hidden_o_and_training_separates_the_classes(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = api.post("/api/networks", json={"preset": "xor"}).json()
    open_network(page, live_server, net["id"])
    page.locator("#hidden-box summary").click()
    expect(page.locator(".hidden-point")).to_have_count(4)
    before = check_points_and_line(page, api, net["id"])

    # one Step: the panel follows it
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#hidden-note")).to_contain_text("The line is where o = ½")
    page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    stepped = check_points_and_line(page, api, net["id"])
    assert stepped["o"] != before["o"]

    # Play to a low J, then the line divides the classes as the output does
    page.locator("#speed").evaluate(
        "(e) => { e.value = '3'; e.dispatchEvent(new Event('input')); }"
    )
    page.fill("#stop-loss", "0.01")
    page.evaluate(WATCH)
    page.locator("#play").click()
    expect(page.locator("#stop-reason")).to_contain_text("Play stopped", timeout=60_000)
    page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    # live: each picture drawn while playing is the server's hidden o at a recorded state
    drawn = page.evaluate("() => window.hiddenDrawn")
    entries = api.get(f"/api/networks/{net['id']}/history").json()["entries"]
    recorded = [
        api.post(
            f"/api/networks/{net['id']}/forward?update={e['update']}&entry={e['entry']}"
        ).json()["activations"][-2]
        for e in entries
    ]
    assert len({json.dumps(d) for d in drawn}) >= 2, drawn
    assert all(d in recorded for d in drawn)
    after = api.get(f"/api/networks/{net['id']}/history").json()["entries"][-1]
    assert after["loss"] <= 0.01
    expect(page.locator("#hidden-note")).to_contain_text(
        "4 of 4 examples lie on their class's side"
    )
    trained = check_points_and_line(page, api, net["id"])
    (w1, w2), b = trained["w"], trained["b"]
    side = [w1 * h1 + w2 * h2 + b for h1, h2 in trained["o"]]
    ones = [s for s, y in zip(side, trained["y"], strict=True) if y == 1]
    zeros = [s for s, y in zip(side, trained["y"], strict=True) if y == 0]
    assert (min(ones) > 0 > max(zeros)) or (max(ones) < 0 < min(zeros))
    # and the property is no given: before training the line did not divide them so
    before_side = [before["w"][0] * a + before["w"][1] * c + before["b"] for a, c in before["o"]]
    assert not all((s > 0) == (y == 1) for s, y in zip(before_side, before["y"], strict=True))


def test_with_three_hidden_units_the_student_picks_two_and_no_line_is_drawn(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = api.post("/api/networks", json={"preset": "xor", "layers": [2, 3, 1]}).json()
    open_network(page, live_server, net["id"])
    page.locator("#hidden-box summary").click()
    expect(page.locator(".hidden-point")).to_have_count(4)
    page.get_by_label("Across", exact=True).select_option("2")
    page.get_by_label("Up", exact=True).select_option("0")
    o = hidden_o(api, net["id"])
    expected = [[row[2], row[0]] for row in o]
    page.wait_for_function(SHOWS, arg=expected)
    assert [p for _, p, _ in shown_points(page)] == expected
    expect(page.locator("#hidden-line")).to_have_count(0)
    expect(page.locator("#hidden-note")).to_contain_text("No line: net of the output also takes")
