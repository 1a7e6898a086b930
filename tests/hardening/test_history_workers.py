"""History on a real server: two uvicorn workers stepping and rewinding one network at once
never lose or duplicate an update, and the history survives kill -9."""

from __future__ import annotations

import itertools
import random
import threading

import httpx
import pytest

from app.schemas import MAZUR_EXAMPLE

pytestmark = pytest.mark.slow


def check_line(client: httpx.Client, network_id: str) -> dict:
    """The entries up to the current one agree with the network: the current entry is the
    network's state, and each step added exactly one update to the one before it."""
    found = client.get(f"/api/networks/{network_id}/history").json()
    network = client.get(f"/api/networks/{network_id}").json()
    line = [e for e in found["entries"] if not e["branch"]]
    assert line[-1]["entry"] == found["current"]
    assert line[-1]["update"] == network["updates"]
    assert [e["entry"] for e in found["entries"]] == list(range(len(found["entries"])))
    for before, after in itertools.pairwise(line):
        assert after["update"] - before["update"] == (1 if after["kind"] == "step" else 0)
    state = client.get(f"/api/networks/{network_id}/history/{network['updates']}").json()
    assert state == network  # bit for bit
    return found


def test_two_workers_stepping_and_rewinding_agree_with_the_history(live_server_factory):
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        network_id = client.post("/api/networks", json=MAZUR_EXAMPLE).json()["id"]
        errors: list[str] = []

        def stepper() -> None:
            with httpx.Client(base_url=server.url, timeout=60) as own:
                for _ in range(40):
                    r = own.post(f"/api/networks/{network_id}/step", json={})
                    if r.status_code != 200:
                        errors.append(r.text)

        def rewinder(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=server.url, timeout=60) as own:
                for _ in range(15):
                    entries = own.get(f"/api/networks/{network_id}/history").json()["entries"]
                    target = rng.choice(entries)
                    r = own.post(
                        f"/api/networks/{network_id}/rewind",
                        json={"update": target["update"], "entry": target["entry"]},
                    )
                    if r.status_code not in (200, 409):  # 409: a step replaced that branch
                        errors.append(r.text)

        threads = [threading.Thread(target=stepper) for _ in range(2)]
        threads += [threading.Thread(target=rewinder, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        check_line(client, network_id)
        # one more step from wherever the run ended: the line goes on by one
        before = client.get(f"/api/networks/{network_id}").json()["updates"]
        client.post(f"/api/networks/{network_id}/step", json={})
        assert check_line(client, network_id)["entries"][-1]["update"] == before + 1


def test_the_history_survives_kill_9(live_server_factory):
    server = live_server_factory()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        network_id = client.post("/api/networks", json=MAZUR_EXAMPLE).json()["id"]
        for _ in range(3):
            client.post(f"/api/networks/{network_id}/step", json={})
        client.post(f"/api/networks/{network_id}/rewind", json={"update": 1})
        history = client.get(f"/api/networks/{network_id}/history").json()
        states = [client.get(f"/api/networks/{network_id}/history/{k}").json() for k in range(4)]
    server.kill()
    server.start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.get(f"/api/networks/{network_id}/history").json() == history
        for k in range(4):
            assert client.get(f"/api/networks/{network_id}/history/{k}").json() == states[k]
        assert client.get(f"/api/networks/{network_id}").json() == states[1]
