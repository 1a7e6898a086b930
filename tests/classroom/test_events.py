"""The live streams, through a real uvicorn with 2 worker processes: a change made through
one connection (either worker) shows on the teacher's stream; pause reaches the students'
streams; streams end when the server shuts down; the class survives kill -9."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.classroom.classes import auth, join, open_class
from tests.classroom.sse import Stream
from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def server(live_server_factory: Any) -> Iterator[LiveServer]:
    yield live_server_factory(workers=2)


def fresh(server: LiveServer) -> httpx.Client:
    """A new connection each time: the kernel hands it to either worker."""
    return httpx.Client(base_url=server.url, timeout=10)


def call(server: LiveServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    with fresh(server) as client:
        return client.request(method, path, **kwargs)


def test_the_stream_starts_with_the_class_and_every_card(server: LiveServer) -> None:
    with fresh(server) as client:
        created = open_class(client)
        students = [join(client, created["join_code"], name) for name in ("Ada", "Bo")]
    stream = Stream(f"{server.url}/api/classes/{created['id']}/events", auth(created))
    try:
        assert stream.status == 200
        first = stream.next()
        assert first.event == "class"
        # networks_left: BACKPROP_MAX_CLASS_NETWORKS (1,000) less the two students' networks
        state = {"paused": False, "activity_number": 1, "spotlight": [], "networks_left": 998}
        assert first.data == state
        cards = [stream.next(), stream.next()]
        assert [c.event for c in cards] == ["student", "student"]
        assert [c.data["name"] for c in cards] == ["Ada", "Bo"]
        assert [c.data["student_id"] for c in cards] == [s["student_id"] for s in students]
        assert all(c.id is not None and c.id.isdigit() for c in [first, *cards])
    finally:
        stream.close()


def test_a_step_shows_on_the_teachers_stream_within_a_second(server: LiveServer) -> None:
    with fresh(server) as client:
        created = open_class(client)
        student = join(client, created["join_code"], "Ada")
    stream = Stream(f"{server.url}/api/classes/{created['id']}/events", auth(created))
    try:
        stream.next()  # class
        stream.next()  # Ada's card
        for n in range(1, 7):  # a new connection per step: both workers take some
            response = call(server, "POST", f"/api/networks/{student['network_id']}/step", json={})
            assert response.status_code == 200
            acknowledged = time.monotonic()
            card = stream.until(lambda m, n=n: m.event == "student" and m.data["updates"] == n)
            assert card.at - acknowledged < 1.0  # the generous bound the contract names
            assert card.data["phase"] == "step"
            assert card.data["weights"] == response.json()["network"]["weights"]
            assert card.data["loss"] == pytest.approx(response.json()["losses"][-1])
            assert card.data["losses"][-1] == pytest.approx(response.json()["losses"][-1])
        assert len(card.data["losses"]) == 7  # the start, then one per step
        # a join, a forward pass and an answer show too
        with fresh(server) as client:
            other = join(client, created["join_code"], "Bo")
        assert (
            stream.until(lambda m: m.event == "student").data["student_id"] == other["student_id"]
        )
        call(server, "POST", f"/api/networks/{other['network_id']}/forward", json={})
        assert stream.until(lambda m: m.event == "student").data["phase"] == "forward"
        call(
            server,
            "POST",
            f"/api/networks/{other['network_id']}/answers",
            json={"path": "deltas[1][0][0]", "value": -0.138498562},
        )
        card = stream.until(lambda m: m.event == "student")
        assert card.data["answers"] == {
            "total": 2,
            "right": 1,
            "revealed": 0,
            "tried": 1,
            "current": 1,
            "mastery": None,
            "mastered": [],
            "diagnoses": {},
        }
    finally:
        stream.close()


def test_pause_reaches_teacher_and_students(server: LiveServer) -> None:
    with fresh(server) as client:
        created = open_class(client)
        student = join(client, created["join_code"], "Ada")
    teacher = Stream(f"{server.url}/api/classes/{created['id']}/events", auth(created))
    pupil = Stream(f"{server.url}/api/networks/{student['network_id']}/classroom/events")
    try:
        assert pupil.next().data == {
            "paused": False,
            "activity_number": 1,
            "current_network_id": student["network_id"],
            "lock": ["architecture", "data"],
        }
        teacher.next()
        teacher.next()
        pause = f"/api/classes/{created['id']}/pause"
        assert call(server, "POST", pause, headers=auth(created)).is_success
        assert pupil.next().data["paused"] is True
        assert teacher.until(lambda m: m.event == "class").data["paused"] is True
        # a push moves the student to a new network
        pushed = call(
            server,
            "POST",
            f"/api/classes/{created['id']}/activity",
            json={"preset": "xor"},
            headers=auth(created),
        ).json()
        new_id = pushed["students"][0]["network_id"]
        assert new_id != student["network_id"]
        moved = pupil.next().data
        assert (moved["activity_number"], moved["current_network_id"]) == (2, new_id)
        assert teacher.until(lambda m: m.event == "class").data["activity_number"] == 2
        assert teacher.until(lambda m: m.event == "student").data["network_id"] == new_id
    finally:
        teacher.close()
        pupil.close()


def test_a_stream_of_a_network_in_no_class_is_404(server: LiveServer) -> None:
    network = call(server, "POST", "/api/networks", json={"preset": "xor"}).json()
    response = call(server, "GET", f"/api/networks/{network['id']}/classroom/events")
    assert response.status_code == 404


def test_shutdown_ends_open_streams(live_server_factory: Any) -> None:
    server = live_server_factory(workers=2)
    with fresh(server) as client:
        created = open_class(client)
    streams = [
        Stream(f"{server.url}/api/classes/{created['id']}/events", auth(created)) for _ in range(3)
    ]
    for stream in streams:
        stream.next()
    assert server.process is not None
    server.process.terminate()
    server.process.wait(10)  # raises if the open streams held the server up
    for stream in streams:
        assert stream.ended.wait(5)
        stream.close()


def test_the_class_survives_kill_9(live_server_factory: Any) -> None:
    server = live_server_factory(workers=2)
    with fresh(server) as client:
        created = open_class(client)
        student = join(client, created["join_code"], "Ada")
        assert client.post(f"/api/networks/{student['network_id']}/step", json={}).is_success
        assert client.post(f"/api/classes/{created['id']}/pause", headers=auth(created)).is_success
        before = client.get(f"/api/classes/{created['id']}", headers=auth(created)).json()
    server.kill()
    server.start()
    with fresh(server) as client:
        after = client.get(f"/api/classes/{created['id']}", headers=auth(created)).json()
        assert after == before
        assert after["paused"] is True and after["students"][0]["updates"] == 1
        refused = client.post(f"/api/networks/{student['network_id']}/step", json={})
        assert refused.status_code == 423
        rejoined = client.post(
            "/api/join",
            json={"code": created["join_code"], "student_key": student["student_key"]},
        )
        assert rejoined.status_code == 200
        assert rejoined.json()["network_id"] == student["network_id"]
