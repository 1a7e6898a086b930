"""The teacher's reading of the answers: the projector's plot (each student's latest try
minus the number right on their own network, computed here by tests/nn/reference.py's
finite differences on that student's network and examples), a student's run read-only, and
every try exported as it was sent; the keys that may read each, and removed students."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.classroom.classes import auth, join, open_class
from tests.classroom.conftest import MakeClient
from tests.nn import reference

BOTH_BACKENDS = True

# Mazur's network, each student with starting weights of their own: different numbers
ACTIVITY: dict[str, Any] = {
    "title": "∂J/∂w by hand",
    "preset": "mazur",
    "lock": ["architecture", "data"],
    "per_student": "weights",
    "questions": [
        {"path": "gradients.weights[1][0][0]", "prompt": "∂J/∂w5"},
        {"path": "weights_after[0][1][0]", "prompt": "w3 after one update"},
    ],
}
W5, W3_AFTER = ACTIVITY["questions"][0]["path"], ACTIVITY["questions"][1]["path"]


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


def expected_by_reference(client: TestClient, network_id: str) -> dict[str, float]:
    """∂J/∂w5 and w3 − η ∂J/∂w3 on the student's own network and examples, in plain Python."""
    net = client.get(f"/api/networks/{network_id}").json()
    x, y = net["dataset"]["x"], net["dataset"]["y"]
    g, _ = reference.finite_differences(net["weights"], net["biases"], x, y)
    w3 = net["weights"][0][1][0]
    return {W5: float(g[1][0, 0]), W3_AFTER: w3 - net["learning_rate"] * float(g[0][1, 0])}


def send(client: TestClient, network_id: str, path: str, value: float) -> dict[str, Any]:
    reply = client.post(f"/api/networks/{network_id}/answers", json={"path": path, "value": value})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_the_plot_is_each_students_latest_try_minus_their_own_number(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    students = [join(client, created["join_code"], n) for n in ("Ada", "Bo", "Cy", "Di")]
    expected = {s["network_id"]: expected_by_reference(client, s["network_id"]) for s in students}
    assert len({round(e[W5], 9) for e in expected.values()}) == 4  # four different numbers
    ada, bo, cy, _di = (s["network_id"] for s in students)  # Di sends nothing: no dot
    send(client, ada, W5, 1.0)  # an earlier try: only the latest counts
    send(client, ada, W5, -expected[ada][W5])  # the sign
    send(client, bo, W5, expected[bo][W5] * (1 + 2e-4))  # right, within 0.1 %
    send(client, cy, W5, expected[cy][W5] + 0.5)  # wrong, no mistake named
    send(client, cy, W3_AFTER, 0.3)  # another question: not on this plot
    response = client.get(f"/api/classes/{created['id']}/answers/0", headers=auth(created))
    assert response.status_code == 200, response.text
    plot = response.json()
    assert (plot["path"], plot["prompt"], plot["students"]) == (W5, "∂J/∂w5", 4)
    sent = {
        ada: (-expected[ada][W5], False, "sign"),
        bo: (expected[bo][W5] * (1 + 2e-4), True, None),
        cy: (expected[cy][W5] + 0.5, False, None),
    }
    want = sorted(
        (
            {
                "error": v - expected[nid][W5],
                "allowed": max(1e-3 * abs(expected[nid][W5]), 1e-4),
                "correct": right,
                "diagnosis": code,
            }
            for nid, (v, right, code) in sent.items()
        ),
        key=lambda d: d["error"] / d["allowed"],
    )
    assert len(plot["dots"]) == 3
    for got, dot in zip(plot["dots"], want, strict=True):
        assert (got["correct"], got["diagnosis"]) == (dot["correct"], dot["diagnosis"])
        assert got["error"] == pytest.approx(dot["error"], rel=1e-6, abs=1e-9)
        assert got["allowed"] == pytest.approx(dot["allowed"], rel=1e-6)
        assert (abs(got["error"]) <= got["allowed"]) == got["correct"]  # the band is [−1, 1]
    # nothing in it names a student or gives a value or an expected number
    text = response.text
    for s in students:
        assert s["name"] not in text and s["student_id"] not in text
    assert "value" not in plot["dots"][0] and "expected" not in plot["dots"][0]


def test_the_plot_of_a_question_past_the_activitys_is_a_404_naming_it(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    response = client.get(f"/api/classes/{created['id']}/answers/2", headers=auth(created))
    assert response.status_code == 404
    assert response.json()["detail"].startswith("question: the current activity has 2 questions")
    too_far = client.get(f"/api/classes/{created['id']}/answers/1001", headers=auth(created))
    assert too_far.status_code == 422 and "question" in too_far.text


def test_a_run_lists_every_try_in_order_and_the_export_has_them_all(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    ada = join(client, created["join_code"], "=Ada")  # a name a spreadsheet would run
    bo = join(client, created["join_code"], "Bo")
    e_ada = expected_by_reference(client, ada["network_id"])
    e_bo = expected_by_reference(client, bo["network_id"])
    sent = [
        (ada, W5, -e_ada[W5], False, "sign"),
        (ada, W5, 0.25, False, None),
        (bo, W3_AFTER, e_bo[W3_AFTER], True, None),
        (ada, W5, e_ada[W5], True, None),
        (ada, W3_AFTER, e_ada[W3_AFTER] + 1.0, False, None),
    ]
    for who, path, value, right, code in sent:
        reply = send(client, who["network_id"], path, value)
        assert (reply["correct"], (reply["diagnosis"] or {}).get("code")) == (right, code)
    base = f"/api/classes/{created['id']}"
    run = client.get(f"{base}/students/{ada['student_id']}/run", headers=auth(created)).json()
    assert run["student"] == {"student_id": ada["student_id"], "number": 1, "name": "=Ada"}
    assert run["network"] == client.get(f"/api/networks/{ada['network_id']}").json()
    assert run["history"] == client.get(f"/api/networks/{ada['network_id']}/history").json()
    w5 = run["questions"][0]
    assert (w5["path"], w5["state"], w5["attempts"]) == (W5, "right", 3)
    assert [(t["attempt"], t["value"], t["correct"]) for t in w5["tries"]] == [
        (1, -e_ada[W5], False),
        (2, 0.25, False),
        (3, e_ada[W5], True),
    ]
    assert w5["tries"][0]["diagnosis"]["code"] == "sign"
    assert "δ = −∂J/∂net" in w5["tries"][0]["diagnosis"]["message"]
    assert [t["diagnosis"] for t in w5["tries"][1:]] == [None, None]
    times = [t["at"] for t in w5["tries"]]
    assert times == sorted(times)
    for t in w5["tries"]:
        assert t["expected"] == pytest.approx(e_ada[W5], rel=1e-6)

    rows = client.get(f"{base}/tries.json", headers=auth(created)).json()["tries"]
    # by activity, student, question, attempt; each with what was sent and what it matched
    order = sorted(sent, key=lambda s: (s[0]["student_id"] != ada["student_id"], s[1] != W5))
    assert [(r["name"], r["path"], r["value"], r["correct"], r["diagnosis"]) for r in rows] == [
        (who["name"], path, value, right, code) for who, path, value, right, code in order
    ]
    assert [r["attempt"] for r in rows] == [1, 2, 3, 1, 1]
    assert [r["question"] for r in rows] == [1, 1, 1, 2, 2]

    text = client.get(f"{base}/tries.csv", headers=auth(created))
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(text.text)))
    assert table[0] == [
        "number", "name", "activity", "question", "path", "prompt", "attempt", "time",
        "value", "expected", "correct", "diagnosis",
    ]  # fmt: skip
    assert len(table) == 1 + len(rows)
    for line, row in zip(table[1:], rows, strict=True):
        assert line[1] == "'=Ada" if row["name"] == "=Ada" else line[1] == row["name"]
        assert float(line[8]) == row["value"]  # repr: the value to the bit
        assert line[10] == ("true" if row["correct"] else "false")
        assert line[11] == (row["diagnosis"] or "")
        when = datetime.datetime.fromisoformat(line[7].replace("Z", "+00:00"))
        assert when.timestamp() == pytest.approx(row["at"], abs=1e-3)


def test_the_run_reads_a_recorded_state_as_the_networks_own_history(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    ada = join(client, created["join_code"], "Ada")
    nid = ada["network_id"]
    for _ in range(3):
        assert client.post(f"/api/networks/{nid}/step", json={"epochs": 2}).status_code == 200
    base = f"/api/classes/{created['id']}/students/{ada['student_id']}"
    run = client.get(f"{base}/run", headers=auth(created)).json()
    assert [e["update"] for e in run["history"]["entries"]] == [0, 2, 4, 6]
    for k in (0, 2, 4, 5, 6):  # 5: inside a step, recomputed as the network's own route does
        mine = client.get(f"{base}/history/{k}", headers=auth(created))
        assert mine.status_code == 200
        assert mine.json() == client.get(f"/api/networks/{nid}/history/{k}").json()
    missing = client.get(f"{base}/history/7", headers=auth(created))
    assert missing.status_code == 404 and missing.json()["detail"].startswith("update:")
    # reading changed nothing: the card is as the last step left it
    card = client.get(f"/api/classes/{created['id']}", headers=auth(created)).json()
    assert card["students"][0]["phase"] == "step"
    assert client.get(f"/api/networks/{nid}").json()["updates"] == 6


def test_keys_that_may_not_read_are_refused(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    other = open_class(client, ACTIVITY, title="Another class")
    ada = join(client, created["join_code"], "Ada")
    send(client, ada["network_id"], W5, 0.5)
    base = f"/api/classes/{created['id']}"
    reads = [
        "/answers/0",
        f"/students/{ada['student_id']}/run",
        f"/students/{ada['student_id']}/history/0",
        "/tries.csv",
        "/tries.json",
    ]
    student = {"Authorization": f"Bearer {ada['student_key']}"}
    for path in reads:
        assert client.get(base + path).status_code == 401, path
        assert client.get(base + path, headers=student).status_code == 403, path
        assert client.get(base + path, headers=auth(other)).status_code == 403, path
        assert client.get(base + path, headers=auth(created)).status_code == 200, path
    made = client.post(f"{base}/assistant-key", headers=auth(created)).json()
    ta = {"Authorization": f"Bearer {made['assistant_key']}"}
    for path in reads[:3]:  # an assistant views a run and the plot
        assert client.get(base + path, headers=ta).status_code == 200, path
    for path in reads[3:]:  # and cannot export, as with the class's other exports
        refused = client.get(base + path, headers=ta)
        assert refused.status_code == 403 and "assistant" in refused.json()["detail"], path
    # another class's teacher cannot reach this class's student through their own class
    cross = client.get(
        f"/api/classes/{other['id']}/students/{ada['student_id']}/run", headers=auth(other)
    )
    assert cross.status_code == 404 and cross.json()["detail"].startswith("student_id:")


def test_a_removed_students_tries_and_run_are_gone(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    ada = join(client, created["join_code"], "Ada")
    bo = join(client, created["join_code"], "Bo")
    send(client, ada["network_id"], W5, 0.5)
    send(client, bo["network_id"], W5, 0.5)
    base = f"/api/classes/{created['id']}"
    removed = client.post(f"{base}/students/{ada['student_id']}/remove", headers=auth(created))
    assert removed.status_code == 200
    run = client.get(f"{base}/students/{ada['student_id']}/run", headers=auth(created))
    assert run.status_code == 404
    past = client.get(f"{base}/students/{ada['student_id']}/history/0", headers=auth(created))
    assert past.status_code == 404
    rows = client.get(f"{base}/tries.json", headers=auth(created)).json()["tries"]
    assert [r["name"] for r in rows] == ["Bo"]
    plot = client.get(f"{base}/answers/0", headers=auth(created)).json()
    assert (plot["students"], len(plot["dots"])) == (1, 1)


def test_a_try_of_an_earlier_release_is_listed_but_not_plotted(client: TestClient) -> None:
    created = open_class(client, ACTIVITY)
    ada = join(client, created["join_code"], "Ada")
    bo = join(client, created["join_code"], "Bo")
    send(client, ada["network_id"], W5, 0.5)
    send(client, bo["network_id"], W5, 0.5)
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.writing() as conn:  # as a release before the expected value was kept wrote it
        sql = "UPDATE answer_tries SET expected = NULL WHERE network_id = :id"
        conn.run(sql, id=ada["network_id"])
    base = f"/api/classes/{created['id']}"
    plot = client.get(f"{base}/answers/0", headers=auth(created)).json()
    assert (plot["students"], len(plot["dots"])) == (2, 1)
    run = client.get(f"{base}/students/{ada['student_id']}/run", headers=auth(created)).json()
    assert [(t["value"], t["expected"]) for t in run["questions"][0]["tries"]] == [(0.5, None)]
    rows = client.get(f"{base}/tries.csv", headers=auth(created)).text.splitlines()
    assert rows[1].split(",")[8:10] == ["0.5", ""]
