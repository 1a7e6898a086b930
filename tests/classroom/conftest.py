"""Fixtures for the classroom tests: the app in-process with chosen BACKPROP_* settings, on
SQLite, or also on PostgreSQL in the modules that set BOTH_BACKENDS = True (each such test
runs twice, as the store's contract tests do)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

MakeClient = Callable[..., TestClient]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if getattr(metafunc.module, "BOTH_BACKENDS", False) and (
        "make_client" in metafunc.fixturenames or "database_url" in metafunc.fixturenames
    ):
        metafunc.fixturenames.append("classroom_backend")  # read by postgres_url_if_asked
        metafunc.parametrize("classroom_backend", ["sqlite", "postgres"])


def postgres_url_if_asked(request: pytest.FixtureRequest) -> str | None:
    """This test's PostgreSQL database (fresh and empty) when it runs on the postgres backend,
    else None (also in other folders, which import make_client without the parameter)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("classroom_backend") == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return None


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """See postgres_url_if_asked."""
    return postgres_url_if_asked(request)


@pytest.fixture
def make_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[MakeClient]:
    """`make_client(BACKPROP_ADMIN_TOKEN="…")`: a TestClient on a fresh database with those
    settings. The database is tmp_path/classroom.sqlite3 unless BACKPROP_DATABASE is given,
    or this test's PostgreSQL database on that backend; every client of a test shares it."""
    from app.config import get_settings
    from app.main import create_app

    database_url = postgres_url_if_asked(request)
    opened: list[TestClient] = []

    def make(**env: str) -> TestClient:
        monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "classroom.sqlite3"))
        if database_url:
            monkeypatch.setenv("BACKPROP_DATABASE_URL", database_url)
            monkeypatch.setenv("BACKPROP_PG_POOL_MIN", "0")
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
