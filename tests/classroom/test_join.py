"""Joining a class: a network of one's own, the same one again with the student key, names
as plain text, and the limits (students per class, guessing codes)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.classroom.classes import auth, join, open_class, snapshot
from tests.classroom.conftest import MakeClient

BOTH_BACKENDS = True
"""Every test here runs on SQLite and on PostgreSQL (tests/classroom/conftest.py)."""

MAZUR_W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]


def test_a_student_joins_and_gets_the_activitys_network(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    response = client.post("/api/join", json={"code": created["join_code"], "name": "Ada"})
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["class_id"], body["class_title"]) == ("Ada", created["id"], "Week 3")
    assert body["network"]["id"] == body["network_id"]
    assert body["network"]["weights"] == MAZUR_W
    assert client.get(f"/api/networks/{body['network_id']}").json() == body["network"]
    (card,) = snapshot(client, created)["students"]
    assert card["student_id"] == body["student_id"]
    assert (card["number"], card["name"], card["updates"], card["phase"]) == (1, "Ada", 0, "idle")
    assert card["weights"] == MAZUR_W
    # J of Mazur's network on his example, from his post: E_total = 0.298371109
    assert card["loss"] == pytest.approx(0.298371109, abs=5e-10)
    assert card["answers"] == {
        "total": 2,
        "right": 0,
        "revealed": 0,
        "tried": 0,
        "current": 0,
        "mastery": None,
        "mastered": [],
        "diagnoses": {},
    }


def test_the_code_is_read_as_typed_on_a_phone(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    code = created["join_code"]
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    assert join(client, typed)["class_id"] == created["id"]


def test_unnamed_students_are_numbered(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    names = [join(client, created["join_code"], name)["name"] for name in (None, "  ", "Bo", None)]
    assert names == ["Student 1", "Student 2", "Bo", "Student 4"]


def test_joining_again_with_the_key_is_the_same_student(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    first = join(client, created["join_code"], "Ada")
    again = client.post(
        "/api/join",
        json={"code": created["join_code"], "name": "Other", "student_key": first["student_key"]},
    )
    assert again.status_code == 200
    assert again.json()["student_id"] == first["student_id"]
    assert again.json()["network_id"] == first["network_id"]
    assert again.json()["name"] == "Ada"
    assert len(snapshot(client, created)["students"]) == 1
    # the key of another class is a stranger here: a new student
    other = open_class(client)
    stranger = client.post(
        "/api/join", json={"code": other["join_code"], "student_key": first["student_key"]}
    )
    assert stranger.status_code == 201
    assert stranger.json()["student_id"] != first["student_id"]


def test_a_name_is_text(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    name = '<b>Bo</b> &amp; "Al" \'; DROP TABLE students; --'
    assert join(client, created["join_code"], name)["name"] == name
    assert snapshot(client, created)["students"][0]["name"] == name
    for bad in ("line\nbreak", "bell\x07", "x" * 61):
        response = client.post("/api/join", json={"code": created["join_code"], "name": bad})
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "name"
    assert len(snapshot(client, created)["students"]) == 1


def test_an_unknown_code_is_404(make_client: MakeClient) -> None:
    client = make_client()
    open_class(client)
    response = client.post("/api/join", json={"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert response.json()["detail"] == "code: no class has this code"


def test_guessing_codes_is_limited_per_address(make_client: MakeClient) -> None:
    env = {"BACKPROP_JOIN_FAILURES_BURST": "3", "BACKPROP_JOIN_FAILURES_PER_MINUTE": "0.01"}
    teacher = make_client(**env)
    created = open_class(teacher)  # from the teacher's address, which the class now knows
    guesser = TestClient(teacher.app, client=("198.51.100.7", 50000))
    for _ in range(3):
        assert guesser.post("/api/join", json={"code": "ZZZZZZ"}).status_code == 404
    refused = guesser.post("/api/join", json={"code": "ZZZZZZ"})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    # once refused, a right guess of a class that does not know the address is refused
    # too, alike: guessing gains nothing
    right = guesser.post("/api/join", json={"code": created["join_code"]})
    assert right.status_code == 429
    assert right.json()["detail"].split(";")[0] == refused.json()["detail"].split(";")[0]
    assert snapshot(teacher, created)["students"] == []
    # from the address the class was opened from, the right code gets in
    assert teacher.post("/api/join", json={"code": created["join_code"]}).status_code == 201


def test_joining_does_not_count_as_creating_networks(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_CREATE_BURST="2", BACKPROP_CREATE_PER_MINUTE="0.01")
    created = open_class(client)  # one of the two
    for _ in range(5):
        join(client, created["join_code"])
    assert client.post("/api/networks", json={"preset": "xor"}).status_code == 201
    assert client.post("/api/networks", json={"preset": "xor"}).status_code == 429


def test_the_number_of_students_is_limited(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_MAX_STUDENTS_PER_CLASS="2")
    created = open_class(client)
    join(client, created["join_code"])
    join(client, created["join_code"])
    response = client.post("/api/join", json={"code": created["join_code"]})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "students"
    assert "BACKPROP_MAX_STUDENTS_PER_CLASS" in response.json()["detail"]
    assert len(snapshot(client, created)["students"]) == 2


def test_joining_a_full_server_is_503_and_adds_nobody(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_MAX_NETWORKS="1")
    created = open_class(client)
    join(client, created["join_code"])
    response = client.post("/api/join", json={"code": created["join_code"]})
    assert response.status_code == 503
    assert len(snapshot(client, created)["students"]) == 1


def test_per_student_weights_are_the_students_own(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client, {"preset": "xor", "per_student": "weights"})
    a, b = join(client, created["join_code"]), join(client, created["join_code"])
    assert a["network"]["weights"] != b["network"]["weights"]
    # the same student gets the same numbers: a reset gives them back exactly
    path = f"/api/classes/{created['id']}/students/{a['student_id']}/reset"
    client.post(f"/api/networks/{a['network_id']}/step", json={"epochs": 3})
    assert client.post(path, headers=auth(created)).json()["weights"] == a["network"]["weights"]


def test_per_student_inputs_are_drawn_per_student(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client, {"preset": "mazur", "per_student": "inputs"})
    a, b = join(client, created["join_code"]), join(client, created["join_code"])
    xa, xb = a["network"]["dataset"]["x"], b["network"]["dataset"]["x"]
    assert xa != xb
    for x in (xa, xb):
        assert all(0 <= v < 1 and round(v, 2) == v for v in x[0])
    assert a["network"]["dataset"]["y"] == [[0.01, 0.99]]
    assert a["network"]["weights"] == MAZUR_W  # only the inputs are the student's own
