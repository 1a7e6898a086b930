"""Every endpoint, against hand-computed values and the engine's own definitions."""

from __future__ import annotations

import math

import pytest

XOR = {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}
LINEAR_UNIT = {
    "layers": [2, 1],
    "weights": [[[2, -1]]],
    "biases": [[0.5]],
    "output_activation": "linear",
}
"""One linear unit, o = net = 2·u_1 − u_2 + 0.5: the by-hand cases below compute with it."""


def create(client, **body):
    body = {"layers": [2, 3, 1], "seed": 1, **body}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_create_returns_the_state_with_defaults(client):
    state = create(client)
    assert len(state["id"]) >= 22  # 128+ bits of token_urlsafe
    assert state["layers"] == [2, 3, 1]
    assert [len(w) for w in state["weights"]] == [3, 1]
    assert [len(w[0]) for w in state["weights"]] == [2, 3]
    assert state["biases"] == [[0.0, 0.0, 0.0], [0.0]]
    assert state["hidden_activation"] == state["output_activation"] == "sigmoid"
    assert state["loss"] == "squared_error"
    assert state["learning_rate"] == 0.5
    assert state["reduction"] == "sum"
    assert state["train_biases"] is True
    assert state["dataset"] is None
    assert state["updates"] == 0


def test_the_same_request_gives_the_same_network(client):
    a, b, c = create(client, seed=5), create(client, seed=5), create(client, seed=6)
    assert a["weights"] == b["weights"] and a["id"] != b["id"]
    assert a["weights"] != c["weights"]


def test_get_returns_what_create_stored(client):
    state = create(client, dataset=XOR, name="ünïcode ✓")
    assert client.get(f"/api/networks/{state['id']}").json() == state


def test_full_float64_precision_round_trips(client):
    w = [[[0.1 + 0.2, 1 / 3]], [[math.pi]]]
    state = create(client, layers=[2, 1, 1], weights=w, biases=[[2**-40], [1e-300]])
    assert state["weights"] == w
    assert state["biases"] == [[2**-40], [1e-300]]


def test_forward_by_hand(client):
    """One linear unit: net = 2·3 + (−1)·4 + 0.5 = 2.5; loss ½(1 − 2.5)² = 1.125."""
    state = create(client, **LINEAR_UNIT)
    body = client.post(
        f"/api/networks/{state['id']}/forward", json={"x": [[3, 4]], "y": [[1]]}
    ).json()
    assert body == {
        "net": [[[2.5]]],
        "activations": [[[3.0, 4.0]], [[2.5]]],
        "output": [[2.5]],
        "loss": 1.125,
    }
    no_targets = client.post(f"/api/networks/{state['id']}/forward", json={"x": [[3, 4]]})
    assert no_targets.json()["loss"] is None


def test_predict_is_forwards_output_alone(client):
    state = create(client, layers=[2, 8, 8, 1], dataset=XOR, hidden_activation="tanh")
    grid = [[i / 4, j / 4] for i in range(5) for j in range(5)]
    forward = client.post(f"/api/networks/{state['id']}/forward", json={"x": grid}).json()
    predict = client.post(f"/api/networks/{state['id']}/predict", json={"x": grid})
    assert predict.json() == {"output": forward["output"]}
    assert len(predict.content) * 5 < len(
        client.post(f"/api/networks/{state['id']}/forward", json={"x": grid}).content
    )
    stored = client.post(f"/api/networks/{state['id']}/predict").json()["output"]
    assert len(stored) == 4
    bad = client.post(f"/api/networks/{state['id']}/predict", json={"x": [[1, 2, 3]]})
    assert bad.status_code == 409 and bad.json()["errors"][0]["field"] == "x[0]"


def test_predict_with_hidden_is_forwards_activations_of_every_unit(client):
    state = create(client, layers=[2, 3, 2, 1], dataset=XOR, hidden_activation="tanh")
    grid = [[i / 4, j / 4] for i in range(5) for j in range(5)]
    url = f"/api/networks/{state['id']}"
    forward = client.post(f"{url}/forward", json={"x": grid}).json()
    both = client.post(f"{url}/predict", json={"x": grid, "hidden": True}).json()
    assert both == {"output": forward["output"], "hidden": forward["activations"][1:-1]}
    assert [len(layer[0]) for layer in both["hidden"]] == [3, 2]
    # a one-layer network has no hidden units: an empty list
    flat = create(client, layers=[2, 1], dataset=XOR)
    assert client.post(f"/api/networks/{flat['id']}/predict", json={"hidden": True}).json() == {
        "output": client.post(f"/api/networks/{flat['id']}/predict").json()["output"],
        "hidden": [],
    }
    bad = client.post(f"{url}/predict", json={"hidden": "yes"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "hidden"
    # /forward does not take it: its answer holds every layer already
    assert client.post(f"{url}/forward", json={"hidden": True}).status_code == 422


def test_forward_defaults_to_the_stored_dataset(client):
    state = create(client, dataset=XOR)
    body = client.post(f"/api/networks/{state['id']}/forward").json()
    assert body["activations"][0] == XOR["x"]
    assert len(body["output"]) == 4 and body["loss"] > 0


def test_backward_by_hand_and_changes_nothing(client):
    """Linear unit, squared error: δ = y − o = 1 − 2.5 = −1.5; ∂J/∂w = −δu = (4.5, 6);
    ∂J/∂b = 1.5; Δw = −η ∂J/∂w with η = 0.1."""
    state = create(client, **LINEAR_UNIT, learning_rate=0.1)
    body = client.post(
        f"/api/networks/{state['id']}/backward", json={"x": [[3, 4]], "y": [[1]]}
    ).json()
    assert body["deltas"] == [[[-1.5]]]
    assert body["gradients"] == {
        "weights": [[[4.5, 6.0]]],
        "biases": [[1.5]],
        "weights_data": None,  # no L2 term: the data part is all of it, and not repeated
        "weights_penalty": None,
    }
    assert body["weight_deltas"] == [[[pytest.approx(-0.45), pytest.approx(-0.6)]]]
    assert body["bias_deltas"] == [[pytest.approx(-0.15)]]
    assert body["loss"] == 1.125
    assert client.get(f"/api/networks/{state['id']}").json() == state


def test_step_batch_applies_delta_w_and_counts_updates(client):
    state = create(client, **LINEAR_UNIT, learning_rate=0.1)
    body = client.post(f"/api/networks/{state['id']}/step", json={"x": [[3, 4]], "y": [[1]]}).json()
    assert body["network"]["weights"] == [[[pytest.approx(1.55), pytest.approx(-1.6)]]]
    assert body["network"]["biases"] == [[pytest.approx(0.35)]]
    assert body["network"]["updates"] == 1
    # after: net = 1.55·3 − 1.6·4 + 0.35 = −1.4; J = ½(1 + 1.4)² = 2.88
    assert body["losses"] == [pytest.approx(2.88)]
    assert body["deltas"] == [[[-1.5]]]  # the pass that produced the update


def test_step_batch_sums_over_examples(client):
    """The lecture notes' rule: one update from Σ_i ∂J_i/∂w, the backward pass's gradient."""
    state = create(client, dataset=XOR)
    grads = client.post(f"/api/networks/{state['id']}/backward").json()["gradients"]
    after = client.post(f"/api/networks/{state['id']}/step").json()["network"]
    for k in range(2):
        for r, row in enumerate(after["weights"][k]):
            for q, w in enumerate(row):
                expected = state["weights"][k][r][q] - 0.5 * grads["weights"][k][r][q]
                assert w == pytest.approx(expected, abs=1e-15)


def test_step_online_updates_once_per_example(client):
    state = create(client, dataset=XOR)
    body = client.post(
        f"/api/networks/{state['id']}/step", json={"mode": "online", "epochs": 3}
    ).json()
    assert body["network"]["updates"] == 12
    assert len(body["losses"]) == 3
    assert len(body["deltas"][0]) == 1  # the first update came from example 0 alone


def test_xor_trains(client):
    state = create(client, dataset=XOR, learning_rate=2.0, seed=1)
    body = client.post(f"/api/networks/{state['id']}/step", json={"epochs": 3000}).json()
    assert body["losses"][-1] < 0.01
    outputs = client.post(f"/api/networks/{state['id']}/forward").json()["output"]
    assert [round(o[0]) for o in outputs] == [0, 1, 1, 0]


def test_the_xor_presets_stuck_seeds_are_the_ones_it_names(client):
    """The preset's description sends students to seeds 0 and 4 to see a run stuck at J ≈ 0.25
    (half the examples wrong), and its own seed 1 trains."""
    listed = {p["name"]: p for p in client.get("/api/presets").json()["presets"]}
    assert "seeds 0 and 4" in listed["xor"]["description"]
    for seed, stuck in ((0, True), (4, True), (1, False)):
        nid = client.post("/api/networks", json={"preset": "xor", "seed": seed}).json()["id"]
        body = client.post(f"/api/networks/{nid}/step", json={"epochs": 2000}).json()
        assert (body["evaluation"]["train"]["accuracy"] == 0.5) is stuck, seed


def test_cross_entropy_and_mean(client):
    state = create(client, loss="cross_entropy", reduction="mean", dataset=XOR)
    out = client.post(f"/api/networks/{state['id']}/backward").json()
    o = [row[0] for row in out["output"]]
    y = [row[0] for row in XOR["y"]]
    expected = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for t, p in zip(y, o, strict=True))
    assert out["loss"] == pytest.approx(expected / 4, rel=1e-12)
    assert [d[0] for d in out["deltas"][1]] == pytest.approx(
        [t - p for t, p in zip(y, o, strict=True)]
    )


def test_patch_changes_settings_weights_and_dataset(client):
    state = create(client)
    nid = state["id"]
    body = client.patch(f"/api/networks/{nid}", json={"learning_rate": 0.1, "name": "mine"}).json()
    assert body["learning_rate"] == 0.1 and body["name"] == "mine"
    assert body["weights"] == state["weights"]
    w = [[[1, 2], [3, 4], [5, 6]], [[7, 8, 9]]]
    assert client.patch(f"/api/networks/{nid}", json={"weights": w}).json()["weights"] == w
    assert client.patch(f"/api/networks/{nid}", json={"dataset": XOR}).json()["dataset"] == XOR
    assert client.patch(f"/api/networks/{nid}", json={"dataset": None}).json()["dataset"] is None


def test_patch_seed_draws_the_weights_again_and_trained_ones_come_back(client):
    state = create(client, seed=3, dataset=XOR)
    nid = state["id"]
    client.post(f"/api/networks/{nid}/step", json={"epochs": 5})
    back = client.patch(f"/api/networks/{nid}", json={"seed": 3}).json()
    assert back["weights"] == state["weights"] and back["biases"] == state["biases"]
    other = client.patch(f"/api/networks/{nid}", json={"seed": 4}).json()
    assert other["seed"] == 4 and other["weights"] == create(client, seed=4)["weights"]
    given = [[[1, 2], [3, 4], [5, 6]], [[7, 8, 9]]]
    both = client.patch(f"/api/networks/{nid}", json={"seed": 5, "weights": given}).json()
    assert both["weights"] == given and both["seed"] == 5
    # a settings change alone keeps the weights
    same = client.patch(f"/api/networks/{nid}", json={"learning_rate": 0.2}).json()
    assert same["weights"] == given


def test_patch_layers_draws_new_weights_from_the_seed(client):
    state = create(client, seed=3)
    body = client.patch(f"/api/networks/{state['id']}", json={"layers": [2, 4, 4, 1]}).json()
    assert body["layers"] == [2, 4, 4, 1]
    fresh = create(client, layers=[2, 4, 4, 1], seed=3)
    assert body["weights"] == fresh["weights"]


def test_delete(client):
    state = create(client)
    assert client.delete(f"/api/networks/{state['id']}").status_code == 204
    assert client.get(f"/api/networks/{state['id']}").status_code == 404
    assert client.delete(f"/api/networks/{state['id']}").status_code == 404


def test_gradient_check_agrees(client):
    state = create(client, dataset=XOR, layers=[2, 3, 2, 1], hidden_activation="tanh")
    body = client.post(f"/api/networks/{state['id']}/gradient-check").json()
    assert body["max_relative_error"] < 1e-6
    assert body["epsilon"] == 1e-6
    back = client.post(f"/api/networks/{state['id']}/backward").json()["gradients"]
    assert body["backprop"] == {"weights": back["weights"], "biases": back["biases"]}
    assert body["numerical"]["weights"][0][0][0] == pytest.approx(
        back["weights"][0][0][0], rel=1e-5, abs=1e-9
    )


def test_openapi_documents_every_request_field():
    from app.main import create_app

    spec = create_app().openapi()
    schemas = spec["components"]["schemas"]
    for name in ("NetworkCreate", "StepRequest", "Dataset"):
        assert "example" in schemas[name] or "examples" in schemas[name], name
    requests = [n for n in schemas if n.endswith(("Create", "Patch", "Request")) or n == "Dataset"]
    assert len(requests) >= 6
    for name in requests:
        assert "example" in schemas[name] or "examples" in schemas[name], name
        for field, prop in schemas[name]["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    assert schemas["StepRequest"]["properties"]["epochs"]["maximum"] >= 1
    paths = spec["paths"]
    for path in (
        "/api/networks",
        "/api/networks/{network_id}/forward",
        "/api/networks/{network_id}/backward",
        "/api/networks/{network_id}/step",
    ):
        assert path in paths


def test_a_405_names_every_method_of_the_path_and_carries_the_security_headers(client):
    nid = create(client)["id"]
    response = client.put(f"/api/networks/{nid}", json={})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PATCH", "DELETE"}
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
