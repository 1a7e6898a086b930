"""Answers checked by the server against independent values: Mazur's published numbers,
numbers computed by hand, and per-student numbers from a plain-Python reference."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import MAZUR_EXAMPLE
from tests.classroom.classes import join, open_class, snapshot
from tests.classroom.conftest import MakeClient
from tests.nn import reference

BOTH_BACKENDS = True
"""Every test here runs on SQLite and on PostgreSQL (tests/classroom/conftest.py)."""

# Mazur, "A Step by Step Backpropagation Example": δ_o1 = −(0.74136507 · 0.186815602),
# w5⁺ = 0.35891648, ∂E/∂w1 = 0.000438568, w1⁺ = 0.149780716, net_h1 = 0.3775,
# out_o2 = 0.772928465, E_total = 0.298371109.
MAZUR = [
    ("deltas[1][0][0]", -0.138498562),
    ("weights_after[1][0][0]", 0.35891648),
    ("gradients.weights[0][0][0]", 0.000438568),
    ("weights_after[0][0][0]", 0.149780716),
    ("net[0][0][0]", 0.3775),
    ("activations[2][0][1]", 0.772928465),
    ("loss", 0.298371109),
    ("biases_after[1][0]", 0.60),  # his biases are never updated
]

# By hand, one linear unit: w = 0.5, b = 0.1, x = 2, y = 1, η = 0.1, J = ½ (y − o)².
# net = 0.5·2 + 0.1 = 1.1 = o; δ = (y − o)·1 = −0.1; ∂J/∂w = −δ u = 0.2; Δw = −η·0.2 = −0.02;
# w⁺ = 0.48; ∂J/∂b = −δ = 0.1; Δb = −0.01; b⁺ = 0.09; J = ½ · 0.01 = 0.005.
LINEAR = {
    "layers": [1, 1],
    "output_activation": "linear",
    "learning_rate": 0.1,
    "weights": [[[0.5]]],
    "biases": [[0.1]],
    "dataset": {"x": [[2.0]], "y": [[1.0]]},
}
BY_HAND = [
    ("net[0][0][0]", 1.1),
    ("deltas[0][0][0]", -0.1),
    ("gradients.weights[0][0][0]", 0.2),
    ("gradients.biases[0][0]", 0.1),
    ("weight_deltas[0][0][0]", -0.02),
    ("bias_deltas[0][0]", -0.01),
    ("weights_after[0][0][0]", 0.48),
    ("biases_after[0][0]", 0.09),
    ("loss", 0.005),
    ("activations[0][0][0]", 2.0),
]


def answer(client: TestClient, network_id: str, **body: Any) -> Any:
    response = client.post(f"/api/networks/{network_id}/answers", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.mark.parametrize(("path", "published"), MAZUR)
def test_mazurs_numbers_are_right(client: TestClient, path: str, published: float) -> None:
    network = client.post("/api/networks", json=MAZUR_EXAMPLE).json()
    result = answer(client, network["id"], path=path, value=published)
    assert result["correct"] is True, result
    assert result["expected"] == pytest.approx(published, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(("path", "by_hand"), BY_HAND)
def test_hand_computed_numbers_are_right(client: TestClient, path: str, by_hand: float) -> None:
    network = client.post("/api/networks", json=LINEAR).json()
    result = answer(client, network["id"], path=path, value=by_hand)
    assert result["correct"] is True, result
    assert result["expected"] == pytest.approx(by_hand, abs=1e-12)


def test_the_tolerance_is_relative_or_absolute(client: TestClient) -> None:
    nid = client.post("/api/networks", json=MAZUR_EXAMPLE).json()["id"]
    # default: |v − e| ≤ max(1e-3 · |e|, 1e-4); for δ_o1 that is 1.385e-4
    assert answer(client, nid, path="deltas[1][0][0]", value=-0.1384)["correct"] is True
    assert answer(client, nid, path="deltas[1][0][0]", value=-0.1387)["correct"] is False
    # a tiny number: the absolute part decides (∂E/∂w1 = 0.000438568)
    assert answer(client, nid, path="gradients.weights[0][0][0]", value=0.0005)["correct"]
    assert not answer(client, nid, path="gradients.weights[0][0][0]", value=0.0006)["correct"]


def test_a_class_sets_its_own_tolerance(client: TestClient) -> None:
    created = open_class(
        client,
        {"preset": "mazur", "tolerance": {"relative": 0, "absolute": 0.01}},
    )
    nid = join(client, created["join_code"])["network_id"]
    assert answer(client, nid, path="deltas[1][0][0]", value=-0.13)["correct"] is True
    assert answer(client, nid, path="deltas[1][0][0]", value=-0.15)["correct"] is False


def test_attempts_right_and_reveal(client: TestClient) -> None:
    created = open_class(client)
    student = join(client, created["join_code"])
    nid = student["network_id"]
    wrong = answer(client, nid, path="deltas[1][0][0]", value=0.5)
    assert wrong == {
        "path": "deltas[1][0][0]",
        "correct": False,
        "attempts": 1,
        "revealed": False,
        "expected": None,  # never shown before it is right or revealed
        "streak": 0,
        "mastered": False,
        "diagnosis": None,  # 0.5 matches no common mistake
    }
    right = answer(client, nid, path="deltas[1][0][0]", value=-0.138498562)
    assert (right["correct"], right["attempts"]) == (True, 2)
    shown = answer(client, nid, path="weights_after[1][0][0]", reveal=True)
    assert shown["revealed"] is True
    assert shown["expected"] == pytest.approx(0.35891648, abs=1e-8)
    later = answer(client, nid, path="weights_after[1][0][0]", value=0.35891648)
    assert (later["correct"], later["revealed"]) == (True, True)  # revealed stays revealed
    view = client.get(f"/api/networks/{nid}/classroom").json()
    assert [(q["state"], q["attempts"]) for q in view["questions"]] == [
        ("right", 2),
        ("revealed", 1),
    ]
    card = snapshot(client, created)["students"][0]
    assert card["answers"] == {
        "total": 2,
        "right": 1,
        "revealed": 1,
        "tried": 3,
        "current": None,
        "mastery": None,
        "mastered": [],
        "diagnoses": {},
    }


def test_the_expected_value_follows_the_students_own_network(client: TestClient) -> None:
    created = open_class(client, {"preset": "mazur", "lock": []})
    nid = join(client, created["join_code"])["network_id"]
    weights = [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]]
    assert client.patch(f"/api/networks/{nid}", json={"weights": weights}).status_code == 200
    network = client.get(f"/api/networks/{nid}").json()
    gw, _ = reference.finite_differences(
        network["weights"], network["biases"], [[0.05, 0.10]], [[0.01, 0.99]]
    )
    assert answer(client, nid, path="gradients.weights[1][1][0]", value=gw[1][1][0])["correct"]
    # Mazur's own number is wrong for this student's weights
    assert not answer(client, nid, path="weights_after[1][0][0]", value=0.35891648)["correct"]


def test_per_student_numbers_are_checked_on_each_students_own(client: TestClient) -> None:
    created = open_class(
        client,
        {"preset": "xor", "per_student": "weights", "questions": [{"path": "net[0][3][0]"}]},
    )
    students = [join(client, created["join_code"]) for _ in range(2)]
    nets = []
    for student in students:
        n = student["network"]
        (u1, u2), w, b = n["dataset"]["x"][3], n["weights"][0][0], n["biases"][0][0]
        own = w[0] * u1 + w[1] * u2 + b  # net of h1 on the fourth example, by hand
        assert answer(client, student["network_id"], path="net[0][3][0]", value=own)["correct"]
        nets.append(own)
    assert abs(nets[0] - nets[1]) > 1e-3 * max(abs(nets[0]), abs(nets[1])) + 1e-4
    other = answer(client, students[1]["network_id"], path="net[0][3][0]", value=nets[0])
    assert other["correct"] is False


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"path": "deltas[2][0][0]", "value": 1}, "path", 409),  # past the network's layers
        ({"path": "deltas[1][0][2]", "value": 1}, "path", 409),
        ({"path": "deltas[1][1][0]", "value": 1}, "path", 409),  # one example only
        ({"path": "deltas[1][0]", "value": 1}, "path", 422),
        ({"path": "loss[0]", "value": 1}, "path", 422),
        ({"path": "weights", "value": 1}, "path", 422),
        ({"path": "gradients.weights[0][0][0][0]", "value": 1}, "path", 422),
        ({"path": "", "value": 1}, "path", 422),
        ({"path": "loss"}, "value", 422),
        ({"path": "loss", "value": None}, "value", 422),
        ({"path": "loss", "value": "0.3"}, "value", 422),
        ({"path": "loss", "value": 1, "extra": 1}, "extra", 422),
    ],
)
def test_a_bad_answer_is_refused_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str, status: int
) -> None:
    created = open_class(client)
    student = join(client, created["join_code"])
    response = client.post(f"/api/networks/{student['network_id']}/answers", json=body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field
    card = snapshot(client, created)["students"][0]
    assert card["answers"]["tried"] == 0  # nothing recorded


def test_answers_need_a_stored_dataset(client: TestClient) -> None:
    nid = client.post("/api/networks", json={"layers": [2, 1]}).json()["id"]
    response = client.post(f"/api/networks/{nid}/answers", json={"path": "loss", "value": 0})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "path"


def test_an_unknown_network_is_404(client: TestClient) -> None:
    response = client.post("/api/networks/nope/answers", json={"path": "loss", "value": 0})
    assert response.status_code == 404


def test_a_student_sees_nothing_of_other_students(client: TestClient) -> None:
    created = open_class(client)
    a, b = join(client, created["join_code"], "Ada"), join(client, created["join_code"], "Bo")
    answer(client, a["network_id"], path="deltas[1][0][0]", value=-0.138498562)
    for student, other in ((a, b), (b, a)):
        texts = [
            client.get(f"/api/networks/{student['network_id']}/classroom").text,
            client.get(f"/api/networks/{student['network_id']}").text,
        ]
        for text in texts:
            assert other["network_id"] not in text
            assert other["student_id"] not in text
            assert other["student_key"] not in text
    view = client.get(f"/api/networks/{b['network_id']}/classroom").json()
    assert view["questions"][0]["state"] == "open"  # Ada's answer is not Bo's
    assert view["student_name"] == "Bo"
