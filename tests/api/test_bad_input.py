"""Issue 2's bad-input cases: each gets a 4xx naming the field, and changes nothing."""

from __future__ import annotations

import json

import pytest

from app.config import LIMITS

XOR = {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}


@pytest.fixture
def network(client):
    body = {"layers": [2, 3, 1], "seed": 1, "dataset": XOR}
    return client.post("/api/networks", json=body).json()


def raw(client, method, url, text):
    return client.request(
        method, url, content=text.encode(), headers={"content-type": "application/json"}
    )


def assert_refused(response, field, status=422, words=()):
    assert response.status_code == status, response.text
    body = response.json()
    assert field in [e["field"] for e in body["errors"]], body
    assert field in body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]


ACTION_CASES = [
    # (endpoint, body, field, words in the message)
    ("forward", {"x": [[1, 2, 3]]}, "x[0]", ["3 values", "input layer has 2 units"]),
    ("forward", {"x": [[1, 2], [3]]}, "x[1]", ["1 values"]),
    ("forward", {"x": []}, "x", []),
    ("forward", {"x": [[1, "a"]]}, "x[0][1]", []),
    ("forward", {"x": [[True, 1]]}, "x[0][0]", ["number"]),  # no bool-as-number
    ("forward", {"x": [["1.5", 1]]}, "x[0][0]", ["number"]),  # no numeric strings
    ("step", {"epochs": "2"}, "epochs", []),
    ("forward", {"x": [[1, 2]], "y": [[1], [0]]}, "y", ["2 examples"]),
    ("forward", {"y": [[1]]}, "x", ["required"]),
    ("forward", {"x": [[1, 2e7]]}, "x[0][1]", []),
    ("forward", {"x": [[1, 2]], "bogus": 1}, "bogus", ["not a known field"]),
    ("backward", {"x": [[1, 2]]}, "y", ["required"]),
    ("backward", {"x": [[1, 2]], "y": [[1, 2]]}, "y[0]", ["output layer has 1 units"]),
    ("backward", {"x": [[1, 2]], "y": [1]}, "y[0]", []),
    ("step", {"epochs": 0}, "epochs", []),
    ("step", {"epochs": LIMITS.max_epochs + 1}, "epochs", []),
    ("step", {"epochs": 1.5}, "epochs", []),
    ("step", {"mode": "stochastic"}, "mode", ["batch", "online"]),
    (
        "step",
        {"x": [[0, 0]] * (LIMITS.max_examples + 1), "y": [[0]] * (LIMITS.max_examples + 1)},
        "x",
        [],
    ),
    (
        "step",
        {"x": [[0, 0]] * 5000, "y": [[0]] * 5000, "epochs": 10000},
        "epochs",
        ["multiply-adds"],
    ),
    ("gradient-check", {"x": [[1, 2]]}, "y", []),
]


@pytest.mark.parametrize(("endpoint", "body", "field", "words"), ACTION_CASES)
def test_bad_action_requests_are_refused_and_change_nothing(
    client, network, endpoint, body, field, words
):
    url = f"/api/networks/{network['id']}/{endpoint}"
    assert_refused(client.post(url, json=body), field, words=words)
    assert client.get(f"/api/networks/{network['id']}").json() == network


@pytest.mark.parametrize(
    "text", ['{"x": [[1, NaN]]}', '{"x": [[Infinity, 1]]}', '{"x": [[1, -Infinity]]}']
)
def test_nan_and_infinity_are_refused(client, network, text):
    response = raw(client, "POST", f"/api/networks/{network['id']}/forward", text)
    assert_refused(
        response, "x[0][1]" if "NaN" in text or "-Inf" in text else "x[0][0]", words=["finite"]
    )


def test_invalid_json_names_the_body(client, network):
    response = raw(client, "POST", f"/api/networks/{network['id']}/step", '{"epochs": ')
    assert_refused(response, "body", words=["JSON"])
    assert client.get(f"/api/networks/{network['id']}").json() == network


CREATE_CASES = [
    ({"layers": [2]}, "layers"),
    ({"layers": []}, "layers"),
    ({"layers": [2, 0, 1]}, "layers[1]"),
    ({"layers": [2, LIMITS.max_units + 1, 1]}, "layers[1]"),
    ({"layers": [2] * (LIMITS.max_layers + 1)}, "layers"),
    ({"layers": [2, 1], "hidden_activation": "softmax"}, "hidden_activation"),
    ({"layers": [2, 1], "output_activation": "gelu"}, "output_activation"),
    ({"layers": [2, 1], "loss": "hinge"}, "loss"),
    ({"layers": [2, 1], "learning_rate": 0}, "learning_rate"),
    ({"layers": [2, 1], "learning_rate": -0.5}, "learning_rate"),
    ({"layers": [2, 1], "learning_rate": LIMITS.max_learning_rate * 2}, "learning_rate"),
    ({"layers": [2, 1], "reduction": "max"}, "reduction"),
    ({"layers": [2, 1], "seed": -1}, "seed"),
    ({"layers": [2, 1], "loss": "cross_entropy", "output_activation": "tanh"}, "loss"),
    ({"layers": [2, 1], "weights": [[[1, 2]], [[1]]]}, "weights"),
    ({"layers": [2, 1], "weights": [[[1, 2], [3, 4]]]}, "weights[0]"),
    ({"layers": [2, 1], "weights": [[[1, 2, 3]]]}, "weights[0][0]"),
    ({"layers": [2, 1], "biases": [[1, 2]]}, "biases[0]"),
    ({"layers": [2, 1], "dataset": {"x": [[1, 2]], "y": [[1, 2]]}}, "dataset.y[0]"),
    ({"layers": [2, 1], "dataset": {"x": [[1, 2]], "y": [[1], [0]]}}, "dataset.y"),
    ({"layers": [2, 1], "dataset": {"x": [[1, 2]]}}, "dataset.y"),
    (
        {"layers": [2, 1], "loss": "cross_entropy", "dataset": {"x": [[1, 2]], "y": [[2]]}},
        "dataset.y[0][0]",
    ),
    ({"layers": [2, 1], "name": "x" * (LIMITS.max_name_length + 1)}, "name"),
    ({"preset": "no-such-preset"}, "preset"),
    ({}, "layers"),
    ({"layers": [2, 1], "color": "red"}, "color"),
    ({"layers": [2, True]}, "layers[1]"),
    ({"layers": [2, 1], "seed": "3"}, "seed"),
    ({"layers": [2, 1], "train_biases": 1}, "train_biases"),
]


@pytest.mark.parametrize(("body", "field"), CREATE_CASES)
def test_bad_creates_are_refused_and_store_nothing(client, body, field):
    assert_refused(client.post("/api/networks", json=body), field)


def test_bad_create_body_types(client):
    assert_refused(raw(client, "POST", "/api/networks", "[2, 2]"), "body")
    assert_refused(raw(client, "POST", "/api/networks", "nonsense"), "body")


PATCH_CASES = [
    ({"learning_rate": 0}, "learning_rate"),
    ({"hidden_activation": "swish"}, "hidden_activation"),
    ({"weights": [[[1, 2]]]}, "weights"),
    ({"biases": [[1, 2, 3], [1, 2]]}, "biases[1]"),
    ({"layers": [3, 3, 1]}, "dataset"),  # the stored dataset has 2 inputs
    ({"layers": [3, 3, 1], "dataset": {"x": [[1, 2]], "y": [[1]]}}, "dataset.x[0]"),
    ({"loss": "cross_entropy", "output_activation": "linear"}, "loss"),
    ({"id": "mine"}, "id"),
    ({"updates": 0}, "updates"),
]


@pytest.mark.parametrize(("body", "field"), PATCH_CASES)
def test_bad_patches_change_nothing(client, network, body, field):
    assert_refused(client.patch(f"/api/networks/{network['id']}", json=body), field)
    assert client.get(f"/api/networks/{network['id']}").json() == network


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/forward"),
        ("POST", "/predict"),
        ("POST", "/backward"),
        ("POST", "/step"),
        ("POST", "/gradient-check"),
    ],
)
def test_unknown_network_is_404(client, method, path):
    response = client.request(
        method,
        f"/api/networks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA{path}",
        json={} if method in ("POST", "PATCH") else None,
    )
    assert_refused(response, "id", status=404)


def test_malformed_id_is_refused(client):
    assert client.get("/api/networks/" + "a" * 65).status_code in (404, 422)
    assert client.get("/api/networks/bad%20id").status_code in (404, 422)


OVERFLOWS = {
    "layers": [1, 1],
    "output_activation": "linear",
    "learning_rate": 1000,
    "weights": [[[1e6]]],
    "dataset": {"x": [[1e6]], "y": [[-1e6]]},
}
"""A network whose training overflows float64 within 200 epochs."""


def test_training_that_would_overflow_is_refused_and_changes_nothing(client):
    network = client.post("/api/networks", json=OVERFLOWS).json()
    response = client.post(f"/api/networks/{network['id']}/step", json={"epochs": 200})
    # J is the first value to overflow on the way (weights would follow)
    assert_refused(response, "loss", words=["overflows", "nothing was changed"])
    assert client.get(f"/api/networks/{network['id']}").json() == network


def test_no_request_here_produced_a_500(client, network):
    """A sweep of odd but well-formed bodies: never a 5xx."""
    nid = network["id"]
    bodies = [
        None,
        {},
        {"x": None},
        {"x": [[0, 0]], "y": None},
        {"epochs": None},
        {"mode": None},
        {"x": [[True, False]], "y": [[1]]},
    ]
    for endpoint in ("forward", "backward", "step", "gradient-check"):
        for body in bodies:
            response = client.post(
                f"/api/networks/{nid}/{endpoint}",
                content=json.dumps(body).encode() if body is not None else b"",
                headers={"content-type": "application/json"},
            )
            assert response.status_code < 500, (endpoint, body, response.text)
