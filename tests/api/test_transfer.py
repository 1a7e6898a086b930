"""Export and import of one network: the page's JSON document, through the API; bad
documents are refused by name, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import bad_input
from tests.api.bad_input import NETWORK, Bad, made
from tests.classroom.conftest import MakeClient, make_client

__all__ = ["make_client"]  # the fixture, shared


def trained(client: TestClient) -> dict[str, Any]:
    """A spiral network after 7 online updates: weights with many significant digits."""
    made = client.post("/api/networks", json={"preset": "spiral", "name": "Ada's spiral"}).json()
    x, y = made["dataset"]["x"][:7], made["dataset"]["y"][:7]
    step = client.post(f"/api/networks/{made['id']}/step", json={"x": x, "y": y, "mode": "online"})
    assert step.status_code == 200
    network: dict[str, Any] = step.json()["network"]
    return network


def test_round_trip_keeps_every_bit_under_a_new_id(make_client: MakeClient) -> None:
    client = make_client()
    original = trained(client)
    exported = client.get(f"/api/networks/{original['id']}/export")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment")
    document = exported.json()
    assert document == {"format": "backprop-lab/network@1", **original}

    imported = client.post("/api/networks/import", json=document)
    assert imported.status_code == 201, imported.text
    copy = imported.json()
    assert copy["id"] != original["id"]
    assert copy == {**original, "id": copy["id"]}  # weights equal as float64, updates kept
    assert copy["updates"] == 7
    assert client.get(f"/api/networks/{copy['id']}").json() == copy

    # the copy lives on its own: stepping it leaves the original alone
    client.post(f"/api/networks/{copy['id']}/step", json={})
    assert client.get(f"/api/networks/{original['id']}").json() == original


def test_the_plain_state_and_the_pages_file_import_too(make_client: MakeClient) -> None:
    client = make_client()
    state = client.post("/api/networks", json={"preset": "mazur"}).json()
    imported = client.post("/api/networks/import", json=state)
    assert imported.status_code == 201
    assert imported.json()["weights"] == state["weights"]
    assert imported.json()["train_biases"] is False
    # the page's Export JSON: the create fields plus `updates`, without id or format
    page_file = {k: v for k, v in state.items() if k != "id"} | {"updates": 5}
    imported = client.post("/api/networks/import", json=page_file)
    assert imported.status_code == 201
    assert imported.json() == {**state, "id": imported.json()["id"], "updates": 5}


def test_an_id_in_the_document_is_never_reused(make_client: MakeClient) -> None:
    client = make_client()
    state = client.post("/api/networks", json={"preset": "xor"}).json()
    twice = [client.post("/api/networks/import", json=state).json()["id"] for _ in range(2)]
    assert len({state["id"], *twice}) == 3


def refused(client: TestClient, document: dict[str, Any], status: int = 422) -> str:
    """422 for a document the schema refuses, 409 for one that does not fit its own layers."""
    response = client.post("/api/networks/import", json=document)
    assert response.status_code == status, response.text
    field: str = response.json()["errors"][0]["field"]
    return field


def test_bad_documents_are_refused_naming_the_field(make_client: MakeClient) -> None:
    client = make_client()
    good = client.get(
        f"/api/networks/{client.post('/api/networks', json={'preset': 'xor'}).json()['id']}/export"
    ).json()
    before = client.app.state.store.count()  # type: ignore[attr-defined]
    assert refused(client, {**good, "momentum": 0.9}) == "momentum"
    assert refused(client, {**good, "format": "something/else@9"}) == "format"
    assert refused(client, {**good, "preset": "xor"}) == "preset"
    assert refused(client, {**good, "updates": -1}) == "updates"
    assert refused(client, {k: v for k, v in good.items() if k != "layers"}) == "layers"
    assert refused(client, {**good, "layers": [2, 3, 1]}, 409) == "weights[0]"
    assert refused(client, {**good, "weights": [[[1, 2]] * 2, [[1, "x"]]]}) == "weights[1][0][1]"
    bad_dataset = {"x": [[0, 0]], "y": [[0, 1]]}
    assert refused(client, {**good, "dataset": bad_dataset}, 409) == "dataset.y[0]"
    assert client.app.state.store.count() == before  # type: ignore[attr-defined]


def test_export_of_an_unknown_network_is_404(make_client: MakeClient) -> None:
    response = make_client().get("/api/networks/" + "A" * 32 + "/export")
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "id"


TRANSFER_CASES = [
    # -- export and import ----------------------------------------------------------------
    Bad("export: bad id", "GET", "/no.such/export", "network_id"),
    Bad(
        "import: unknown format",
        "POST",
        "/import",
        "format",
        {**NETWORK, "format": "backprop-lab/network@99"},
    ),
    Bad("import: negative update count", "POST", "/import", "updates", {**NETWORK, "updates": -1}),
    Bad(
        "import: weights that do not fit the layers",
        "POST",
        "/import",
        "weights",
        {**NETWORK, "layers": [2, 1]},
        status=409,
    ),
]


@pytest.mark.parametrize("case", TRANSFER_CASES, ids=[c.name for c in TRANSFER_CASES])
def test_bad_transfer_request_is_refused_by_name_and_changes_nothing(client, case: Bad) -> None:
    bad_input.refused(client, made(client), case)
