"""POST …/surface: J at each grid point equals the plain-Python reference's J (tests/nn/
reference.py) with those two parameters set, the centre is the current state, and bad input
is refused naming the field, changing nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.schemas import MAZUR_EXAMPLE
from tests.nn import reference


def make(client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def set_path(state: dict[str, Any], path: str, value: float) -> None:
    parts = [int(p) for p in path.split("[")[1:] for p in [p.rstrip("]")]]
    target = state["weights" if path.startswith("weights") else "biases"]
    for p in parts[:-1]:
        target = target[p]
    target[parts[-1]] = value


def reference_loss(state: dict[str, Any]) -> float:
    return reference.loss(
        state["weights"],
        state["biases"],
        state["dataset"]["x"],
        state["dataset"]["y"],
        hidden=state["hidden_activation"],
        output=state["output_activation"],
        kind=state["loss"],
        reduction=state["reduction"],
        l2=state["l2"],
    )


@pytest.mark.parametrize(
    "body, paths, n, span",
    [
        (MAZUR_EXAMPLE, ["weights[1][0][0]", "weights[1][0][1]"], 5, 1.0),
        ({"preset": "xor"}, ["weights[0][1][0]", "biases[1][0]"], 7, 3.0),
        (
            {"preset": "xor", "hidden_activation": "tanh", "loss": "cross_entropy", "l2": 0.1},
            ["weights[1][0][1]", "weights[0][0][0]"],
            4,
            0.5,
        ),
    ],
    ids=["mazur", "xor-bias", "xor-tanh-cross-entropy-l2-even"],
)
def test_each_point_is_j_with_those_two_set(client, body, paths, n, span):
    state = make(client, body)
    response = client.post(
        f"/api/networks/{state['id']}/surface", json={"weights": paths, "n": n, "span": span}
    )
    assert response.status_code == 200, response.text
    got = response.json()
    assert got["weights"] == paths
    assert [len(a) for a in got["axes"]] == [n, n]
    assert len(got["loss"]) == n and all(len(row) == n for row in got["loss"])
    probe = copy.deepcopy(state)
    for axis in got["axes"]:
        assert axis[0] == pytest.approx(axis[n // 2] - span * (1 if n % 2 else 1 + 1 / (n - 1)))
        assert axis[-1] - axis[0] == pytest.approx(2 * span)
    for i, a in enumerate(got["axes"][0]):
        for j, b in enumerate(got["axes"][1]):
            set_path(probe, paths[0], a)
            set_path(probe, paths[1], b)
            assert got["loss"][i][j] == pytest.approx(reference_loss(probe), rel=1e-12, abs=1e-15)
    assert client.get(f"/api/networks/{state['id']}").json()["weights"] == state["weights"]


def test_the_current_state_is_the_centre(client):
    state = make(client, {"preset": "xor"})
    nid = state["id"]
    for _ in range(3):
        assert client.post(f"/api/networks/{nid}/step", json={"epochs": 20}).status_code == 200
    now = client.get(f"/api/networks/{nid}").json()
    paths = ["weights[1][0][0]", "biases[0][1]"]
    got = client.post(f"/api/networks/{nid}/surface", json={"weights": paths, "n": 9}).json()
    assert got["at"] == [now["weights"][1][0][0], now["biases"][0][1]]
    assert [got["axes"][0][4], got["axes"][1][4]] == got["at"]  # exactly the current values
    loss = client.post(f"/api/networks/{nid}/forward", json={}).json()["loss"]
    assert got["loss"][4][4] == loss  # the same J, to the bit
    assert got["axes"][0][0] == pytest.approx(got["at"][0] - 2.0)  # the default span


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"weights": ["weights[2][0][0]", "weights[0][0][0]"]}, 409, "weights[0]"),
        ({"weights": ["weights[0][0][0]", "weights[1][1][0]"]}, 409, "weights[1]"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][2]"]}, 409, "weights[1]"),
        ({"weights": ["weights[0][0][0]", "biases[1][1]"]}, 409, "weights[1]"),
        ({"weights": ["w[0][0][0]", "weights[0][0][1]"]}, 422, "weights[0]"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][0]"]}, 422, "weights"),
        ({"weights": ["weights[0][0][0]"]}, 422, "weights"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][1]"], "n": 2}, 422, "n"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][1]"], "n": 62}, 422, "n"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][1]"], "span": 0}, 422, "span"),
        ({"weights": ["weights[0][0][0]", "weights[0][0][1]"], "span": 1e9}, 422, "span"),
        ({"n": 5}, 422, "weights"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, body, status, field):
    state = make(client, {"preset": "xor"})
    response = client.post(f"/api/networks/{state['id']}/surface", json=body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field
    assert client.get(f"/api/networks/{state['id']}").json() == state


def test_no_dataset_and_the_work_bound(client):
    bare = make(client, {"layers": [2, 2, 1]})
    paths = {"weights": ["weights[0][0][0]", "weights[0][0][1]"]}
    response = client.post(f"/api/networks/{bare['id']}/surface", json=paths)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (409, "dataset")
    big = make(
        client,
        {"layers": [2, 256, 256, 1], "generate": {"shape": "circle", "n": 200, "seed": 1}},
    )
    response = client.post(f"/api/networks/{big['id']}/surface", json=paths | {"n": 61})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (409, "n")
    assert client.get("/api/networks/" + "x" * 20 + "/surface").status_code in (404, 405)
    missing = client.post("/api/networks/" + "x" * 20 + "/surface", json=paths)
    assert missing.status_code == 404
