"""The two routes a browser opens: `/` is the page whose script makes a network; `/n/{id}`
shows one, or a readable page (not JSON) when the network is gone. Neither stores anything
for GET or HEAD: a probe, a link preview or a prefetch runs no script."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def count(client: TestClient) -> int:
    """The networks stored, as the store counts them."""
    n: int = client.app.state.store.count()  # type: ignore[attr-defined]
    return n


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_page_addresses_store_nothing(client: TestClient, method: str, tmp_path: Path) -> None:
    made = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
    assert count(client) == 1
    # a network last used an hour ago: a look at its page does not count as a use
    database = sqlite3.connect(tmp_path / "test.sqlite3", isolation_level=None)
    database.execute("UPDATE networks SET last_used = last_used - 3600")
    used = database.execute("SELECT last_used FROM networks").fetchone()
    for address in ("/", f"/n/{made}", "/?hide=build", "/n/" + "A" * 32):
        for _ in range(3):
            response = client.request(method, address, follow_redirects=False)
            assert response.status_code in (200, 404), (address, response.status_code)
            assert response.headers["content-type"].startswith("text/html")
            assert "location" not in response.headers
    assert count(client) == 1
    assert database.execute("SELECT last_used FROM networks").fetchone() == used
    database.close()


def test_home_is_the_page_that_makes_the_network(client: TestClient) -> None:
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 200
    assert 'data-network-id=""' in page.text  # none yet: the script makes it
    assert 'data-default-preset="xor"' in page.text
    assert client.get("/api/presets").json()["default"] == "xor"
    made = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
    assert f'data-network-id="{made}"' in client.get(f"/n/{made}").text


def test_an_unknown_network_gets_a_page_that_says_so(client):
    response = client.get("/n/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No network at this address" in response.text
    assert 'href="/"' in response.text
