"""The store's contract tests run on both backends: `make_store(**options)` opens a store
(SQLite on this test's file, or PostgreSQL on this test's fresh database); several calls
stand for several worker processes or servers on one database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.store import NetworkStore, SQLiteStore

MakeStore = Callable[..., NetworkStore]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    opened: list[NetworkStore] = []
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        from app.store.postgres import PostgresStore

        def make(**options: Any) -> NetworkStore:
            opened.append(PostgresStore(url, pool_min=0, **options))
            return opened[-1]
    else:
        path = str(tmp_path / "db.sqlite3")

        def make(**options: Any) -> NetworkStore:
            opened.append(SQLiteStore(path, **options))
            return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> NetworkStore:
    return make_store()


def execute(store: NetworkStore, sql: str) -> None:
    """Run `sql` on the store's own database, behind its back (to age or damage rows)."""
    with store.reading() as conn:  # type: ignore[attr-defined]
        conn.raw.execute(sql)
