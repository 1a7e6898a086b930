"""The projector's view at 1280 × 720, as a room sees it: every text 24 px or more, the
networks filling the screen, and the numbers of the lecture notes on them (o, net, δ and w),
following the spotlit students live."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.lesson import NAMES, Lesson, open_class

pytestmark = pytest.mark.e2e
PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
MAZUR_DELTA_OUT1 = -0.138498562  # the lecture notes' worked example (Mazur's)

# The rendered size of every text the projector writes: the computed font size, times the
# scale its SVG is drawn at (1 for HTML); the smallest, and what it belongs to.
SMALLEST_TEXT = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e.checkVisibility()) continue;
    const scale = e instanceof SVGElement ? e.getScreenCTM().a : 1;
    sizes.push([parseFloat(getComputedStyle(e).fontSize) * scale, n.textContent.trim()]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return { smallest: sizes[0], count: sizes.length };
}"""

# The share of the viewport the networks' drawings cover.
GRAPH_SHARE = """() => {
  let area = 0;
  for (const svg of document.querySelectorAll('[data-spot] svg')) {
    const r = svg.getBoundingClientRect();
    area += r.width * r.height;
  }
  return area / (innerWidth * innerHeight);
}"""


def spotlight(api: httpx.Client, created: dict[str, Any], ids: list[str]) -> None:
    response = api.post(
        f"/api/classes/{created['id']}/spotlight",
        json={"student_ids": ids},
        headers={"Authorization": f"Bearer {created['teacher_key']}"},
    )
    assert response.status_code == 200, response.text


def assert_readable_and_full(page: Page, spots: int) -> None:
    expect(page.locator("[data-spot]")).to_have_count(spots)
    expect(page.locator("[data-spot] [data-unit='2-0'][data-delta]")).to_have_count(spots)
    found = page.evaluate(SMALLEST_TEXT)
    assert found["count"] > 30 * spots  # names, o, net, δ, w: the numbers are written
    assert found["smallest"][0] >= 24, found["smallest"]
    assert page.evaluate(GRAPH_SHARE) >= 0.6
    assert page.evaluate("document.documentElement.scrollHeight") <= 720  # one screen


def test_the_projector_reads_from_the_back_of_the_room(lesson: Lesson, api: httpx.Client) -> None:
    created = open_class(api, {"preset": "mazur"})
    ada, boole = (
        api.post("/api/join", json={"code": created["join_code"], "name": name}).json()
        for name in NAMES[:2]
    )
    spotlight(api, created, [ada["student_id"]])
    page = lesson.page(**PROJECTOR)
    page.goto(f"{lesson.server.url}{created['teach_url']}/spotlight#key={created['teacher_key']}")
    assert_readable_and_full(page, 1)
    spot = page.locator(f"[data-spot='{ada['student_id']}']")
    out1 = spot.locator("[data-unit='2-0']")
    assert float(out1.get_attribute("data-delta") or "nan") == pytest.approx(
        MAZUR_DELTA_OUT1, abs=1e-9
    )
    expect(out1).to_contain_text("δ \u22120.138")
    expect(spot.locator("[data-weight-id='2-0-0']")).to_have_text("0.4")
    expect(spot.locator("figcaption")).to_have_text("Ada · J = 0.2984 · 0 updates · example 1")

    # a step: the weights, J, o and δ follow, and one update is one
    api.post(f"/api/networks/{ada['network_id']}/step", json={})
    expect(spot.locator("figcaption")).to_contain_text("J = 0.291 · 1 update ·")
    w = api.get(f"/api/networks/{ada['network_id']}").json()["weights"][1][0][0]
    expect(spot.locator("[data-weight-id='2-0-0']")).to_have_attribute("data-value", repr(w))
    after = api.post(f"/api/networks/{ada['network_id']}/backward", json={}).json()
    expect(out1).to_have_attribute("data-delta", repr(after["deltas"][1][0][0]))

    # two students side by side
    spotlight(api, created, [ada["student_id"], boole["student_id"]])
    assert_readable_and_full(page, 2)
