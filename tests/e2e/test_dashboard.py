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


def test_without_its_key_the_dashboard_says_how_to_get_in(
    lesson: Lesson, api: httpx.Client
) -> None:
    created = open_class(api, {"preset": "mazur"})
    api.post("/api/join", json={"code": created["join_code"], "name": "Ada"})
    page = lesson.page()  # another browser: no key kept
    page.goto(f"{lesson.server.url}{created['teach_url']}")
    expect(page.locator("#no-key")).to_be_visible()
    expect(page.locator("#no-key")).to_contain_text("#key=")
    # nothing on the page that would need the key: only the way in
    controls = "button, select, input, summary, a.button, [role='button']"
    shown = page.locator(controls).filter(visible=True)
    expect(shown).to_have_count(2)
    assert {shown.nth(n).get_attribute("id") for n in range(2)} == {"key-link", "key-open"}

    page.fill("#key-link", "not a link")
    page.click("#key-open")
    expect(page.locator("#key-error")).to_contain_text("#key=")
    link = f"{lesson.server.url}{created['teach_url']}#key={created['teacher_key']}"
    page.fill("#key-link", link)
    page.click("#key-open")
    expect(page.locator("#stream-state")).to_have_text("Live")
    expect(page.locator("#no-key")).to_be_hidden()
    expect(page.locator(".class-stats p").first).to_have_text("1 student · activity 1")
    expect(page.locator("#export-csv")).to_be_visible()
