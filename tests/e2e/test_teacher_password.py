"""/teach/new on a server with a teacher password: the form asks for it, a wrong one is
refused in the page's error box, the right one opens the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_the_form_asks_for_the_teacher_password(page: Page, live_server_factory) -> None:
    server = live_server_factory(env={"BACKPROP_TEACHER_PASSWORD": "four words go here"})
    page.goto(f"{server.url}/teach/new")
    page.fill("#class-title", "Backprop, week 3")
    expect(page.locator("#class-preset option[value='mazur']")).to_have_count(1)
    page.fill("#teacher-password", "four words")
    page.click("#open-class")
    expect(page.locator("#new-error")).to_contain_text("teacher_password")
    page.fill("#teacher-password", "four words go here")
    page.click("#open-class")
    page.wait_for_url(re.compile(r".*/teach/[^/#]+$"))
    expect(page.locator("#key-notice")).to_be_visible()
