"""Opening a class, reading it as its teacher, and every refusal of the teacher's calls."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.networks.views import to_json
from tests.classroom.classes import MAZUR_EXERCISE, auth, join, open_class, snapshot
from tests.classroom.conftest import MakeClient

BOTH_BACKENDS = True
"""Every test here runs on SQLite and on PostgreSQL (tests/classroom/conftest.py)."""

CODE = re.compile(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}")


def test_a_new_class_has_a_code_a_key_and_its_addresses(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    assert CODE.fullmatch(created["join_code"])
    assert created["join_url"] == f"/join/{created['join_code']}"
    assert created["teach_url"] == f"/teach/{created['id']}"
    assert len(created["teacher_key"]) >= 32  # 24 random bytes: 192 bits
    body = snapshot(client, created)
    assert body["title"] == "Week 3"
    assert (body["paused"], body["activity_number"], body["spotlight"]) == (False, 1, [])
    assert body["activity"]["questions"] == MAZUR_EXERCISE["questions"]
    assert body["students"] == []


def everything_stored(tmp_path: Path, database_url: str | None) -> str:
    """Every row of the database, as text: the SQLite file's dump, or PostgreSQL's tables."""
    if database_url is None:
        with sqlite3.connect(tmp_path / "classroom.sqlite3") as db:
            return "\n".join(db.iterdump())
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert {"classes", "students", "networks"} <= {t for (t,) in tables}
        return "\n".join(
            repr(row) for (t,) in tables for row in conn.execute(f'SELECT * FROM "{t}"')
        )


def test_the_server_keeps_only_a_hash_of_the_key(
    make_client: MakeClient, tmp_path: Path, database_url: str | None
) -> None:
    client = make_client()
    created = open_class(client)
    dump = everything_stored(tmp_path, database_url)
    assert created["teacher_key"] not in dump
    assert hashlib.sha256(created["teacher_key"].encode()).hexdigest() in dump


def test_codes_differ_between_classes(make_client: MakeClient) -> None:
    client = make_client()
    codes = {open_class(client)["join_code"] for _ in range(20)}
    assert len(codes) == 20


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic abc"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Bearer wrong-key"}, 403),
    ],
)
def test_teacher_calls_need_the_class_key(
    make_client: MakeClient, headers: dict[str, str], status: int
) -> None:
    client = make_client()
    created = open_class(client)
    student = join(client, created["join_code"])
    base = f"/api/classes/{created['id']}"
    calls = [
        ("GET", base, None),
        ("GET", base + "/events", None),
        ("POST", base + "/pause", None),
        ("POST", base + "/resume", None),
        ("POST", base + "/activity", {"preset": "xor"}),
        ("POST", base + "/spotlight", {"student_ids": []}),
        ("POST", f"{base}/students/{student['student_id']}/reset", None),
        ("GET", f"{base}/students/{student['student_id']}/backward", None),
        ("GET", base + "/export.csv", None),
        ("GET", base + "/export.json", None),
    ]
    before = snapshot(client, created)
    for method, path, body in calls:
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == status, (path, response.text)
        assert response.json()["errors"][0]["field"] == "authorization"
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert snapshot(client, created) == before  # nothing changed


def test_another_class_key_is_refused(make_client: MakeClient) -> None:
    client = make_client()
    mine, other = open_class(client), open_class(client)
    response = client.post(f"/api/classes/{mine['id']}/pause", headers=auth(other))
    assert response.status_code == 403
    assert snapshot(client, mine)["paused"] is False


def test_an_unknown_class_is_404(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    response = client.get("/api/classes/no-such-class", headers=auth(created))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("class_id:")


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"activity": {"preset": "mazur"}}, "title", 422),
        ({"title": "", "activity": {"preset": "mazur"}}, "title", 422),
        ({"title": "x" * 101, "activity": {"preset": "mazur"}}, "title", 422),
        ({"title": "T", "activity": {"preset": "nope"}}, "activity.preset", 404),
        ({"title": "T", "activity": {"preset": "mazur", "lock": ["all"]}}, "activity.lock[0]", 422),
        (
            {"title": "T", "activity": {"preset": "mazur", "questions": [{"path": "bogus"}]}},
            "activity.questions[0].path",
            422,
        ),
        (
            {
                "title": "T",
                "activity": {"preset": "mazur", "questions": [{"path": "loss"}] * 21},
            },
            "activity.questions",
            422,
        ),
        ({"title": "T", "activity": {"preset": "mazur"}, "extra": 1}, "extra", 422),
        # well formed, but not fitting the network: 409
        (
            {
                "title": "T",
                "activity": {"preset": "mazur", "questions": [{"path": "deltas[9][0][0]"}]},
            },
            "activity.questions[0].path",
            409,
        ),
        (
            {"title": "T", "activity": {"layers": [2, 1], "questions": [{"path": "loss"}]}},
            "activity.dataset",
            409,
        ),
        (
            {"title": "T", "activity": {"layers": [2, 1], "per_student": "inputs"}},
            "activity.dataset",
            409,
        ),
    ],
)
def test_a_bad_class_is_refused_naming_the_field(
    make_client: MakeClient, body: dict[str, object], field: str, status: int
) -> None:
    client = make_client()
    response = client.post("/api/classes", json=body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field, response.text


def test_the_number_of_classes_is_limited(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_MAX_CLASSES="2")
    open_class(client)
    open_class(client)
    response = client.post("/api/classes", json={"title": "T", "activity": {"preset": "xor"}})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "classes"
    assert "BACKPROP_MAX_CLASSES" in response.json()["detail"]


def test_opening_classes_is_rate_limited_like_creating_networks(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_CREATE_BURST="3", BACKPROP_CREATE_PER_MINUTE="0.01")
    for _ in range(3):
        open_class(client)
    response = client.post("/api/classes", json={"title": "T", "activity": {"preset": "xor"}})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


def test_classes_can_require_the_admin_token(make_client: MakeClient) -> None:
    token = "admin-" + "y" * 24
    client = make_client(BACKPROP_CLASSES_NEED_ADMIN="true", BACKPROP_ADMIN_TOKEN=token)
    body = {"title": "T", "activity": {"preset": "xor"}}
    assert client.post("/api/classes", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/classes", json=body, headers=wrong).status_code == 403
    right = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/classes", json=body, headers=right).status_code == 201


def test_the_class_survives_a_restart(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    student = join(client, created["join_code"], "Ada")
    before = snapshot(client, created)
    again = make_client()  # a new app on the same file
    after = snapshot(again, created)
    assert after == before
    assert after["students"][0]["student_id"] == student["student_id"]


def test_the_cards_of_some_students_are_theirs_in_joining_order(make_client: MakeClient) -> None:
    """A live update reads only the students it concerns: the same cards the whole class's
    read gives them, in the order they joined, whatever order they are asked in."""
    client = make_client()
    created = open_class(client)
    students = [join(client, created["join_code"], f"S{i}") for i in range(7)]
    for k, s in enumerate(students[:4]):
        step = client.post(f"/api/networks/{s['network_id']}/step", json={"epochs": k + 1})
        assert step.status_code == 200, step.text
    classroom = client.app.state.classroom
    found = classroom.db.get_class(created["id"])

    def cards(ids: list[str] | None = None) -> list[dict[str, Any]]:
        return list(json.loads(to_json(classroom.cards(found, ids))))

    every = cards()
    assert every == snapshot(client, created)["students"]
    asked = [students[i]["student_id"] for i in (5, 1, 3)]
    some = cards(asked)
    assert [c["student_id"] for c in some] == [students[i]["student_id"] for i in (1, 3, 5)]
    assert some == [c for c in every if c["student_id"] in asked]
    assert cards([]) == []
