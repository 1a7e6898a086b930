"""Fixtures for the classroom tests: the app in-process with chosen BACKPROP_* settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeClient]:
    """`make_client(BACKPROP_ADMIN_TOKEN="…")`: a TestClient on a fresh database with those
    settings. The database is tmp_path/classroom.sqlite3 unless BACKPROP_DATABASE is given."""
    from app.config import get_settings
    from app.main import create_app

    opened: list[TestClient] = []

    def make(**env: str) -> TestClient:
        monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "classroom.sqlite3"))
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        client = TestClient(create_app())
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
    get_settings.cache_clear()
