"""Databases written by earlier releases open in this one with everything intact.

Each fixture was made by that release's own code, which saved what it answered beside it:
release-0.1.0.sqlite3 by the first release (fixtures/make_release_db.py says how), and
release-e527013.sqlite3 and .pg.sql by the last release before the one store over two
drivers, on SQLite and on PostgreSQL (fixtures/make_previous.py), with networks, their
histories (a branch, a replaced dataset, a test part), and a class with students, two
activities and answers."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.store import SQLiteStore
from app.store.base import SchemaTooNew
from app.store.schema import SCHEMA_VERSION
from tests.postgres import bindir

FIXTURES = Path(__file__).parent / "fixtures"
ADDED = {"l2": 0.0, "init": "glorot_uniform", "init_scale": 1.0}
"""The fields of a network's state added since that release, with the value an old
network has."""


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "release-0.1.0.sqlite3", path)
    return path


def test_every_network_reads_back_bit_for_bit_and_steps(old_database, monkeypatch):
    monkeypatch.setenv("BACKPROP_DATABASE", str(old_database))
    monkeypatch.setenv("BACKPROP_EXPIRE_AFTER_DAYS", "0")  # however old the fixture grows
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    then = json.loads((FIXTURES / "release-0.1.0.json").read_text())
    with TestClient(create_app()) as client:
        for network_id, state in then.items():
            now = client.get(f"/api/networks/{network_id}").json()
            # JSON floats are repr'd exactly: equal means bit for bit. Settings added since
            # take their defaults (no L2 term), and no dataset has a test part.
            assert {k: now[k] for k in state} == state
            assert {k: v for k, v in now.items() if k not in state} == ADDED
            if state["dataset"]:
                stepped = client.post(f"/api/networks/{network_id}/step", json={"epochs": 1})
                assert stepped.status_code == 200, stepped.text
                assert stepped.json()["network"]["updates"] == state["updates"] + 1
    get_settings.cache_clear()
    with sqlite3.connect(old_database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_database_from_a_newer_release_is_refused_with_both_versions(old_database):
    with sqlite3.connect(old_database) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew) as error:
        SQLiteStore(str(old_database))
    assert f"version {SCHEMA_VERSION + 1}" in str(error.value)
    assert f"up to {SCHEMA_VERSION}" in str(error.value)


def test_an_upgraded_database_keeps_a_test_part(old_database, monkeypatch):
    monkeypatch.setenv("BACKPROP_DATABASE", str(old_database))
    monkeypatch.setenv("BACKPROP_EXPIRE_AFTER_DAYS", "0")
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    network_id = next(
        i
        for i, s in json.loads((FIXTURES / "release-0.1.0.json").read_text()).items()
        if s["dataset"] and s["layers"][0] == 2 and s["layers"][-1] == 1
    )
    dataset = {"x": [[0.0, 1.0]], "y": [[1.0]], "test": {"x": [[0.5, 0.25]], "y": [[0.0]]}}
    with TestClient(create_app()) as client:
        changed = client.patch(f"/api/networks/{network_id}", json={"dataset": dataset, "l2": 0.5})
        assert changed.status_code == 200, changed.text
    get_settings.cache_clear()
    store = SQLiteStore(str(old_database))  # a fresh process: read from the file, no cache
    network = store.get(network_id)
    assert network.settings.l2 == 0.5
    assert network.dataset is not None and network.test is not None
    assert network.dataset[0].tolist() == [[0.0, 1.0]]
    assert (network.test[0].tolist(), network.test[1].tolist()) == ([[0.5, 0.25]], [[0.0]])
    store.close()


def test_an_old_network_has_history_from_its_first_change_after_the_upgrade(old_database):
    store = SQLiteStore(str(old_database))
    old = next(n for n in store.scan() if n.dataset is not None)
    assert store.history(old.id) == (None, [])

    def step(n):
        n.updates += 1

    store.modify(old.id, step)
    current, entries = store.history(old.id)
    assert current == 0
    assert [(e.seq, e.updates, e.kind) for e in entries] == [(0, old.updates + 1, "step")]
    store.close()


# -- the last release before one store: SQLite at user_version 8, PostgreSQL at version 3 -------
PREVIOUS = "release-e527013"


@pytest.fixture
def previous(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database as that release left it: a copy of the SQLite file, or the dump loaded
    into a fresh PostgreSQL database; its path or URL."""
    if backend == "sqlite":
        path = tmp_path / "previous.sqlite3"
        shutil.copy(FIXTURES / f"{PREVIOUS}.sqlite3", path)
        yield str(path)
        return
    url = request.getfixturevalue("postgres_url")
    psql = [str(bindir() / "psql"), "--quiet", "-v", "ON_ERROR_STOP=1", "--dbname", url]
    subprocess.run([*psql, "-f", str(FIXTURES / f"{PREVIOUS}.pg.sql")], check=True)
    yield url


def every_row(backend: str, where: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, read behind the store's back (the schema's own number aside)."""
    if backend == "sqlite":
        conn: Any = sqlite3.connect(where)
        names = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    else:
        import psycopg

        conn = psycopg.connect(where)
        names = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    try:
        tables = [t for (t,) in conn.execute(names).fetchall() if t != "schema_version"]
        return {
            t: sorted((tuple(r) for r in conn.execute(f"SELECT * FROM {t}")), key=repr)
            for t in tables
        }
    finally:
        conn.close()


def test_every_row_of_the_previous_release_is_kept_bit_for_bit(backend, previous):
    before = every_row(backend, previous)
    assert len(before["networks"]) == 7 and len(before["history"]) == 19
    assert [len(before[t]) for t in ("classes", "students", "activities", "answers")] == [
        1,
        2,
        2,
        2,
    ]
    if backend == "sqlite":
        store = SQLiteStore(previous)
    else:
        from app.store.postgres import PostgresStore

        store = PostgresStore(previous, pool_min=0)
    store.close()
    after = every_row(backend, previous)
    # columns this release added come after the old ones; tables it added start empty
    kept = {
        t: [r[: len(rows[0])] for r in after[t]] if rows else after[t] for t, rows in before.items()
    }
    assert kept == before  # blobs and floats compared exactly
    assert all(not after[t] for t in set(after) - set(before))


ADDED_FIELDS = frozenset(
    {
        "diagnoses",
        "mastery",
        "mastered",
        "streak",
        "variant",
        "joining",
        "role",
        "networks_left",
        "init",
        "init_scale",
        "mode",
        "batch_size",
    }
)
"""JSON fields added since the previous release (the mistakes counted, mastery, joining,
the dashboard's role, the class's room for networks, the initial weights' scheme, how a
history entry's step trained)."""


def as_before(value: Any) -> Any:
    """An answer without the fields added since the previous release."""
    if isinstance(value, dict):
        return {k: as_before(v) for k, v in value.items() if k not in ADDED_FIELDS}
    if isinstance(value, list):
        return [as_before(v) for v in value]
    return value


def test_the_previous_release_s_answers_hold_after_the_upgrade(backend, previous, monkeypatch):
    """Every network, its history and each recorded state, every class's dashboard and
    students' views read back as that release answered them; then every network steps."""
    setting = "BACKPROP_DATABASE" if backend == "sqlite" else "BACKPROP_DATABASE_URL"
    monkeypatch.setenv(setting, previous)
    monkeypatch.setenv("BACKPROP_EXPIRE_AFTER_DAYS", "0")
    from app.config import get_settings
    from app.main import create_app

    then = json.loads((FIXTURES / f"{PREVIOUS}-{backend}.json").read_text())
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        for class_id, answered in then["classes"].items():
            teacher = {"Authorization": f"Bearer {answered['teacher_key']}"}
            dashboard = client.get(f"/api/classes/{class_id}", headers=teacher).json()
            # room for 1,000 networks less 2 students × 2 activities, which that release lacked
            assert dashboard["networks_left"] == 996
            assert as_before(dashboard) == answered["dashboard"]
            for network_id, view in answered["views"].items():
                now = client.get(f"/api/networks/{network_id}/classroom").json()
                assert as_before(now) == view
        for network_id, answered in then["networks"].items():
            base = f"/api/networks/{network_id}"
            assert as_before(client.get(f"{base}/history").json()) == answered["history"]
            for entry in answered["history"]["entries"]:
                past = client.get(f"{base}/history/{entry['update']}?entry={entry['entry']}")
                assert as_before(past.json()) == answered["states"][str(entry["entry"])]
            state = client.get(base).json()
            # that release drew every network's weights as Glorot's uniform scheme does
            assert (state["init"], state["init_scale"]) == ("glorot_uniform", 1.0)
            assert as_before(state) == answered["state"]
            stepped = client.post(f"{base}/step", json={"epochs": 1})
            assert stepped.status_code == 200, stepped.text
            kept = client.get(f"{base}/history").json()["entries"]
            assert kept[-1]["update"] == answered["state"]["updates"] + 1
            # an edit of η alone after the upgrade: its entry names the step's weights
            edited = client.patch(base, json={"learning_rate": 0.125})
            assert edited.status_code == 200, edited.text
            last = client.get(f"{base}/history").json()["entries"][-1]
            assert (last["kind"], last["update"]) == ("edit", kept[-1]["update"])
            past = client.get(f"{base}/history/{last['update']}?entry={last['entry']}")
            assert past.json() == edited.json()
            for entry in answered["history"]["entries"]:  # the older ones answer as before
                if entry["branch"]:
                    continue  # replaced by the step
                past = client.get(f"{base}/history/{entry['update']}?entry={entry['entry']}")
                assert as_before(past.json()) == answered["states"][str(entry["entry"])]
    get_settings.cache_clear()
