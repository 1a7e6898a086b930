"""A class on three real servers that share one real PostgreSQL database: every server shows
the teacher the same class, a step made on one server reaches the teacher's stream on
another, and a pause acknowledged by one server stops the steps sent to the others."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.classroom.classes import auth, join, open_class
from tests.classroom.sse import Stream
from tests.conftest import LiveServer, free_port
from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trio(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[LiveServer]]:
    """Three servers on one database, for the tests of this module."""
    env = {"BACKPROP_DATABASE_URL": postgres_server.database(), "BACKPROP_PG_POOL_MAX": "3"}
    folder = tmp_path_factory.mktemp("trio")
    made = [LiveServer(folder / f"unused{i}.sqlite3", free_port(), 1, env) for i in range(3)]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(LiveServer.start, made))
    yield made
    for server in made:
        server.stop()


def teacher_snapshot(server: LiveServer, created: dict[str, Any]) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/classes/{created['id']}", headers=auth(created))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_step_on_one_server_reaches_the_teachers_stream_on_another(
    trio: list[LiveServer],
) -> None:
    a, b, c = trio
    created = open_class(httpx.Client(base_url=a.url))
    ada = join(httpx.Client(base_url=b.url), created["join_code"], "Ada")
    bob = join(httpx.Client(base_url=c.url), created["join_code"], "Bob")
    first = [teacher_snapshot(server, created) for server in trio]
    assert first[0] == first[1] == first[2]
    assert [s["name"] for s in first[0]["students"]] == ["Ada", "Bob"]

    stream = Stream(f"{a.url}/api/classes/{created['id']}/events", auth(created))
    student = Stream(f"{c.url}/api/networks/{bob['network_id']}/classroom/events")
    try:
        assert stream.status == 200
        stream.until(lambda m: m.event == "student" and m.data["student_id"] == bob["student_id"])
        assert student.next().data["paused"] is False
        response = httpx.post(f"{b.url}/api/networks/{ada['network_id']}/step", json={})
        assert response.status_code == 200, response.text
        stepped = time.monotonic()
        card = stream.until(
            lambda m: (
                m.event == "student"
                and m.data["student_id"] == ada["student_id"]
                and m.data["updates"] == 1
            )
        )
        assert card.at - stepped < 1.0  # generous: LISTEN/NOTIFY takes milliseconds
        assert card.data["weights"] == response.json()["network"]["weights"]

        paused = httpx.post(f"{b.url}/api/classes/{created['id']}/pause", headers=auth(created))
        assert paused.status_code == 200, paused.text
        assert stream.until(lambda m: m.event == "class").data["paused"] is True
        assert student.until(lambda m: m.event == "class").data["paused"] is True
    finally:
        stream.close()
        student.close()
    after = [teacher_snapshot(server, created) for server in trio]
    assert after[0] == after[1] == after[2]
    assert after[0]["paused"] is True
    assert [s["updates"] for s in after[0]["students"]] == [1, 0]


def test_nothing_slips_through_once_a_pause_is_acknowledged_on_any_server(
    trio: list[LiveServer],
) -> None:
    """Six students step as fast as they can, each on the next server; once the pause sent
    to the first server returns, no step is applied on any: the counts read then are final."""
    created = open_class(httpx.Client(base_url=trio[0].url))
    students = [
        join(httpx.Client(base_url=trio[i % 3].url), created["join_code"]) for i in range(6)
    ]
    stop = threading.Event()
    refused: list[int] = []

    def play(k: int, network_id: str) -> None:
        with httpx.Client(base_url=trio[k % 3].url, timeout=30) as own:
            while not stop.is_set():
                response = own.post(f"/api/networks/{network_id}/step", json={})
                if response.status_code == 423:
                    refused.append(1)
                    return
                assert response.status_code == 200, response.text

    def counts(server: LiveServer) -> list[int]:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            return [
                http.get(f"/api/networks/{s['network_id']}").json()["updates"] for s in students
            ]

    threads = [
        threading.Thread(target=play, args=(k + 1, s["network_id"])) for k, s in enumerate(students)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and min(counts(trio[0])) == 0:  # everyone is playing
        time.sleep(0.05)
    ack = httpx.post(
        f"{trio[0].url}/api/classes/{created['id']}/pause", headers=auth(created), timeout=30
    )
    assert ack.status_code == 200, ack.text
    at_pause = counts(trio[1])
    for thread in threads:
        thread.join(30)
    stop.set()
    assert len(refused) == len(students)  # every player was stopped by a 423
    assert all(n > 0 for n in at_pause)
    assert counts(trio[2]) == at_pause
    cards = teacher_snapshot(trio[1], created)["students"]
    assert [card["updates"] for card in cards] == at_pause
