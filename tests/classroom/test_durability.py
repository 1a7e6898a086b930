"""Real servers on a real SQLite file: acknowledged changes survive kill -9, and concurrent
steps on one network in two worker processes are applied exactly once each, in some order."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from app import nn
from app.schemas import NetworkSettings, engine_config

pytestmark = pytest.mark.slow


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        result: str = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return result


@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
def test_acknowledged_changes_survive_kill_9(live_server_factory: Any, synchronous: str) -> None:
    """NORMAL skips the fsync per commit; the WAL is still written before the response, so a
    killed process (not a power cut) loses nothing either."""
    server = live_server_factory(workers=2, env={"BACKPROP_SYNCHRONOUS": synchronous})
    acknowledged: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=server.url, timeout=30) as http:
        for preset in ("xor", "mazur", "spiral"):
            made = http.post("/api/networks", json={"preset": preset}).json()
            for epochs in (1, 3, 1, 7):
                step = http.post(f"/api/networks/{made['id']}/step", json={"epochs": epochs})
                assert step.status_code == 200
            patched = http.patch(f"/api/networks/{made['id']}", json={"name": f"{preset} (mine)"})
            assert patched.status_code == 200
            acknowledged[made["id"]] = patched.json()
        deleted = http.post("/api/networks", json={"preset": "and"}).json()["id"]
        assert http.delete(f"/api/networks/{deleted}").status_code == 204
    server.kill()  # SIGKILL right after the last 2xx: no shutdown, no checkpoint

    again = live_server_factory(database=server.database, env=server.env)
    with httpx.Client(base_url=again.url, timeout=30) as http:
        for network_id, state in acknowledged.items():
            assert http.get(f"/api/networks/{network_id}").json() == state
        assert http.get(f"/api/networks/{deleted}").status_code == 404
    assert acknowledged[next(iter(acknowledged))]["updates"] == 12
    assert integrity(server.database) == "ok"


def one_more_step(state: dict[str, Any]) -> list[list[list[float]]]:
    """The weights one more batch step on the stored dataset gives, computed in-process."""
    params = nn.Params(
        [np.array(w) for w in state["weights"]], [np.array(b) for b in state["biases"]]
    )
    settings = NetworkSettings.model_validate({k: state[k] for k in NetworkSettings.model_fields})
    x, y = np.array(state["dataset"]["x"]), np.array(state["dataset"]["y"])
    result = nn.train(params, engine_config(settings), x, y)
    return [w.tolist() for w in result.params.weights]


@pytest.mark.parametrize("round_", range(2))
def test_kill_9_mid_load_keeps_every_acknowledged_step(
    live_server_factory: Any, round_: int
) -> None:
    """Steps in a loop; SIGKILL at a random moment. The stored network is the last acknowledged
    one, or exactly one step past it (a commit whose response the kill swallowed). Two
    workers, both killed; the second round with BACKPROP_SYNCHRONOUS=NORMAL."""
    server = live_server_factory(
        workers=2, env={"BACKPROP_SYNCHRONOUS": ("FULL", "NORMAL")[round_]}
    )
    network_id = httpx.post(server.url + "/api/networks", json={"preset": "circle"}).json()["id"]
    last: dict[str, Any] = {}
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            while not stop.is_set():
                try:
                    response = http.post(f"/api/networks/{network_id}/step", json={})
                except httpx.HTTPError:
                    return
                assert response.status_code == 200
                last.update(response.json()["network"])

    worker = threading.Thread(target=load)
    worker.start()
    deadline = time.monotonic() + 60
    while last.get("updates", 0) < 10 + 7 * round_ and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.003 * round_)  # and then at some point within the next step
    server.kill()
    stop.set()
    worker.join(30)
    assert last["updates"] >= 10 + 7 * round_

    again = live_server_factory(database=server.database, env=server.env)
    stored = httpx.get(f"{again.url}/api/networks/{network_id}").json()
    assert integrity(server.database) == "ok"
    assert stored["updates"] in (last["updates"], last["updates"] + 1)
    if stored["updates"] == last["updates"]:
        assert stored == last
    else:
        assert stored["weights"] == one_more_step(last)


def test_two_workers_apply_concurrent_steps_exactly_once(live_server_factory: Any) -> None:
    """40 steps from 8 threads on one network, served by two worker processes: 40 updates, each
    response saw a different count, and the weights equal 40 steps one after another."""
    server = live_server_factory(workers=2)
    steps, threads = 40, 8
    with httpx.Client(base_url=server.url, timeout=60) as http:
        shared = http.post("/api/networks", json={"preset": "circle"}).json()
        alone = http.post("/api/networks", json={"preset": "circle"}).json()
    assert shared["weights"] == alone["weights"]

    def run(count: int) -> list[int]:
        seen = []
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(count):
                response = http.post(f"/api/networks/{shared['id']}/step", json={})
                assert response.status_code == 200, response.text
                seen.append(response.json()["network"]["updates"])
        return seen

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        seen = [u for chunk in pool.map(run, [steps // threads] * threads) for u in chunk]
    elapsed = time.perf_counter() - started
    assert sorted(seen) == list(range(1, steps + 1))  # none lost, none applied twice

    with httpx.Client(base_url=server.url, timeout=60) as http:
        for _ in range(steps):
            assert http.post(f"/api/networks/{alone['id']}/step", json={}).status_code == 200
        concurrent = http.get(f"/api/networks/{shared['id']}").json()
        sequential = http.get(f"/api/networks/{alone['id']}").json()
    assert concurrent["updates"] == sequential["updates"] == steps
    assert concurrent["weights"] == sequential["weights"]  # float64, to the last bit
    assert concurrent["biases"] == sequential["biases"]
    assert concurrent["weights"] != shared["weights"]
    print(f"{steps} concurrent steps from {threads} threads on 2 workers: {elapsed:.2f} s")


def test_kill_9_mid_push_leaves_the_class_whole(live_server_factory: Any) -> None:
    """A push is written in batches, then made the students' in one transaction: a server
    killed once some batches are on disk comes back with the class all on the old activity
    (or, had the last transaction committed, all on the new one), every card on its
    student's network of the class's activity, and the next push works."""
    server = live_server_factory(workers=1)
    rng = np.random.default_rng(0)
    x = rng.random((2000, 2)).round(3)
    activity = {"layers": [2, 3, 1], "dataset": {"x": x.tolist(), "y": x[:, :1].tolist()}}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        created = http.post(
            "/api/classes", json={"title": "T", "activity": {"preset": "xor"}}
        ).json()
        for _ in range(40):
            assert http.post("/api/join", json={"code": created["join_code"]}).status_code == 201
        teacher = {"Authorization": f"Bearer {created['teacher_key']}"}
        before = http.get(f"/api/classes/{created['id']}", headers=teacher).json()

        def push() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the kill cuts the answer off
                url = f"{server.url}/api/classes/{created['id']}/activity"
                httpx.post(url, json=activity, headers=teacher, timeout=60)

        pushing = threading.Thread(target=push)
        with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
            counted = db.execute("SELECT COUNT(*) FROM networks").fetchone()[0]
            pushing.start()
            deadline = time.monotonic() + 60
            while db.execute("SELECT COUNT(*) FROM networks").fetchone()[0] == counted:
                assert time.monotonic() < deadline, "the push wrote nothing"
                time.sleep(0.001)
            server.kill()  # some batches committed, most likely not the last transaction
        pushing.join()

    again = live_server_factory(database=server.database, env=server.env)
    with httpx.Client(base_url=again.url, timeout=60) as http:
        after = http.get(f"/api/classes/{created['id']}", headers=teacher).json()
        number = after["activity_number"]
        assert number in (1, 2)
        old = {c["student_id"]: c["network_id"] for c in before["students"]}
        for card in after["students"]:
            view = http.get(f"/api/networks/{card['network_id']}/classroom").json()
            assert view["activity_number"] == number
            assert (card["network_id"] == old[card["student_id"]]) == (number == 1)
            network = http.get(f"/api/networks/{card['network_id']}").json()
            assert len(network["dataset"]["x"]) == (4 if number == 1 else 2000)
        pushed = http.post(f"/api/classes/{created['id']}/activity", json=activity, headers=teacher)
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["activity_number"] == number + 1
    assert integrity(server.database) == "ok"
