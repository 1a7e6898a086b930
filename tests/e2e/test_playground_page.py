"""The page's pictures and fit in Chromium: every unit's o over the input plane, the formula
card at desktop and phone widths, and the page on a 360-px phone with touch."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network
from tests.e2e.screen import UNITS_221, on_screen, smallest_label

pytestmark = pytest.mark.e2e


def xor(api: httpx.Client) -> dict[str, Any]:
    made = api.post("/api/networks", json={"preset": "xor", "learning_rate": 3})
    assert made.status_code == 201, made.text
    state: dict[str, Any] = made.json()
    assert state["layers"] == [2, 2, 1]
    return state


def pictures(page: Page) -> dict[str, str]:
    found: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-unit-heatmap]')]
            .filter((e) => !e.hasAttribute('hidden'))
            .map((e) => [e.dataset.unitHeatmap, e.getAttribute('href') || '']))"""
    )
    return found


def test_every_unit_pictures_its_o_from_the_one_predict_request(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = xor(api)
    bodies: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            bodies.append(json.loads(r.post_data or "{}")) if r.url.endswith("/predict") else None
        ),
    )
    open_network(page, live_server, net["id"])
    page.wait_for_function(
        """() => document.querySelectorAll(
            '[data-unit-heatmap]:not([hidden])[href^="data:image/png"]').length === 3"""
    )
    before = pictures(page)
    assert sorted(before) == ["1-0", "1-1", "2-0"]  # two hidden units and the output
    assert len(set(before.values())) == 3, "each unit has its own picture"
    # each picture is a 25 × 25 image of that unit's o: compare with the API's forward pass
    grid = page.evaluate(
        """async () => {
            const { gridInputs, inputBounds } = await import('/static/js/charts.js');
            const url = location.pathname.replace('/n/', '/api/networks/');
            const net = await (await fetch(url)).json();
            return gridInputs(inputBounds(net.dataset.x), 25);
        }"""
    )
    forward = api.post(f"/api/networks/{net['id']}/forward", json={"x": grid}).json()
    assert forward["activations"][1][0] != forward["activations"][1][-1]

    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        """() => Number((document.querySelector('#loss-now').textContent
            .match(/(\\d+) updates/) || [0, 0])[1]) >= 40"""
    )
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function(
        """(b) => [...document.querySelectorAll('[data-unit-heatmap]')]
            .every((e) => e.getAttribute('href') !== b[e.dataset.unitHeatmap])""",
        arg=before,
    )
    after = pictures(page)
    assert all(after[k] != before[k] for k in before), "every picture changed as it trained"
    # one request per redraw, every unit's o in it: never one request per unit
    assert bodies and all(b.get("hidden") is True and len(b["x"]) == 625 for b in bodies)

    # a click on h2's picture selects h2: its picture shows beside its card, the large one
    # stays the output's (the two are never mistaken)
    heatmap = page.locator("#heatmap")
    assert heatmap.get_attribute("data-heatmap-unit") == "2-0"
    page.locator("[data-unit-heatmap='1-1']").click()
    expect(page.locator("[data-unit='1-1']")).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#card [data-card-picture='1-1']")).to_be_visible()
    expect(page.locator("#card figcaption")).to_contain_text("o of h2 over the input plane")
    expect(heatmap).to_have_attribute("data-heatmap-unit", "2-0")
    expect(page.locator("#heatmap-note")).to_contain_text("Output 1")


def test_three_inputs_get_no_pictures(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    data = {"x": [[0, 0, 1], [1, 0, 0]], "y": [[0], [1]]}
    net = api.post("/api/networks", json={"layers": [3, 2, 1], "dataset": data}).json()
    open_network(watched, live_server, net["id"])
    watched.wait_for_timeout(600)  # past the heatmap's first redraw
    assert pictures(watched) == {}


OVERFLOW = """() => {
    const card = document.querySelector('#card');
    const box = card.getBoundingClientRect();
    const right = box.right - parseFloat(getComputedStyle(card).paddingRight) + 0.5;
    const out = [];
    for (const e of card.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.right > right)
            out.push(`${e.tagName} ${e.textContent.slice(0, 40)} ends at ${r.right} > ${right}`);
    }
    for (const line of card.querySelectorAll('.line'))
        if (line.scrollWidth > line.clientWidth + 1)
            out.push(`line scrolls: ${line.textContent.slice(0, 40)}`);
    if (card.scrollWidth > card.clientWidth + 1) out.push('the card scrolls sideways');
    return out;
}"""


@pytest.mark.parametrize("width", [1280, 360])
def test_the_edge_card_fits(
    live_server: LiveServer, api: httpx.Client, browser: Browser, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, has_touch=width < 600, is_mobile=width < 600
    )
    page = context.new_page()
    net = api.post(
        "/api/networks", json={"preset": "xor", "learning_rate": 0.15, "reduction": "mean"}
    ).json()
    open_network(page, live_server, net["id"])
    page.locator("#step").click()
    expect(page.locator("#loss-now")).to_contain_text("1 update")
    for sel in ["[data-weight-id='1-0-0']", "[data-weight-id='2-0-1']", "[data-bias-id='1-1']"]:
        page.locator(sel).dispatch_event("click")
        expect(page.locator("#card")).to_contain_text("Update (the lecture notes")
        assert page.evaluate(OVERFLOW) == [], sel
    # the update rule is on lines of its own; its numbers follow from "="
    update = page.locator("#card .eq").filter(has_text="Update (the lecture notes")
    lines = [t.strip() for t in update.locator(".line").all_text_contents()]
    numbers = next(n for n, t in enumerate(lines) if t.startswith("="))
    rule = "".join(lines[:numbers])
    assert "←" in lines[0] and rule.endswith("∂bh2"), lines  # the rule alone
    assert "+" in lines[numbers], lines
    context.close()


def test_the_page_on_a_360_px_phone(
    live_server: LiveServer, api: httpx.Client, browser: Browser
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    net = xor(api)
    open_network(page, live_server, net["id"])
    # no element sticks out of the screen, unless a box that fits clips it (the graph's
    # drawing, a table that scrolls inside its panel)
    wide = page.evaluate(
        """() => {
            const clipped = (e) => {
                for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (p.tagName === 'svg' || getComputedStyle(p).overflowX !== 'visible')
                        return true;
                }
                return false;
            };
            return [...document.querySelectorAll('body *')]
                .filter((e) => {
                    const r = e.getBoundingClientRect();
                    return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
                })
                .filter((e) => !clipped(e))
                .map((e) => `${e.tagName}#${e.id}.${e.className}`);
        }"""
    )
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # the header's forms wait behind Menu; the network and the phase buttons are on the
    # first screen together, the whole network drawn (no zoom), its labels 11 px or more
    assert page.get_by_role("button", name="Menu").is_visible()
    svg = page.locator("#graph")
    expect(svg).to_have_attribute("data-zoom", "1.00")
    on_screen(page, ["#forward", "#backward", "#update", *UNITS_221], 360, 740)
    assert smallest_label(page) >= 11
    # every header control is on the screen, big enough for a thumb, and answers a tap
    page.get_by_role("button", name="Menu").tap()
    controls = page.locator("header.top").locator("button, a.button, label.button, input")
    assert controls.count() >= 8
    for n in range(controls.count()):
        c = controls.nth(n)
        expect(c).to_be_visible()
        box = c.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, c.text_content()
        assert box["height"] >= 40, c.text_content()
        assert box["y"] + box["height"] <= 740
    page.get_by_role("button", name="Share").tap()
    expect(page.locator("input[data-share-url]")).to_be_visible()
    # a Forward pass by tapping
    page.locator("#forward").tap()
    expect(page.locator("[data-unit='2-0']")).to_have_attribute("data-o", str(_o(api, net)))
    # zoom in with the buttons, and back to the whole drawing
    before = svg.get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").tap()
    expect(svg).to_have_attribute("data-zoom", "1.50")
    assert svg.get_attribute("viewBox") != before
    # a tap on a unit still selects it when zoomed
    page.locator("[data-unit='1-0'] circle").tap()
    expect(page.locator("[data-unit='1-0']")).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#card h2")).to_contain_text("unit 1 of layer 1")
    page.get_by_role("button", name="Fit").tap()
    expect(svg).to_have_attribute("data-zoom", "1.00")
    context.close()


def _o(api: httpx.Client, net: dict[str, Any]) -> float:
    forward = api.post(f"/api/networks/{net['id']}/forward", json={}).json()
    o: float = forward["activations"][2][0][0]
    return o
