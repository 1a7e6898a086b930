"""The bad-input catalogue's machinery: a case (`Bad`), the network every case is tried on,
and the check each must pass: a 4xx naming the field, and nothing changed. The cases sit
beside their resource's tests (test_bad_input.py for the networks, test_history.py,
test_transfer.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from app.config import LIMITS
from app.schemas import MAZUR_EXAMPLE

NETWORK = {**MAZUR_EXAMPLE, "name": "catalogue"}
"""The catalogue's network: layers [2, 2, 2] and a stored dataset of one example."""
JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    """Relative to /api/networks; "{id}" is the catalogue's network."""
    field: str
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    status: int = 422
    words: tuple[str, ...] = ()
    """Words the message must hold besides the field's name."""


def deep(levels: int) -> bytes:
    return b'{"x": ' + b"[" * levels + b"]" * levels + b"}"


TOO_MANY_EXAMPLES = {"x": [[0.0, 0.0]] * (LIMITS.max_examples + 1)}
LONG_NAME = "é" * (LIMITS.max_name_length + 1)
UNKNOWN = "/" + "A" * 32


def made(client: TestClient) -> dict[str, Any]:
    """The catalogue's network, as created."""
    response = client.post("/api/networks", json=NETWORK)
    assert response.status_code == 201, response.text
    return dict(response.json())


def refused(client: TestClient, network: dict[str, Any], case: Bad) -> None:
    """Send the case: it must be refused by name and change nothing."""
    url = "/api/networks" + case.path.replace("{id}", network["id"])
    before = client.get(f"/api/networks/{network['id']}").json()
    count = client.app.state.store.count()

    content = case.raw if case.raw is not None else json.dumps(case.body).encode()
    if case.method == "GET" or (case.method == "DELETE" and case.body is None):
        content = None
    response = client.request(case.method, url, content=content, headers=case.headers)

    assert response.status_code == case.status, response.text
    body = response.json()
    fields = [e["field"] for e in body["errors"]]
    assert case.field in fields, body
    assert body["detail"].startswith(case.field) or f"; {case.field}" in body["detail"]
    for word in case.words:
        assert word in body["detail"], body["detail"]
    assert client.get(f"/api/networks/{network['id']}").json() == before
    assert client.app.state.store.count() == count
