"""HTTP as clients expect it: what the schema shows, HEAD wherever GET works, redirects that
stay on the server's own address."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.classroom.conftest import MakeClient, make_client

__all__ = ["make_client"]  # the fixture, shared

TOKEN = "teacher-" + "y" * 24


def test_the_admin_routes_are_not_in_the_schema_even_when_on(make_client: MakeClient) -> None:
    client: TestClient = make_client(BACKPROP_ADMIN_TOKEN=TOKEN)
    listed = client.get("/api/admin/networks", headers={"Authorization": f"Bearer {TOKEN}"})
    assert listed.status_code == 200  # the view is on
    document = client.get("/openapi.json")
    assert not [path for path in document.json()["paths"] if "admin" in path]
    assert "/api/admin" not in document.text
