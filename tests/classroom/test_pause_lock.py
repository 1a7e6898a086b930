"""The gate: while a class is paused every change to its networks is 423 and changes
nothing (reads still work); locked PATCH fields are 403 whatever the pause."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.classroom.classes import auth, join, open_class, snapshot
from tests.classroom.conftest import MakeClient

BOTH_BACKENDS = True
"""Every test here runs on SQLite and on PostgreSQL (tests/classroom/conftest.py)."""

PAUSED = "network: paused by the teacher"


def paused_class(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    created = open_class(client, {"preset": "mazur", "questions": [{"path": "loss"}]})
    student = join(client, created["join_code"], "Ada")
    response = client.post(f"/api/classes/{created['id']}/pause", headers=auth(created))
    assert response.json() == {"paused": True}
    return created, student


def test_every_change_is_refused_while_paused(make_client: MakeClient) -> None:
    client = make_client()
    created, student = paused_class(client)
    path = f"/api/networks/{student['network_id']}"
    before = client.get(path).json()
    card = snapshot(client, created)["students"][0]
    changes = [
        ("POST", path + "/step", {"epochs": 3}),
        ("POST", path + "/step", None),
        ("PATCH", path, {"learning_rate": 0.1}),
        ("POST", path + "/rewind", {"update": 0}),
        ("DELETE", path, None),
        ("POST", path + "/answers", {"path": "loss", "value": 0.298371109}),
        ("POST", path + "/answers", {"path": "loss", "reveal": True}),
    ]
    for method, url, body in changes:
        response = client.request(method, url, json=body)
        assert response.status_code == 423, (method, url, response.text)
        assert response.json()["detail"] == PAUSED
    assert client.get(path).json() == before
    after = snapshot(client, created)["students"][0]
    assert after["answers"] == card["answers"]
    assert after["updates"] == 0
    view = client.get(path + "/classroom").json()
    assert view["paused"] is True
    assert view["questions"][0]["attempts"] == 0


def test_reads_work_while_paused(make_client: MakeClient) -> None:
    client = make_client()
    _, student = paused_class(client)
    path = f"/api/networks/{student['network_id']}"
    assert client.get(path).status_code == 200
    for phase in ("forward", "backward", "predict"):
        assert client.post(f"{path}/{phase}", json={}).status_code == 200, phase
    assert client.get(path + "/classroom").status_code == 200


def test_resume_lets_changes_through_again(make_client: MakeClient) -> None:
    client = make_client()
    created, student = paused_class(client)
    path = f"/api/networks/{student['network_id']}"
    resumed = client.post(f"/api/classes/{created['id']}/resume", headers=auth(created))
    assert resumed.json() == {"paused": False}
    assert client.post(path + "/step", json={}).status_code == 200
    assert snapshot(client, created)["students"][0]["updates"] == 1


def test_other_networks_are_not_paused(make_client: MakeClient) -> None:
    client = make_client()
    paused_class(client)
    network = client.post("/api/networks", json={"preset": "xor"}).json()
    assert client.post(f"/api/networks/{network['id']}/step", json={}).status_code == 200


def test_the_teacher_may_reset_while_paused(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    student = join(client, created["join_code"])
    nid = student["network_id"]
    client.post(f"/api/networks/{nid}/step", json={"epochs": 4})
    client.post(f"/api/classes/{created['id']}/pause", headers=auth(created))
    url = f"/api/classes/{created['id']}/students/{student['student_id']}/reset"
    card = client.post(url, headers=auth(created)).json()
    assert (card["updates"], card["phase"]) == (0, "idle")
    assert client.get(f"/api/networks/{nid}").json() == student["network"]


LOCKS = [
    ("architecture", {"layers": [2, 3, 2]}, "layers"),
    ("settings", {"learning_rate": 0.1}, "learning_rate"),
    ("settings", {"name": "mine"}, "name"),
    ("settings", {"train_biases": True}, "train_biases"),
    ("data", {"dataset": None}, "dataset"),
    ("data", {"dataset": {"x": [[0, 0]], "y": [[0, 1]]}}, "dataset"),
    ("weights", {"weights": [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]}, "weights"),
    ("weights", {"biases": [[0, 0], [0, 0]]}, "biases"),
    ("weights", {"seed": 3}, "seed"),
]


@pytest.mark.parametrize(("lock", "body", "field"), LOCKS)
def test_a_locked_field_is_403(
    make_client: MakeClient, lock: str, body: dict[str, Any], field: str
) -> None:
    client = make_client()
    created = open_class(client, {"preset": "mazur", "lock": [lock]})
    student = join(client, created["join_code"])
    path = f"/api/networks/{student['network_id']}"
    response = client.patch(path, json=body)
    assert response.status_code == 403
    assert response.json()["detail"] == f"{field}: locked by the teacher"
    assert client.get(path).json() == student["network"]


def test_unlocked_fields_still_change(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client, {"preset": "mazur", "lock": ["architecture", "data"]})
    student = join(client, created["join_code"])
    path = f"/api/networks/{student['network_id']}"
    response = client.patch(path, json={"learning_rate": 0.1})
    assert response.status_code == 200
    assert response.json()["learning_rate"] == 0.1
    assert snapshot(client, created)["students"][0]["phase"] == "edit"


def test_a_deleted_network_leaves_an_empty_card(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    student = join(client, created["join_code"])
    assert client.delete(f"/api/networks/{student['network_id']}").status_code == 204
    card = snapshot(client, created)["students"][0]
    assert (card["layers"], card["weights"], card["loss"]) == ([], [], None)


@pytest.mark.slow
def test_nothing_slips_through_once_the_pause_is_acknowledged(live_server_factory: Any) -> None:
    """Students step as fast as they can on 2 workers; once the teacher's pause returns,
    no step is applied any more: the update count read then is the final one."""
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        created = open_class(client)
        students = [join(client, created["join_code"]) for _ in range(4)]
    stop = threading.Event()
    refused: list[int] = []

    def play(network_id: str) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as own:
            while not stop.is_set():
                response = own.post(f"/api/networks/{network_id}/step", json={})
                if response.status_code == 423:
                    refused.append(1)
                    return
                assert response.status_code == 200

    threads = [threading.Thread(target=play, args=(s["network_id"],)) for s in students]
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(  # every student is playing
            client.get(f"/api/networks/{s['network_id']}").json()["updates"] > 0 for s in students
        ):
            time.sleep(0.05)
        ack = client.post(f"/api/classes/{created['id']}/pause", headers=auth(created))
        assert ack.status_code == 200
        at_pause = [
            client.get(f"/api/networks/{s['network_id']}").json()["updates"] for s in students
        ]
        for thread in threads:
            thread.join(10)
        stop.set()
        final = [client.get(f"/api/networks/{s['network_id']}").json()["updates"] for s in students]
        cards = snapshot(client, created)["students"]
    assert len(refused) == len(students)  # every player was stopped by a 423
    assert final == at_pause
    assert all(n > 0 for n in final)
    assert [c["updates"] for c in cards] == final
