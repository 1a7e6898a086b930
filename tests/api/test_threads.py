"""BACKPROP_THREADS: how many requests one worker computes at once (the routes' thread pool),
default 2; requests beyond it wait their turn."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient


def tokens(client: TestClient) -> float:
    """The thread pool's size as the app's event loop sees it."""
    assert client.portal is not None
    return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


@pytest.mark.parametrize(("value", "expected"), [(None, 2), ("1", 1), ("7", 7)])
def test_the_routes_thread_pool_has_the_configured_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, expected: int
) -> None:
    monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "test.sqlite3"))
    if value is None:
        monkeypatch.delenv("BACKPROP_THREADS", raising=False)
    else:
        monkeypatch.setenv("BACKPROP_THREADS", value)
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as client:
            assert tokens(client) == expected
            made = client.post("/api/networks", json={"preset": "xor"})
            assert made.status_code == 201, made.text
            stepped = client.post(f"/api/networks/{made.json()['id']}/step", json={"epochs": 3})
            assert stepped.status_code == 200, stepped.text
            assert stepped.json()["network"]["updates"] == 3
    finally:
        get_settings.cache_clear()
