"""Concurrency on real servers with two worker processes.

tests/classroom/test_durability.py checks 40 concurrent steps against the same steps one
after another; here: 100 steps from 20 clients, and PATCHes racing steps, where any state
a client ever sees must be whole — never a PATCH half applied, never a step lost or doubled.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow

STEPS, CLIENTS = 100, 20


def test_100_concurrent_steps_on_two_workers_are_each_applied_once(live_server_factory) -> None:
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        network = http.post("/api/networks", json={"preset": "xor"}).json()
    barrier = threading.Barrier(CLIENTS)

    def client(_: int) -> list[int]:
        seen = []
        with httpx.Client(base_url=server.url, timeout=60) as http:
            barrier.wait()  # all clients start together, so the steps really overlap
            for _ in range(STEPS // CLIENTS):
                response = http.post(f"/api/networks/{network['id']}/step", json={})
                assert response.status_code == 200, response.text
                seen.append(response.json()["network"]["updates"])
        return seen

    with ThreadPoolExecutor(CLIENTS) as pool:
        seen = [u for chunk in pool.map(client, range(CLIENTS)) for u in chunk]
    # every acknowledged step saw its own count: none lost, none applied twice
    assert sorted(seen) == list(range(1, STEPS + 1))
    final = httpx.get(f"{server.url}/api/networks/{network['id']}").json()
    assert final["updates"] == STEPS

    # and the weights are those of 100 steps one after another, to the last bit
    with httpx.Client(base_url=server.url, timeout=60) as http:
        alone = http.post("/api/networks", json={"preset": "xor"}).json()
        for _ in range(10):
            http.post(f"/api/networks/{alone['id']}/step", json={"epochs": 10})
        sequential = http.get(f"/api/networks/{alone['id']}").json()
    assert sequential["updates"] == STEPS
    assert final["weights"] == sequential["weights"]
    assert final["biases"] == sequential["biases"]


START = {
    "name": "start",
    "layers": [2, 3, 1],
    "learning_rate": 2.0,
    "dataset": {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]},
}


def patch_for(k: int) -> dict[str, Any]:
    """A PATCH that changes four things at once; any mix of two PATCHes is detectable."""
    activation = ["sigmoid", "tanh"][k % 2]
    return {
        "name": f"patch {k}",
        "learning_rate": 0.1 + k / 1000,
        "hidden_activation": activation,
        "biases": [[float(k)] * 3, [float(-k)]],
    }


def whole(state: dict[str, Any]) -> bool:
    """The settings all come from one PATCH (or from the preset, before any)."""
    if state["name"] == "start":
        return state["learning_rate"] == 2.0 and state["hidden_activation"] == "sigmoid"
    k = int(state["name"].split()[1])
    return (
        state["learning_rate"] == 0.1 + k / 1000
        and state["hidden_activation"] == ["sigmoid", "tanh"][k % 2]
    )


def test_patches_racing_steps_never_leave_a_half_applied_state(live_server_factory) -> None:
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        network = http.post("/api/networks", json=START).json()
    url = f"/api/networks/{network['id']}"
    seen: list[dict[str, Any]] = []
    step_counts: list[int] = []
    lock = threading.Lock()

    def stepper(_: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for _ in range(10):
                response = http.post(f"{url}/step", json={})
                assert response.status_code == 200, response.text
                with lock:
                    seen.append(response.json()["network"])
                    step_counts.append(response.json()["network"]["updates"])

    def patcher(start: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            for k in range(start, start + 10):
                response = http.patch(url, json=patch_for(k))
                assert response.status_code == 200, response.text
                state = response.json()
                with lock:
                    seen.append(state)
                    seen.append(http.get(url).json())
                # the PATCH's own response shows the PATCH entirely (biases exactly as sent)
                assert state["name"] == f"patch {k}" and state["biases"] == patch_for(k)["biases"]

    with ThreadPoolExecutor(8) as pool:
        jobs = [pool.submit(stepper, i) for i in range(5)]
        jobs += [pool.submit(patcher, 100 * i) for i in range(1, 4)]
        for job in jobs:
            job.result()

    assert len(seen) == 50 + 60
    assert all(whole(state) for state in seen), [s for s in seen if not whole(s)][:3]
    # PATCH does not count as an update; the 50 steps are each applied once
    assert sorted(step_counts) == list(range(1, 51))
    assert httpx.get(server.url + url).json()["updates"] == 50
