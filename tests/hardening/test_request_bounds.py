"""What one request may cost the server beyond its body's size: the errors built to refuse
it, and the bytes of its answer."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import Response

from app.config import LIMITS
from app.networks import validate


def count_validation_errors(client: TestClient) -> list[int]:
    """How many errors pydantic built for each refused request: the app's own handler, with
    a spy in front that counts before it answers."""
    app: Any = client.app
    handler = app.exception_handlers[RequestValidationError]
    counts: list[int] = []

    async def spy(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        counts.append(len(exc.errors()))
        response: Response = await handler(request, exc)
        return response

    app.exception_handlers[RequestValidationError] = spy
    app.middleware_stack = None  # rebuilt on the next request, with the spy
    return counts


def test_a_body_of_a_million_bad_numbers_costs_one_error(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={"layers": [1, 1]}).json()["id"]
    counts = count_validation_errors(client)
    row = b"[" + b",".join([b"[]"] * LIMITS.max_units) + b"]"  # a row of 256 non-numbers
    body = b'{"x": [' + b",".join([row] * 2590) + b"]}"
    assert len(body) <= LIMITS.max_body_bytes  # 663,040 bad numbers in one legal body
    response = client.post(
        f"/api/networks/{network_id}/forward",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "x[0][0]"
    assert response.json()["detail"].startswith("x[0][0]: input should be a valid number")
    assert counts == [1]


def test_every_list_of_numbers_stops_at_its_first_error(client: TestClient) -> None:
    counts = count_validation_errors(client)
    bad = ["no"] * 200
    body = {
        "layers": [2, *(["no"] * 8)],
        "weights": [[bad] * 200] * 3,
        "biases": [bad] * 3,
        "dataset": {"x": [bad] * 100, "y": [bad] * 100},
    }
    response = client.post("/api/networks", json=body)
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == [
        "layers[1]",
        "weights[0][0][0]",
        "biases[0][0]",
        "dataset.x[0][0]",
        "dataset.y[0][0]",
    ]
    assert counts == [5]  # one per field, however many bad numbers each holds


# -- the size of an answer -------------------------------------------------------------------
def numbers_in(value: Any) -> int:
    """How many numbers a decoded JSON answer holds (booleans are not numbers)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return 1
    if isinstance(value, list):
        return sum(numbers_in(v) for v in value)
    if isinstance(value, dict):
        return sum(numbers_in(v) for v in value.values())
    return 0


def rows(count: int, width: int, seed: int = 0) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    return rng.random((count, width)).round(3).tolist()


@pytest.mark.parametrize(
    ("stored", "l2", "test"), [(False, 0.0, False), (True, 0.0, False), (True, 0.1, True)]
)
def test_the_estimate_counts_the_numbers_of_the_real_answer(
    client: TestClient, stored: bool, l2: float, test: bool
) -> None:
    """Without a stored dataset, with one, and with one whose test part is scored under an
    L2 term (the gradient's two parts, a test J per epoch, two sets' scores with accuracy)."""
    layers = [2, 3, 2]
    x, y = rows(5, 2, 1), rows(5, 2, 2)
    create: dict[str, Any] = {"layers": layers, "l2": l2}
    if stored:
        create["dataset"] = {"x": x, "y": y}
    classes: list[bool] = []
    if test:  # one-hot classes, so each set's score has its accuracy: J, accuracy, count
        hot = [[1, 0], [0, 1], [0, 1], [1, 0], [0, 1]]
        create["dataset"] = {"x": x, "y": hot, "test": {"x": x[:2], "y": hot[:2]}}
        classes = [True, True]
    elif stored:
        classes = [False]  # J and the count; the targets are no classes, so no accuracy
    network_id = client.post("/api/networks", json=create).json()["id"]
    sent = {} if stored else {"x": x, "y": y}
    kept = 20 + (8 if test else 0) if stored else 0
    for path, payload, body in [
        ("forward", "forward", sent),
        ("predict", "predict", sent),
        ("predict", "predict_hidden", {**sent, "hidden": True}),
        ("backward", "backward", sent),
        ("step", "step", {**sent, "epochs": 3}),
        ("gradient-check", "gradient_check", sent),
    ]:
        response = client.post(f"/api/networks/{network_id}/{path}", json=body)
        assert response.status_code == 200, (path, response.text)
        each, rest = validate.response_numbers(
            layers,
            payload,
            epochs=3,
            stored=kept,
            split=l2 > 0,
            tested=test,
            classes=classes if payload == "step" else [],
        )
        assert 5 * each + rest == numbers_in(response.json()), path


@pytest.fixture
def small_limit(live_server_factory) -> Any:
    """A real server whose answers may hold 100,000 bytes: 4,545 numbers at 22 bytes each."""
    assert validate.BYTES_PER_NUMBER == 22
    return live_server_factory(env={"BACKPROP_MAX_RESPONSE_BYTES": "100000"})


def test_a_forward_at_the_limit_is_answered_and_one_example_more_is_refused(small_limit) -> None:
    # layers [1, 10, 1]: per example net 11 + o 12 + output 1 = 24 numbers, and J: 1.
    # 189 × 24 + 1 = 4,537 ≤ 4,545 < 190 × 24 + 1 = 4,561
    api = httpx.Client(base_url=small_limit.url, timeout=30)
    network_id = api.post("/api/networks", json={"layers": [1, 10, 1]}).json()["id"]
    at_limit = api.post(f"/api/networks/{network_id}/forward", json={"x": rows(189, 1)})
    assert at_limit.status_code == 200
    assert len(at_limit.content) <= 100_000
    over = api.post(f"/api/networks/{network_id}/forward", json={"x": rows(190, 1)})
    assert over.status_code == 409
    problem = over.json()["errors"][0]
    assert problem["field"] == "x"
    assert "190 examples" in problem["message"]
    assert "over the limit of 0.1 MB per response" in problem["message"]
    assert "send at most 189 examples per request as x" in problem["message"]
    assert "/predict" in problem["message"]
    assert api.post(f"/api/networks/{network_id}/predict", json={"x": rows(190, 1)}).is_success


def test_predict_with_the_hidden_units_is_bounded_by_what_it_answers(small_limit) -> None:
    # layers [1, 10, 1] with hidden: output 1 + hidden o 10 = 11 numbers per example:
    # 413 × 11 = 4,543 ≤ 4,545 < 414 × 11 = 4,554
    api = httpx.Client(base_url=small_limit.url, timeout=30)
    network_id = api.post("/api/networks", json={"layers": [1, 10, 1]}).json()["id"]
    url = f"/api/networks/{network_id}/predict"
    at_limit = api.post(url, json={"x": rows(413, 1), "hidden": True})
    assert at_limit.status_code == 200
    assert len(at_limit.content) <= 100_000
    over = api.post(url, json={"x": rows(414, 1), "hidden": True})
    assert over.status_code == 409
    problem = over.json()["errors"][0]
    assert problem["field"] == "x" and "send at most 413 examples" in problem["message"]
    assert api.post(url, json={"x": rows(414, 1)}).is_success  # the output alone fits


def test_a_stored_dataset_too_large_to_answer_is_named(small_limit) -> None:
    api = httpx.Client(base_url=small_limit.url, timeout=30)
    dataset = {"x": rows(190, 1), "y": rows(190, 1)}
    created = api.post("/api/networks", json={"layers": [1, 10, 1], "dataset": dataset})
    network_id = created.json()["id"]
    updates = created.json()["updates"]
    over = api.post(f"/api/networks/{network_id}/forward", json={})
    assert over.status_code == 409
    assert over.json()["errors"][0]["field"] == "dataset"
    assert "the stored dataset's 190 examples" in over.json()["detail"]
    # a step: per example forward's 24 + δ 11 = 35; the rest 3 × 31 parameters + 380 stored
    # + 3 layers + 1 epoch + J and its two parts, η, λ, seed, updates + the stored set's J and
    # count (its targets are no classes: no accuracy) = 486; (4,545 − 486) // 35 = 115
    # examples. Sent as x, the step scores no stored set: 116 examples fit (4,061 // 35).
    step = api.post(f"/api/networks/{network_id}/step", json={})
    assert step.status_code == 409
    assert step.json()["errors"][0]["field"] == "dataset"
    assert "send at most 115 examples per request as x" in step.json()["detail"]
    sent = {"x": dataset["x"][:116], "y": dataset["y"][:116]}
    assert api.post(f"/api/networks/{network_id}/step", json=sent).status_code == 200
    sent = {"x": dataset["x"][:117], "y": dataset["y"][:117]}
    assert api.post(f"/api/networks/{network_id}/step", json=sent).status_code == 409
    # the refusals changed nothing; the one step that ran made one update
    assert api.get(f"/api/networks/{network_id}").json()["updates"] == updates + 1


def test_a_network_too_large_for_any_answer_names_its_layers(small_limit) -> None:
    # [1, 256, 10]: 512 + 2,570 = 3,082 parameters; a step's answer holds them three times
    api = httpx.Client(base_url=small_limit.url, timeout=30)
    network_id = api.post("/api/networks", json={"layers": [1, 256, 10]}).json()["id"]
    step = api.post(f"/api/networks/{network_id}/step", json={"x": [[0.5]], "y": [[0.5] * 10]})
    assert step.status_code == 409
    assert step.json()["errors"][0]["field"] == "layers"
    assert "even for one example" in step.json()["detail"]


def test_answers_of_hundreds_of_megabytes_are_refused_before_any_work(client: TestClient) -> None:
    layers = [1, 256, 1, 256, 1, 256, 1, 256, 1, 1]
    dataset = {"x": rows(LIMITS.max_examples, 1, 1), "y": rows(LIMITS.max_examples, 1, 2)}
    created = client.post("/api/networks", json={"layers": layers, "dataset": dataset})
    network_id = created.json()["id"]
    for path in ("forward", "backward", "step"):
        response = client.post(f"/api/networks/{network_id}/{path}", json={})
        assert response.status_code == 409, path
        assert response.json()["errors"][0]["field"] == "dataset"
        assert "MB per response" in response.json()["detail"]
    assert client.get(f"/api/networks/{network_id}").json()["updates"] == 0


def test_the_largest_legitimate_answers_stay_allowed(client: TestClient) -> None:
    """What the limit was calibrated on: a 256-64-10 network on 2,000 stored examples (binary
    pixels: a 2 MB body holds no more), and one step of the largest network the API makes."""
    rng = np.random.default_rng(3)
    dataset = {
        "x": (rng.random((2000, 256)) > 0.5).astype(int).tolist(),
        "y": np.eye(10, dtype=int)[rng.integers(0, 10, 2000)].tolist(),
    }
    created = client.post("/api/networks", json={"layers": [256, 64, 10], "dataset": dataset})
    forward = client.post(f"/api/networks/{created.json()['id']}/forward", json={})
    assert forward.status_code == 200
    largest = [LIMITS.max_units] * LIMITS.max_layers
    network_id = client.post("/api/networks", json={"layers": largest}).json()["id"]
    step = client.post(
        f"/api/networks/{network_id}/step",
        json={"x": [[0.5] * LIMITS.max_units], "y": [[0.5] * LIMITS.max_units]},
    )
    assert step.status_code == 200
    assert len(step.content) <= LIMITS.max_response_bytes
