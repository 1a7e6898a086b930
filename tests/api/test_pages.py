"""The two routes a browser opens: `/` makes a network and redirects; `/n/{id}` shows it, or a
readable page (not JSON) when the network is gone or the class is full."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_home_creates_a_network_and_redirects_to_it(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    address = response.headers["location"]
    network_id = address.removeprefix("/n/")
    assert client.get(f"/api/networks/{network_id}").status_code == 200
    page = client.get(address)
    assert page.status_code == 200
    assert f'data-network-id="{network_id}"' in page.text


def test_an_unknown_network_gets_a_page_that_says_so(client):
    response = client.get("/n/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No network at this address" in response.text
    assert 'href="/"' in response.text


def test_a_full_class_gets_a_page_not_json(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "full.sqlite3"))
    monkeypatch.setenv("BACKPROP_MAX_NETWORKS", "1")
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as c:
            assert c.get("/", follow_redirects=False).status_code == 303
            response = c.get("/", follow_redirects=False)
            assert response.status_code == 503
            assert response.headers["content-type"].startswith("text/html")
            assert "The class is full" in response.text
    finally:
        get_settings.cache_clear()
