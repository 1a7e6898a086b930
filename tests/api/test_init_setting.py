"""`init` and `init_scale`, network settings: the weights are the scheme's draw from the seed,
a change draws them again, and bad values are refused naming the field."""

from __future__ import annotations

import numpy as np

from app import nn


def weights_of(state):
    return [np.array(w) for w in state["weights"]]


def test_create_and_change_the_way_weights_are_drawn(client):
    made = client.post(
        "/api/networks", json={"layers": [2, 8, 8, 1], "seed": 4, "init": "he_normal"}
    )
    assert made.status_code == 201, made.text
    state = made.json()
    assert (state["init"], state["init_scale"]) == ("he_normal", 1.0)
    expected = nn.init_params([2, 8, 8, 1], 4, "he_normal")
    assert all(
        np.array_equal(a, b) for a, b in zip(weights_of(state), expected.weights, strict=True)
    )

    nid = state["id"]
    changed = client.patch(f"/api/networks/{nid}", json={"init": "normal", "init_scale": 0.1})
    assert changed.status_code == 200, changed.text
    expected = nn.init_params([2, 8, 8, 1], 4, "normal", 0.1)
    got = weights_of(changed.json())
    assert all(np.array_equal(a, b) for a, b in zip(got, expected.weights, strict=True))

    client.post(f"/api/networks/{nid}/examples", json={"x": [[0, 1]], "y": [[1]]})
    assert client.post(f"/api/networks/{nid}/step", json={}).status_code == 200
    trained = client.get(f"/api/networks/{nid}").json()
    same = client.patch(f"/api/networks/{nid}", json={"init": "normal", "learning_rate": 0.2})
    assert same.json()["weights"] == trained["weights"]  # unchanged scheme: weights kept


def test_bad_values_name_the_field_and_change_nothing(client):
    state = client.post("/api/networks", json={"layers": [2, 1]}).json()
    for body, field in (
        ({"init": "xavier"}, "init"),
        ({"init_scale": 0}, "init_scale"),
        ({"init_scale": 1e9}, "init_scale"),
    ):
        refused = client.patch(f"/api/networks/{state['id']}", json=body)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == field
    assert client.get(f"/api/networks/{state['id']}").json() == state
