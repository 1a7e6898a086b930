"""What one request may cost the server beyond its body's size: the errors built to refuse
it, and the bytes of its answer."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import Response

from app.config import LIMITS


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
