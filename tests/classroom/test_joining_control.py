"""Joining under control: the teacher closes joining (students already in stay), removes a
student (their network ids stop working at once on every worker, their key cannot come
back), and gives a teaching assistant a key that watches and pauses, and does nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.classroom.classes import MAZUR_EXERCISE, auth, join, open_class, snapshot
from tests.classroom.conftest import MakeClient
from tests.conftest import LiveServer

BOTH_BACKENDS = True


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def test_closed_joining_refuses_new_students_and_keeps_those_in(client: TestClient) -> None:
    created = open_class(client)
    ada = join(client, created["join_code"], "Ada")
    url = f"/api/classes/{created['id']}/joining"
    closed = client.post(url, json={"joining": False}, headers=auth(created))
    assert closed.json() == {"joining": False}
    refused = client.post("/api/join", json={"code": created["join_code"], "name": "Eve"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "code: the teacher has closed joining this class"
    back = client.post(
        "/api/join", json={"code": created["join_code"], "student_key": ada["student_key"]}
    )
    assert back.status_code == 200 and back.json()["student_id"] == ada["student_id"]
    shot = snapshot(client, created)
    assert shot["joining"] is False
    assert [s["name"] for s in shot["students"]] == ["Ada"]
    client.post(url, json={"joining": True}, headers=auth(created))
    assert join(client, created["join_code"], "Bo")["name"] == "Bo"


def test_a_teaching_assistant_watches_and_pauses_and_cannot_do_more(client: TestClient) -> None:
    created = open_class(client)
    ada = join(client, created["join_code"], "Ada")
    base = f"/api/classes/{created['id']}"
    made = client.post(f"{base}/assistant-key", headers=auth(created))
    assert made.status_code == 200
    ta = {"Authorization": f"Bearer {made.json()['assistant_key']}"}
    seen = client.get(base, headers=ta)
    assert seen.status_code == 200 and seen.json()["role"] == "assistant"
    assert client.post(f"{base}/pause", headers=ta).json() == {"paused": True}
    assert client.post(f"{base}/resume", headers=ta).json() == {"paused": False}
    before = snapshot(client, created)
    sid = ada["student_id"]
    refused = [
        client.post(f"{base}/students/{sid}/remove", headers=ta),
        client.post(f"{base}/activity", json=MAZUR_EXERCISE, headers=ta),
        client.post(f"{base}/students/{sid}/reset", headers=ta),
        client.post(f"{base}/joining", json={"joining": False}, headers=ta),
        client.post(f"{base}/assistant-key", headers=ta),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert response.json()["detail"].startswith("authorization: a teaching assistant")
    after = snapshot(client, created)
    assert after["activity_number"] == before["activity_number"] == 1
    assert after["students"] == before["students"] and after["joining"] is True
    assert client.get(f"/api/networks/{ada['network_id']}").status_code == 200
    # a new assistant key replaces the last
    client.post(f"{base}/assistant-key", headers=auth(created))
    assert client.get(base, headers=ta).status_code == 403


@pytest.fixture
def server(live_server_factory: Any) -> Iterator[LiveServer]:
    yield live_server_factory(workers=2)


@pytest.mark.slow
def test_a_removed_students_networks_stop_at_once_on_every_worker(server: LiveServer) -> None:
    def fresh() -> httpx.Client:
        return httpx.Client(base_url=server.url, timeout=10)  # either worker

    with fresh() as client:
        created = open_class(client)
        ada = join(client, created["join_code"], "Ada")
        bo = join(client, created["join_code"], "Bo")
    mine = f"/api/networks/{ada['network_id']}"
    for _ in range(8):  # both workers have read (and cached) the network
        with fresh() as client:
            assert client.get(mine).status_code == 200
    with fresh() as client:
        removed = client.post(
            f"/api/classes/{created['id']}/students/{ada['student_id']}/remove",
            headers=auth(created),
        )
        assert removed.json() == {"removed": ada["student_id"]}
    for _ in range(8):
        with fresh() as client:
            assert client.get(mine).status_code == 404
            step = client.post(f"{mine}/step", json={"epochs": 1})
            assert step.status_code == 404
            answer = client.post(f"{mine}/answers", json={"path": "loss", "value": 0.3})
            assert answer.status_code == 404
    with fresh() as client:
        back = client.post(
            "/api/join", json={"code": created["join_code"], "student_key": ada["student_key"]}
        )
        assert back.status_code == 403
        assert (
            back.json()["detail"] == "student_key: the teacher removed this student from the class"
        )
        shot = client.get(f"/api/classes/{created['id']}", headers=auth(created)).json()
        assert [s["name"] for s in shot["students"]] == ["Bo"]
        assert client.get(f"/api/networks/{bo['network_id']}").status_code == 200
