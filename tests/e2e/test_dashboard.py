"""The teacher's dashboard as a teacher meets it: reopened in the middle of a lesson, opened
without its key, and its words for one and for many."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.lesson import NAMES, Lesson, open_class

pytestmark = pytest.mark.e2e


def test_the_dashboard_reopened_mid_lesson_is_live(lesson: Lesson, api: httpx.Client) -> None:
    created = open_class(api, {"preset": "mazur"})
    first = lesson.teacher(created)  # keeps the key in this browser, as the page says
    joined = [
        api.post("/api/join", json={"code": created["join_code"], "name": name}).json()
        for name in NAMES
    ]
    expect(first.locator("[data-student-card]")).to_have_count(3)
    first.close()

    # closed and opened again, from the address without the key (docs/classroom.md, step 2)
    again = first.context.new_page()
    again.goto(f"{lesson.server.url}{created['teach_url']}")
    cards = again.locator("[data-student-card]")
    expect(cards).to_have_count(3)
    expect(again.locator(".class-stats p").first).to_have_text("3 students · activity 1")
    expect(again.locator("#stream-state")).to_have_text("Live")
    expect(again.locator("#push-preset option[value='mazur']")).to_have_count(1)
    expect(again.locator("[data-student-name]")).to_have_text(NAMES)

    boole = joined[1]
    stepped = api.post(f"/api/networks/{boole['network_id']}/step", json={})
    assert stepped.status_code == 200, stepped.text
    card = again.locator(f"[data-student-card='{boole['student_id']}']")
    expect(card.locator("[data-student-updates]")).to_have_text("1", timeout=2000)
    expect(card.locator(".facts")).to_contain_text("1 update · Step")
