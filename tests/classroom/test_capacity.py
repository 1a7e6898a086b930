"""The cap on stored networks (BACKPROP_MAX_NETWORKS) and the expiry of unused ones.

At the cap, creation first deletes expired networks; if none has expired it is refused with
a 503 naming `networks`. A network in use is never evicted.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.networks.edits import build
from app.schemas import NetworkCreate
from app.store import NotFound, SQLiteStore, StoredNetwork, StoreFull
from app.store import core as core_module
from tests.classroom.conftest import MakeClient

DAY = 86400.0


def new() -> StoredNetwork:
    return build(NetworkCreate(preset="and"))


def age(database: Path, network_id: str, seconds: float) -> None:
    """Pretend the network was last used `seconds` ago."""
    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE networks SET last_used = ? WHERE id = ?", (time.time() - seconds, network_id)
        )


def test_at_the_cap_creation_is_refused_with_a_clear_503(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(BACKPROP_MAX_NETWORKS="3")
    ids = [client.post("/api/networks", json={"preset": "xor"}).json()["id"] for _ in range(3)]
    refused = client.post("/api/networks", json={"preset": "xor"})
    assert refused.status_code == 503
    assert refused.headers["retry-after"]
    problem = refused.json()["errors"][0]
    assert problem["field"] == "networks"
    assert "maximum of 3 networks" in problem["message"]
    state = client.get(f"/api/networks/{ids[0]}").json()
    assert client.post("/api/networks/import", json=state).status_code == 503
    assert client.get("/", follow_redirects=False).status_code == 200  # its POST gets the 503
    # the three are untouched and still work
    assert client.post(f"/api/networks/{ids[0]}/step", json={}).status_code == 200
    # deleting one makes room for one
    assert client.delete(f"/api/networks/{ids[1]}").status_code == 204
    assert client.post("/api/networks", json={"preset": "xor"}).status_code == 201
    assert client.post("/api/networks", json={"preset": "xor"}).status_code == 503


def test_an_unused_network_expires(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client(BACKPROP_EXPIRE_AFTER_DAYS="7")
    old, recent = (client.post("/api/networks", json={"preset": "or"}).json()["id"] for _ in "ab")
    age(tmp_path / "classroom.sqlite3", old, 8 * DAY)
    age(tmp_path / "classroom.sqlite3", recent, 6 * DAY)
    assert client.get(f"/api/networks/{old}").status_code == 404
    assert client.post(f"/api/networks/{old}/step", json={}).status_code == 404
    assert client.get(f"/api/networks/{recent}").status_code == 200


def test_at_the_cap_expired_networks_make_room(tmp_path: Path) -> None:
    database = tmp_path / "s.sqlite3"
    store = SQLiteStore(str(database), max_networks=2, expire_after=7 * DAY)
    a, b = new(), new()
    store.create(a)
    store.create(b)
    with pytest.raises(StoreFull):
        store.create(new())
    age(database, a.id, 8 * DAY)
    c = new()
    store.create(c)  # a expired: deleted to make room
    assert store.count() == 2
    with pytest.raises(NotFound):
        store.get(a.id)
    assert {n.id for n in store.scan()} == {b.id, c.id}
    store.close()


def test_create_sweeps_expired_networks_at_most_once_a_minute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_000_000.0]

    class Clock:  # the wall clock moves by hand; waits and timeouts keep the real one
        monotonic, sleep = staticmethod(time.monotonic), staticmethod(time.sleep)

        @staticmethod
        def time() -> float:
            return now[0]

    monkeypatch.setattr(core_module, "time", Clock)
    database = tmp_path / "s.sqlite3"
    store = SQLiteStore(str(database), expire_after=DAY)
    first = new()
    store.create(first)
    now[0] += DAY - 10
    store.create(new())  # sweeps: `first` has 10 s left
    now[0] += 30
    store.create(new())  # `first` has expired, but the last sweep was 30 s ago: none now
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM networks").fetchone()[0] == 3
    with pytest.raises(NotFound):
        store.get(first.id)  # though still on disk, it is gone for every reader
    now[0] += 31
    store.create(new())  # a minute after the last sweep: `first` is deleted
    with sqlite3.connect(database) as conn:
        ids = {row[0] for row in conn.execute("SELECT id FROM networks")}
    assert first.id not in ids and len(ids) == 3
    store.close()


def test_concurrent_creates_never_overshoot_the_cap(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "s.sqlite3"), max_networks=5)

    def create(_: int) -> bool:
        try:
            store.create(new())
        except StoreFull:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(create, range(24)))
    assert made.count(True) == 5
    assert store.count() == 5
    store.close()


@pytest.mark.slow
def test_two_workers_share_one_cap(live_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = live_server_factory(workers=2, env={"BACKPROP_MAX_NETWORKS": "5"})

    def create(_: int) -> int:
        return httpx.post(
            server.url + "/api/networks", json={"preset": "and"}, timeout=30
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(create, range(20)))
    assert sorted(codes) == [201] * 5 + [503] * 15


def test_scan_pages_through_every_live_network_once(tmp_path: Path) -> None:
    database = tmp_path / "s.sqlite3"
    store = SQLiteStore(str(database), expire_after=DAY)
    made = [new() for _ in range(250)]
    for network in made:
        store.create(network)
    age(database, made[7].id, 2 * DAY)
    scanned = [n.id for n in store.scan(page=100)]
    assert sorted(scanned) == sorted(n.id for n in made if n is not made[7])
    assert store.count() == 249
    store.close()
