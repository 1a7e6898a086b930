"""The gate: while a class is paused every change to its networks is 423 and changes
nothing (reads still work); locked PATCH fields are 403 whatever the pause."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
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


PLAY = {"epochs": 10, "frames": 10, "grid": 10, "grid_hidden": True}
"""A second of the page's Play in frames (static/js/frames.js), on a smaller grid."""


@dataclass
class Sent:
    """One step of a student in Play: when it was sent, its status and its answer."""

    sent: float
    status: int
    answer: dict[str, Any]


@pytest.mark.slow
def test_nothing_slips_through_once_the_pause_is_acknowledged(live_server_factory: Any) -> None:
    """A class in continuous Play in frames on 2 workers, each student on a connection of
    their own; the teacher pauses. Every step sent after the pause returned is refused
    (423), and no step is applied any more: each network's update count, weights and
    history tip then and at the end are the last acknowledged step's, and its history
    holds one step entry per acknowledged step, none more."""
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        created = open_class(client, {"preset": "xor"})
        students = [join(client, created["join_code"]) for _ in range(6)]
    ids = [s["network_id"] for s in students]
    ack_at = [math.inf]
    steps: dict[str, list[Sent]] = {i: [] for i in ids}

    def play(network_id: str) -> None:
        give_up = time.monotonic() + 60  # the pause never came: the assertions below say so
        with httpx.Client(base_url=server.url, timeout=30) as own:
            # until three steps sent after the pause returned have been answered
            while sum(s.sent > ack_at[0] for s in steps[network_id]) < 3:
                sent = time.monotonic()
                if sent > give_up:
                    return
                response = own.post(f"/api/networks/{network_id}/step", json=PLAY)
                steps[network_id].append(Sent(sent, response.status_code, response.json()))

    threads = [threading.Thread(target=play, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(
            sum(s.status == 200 for s in steps[i]) >= 3 for i in ids
        ):  # every student is playing
            time.sleep(0.05)
        ack = client.post(f"/api/classes/{created['id']}/pause", headers=auth(created))
        ack_at[0] = time.monotonic()
        assert ack.status_code == 200
        at_pause = [client.get(f"/api/networks/{i}").json() for i in ids]
        for thread in threads:
            thread.join(60)
        final = [client.get(f"/api/networks/{i}").json() for i in ids]
        history = [client.get(f"/api/networks/{i}/history").json() for i in ids]
        cards = snapshot(client, created)["students"]
    for network_id, now, end, kept in zip(ids, at_pause, final, history, strict=True):
        mine = steps[network_id]
        assert {s.status for s in mine} <= {200, 423}, [s.answer for s in mine]
        after = [s for s in mine if s.sent > ack_at[0]]
        assert len(after) >= 3 and all(s.status == 423 for s in after), [s.status for s in after]
        assert all(s.answer["detail"] == PAUSED for s in mine if s.status == 423)
        done = [s.answer for s in mine if s.status == 200]
        assert len(done) >= 3
        last = done[-1]["network"]
        assert [d["network"]["updates"] for d in done] == [10 * k for k in range(1, len(done) + 1)]
        for state in (now, end):
            assert state == last  # updates, weights, biases: the last acknowledged step's
        tip = next(e for e in kept["entries"] if e["entry"] == kept["current"])
        assert (tip["kind"], tip["update"], tip["loss"]) == (
            "step",
            last["updates"],
            done[-1]["losses"][-1],
        )
        assert [e["update"] for e in kept["entries"] if e["kind"] == "step"] == [
            d["network"]["updates"] for d in done
        ]
    by_network = {c["network_id"]: c["updates"] for c in cards}
    assert [by_network[i] for i in ids] == [s["updates"] for s in final]
