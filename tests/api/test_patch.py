"""A PATCH leaves a network whose stored dataset suits its final settings: what is refused
when the examples are sent is refused when the network already holds them."""

from __future__ import annotations

from fastapi.testclient import TestClient

DATASET = {"x": [[0.0], [1.0]], "y": [[0.25], [2.5]]}  # 2.5: no cross_entropy target


def make(client: TestClient) -> str:
    body = {"layers": [1, 2, 1], "dataset": DATASET}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201
    return str(response.json()["id"])


def test_cross_entropy_is_refused_over_stored_targets_outside_0_1(client: TestClient) -> None:
    network_id = make(client)
    before = client.get(f"/api/networks/{network_id}").json()
    response = client.patch(f"/api/networks/{network_id}", json={"loss": "cross_entropy"})
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {
            "field": "loss",
            "message": "cross_entropy needs targets between 0 and 1, and the stored "
            "dataset's y[1][0] is 2.5: send a new dataset too",
        }
    ]
    assert client.get(f"/api/networks/{network_id}").json() == before
    # J = ½ Σ (y − o)² stays what it is: never below zero
    step = client.post(f"/api/networks/{network_id}/step", json={})
    assert step.status_code == 200
    assert step.json()["loss"] >= 0


def test_the_same_targets_sent_are_refused_as_before(client: TestClient) -> None:
    network_id = make(client)
    response = client.patch(
        f"/api/networks/{network_id}", json={"loss": "cross_entropy", "dataset": DATASET}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "dataset.y[1][0]"


def test_cross_entropy_with_a_new_dataset_or_none_is_accepted(client: TestClient) -> None:
    network_id = make(client)
    fit = {"x": [[0.0], [1.0]], "y": [[0.0], [1.0]]}
    changed = client.patch(
        f"/api/networks/{network_id}", json={"loss": "cross_entropy", "dataset": fit}
    )
    assert changed.status_code == 200
    assert changed.json()["loss"] == "cross_entropy"
    step = client.post(f"/api/networks/{network_id}/step", json={})
    assert step.json()["loss"] >= 0  # cross-entropy of targets in [0, 1]: never negative

    other = make(client)
    removed = client.patch(
        f"/api/networks/{other}", json={"loss": "cross_entropy", "dataset": None}
    )
    assert removed.status_code == 200
    assert removed.json()["dataset"] is None
