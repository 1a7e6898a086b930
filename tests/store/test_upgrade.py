"""A database written by the first release opens in this one with every network intact.

tests/store/fixtures/release-0.1.0.sqlite3 was made by that release's own code
(fixtures/make_release_db.py says how); release-0.1.0.json holds what it answered for each
network then."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.store import SQLiteStore
from app.store.base import SchemaTooNew
from app.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
ADDED = {"l2": 0.0}
"""The fields of a network's state added since that release, with the value an old
network has."""


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "release-0.1.0.sqlite3", path)
    return path


def test_every_network_reads_back_bit_for_bit_and_steps(old_database, monkeypatch):
    monkeypatch.setenv("BACKPROP_DATABASE", str(old_database))
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
