"""POST …/fork and GET …/forks: a fork starts as the origin is, bit for bit, with one setting
changed; the two never touch each other again; each knows the other; a fork is a creation
(rate limit, cap) and a class's settings lock or pause refuses it, creating nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.classroom.classes import auth, join, open_class
from tests.classroom.conftest import MakeClient, make_client

__all__ = ["make_client"]  # the fixture, imported for the tests below

SETTINGS = ("hidden_activation", "output_activation", "loss", "reduction", "train_biases", "l2")


def make(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def trained_xor(client: TestClient, epochs: int = 30) -> dict[str, Any]:
    origin = make(client, {"preset": "xor"})
    stepped = client.post(f"/api/networks/{origin['id']}/step", json={"epochs": epochs})
    assert stepped.status_code == 200, stepped.text
    return dict(stepped.json()["network"])


def fork(client: TestClient, network_id: str, body: Any = None) -> dict[str, Any]:
    response = client.post(f"/api/networks/{network_id}/fork", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def count(client: TestClient) -> int:
    return int(client.app.state.store.count())  # type: ignore[attr-defined]


def test_the_fork_starts_at_the_origin_s_state_to_the_bit(client):
    origin = trained_xor(client)
    copy = fork(client, origin["id"], {"learning_rate": 0.125})
    assert copy["id"] != origin["id"]
    # JSON floats are written exactly (shortest repr): equal here is equal to the bit
    different = {k for k in origin if origin[k] != copy[k]}
    assert different == {"id", "learning_rate"}
    assert copy["learning_rate"] == 0.125 != origin["learning_rate"]
    assert copy["updates"] == origin["updates"] == 30
    # the fork's history starts at the origin's state, J included
    history = client.get(f"/api/networks/{copy['id']}/history").json()
    origin_history = client.get(f"/api/networks/{origin['id']}/history").json()
    assert [(e["update"], e["kind"]) for e in history["entries"]] == [(30, "create")]
    assert history["entries"][0]["loss"] == origin_history["entries"][-1]["loss"]
    # and its forward pass is the origin's, number for number
    a = client.post(f"/api/networks/{origin['id']}/forward").json()
    b = client.post(f"/api/networks/{copy['id']}/forward").json()
    assert a == b


def test_an_empty_body_copies_every_setting(client):
    origin = make(client, {"preset": "xor", "hidden_activation": "tanh", "l2": 0.01, "seed": 7})
    for body in (None, {}):
        copy = fork(client, origin["id"], body)
        assert {k for k in origin if origin[k] != copy[k]} == {"id"}


@pytest.mark.parametrize(
    "change",
    [
        {"l2": 0.05},
        {"hidden_activation": "relu"},
        {"output_activation": "linear"},
        {"loss": "cross_entropy"},
        {"reduction": "mean"},
        {"train_biases": False},
    ],
)
def test_each_setting_a_fork_may_change(client, change):
    origin = trained_xor(client, 5)
    copy = fork(client, origin["id"], change)
    assert {k for k in origin if origin[k] != copy[k]} == {"id", *change}
    assert {k: copy[k] for k in change} == change


def test_stepping_one_never_changes_the_other_and_the_fork_trains_with_its_own_eta(client):
    origin = trained_xor(client, 10)
    copy = fork(client, origin["id"], {"learning_rate": 3.0})
    stepped = client.post(f"/api/networks/{copy['id']}/step", json={"epochs": 20}).json()
    assert client.get(f"/api/networks/{origin['id']}").json() == origin
    # the same 20 epochs on a network made independently with those weights, data and η
    twin = make(
        client,
        {
            "layers": origin["layers"],
            "weights": origin["weights"],
            "biases": origin["biases"],
            "dataset": origin["dataset"],
            "learning_rate": 3.0,
        },
    )
    alone = client.post(f"/api/networks/{twin['id']}/step", json={"epochs": 20}).json()
    assert stepped["network"]["weights"] == alone["network"]["weights"]
    assert stepped["network"]["biases"] == alone["network"]["biases"]
    assert stepped["losses"] == alone["losses"]
    # and the other way round: the origin steps, the fork stays
    fork_now = client.get(f"/api/networks/{copy['id']}").json()
    client.post(f"/api/networks/{origin['id']}/step", json={"epochs": 5})
    client.patch(f"/api/networks/{origin['id']}", json={"learning_rate": 0.1})
    assert client.get(f"/api/networks/{copy['id']}").json() == fork_now


def test_each_knows_the_other_until_it_is_gone(client):
    origin = trained_xor(client, 4)
    origin_entry = client.get(f"/api/networks/{origin['id']}/history").json()["current"]
    first = fork(client, origin["id"], {"learning_rate": 1.5})
    client.post(f"/api/networks/{origin['id']}/step", json={"epochs": 3})
    second = fork(client, origin["id"], {})
    links = client.get(f"/api/networks/{origin['id']}/forks").json()
    assert links["origin"] is None
    assert links["forks"] == [
        {"id": first["id"], "update": 4, "entry": origin_entry, "changed": {"learning_rate": 1.5}},
        {"id": second["id"], "update": 7, "entry": origin_entry + 1, "changed": {}},
    ]
    up = client.get(f"/api/networks/{first['id']}/forks").json()
    assert up == {
        "origin": {
            "id": origin["id"],
            "update": 4,
            "entry": origin_entry,
            "changed": {"learning_rate": 1.5},
        },
        "forks": [],
    }
    # a fork of a fork: the middle one has both
    third = fork(client, first["id"], {"l2": 0.5})
    middle = client.get(f"/api/networks/{first['id']}/forks").json()
    assert middle["origin"]["id"] == origin["id"]
    assert [f["id"] for f in middle["forks"]] == [third["id"]]
    # a deleted fork leaves the origin's list; a deleted origin leaves its forks unlinked
    assert client.delete(f"/api/networks/{second['id']}").status_code == 204
    assert [f["id"] for f in client.get(f"/api/networks/{origin['id']}/forks").json()["forks"]] == [
        first["id"]
    ]
    assert client.delete(f"/api/networks/{origin['id']}").status_code == 204
    assert client.get(f"/api/networks/{first['id']}/forks").json()["origin"] is None
    assert client.get("/api/networks/nosuchnetwork/forks").status_code == 404


BAD = [
    ({"learning_rate": 0}, 422, "learning_rate"),
    ({"learning_rate": -1.0}, 422, "learning_rate"),
    ({"learning_rate": 1e9}, 422, "learning_rate"),
    ({"learning_rate": None}, 422, "learning_rate"),
    ({"learning_rate": "fast"}, 422, "learning_rate"),
    ({"l2": -0.1}, 422, "l2"),
    ({"hidden_activation": "softmax"}, 422, "hidden_activation"),
    ({"learning_rate": 1.0, "l2": 0.1}, 422, "l2"),
    ({"name": "mine"}, 422, "name"),
    ({"layers": [2, 3, 1]}, 422, "layers"),
    ([1, 2], 422, "body"),
]


@pytest.mark.parametrize(("body", "status", "field"), BAD)
def test_bad_input_names_the_field_and_creates_nothing(client, body, status, field):
    origin = make(client, {"preset": "xor"})
    before = count(client)
    response = client.post(f"/api/networks/{origin['id']}/fork", json=body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field, response.text
    assert count(client) == before
    assert client.get(f"/api/networks/{origin['id']}/forks").json()["forks"] == []
    assert client.get(f"/api/networks/{origin['id']}").json() == origin


def test_a_setting_that_does_not_fit_is_409_naming_it(client):
    origin = make(client, {"preset": "xor", "loss": "cross_entropy"})
    before = count(client)
    response = client.post(f"/api/networks/{origin['id']}/fork", json={"output_activation": "tanh"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "output_activation"
    assert "cross_entropy" in response.json()["detail"]
    regression = make(client, {"layers": [1, 1], "dataset": {"x": [[0.0]], "y": [[3.0]]}})
    response = client.post(f"/api/networks/{regression['id']}/fork", json={"loss": "cross_entropy"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "loss"
    assert count(client) == before + 1
    assert client.post("/api/networks/nosuch/fork", json={}).status_code == 404


def test_a_fork_is_a_creation_the_rate_limit_counts(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_CREATE_BURST="3", BACKPROP_CREATE_PER_MINUTE="0.01")
    origin = make(client, {"preset": "xor"})
    fork(client, origin["id"], {"learning_rate": 1.0})
    fork(client, origin["id"], {"learning_rate": 2.0})
    refused = client.post(f"/api/networks/{origin['id']}/fork", json={"learning_rate": 3.0})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["errors"][0]["field"] == "request"
    assert len(client.get(f"/api/networks/{origin['id']}/forks").json()["forks"]) == 2
    # reading the links is no creation
    assert client.get(f"/api/networks/{origin['id']}/forks").status_code == 200


def test_a_fork_counts_against_the_cap_on_networks(make_client: MakeClient) -> None:
    client = make_client(BACKPROP_MAX_NETWORKS="2")
    origin = make(client, {"preset": "xor"})
    fork(client, origin["id"], {})
    refused = client.post(f"/api/networks/{origin['id']}/fork", json={"learning_rate": 3.0})
    assert refused.status_code == 503
    assert "BACKPROP_MAX_NETWORKS" in refused.json()["detail"]
    assert count(client) == 2
    assert len(client.get(f"/api/networks/{origin['id']}/forks").json()["forks"]) == 1


@pytest.mark.parametrize("body", [{"learning_rate": 0.1}, {}, None])
def test_a_class_network_with_locked_settings_cannot_be_forked(
    make_client: MakeClient, body: Any
) -> None:
    client = make_client()
    created = open_class(client, {"preset": "xor", "lock": ["settings"]})
    student = join(client, created["join_code"])
    network_id = student["network_id"]
    before = count(client)
    response = client.post(f"/api/networks/{network_id}/fork", json=body)
    assert response.status_code == 403
    field = "learning_rate" if body else "body"
    assert response.json()["errors"][0]["field"] == field
    assert "locked by the teacher" in response.json()["detail"]
    assert count(client) == before
    assert client.get(f"/api/networks/{network_id}/forks").json()["forks"] == []


def test_a_class_network_forks_when_unlocked_but_not_while_paused(
    make_client: MakeClient,
) -> None:
    client = make_client()
    created = open_class(client, {"preset": "xor", "lock": ["architecture", "data"]})
    student = join(client, created["join_code"])
    network_id = student["network_id"]
    copy = fork(client, network_id, {"learning_rate": 2.0})
    # the fork is the student's own, outside the class: no lock and no card follow it
    assert client.get(f"/api/networks/{copy['id']}/classroom").status_code == 404
    client.post(f"/api/classes/{created['id']}/pause", headers=auth(created))
    before = count(client)
    response = client.post(f"/api/networks/{network_id}/fork", json={"learning_rate": 3.0})
    assert response.status_code == 423
    assert count(client) == before


def test_a_fork_of_a_recorded_state_starts_there_and_the_origin_stays(client):
    origin = trained_xor(client, 10)
    client.post(f"/api/networks/{origin['id']}/step", json={"epochs": 10})
    now = client.get(f"/api/networks/{origin['id']}").json()
    history = client.get(f"/api/networks/{origin['id']}/history").json()["entries"]
    at_ten = next(e for e in history if e["update"] == 10)
    cases = [
        (f"?update=10&entry={at_ten['entry']}", 10, at_ten["entry"]),  # an entry
        ("?update=4", 4, None),  # inside a step: recomputed, no entry of its own
    ]
    for query, update, entry in cases:
        response = client.post(f"/api/networks/{origin['id']}/fork{query}", json={"l2": 0.25})
        assert response.status_code == 201, response.text
        copy = response.json()
        then = client.get(f"/api/networks/{origin['id']}/history/{update}").json()
        assert {k for k in then if then[k] != copy[k]} == {"id", "l2"}
        assert copy["updates"] == update
        links = client.get(f"/api/networks/{copy['id']}/forks").json()
        assert (links["origin"]["update"], links["origin"]["entry"]) == (update, entry)
    assert client.get(f"/api/networks/{origin['id']}").json() == now
    before = count(client)
    for query, field, status in (("?update=99", "update", 404), ("?update=-1", "update", 422)):
        response = client.post(f"/api/networks/{origin['id']}/fork{query}", json={})
        assert response.status_code == status
        assert response.json()["errors"][0]["field"] == field
    assert count(client) == before
