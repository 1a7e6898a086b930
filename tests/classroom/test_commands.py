"""The teacher's commands: push an activity, reset a student, spotlight, export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.classroom.classes import auth, join, open_class, snapshot
from tests.classroom.conftest import MakeClient

BOTH_BACKENDS = True
"""Every test here runs on SQLite and on PostgreSQL (tests/classroom/conftest.py)."""


def test_a_push_gives_every_student_a_new_network(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    students = [join(client, created["join_code"], n) for n in ("Ada", "Bo")]
    client.post(f"/api/networks/{students[0]['network_id']}/step", json={"epochs": 2})
    response = client.post(
        f"/api/classes/{created['id']}/activity",
        json={"preset": "xor", "title": "Exercise 2", "lock": ["data"]},
        headers=auth(created),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["activity_number"] == 2
    assert body["activity"]["title"] == "Exercise 2"
    for student, card in zip(students, body["students"], strict=True):
        assert card["network_id"] != student["network_id"]
        assert (card["layers"], card["updates"], card["phase"]) == ([2, 2, 1], 0, "idle")
        view = client.get(f"/api/networks/{card['network_id']}/classroom").json()
        assert view["activity_number"] == 2
        assert view["earlier_network_ids"] == [student["network_id"]]
        assert view["lock"] == ["data"]
        # the old network stays, still the student's, showing where they are now
        old = client.get(f"/api/networks/{student['network_id']}/classroom").json()
        assert old["activity_number"] == 1
        assert old["current_network_id"] == card["network_id"]
    assert client.get(f"/api/networks/{students[0]['network_id']}").json()["updates"] == 2
    # a student who joins now gets the new activity; one who rejoins keeps their own
    late = join(client, created["join_code"])
    assert late["network"]["layers"] == [2, 2, 1]
    again = join(client, created["join_code"], student_key=students[0]["student_key"])
    assert again["network_id"] == body["students"][0]["network_id"]


@pytest.mark.parametrize(
    "activity",
    [
        {"preset": "xor"},
        {"preset": "xor", "per_student": "weights", "seed": 3},
        {"preset": "mazur", "per_student": "inputs"},
        {
            "layers": [2, 3, 2],
            "per_student": "weights",
            "l2": 0.01,
            "generate": {"shape": "spiral", "n": 40, "test_fraction": 0.25, "one_hot": True},
        },
    ],
    ids=["same", "weights", "inputs", "generated-test"],
)
def test_a_push_builds_each_network_as_a_reset_does(
    make_client: MakeClient, activity: dict[str, Any]
) -> None:
    """A push builds the examples once and shares them between students (unless each has
    inputs of their own): every student's pushed network, J on their card included, is bit
    for bit the network a reset builds for that student alone."""
    client = make_client()
    created = open_class(client)
    for k in range(4):
        join(client, created["join_code"], f"S{k}")
    pushed = client.post(
        f"/api/classes/{created['id']}/activity", json=activity, headers=auth(created)
    )
    assert pushed.status_code == 200, pushed.text
    networks = []
    for card in pushed.json()["students"]:
        network = client.get(f"/api/networks/{card['network_id']}").json()
        reset = client.post(
            f"/api/classes/{created['id']}/students/{card['student_id']}/reset",
            headers=auth(created),
        )
        assert reset.status_code == 200, reset.text
        assert reset.json()["loss"] == card["loss"] is not None
        assert client.get(f"/api/networks/{card['network_id']}").json() == network
        networks.append(network)
    weights = {repr(n["weights"]) for n in networks}
    inputs = {repr(n["dataset"]["x"]) for n in networks}
    own = activity.get("per_student")
    assert len(weights) == (4 if own == "weights" else 1)
    assert len(inputs) == (4 if own == "inputs" else 1)
    assert ("test" in networks[0]["dataset"]) == ("generate" in activity)


def test_a_bad_activity_is_refused_and_changes_nothing(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    join(client, created["join_code"])
    before = snapshot(client, created)
    response = client.post(
        f"/api/classes/{created['id']}/activity",
        json={"layers": [2, 0]},
        headers=auth(created),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "layers[1]"
    assert snapshot(client, created) == before


def test_reset_gives_back_the_start(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client, {"preset": "mazur"})
    student = join(client, created["join_code"])
    nid = student["network_id"]
    client.post(f"/api/networks/{nid}/step", json={"epochs": 5})
    client.patch(f"/api/networks/{nid}", json={"learning_rate": 2.0})
    url = f"/api/classes/{created['id']}/students/{student['student_id']}/reset"
    card = client.post(url, headers=auth(created)).json()
    assert client.get(f"/api/networks/{nid}").json() == student["network"]
    assert (card["updates"], card["phase"], card["network_id"]) == (0, "idle", nid)
    assert card["loss"] == pytest.approx(0.298371109, abs=5e-10)
    assert card["losses"] == [card["loss"]]


def test_reset_refuses_a_student_of_another_class(make_client: MakeClient) -> None:
    client = make_client()
    mine, other = open_class(client), open_class(client)
    stranger = join(client, other["join_code"])
    url = f"/api/classes/{mine['id']}/students/{stranger['student_id']}/reset"
    response = client.post(url, headers=auth(mine))
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "student_id"


def test_spotlight(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    ids = [join(client, created["join_code"])["student_id"] for _ in range(3)]
    url = f"/api/classes/{created['id']}/spotlight"
    assert client.post(url, json={"student_ids": ids[:2]}, headers=auth(created)).json() == {
        "spotlight": ids[:2]
    }
    assert snapshot(client, created)["spotlight"] == ids[:2]
    too_many = client.post(url, json={"student_ids": ids}, headers=auth(created))
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "student_ids"
    other = open_class(client)
    stranger = join(client, other["join_code"])["student_id"]
    refused = client.post(url, json={"student_ids": [ids[0], stranger]}, headers=auth(created))
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "student_ids[1]"
    assert snapshot(client, created)["spotlight"] == ids[:2]
    assert client.post(url, json={"student_ids": []}, headers=auth(created)).json() == {
        "spotlight": []
    }


def lesson_of_two_activities(client: Any) -> dict[str, Any]:
    """Mazur's exercise (titled, two questions): Ada steps twice and answers one question
    wrong, Bo does nothing; then XOR, untitled, is pushed, Cy joins, and Ada steps once more.
    The class, and each student's cards as they were before the push and at the end."""
    created = open_class(client)
    ada = join(client, created["join_code"], 'Ada, "the first"')
    join(client, created["join_code"], '=HYPERLINK("x")')
    client.post(f"/api/networks/{ada['network_id']}/step", json={"epochs": 2})
    client.post(
        f"/api/networks/{ada['network_id']}/answers",
        json={"path": "deltas[1][0][0]", "value": 1},
    )
    before = snapshot(client, created)["students"]
    pushed = client.post(
        f"/api/classes/{created['id']}/activity", json={"preset": "xor"}, headers=auth(created)
    )
    assert pushed.status_code == 200, pushed.text
    join(client, created["join_code"], "Cy")
    now = snapshot(client, created)["students"]
    client.post(f"/api/networks/{now[0]['network_id']}/step", json={})
    return {"class": created, "before": before, "after": snapshot(client, created)["students"]}


def test_export_csv_has_a_row_per_student_and_activity(make_client: MakeClient) -> None:
    client = make_client()
    lesson = lesson_of_two_activities(client)
    response = client.get(
        f"/api/classes/{lesson['class']['id']}/export.csv", headers=auth(lesson["class"])
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.text.splitlines()[0] == (
        "number,name,activity,activity_title,network_id,updates,loss,"
        "questions,answers_tried,answers_right,answers_revealed"
    )
    # by activity, then by student; Cy joined during the second activity only
    assert [(r["activity"], r["number"]) for r in rows] == [
        ("1", "1"),
        ("1", "2"),
        ("2", "1"),
        ("2", "2"),
        ("2", "3"),
    ]
    assert rows[0]["name"] == 'Ada, "the first"'
    assert rows[1]["name"] == '\'=HYPERLINK("x")'  # text, never a formula
    ada_1, ada_2 = rows[0], rows[2]
    assert ada_1["activity_title"] == "Exercise 1: Mazur by hand"
    assert ada_2["activity_title"] == ""
    assert ada_1["network_id"] == lesson["before"][0]["network_id"]
    assert ada_2["network_id"] == lesson["after"][0]["network_id"] != ada_1["network_id"]
    assert [ada_1[k] for k in ("updates", "questions", "answers_tried", "answers_right")] == [
        "2",
        "2",
        "1",
        "0",
    ]
    assert [ada_2[k] for k in ("updates", "questions", "answers_tried")] == ["1", "0", "0"]
    # J as the card showed it: before the push for the first activity, at the end for the second
    assert float(ada_1["loss"]) == lesson["before"][0]["loss"]
    assert float(ada_2["loss"]) == lesson["after"][0]["loss"]
    assert float(rows[1]["loss"]) == lesson["before"][1]["loss"]


def test_export_json_holds_every_activity(make_client: MakeClient) -> None:
    client = make_client()
    lesson = lesson_of_two_activities(client)
    created = lesson["class"]
    response = client.get(f"/api/classes/{created['id']}/export.json", headers=auth(created))
    body = response.json()
    assert body["class"]["id"] == created["id"]
    assert "students" not in body["class"]
    assert [a.get("title") for a in body["activities"]] == ["Exercise 1: Mazur by hand", None]
    assert [a["preset"] for a in body["activities"]] == ["mazur", "xor"]
    ada, bo, cy = body["students"]
    assert [ada["student"], bo["student"], cy["student"]] == lesson["after"]
    for row in (ada, bo, cy):
        current = client.get(f"/api/networks/{row['student']['network_id']}").json()
        assert row["network"] == current == row["activities"][-1]["network"]
    assert [a["activity"] for a in ada["activities"]] == [1, 2]
    assert [a["activity"] for a in cy["activities"]] == [2]
    first = ada["activities"][0]
    assert first["network_id"] == lesson["before"][0]["network_id"]
    assert first["network"] == client.get(f"/api/networks/{first['network_id']}").json()
    assert (first["updates"], first["loss"]) == (2, lesson["before"][0]["loss"])
    assert first["answers"] == {
        "total": 2,
        "right": 0,
        "revealed": 0,
        "tried": 1,
        "current": 0,
        "mastery": None,
        "mastered": [],
        "diagnoses": {},
    }


def test_a_network_in_no_class_has_no_classroom(make_client: MakeClient) -> None:
    client = make_client()
    nid = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
    response = client.get(f"/api/networks/{nid}/classroom")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "id"
    assert client.get("/api/networks/nope/classroom").status_code == 404


def test_the_projectors_numbers_leave_the_card_alone(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    ada = join(client, created["join_code"], "Ada")
    url = f"/api/classes/{created['id']}/students/{ada['student_id']}/backward"
    before = snapshot(client, created)["students"]
    response = client.get(url, headers=auth(created))
    assert response.status_code == 200, response.text
    numbers = response.json()
    # Mazur's published forward and backward pass of his one example
    assert numbers["activations"][2][0] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert numbers["deltas"][1][0] == pytest.approx([-0.138498562, 0.038098236], abs=1e-9)
    assert numbers["deltas"][0][0] == pytest.approx([-0.008771354, -0.009954254], abs=1e-9)
    # the teacher looked; the student did nothing
    assert snapshot(client, created)["students"] == before


def test_the_projectors_numbers_need_examples(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client, {"layers": [2, 2, 1]})
    ada = join(client, created["join_code"], "Ada")
    url = f"/api/classes/{created['id']}/students/{ada['student_id']}/backward"
    refused = client.get(url, headers=auth(created))
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "dataset"
    client.delete(f"/api/networks/{ada['network_id']}")
    assert client.get(url, headers=auth(created)).status_code == 404
