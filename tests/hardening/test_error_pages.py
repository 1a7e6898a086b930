"""What a refusal tells whom: the server's own details go to its log, never into a body; a
browser gets a page it can read, a program keeps the API's JSON."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.classroom.conftest import MakeClient, make_client

__all__ = ["make_client"]  # the fixture, shared


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app on a database path that cannot be opened: its folder is a regular file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BACKPROP_DATABASE", str(blocker / "backprop.sqlite3"))
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    get_settings.cache_clear()


def test_a_503_names_no_server_path_and_the_log_has_the_cause(
    broken: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="backprop"):
        response = broken.post("/api/networks", json={"layers": [1, 1]})
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["errors"] == [
        {"field": "database", "message": "cannot save now; try again in a few seconds"}
    ]
    for secret in (str(tmp_path), "not-a-folder", "Errno", "directory"):
        assert secret not in response.text
    # the cause (the OS's error, on that path) is in the server's log
    assert any(
        "Errno" in record.getMessage() and str(tmp_path / "not-a-folder") in record.getMessage()
        for record in caplog.records
    )


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GOOD_ID = "A" * 32


def is_page(response: Any, title: str) -> bool:
    return response.headers["content-type"].startswith("text/html") and (
        f'<h2 id="problem">{title}</h2>' in response.text
    )


def test_a_browser_gets_a_page_for_a_network_while_the_database_is_down(
    broken: TestClient, tmp_path: Path
) -> None:
    page = broken.get(f"/n/{GOOD_ID}", headers=BROWSER)
    assert page.status_code == 503
    assert is_page(page, "The server cannot reach its database right now")
    assert page.headers["retry-after"]
    assert str(tmp_path) not in page.text
    program = broken.get(f"/n/{GOOD_ID}")  # httpx sends Accept: */*
    assert program.status_code == 503
    assert program.json()["errors"][0]["field"] == "database"
    api = broken.get(f"/api/networks/{GOOD_ID}", headers=BROWSER)
    assert api.status_code == 503
    assert api.headers["content-type"] == "application/json"


def test_a_browser_gets_a_page_for_an_address_that_is_no_network(client: TestClient) -> None:
    for bad in ("bad!chars", "%3Cscript%3E", "x" * 65):
        page = client.get(f"/n/{bad}", headers=BROWSER)
        assert page.status_code == 422, bad
        assert is_page(page, "This is not a network&#39;s address"), bad
        assert 'href="/"' in page.text  # the way on: a new network
        assert "<script>" not in page.text
        program = client.get(f"/n/{bad}")
        assert program.status_code == 422
        assert program.json()["errors"][0]["field"] == "network_id"
    api = client.get("/api/networks/bad!chars", headers=BROWSER)
    assert api.status_code == 422
    assert api.headers["content-type"] == "application/json"


def test_a_rate_limited_browser_still_opens_the_page_and_is_told_how_to_raise_the_limit(
    make_client: MakeClient,
) -> None:
    client = make_client(BACKPROP_CREATE_BURST="1", BACKPROP_CREATE_PER_MINUTE="1")
    assert client.post("/api/networks", json={"layers": [1, 1]}).status_code == 201
    page = client.get("/", headers=BROWSER, follow_redirects=False)
    assert page.status_code == 200  # the page itself makes nothing
    refused = client.post("/api/networks", json={"preset": "xor"}, headers=BROWSER)
    assert refused.status_code == 429  # its script's request: the page shows this detail
    assert refused.headers["content-type"] == "application/json"
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= 60  # one network a minute
    assert f"try again in {wait} s" in refused.json()["detail"]
    assert "BACKPROP_CREATE_BURST" in refused.json()["detail"]


def test_the_429_message_says_how_a_teacher_raises_the_limit(make_client: MakeClient) -> None:
    # a refill of one network in 100 minutes: however slow the machine, none comes back
    # between the two requests (at the default 30 a minute, 2 s between them gave one back)
    client = make_client(BACKPROP_CREATE_BURST="1", BACKPROP_CREATE_PER_MINUTE="0.01")
    assert client.post("/api/networks", json={"layers": [1, 1]}).status_code == 201
    refused = client.post("/api/networks", json={"layers": [1, 1]})
    assert refused.status_code == 429
    message = refused.json()["errors"][0]["message"]
    assert message.startswith("too many networks created from this address; try again in ")
    for needed in ("BACKPROP_CREATE_BURST", "BACKPROP_CREATE_PER_MINUTE", "NAT", "one client"):
        assert needed in message
