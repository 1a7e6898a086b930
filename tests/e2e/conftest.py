"""Browser fixtures: Debian's Chromium (browser downloads fail on these machines), and a page
that fails the test on any console error, page error, or request to another origin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.schemas import MAZUR_EXAMPLE
from tests.conftest import LiveServer
from tests.e2e.chromium import ARGS, CHROMIUM
from tests.e2e.lesson import Lesson

MAZUR: dict[str, Any] = {**MAZUR_EXAMPLE, "name": "Mazur"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def allowed_errors() -> list[str]:
    """Console errors a test provokes on purpose (Chromium logs every 4xx response)."""
    return []


@pytest.fixture
def watched(page: Page, live_server: LiveServer, allowed_errors: list[str]) -> Iterator[Page]:
    """The page, failing the test on console errors and on requests that leave the origin."""
    origin = urlsplit(live_server.url).netloc
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def check(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != origin:
            problems.append(f"request to another origin: {request.url}")

    page.on("request", check)
    yield page
    assert [p for p in problems if not any(a in p for a in allowed_errors)] == []


@pytest.fixture
def lesson(browser: Browser, live_server: LiveServer) -> Iterator[Lesson]:
    """A lesson's pages, closed at the end; their console errors fail the test."""
    made = Lesson(browser, live_server)
    yield made
    made.close()


def server_weights(
    api: httpx.Client, network_id: str, update: int | None = None
) -> dict[str, float]:
    """The server's weights and biases by the graph's ids (after update `update`: as GET
    …/history/{update} gives them)."""
    at = "" if update is None else f"/history/{update}"
    st = api.get(f"/api/networks/{network_id}{at}").json()
    out = {}
    for k, layer in enumerate(st["weights"]):
        for r, row in enumerate(layer):
            out.update({f"w{k + 1}-{r}-{q}": w for q, w in enumerate(row)})
            out[f"b{k + 1}-{r}"] = st["biases"][k][r]
    return out


def shown_weights(page: Page) -> dict[str, float]:
    """The edges' data-value, by the same ids."""
    found: dict[str, float] = page.evaluate(
        """() => Object.fromEntries([
            ...[...document.querySelectorAll('[data-weight-id]')]
                .map((e) => ['w' + e.dataset.weightId, Number(e.dataset.value)]),
            ...[...document.querySelectorAll('[data-bias-id]')]
                .map((e) => ['b' + e.dataset.biasId, Number(e.dataset.value)]),
        ])"""
    )
    return found


def open_network(page: Page, live_server: LiveServer, network_id: str) -> None:
    page.goto(f"{live_server.url}/n/{network_id}")
    page.wait_for_selector(f"svg[data-network-id='{network_id}'] [data-unit='0-0']")
