"""One student's large request must not stall the class: it computes with no database lock
held, so other students' steps are saved while it runs, and it stops, saving nothing, when
its client goes away."""

from __future__ import annotations

import threading
import time

import httpx

from app.config import LIMITS

# The largest kind of request the work bound allows in online mode: many cheap updates on a
# [1, 1] network (5,000 updates, about half a second of Python per request).
BIG = {"layers": [1, 1], "dataset": {"x": [[i / 5000] for i in range(5000)], "y": [[0.5]] * 5000}}
LONG_STEP = {"mode": "online", "epochs": 1}


def make(client: httpx.Client, body: dict) -> str:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_long_step_is_within_the_bound_and_one_more_epoch_is_not(live_server_factory):
    server = live_server_factory()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        big = make(client, BIG)
        refused = client.post(f"/api/networks/{big}/step", json={"mode": "online", "epochs": 2})
        assert refused.status_code == 409
        assert refused.json()["errors"][0]["field"] == "epochs"
        assert f"{LIMITS.update_cost:,}" in refused.json()["detail"]


def test_other_students_steps_are_saved_while_a_long_step_computes(live_server_factory):
    """Ordering, not timing: the other student steps again and again while the long step is
    out, and several of those steps are answered before it is. A writer that held the lock
    while computing would answer none of them before it (the first would wait for it)."""
    server = live_server_factory()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        big, small = make(client, BIG), make(client, {"preset": "xor"})
        done: dict[str, float] = {}

        def long_step() -> None:
            with httpx.Client(base_url=server.url, timeout=60) as other:
                response = other.post(f"/api/networks/{big}/step", json=LONG_STEP)
                assert response.status_code == 200, response.text
                done["long"] = time.monotonic()

        thread = threading.Thread(target=long_step)
        thread.start()
        time.sleep(0.1)  # let it start computing
        updates, before_long = [], 0
        while thread.is_alive() and len(updates) < 1000:
            response = client.post(f"/api/networks/{small}/step", json={"epochs": 5})
            assert response.status_code == 200, response.text
            updates.append(response.json()["network"]["updates"])
            before_long += "long" not in done
        thread.join(60)
        assert updates == [5 * i for i in range(1, len(updates) + 1)]
        assert before_long >= 3, f"{before_long} small steps answered before the long one"
        assert client.get(f"/api/networks/{big}").json()["updates"] == 5_000


def test_a_step_whose_client_left_stops_and_saves_nothing(live_server_factory):
    server = live_server_factory()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        big = make(client, BIG)
        try:
            httpx.post(f"{server.url}/api/networks/{big}/step", json=LONG_STEP, timeout=0.1)
            raise AssertionError("the long step answered within 0.1 s")
        except httpx.TimeoutException:
            pass  # the client gives up and closes its connection
        # A later step of the same network: had the abandoned one gone on, this would count
        # its 5,000 updates too (it would commit first, or this one would be computed again
        # on top of it).
        after = client.post(f"/api/networks/{big}/step", json={"epochs": 1})
        assert after.status_code == 200, after.text
        assert after.json()["network"]["updates"] == 1
        time.sleep(2)  # longer than the abandoned step would have taken
        assert client.get(f"/api/networks/{big}").json()["updates"] == 1
