"""What a network costs on disk, and the quota of stored bytes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from app import nn
from app.schemas import NetworkSettings
from app.store import StoredNetwork, StoreFull
from app.store.rows import decode_dataset, encode_dataset
from tests.store.conftest import execute


def files_size(database: Path) -> int:
    return sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))


def zeros_and_ones(n: int, width: int) -> dict[str, list[list[int]]]:
    rng = np.random.default_rng(0)
    return {
        "x": rng.integers(0, 2, (n, width)).tolist(),
        "y": rng.integers(0, 2, (n, 1)).tolist(),
    }


def test_datasets_round_trip_bit_for_bit():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(50, 3)), rng.uniform(size=(50, 2))
    tx, ty = rng.normal(size=(7, 3)), rng.uniform(size=(7, 2))
    n, blob, test_n = encode_dataset((x, y), (tx, ty))
    back, test = decode_dataset([3, 4, 2], n, blob, "zlib", test_n)
    assert back is not None and test is not None
    for got, sent in zip([*back, *test], [x, y, tx, ty], strict=True):
        np.testing.assert_array_equal(got, sent)
    n, blob, test_n = encode_dataset((x, y))
    assert test_n is None and decode_dataset([3, 4, 2], n, blob, "zlib", test_n)[1] is None


def test_a_large_create_stores_no_more_than_its_body(live_server_factory, tmp_path):
    """[195, 1] with 5,000 examples of 0s and 1s: a 2 MB body, which as raw float64 took
    7.97 MB (four times the body) on disk, database and WAL together."""
    database = tmp_path / "size.sqlite3"
    server = live_server_factory(database=database)
    data = {"layers": [195, 1], "dataset": zeros_and_ones(5000, 195)}
    body = json.dumps(data, separators=(",", ":")).encode()
    assert 1.9e6 < len(body) < 2e6
    before = files_size(database)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for _ in range(3):
            response = client.post(
                "/api/networks", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 201, response.text
    grown = files_size(database) - before
    assert grown < 3 * len(body), f"3 creates of {len(body):,} bytes grew the files by {grown:,}"


def network(i: int, dataset: tuple[np.ndarray, np.ndarray] | None = None) -> StoredNetwork:
    return StoredNetwork(f"n{i}", NetworkSettings(), 0, nn.init_params([2, 2, 1], 0), dataset)


def empty(make_store) -> int:
    """The bytes a database holds with no network (SQLite counts its tables' first pages)."""
    store = make_store()
    with store.writing() as conn:
        return int(store._stored_bytes(conn))


def test_the_quota_refuses_what_would_pass_it_and_names_its_setting(make_store):
    rng = np.random.default_rng(2)
    big = (rng.normal(size=(2000, 2)), rng.normal(size=(2000, 1)))  # random: no compression
    store = make_store(max_stored_bytes=empty(make_store) + 200_000)
    stored = 0
    with pytest.raises(StoreFull) as full:
        for i in range(100):
            store.create(network(i, big))
            stored += 1
    assert full.value.setting == "BACKPROP_MAX_STORED_BYTES"
    assert 2 <= stored < 5  # about 48 KB each
    assert store.count() == stored  # the refused one was rolled back
    store.delete("n0")
    store.create(network(1000, big))  # room again


def test_a_new_dataset_past_the_quota_is_refused_and_the_network_kept(make_store):
    rng = np.random.default_rng(5)
    big = (rng.normal(size=(5000, 2)), rng.normal(size=(5000, 1)))  # about 120 KB
    store = make_store(max_stored_bytes=empty(make_store) + 100_000)
    store.create(network(0))

    def give_dataset(n: StoredNetwork) -> None:
        n.dataset = big

    with pytest.raises(StoreFull):
        store.modify("n0", give_dataset)
    assert store.get("n0").dataset is None and store.get("n0").version == 0


def test_expired_networks_are_swept_before_the_quota_refuses(make_store):
    rng = np.random.default_rng(3)
    big = (rng.normal(size=(2000, 2)), rng.normal(size=(2000, 1)))
    store = make_store(max_stored_bytes=empty(make_store) + 200_000, expire_after=60)
    for i in range(3):  # about 48 KB each: three fit, six do not
        store.create(network(i, big))
    execute(store, "UPDATE networks SET last_used = 0")  # long unused
    for i in range(3, 6):
        store.create(network(i, big))  # fits only because the expired ones went
    assert store.count() == 3


def test_the_api_answers_503_naming_the_quota_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / "api.sqlite3"))
    monkeypatch.setenv("BACKPROP_MAX_STORED_BYTES", "200000")  # the empty tables: ~110 KB
    from fastapi.testclient import TestClient

    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    rng = np.random.default_rng(4)
    data = {"x": rng.normal(size=(5000, 2)).tolist(), "y": rng.normal(size=(5000, 1)).tolist()}
    try:
        with TestClient(create_app()) as client:
            small = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
            refused = client.patch(f"/api/networks/{small}", json={"dataset": data})
            assert refused.status_code == 503
            assert "BACKPROP_MAX_STORED_BYTES" in refused.json()["detail"]
            assert refused.headers["retry-after"]
            assert len(client.get(f"/api/networks/{small}").json()["dataset"]["x"]) == 4
    finally:
        get_settings.cache_clear()
