"""The worksheets' numbers: each student's own network and the answer key on it, the
teacher's key only. Mazur's published numbers are the key of his network; per-student
weights give each student other numbers, whose key is checked against tests/nn/reference.py's
finite differences."""

from __future__ import annotations

import pytest

from tests.classroom.classes import MAZUR_EXERCISE, auth, join, open_class
from tests.classroom.conftest import MakeClient
from tests.nn import reference


def test_the_answer_key_of_mazurs_network_is_his_numbers(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    ada = join(client, created["join_code"], "Ada")
    response = client.get(f"/api/classes/{created['id']}/worksheets", headers=auth(created))
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["title"], data["activity_number"]) == ("Week 3", 1)
    assert [q["path"] for q in data["questions"]] == ["deltas[1][0][0]", "weights_after[1][0][0]"]
    (sheet,) = data["students"]
    assert (sheet["student_id"], sheet["name"], sheet["number"]) == (ada["student_id"], "Ada", 1)
    assert sheet["weights"] == [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
    assert sheet["biases"] == [[0.35, 0.35], [0.60, 0.60]]
    assert (sheet["x"], sheet["y"]) == ([[0.05, 0.10]], [[0.01, 0.99]])
    assert sheet["learning_rate"] == 0.5
    # Mazur: δ_o1 = −0.138498562 in the notes' sign, w5⁺ = 0.35891648
    assert sheet["answers"] == pytest.approx([-0.138498562, 0.35891648], abs=1e-8)


def test_each_student_gets_their_own_numbers_and_key(make_client: MakeClient) -> None:
    client = make_client()
    activity = {
        "preset": "xor",
        "per_student": "weights",
        "questions": [{"path": "gradients.weights[0][1][0]"}, {"path": "loss"}],
    }
    created = open_class(client, activity)
    for name in ("Ada", "Bo"):
        join(client, created["join_code"], name)
    data = client.get(f"/api/classes/{created['id']}/worksheets", headers=auth(created)).json()
    ada, bo = data["students"]
    assert ada["weights"] != bo["weights"]
    for sheet in (ada, bo):
        hidden = sheet["hidden_activation"]
        grads, _ = reference.finite_differences(
            sheet["weights"], sheet["biases"], sheet["x"], sheet["y"], hidden=hidden
        )
        assert sheet["answers"][0] == pytest.approx(grads[0][1, 0], rel=1e-5, abs=1e-8)
        assert sheet["answers"][1] == pytest.approx(
            reference.loss(
                sheet["weights"], sheet["biases"], sheet["x"], sheet["y"], hidden=hidden
            ),
            rel=1e-9,
        )


def test_worksheets_are_the_teachers_alone(make_client: MakeClient) -> None:
    client = make_client()
    created = open_class(client)
    join(client, created["join_code"], "Ada")
    url = f"/api/classes/{created['id']}/worksheets"
    assert client.get(url).status_code == 401
    other = open_class(client, MAZUR_EXERCISE, "Other")
    assert client.get(url, headers=auth(other)).status_code == 403
    made = client.post(f"/api/classes/{created['id']}/assistant-key", headers=auth(created))
    assistant = {"Authorization": f"Bearer {made.json()['assistant_key']}"}
    assert client.get(url, headers=assistant).status_code == 403
