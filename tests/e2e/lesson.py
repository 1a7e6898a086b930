"""A lesson in the browser, for the classroom's page tests: a teacher and students, each in
a browser context of their own, against a real server."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import LiveServer

NAMES = ["Ada", "Boole", "Curie"]


class Lesson:
    """Pages of one lesson, each in its own context; console errors and requests to other
    origins fail the test at the end."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []
        self.allowed: list[str] = []

    def page(self, **context_args: Any) -> Page:
        context = self.browser.new_context(**context_args)
        self.contexts.append(context)
        page = context.new_page()
        origin = urlsplit(self.server.url).netloc
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

        def check(request: Any) -> None:
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https") and parts.netloc != origin:
                self.problems.append(f"request to another origin: {request.url}")

        page.on("request", check)
        return page

    def teacher(self, created: dict[str, Any], **context_args: Any) -> Page:
        page = self.page(**context_args)
        page.goto(f"{self.server.url}{created['teach_url']}#key={created['teacher_key']}")
        expect(page.locator("[data-join-code]")).to_have_text(created["join_code"])
        expect(page.locator("#stream-state")).to_have_text("Live")
        return page

    def student(self, code: str, name: str | None, **context_args: Any) -> Page:
        page = self.page(**context_args)
        page.goto(f"{self.server.url}/join")
        page.fill("#join-code", code.lower())  # as typed on a phone: any case
        if name:
            page.fill("#join-name", name)
        page.click("#join-submit")
        page.wait_for_url(re.compile(r".*/n/[^/]+$"))
        page.wait_for_selector("svg[data-network-id] [data-unit='0-0']")
        expect(page.locator("#class-banner")).to_be_visible()
        return page

    def start(self, api: httpx.Client, activity: dict[str, Any]) -> tuple[Page, list[Page]]:
        """A class opened through the API; its teacher's dashboard and three students, who
        all show on it."""
        created = open_class(api, activity)
        teacher = self.teacher(created)
        students = [self.student(created["join_code"], name) for name in NAMES]
        expect(teacher.locator("[data-student-card]")).to_have_count(3)
        return teacher, students

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert [p for p in self.problems if not any(a in p for a in self.allowed)] == []


def open_class(api: httpx.Client, activity: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/classes", json={"title": "Backprop, week 3", "activity": activity})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def network_id(page: Page) -> str:
    value = page.get_attribute("#graph", "data-network-id")
    assert value
    return value


def card(teacher: Page, student: Page) -> Any:
    """The teacher's card of the student whose page this is."""
    return teacher.locator(f"[data-student-card][data-network-id='{network_id(student)}']")
