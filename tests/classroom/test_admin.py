"""The admin view: off without BACKPROP_ADMIN_TOKEN; with it, list, delete and export all."""

from __future__ import annotations

import secrets
import sqlite3
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.classroom.conftest import MakeClient

TOKEN = "teacher-" + "x" * 24
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROUTES = [("GET", "/api/admin/networks"), ("GET", "/api/admin/export")]


def admin(make_client: MakeClient) -> TestClient:
    return make_client(BACKPROP_ADMIN_TOKEN=TOKEN)


def test_without_a_token_set_the_view_does_not_exist(make_client: MakeClient) -> None:
    client = make_client()
    for method, path in ROUTES:
        assert client.request(method, path, headers=AUTH).status_code == 404
    assert client.delete("/api/admin/networks/abc", headers=AUTH).status_code == 404
    assert not [p for p in client.get("/openapi.json").json()["paths"] if "admin" in p]


@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, 401),
        (f"Basic {TOKEN}", 401),
        ("Bearer ", 401),
        ("Bearer wrong", 403),
        (f"Bearer {TOKEN[:-1]}", 403),
        (f"Bearer {TOKEN}x", 403),
        ("Bearer caf\xe9", 403),  # not ASCII: still a plain refusal, never a 500
    ],
)
def test_a_missing_or_wrong_token_is_refused(
    make_client: MakeClient, header: str | None, status: int
) -> None:
    client = admin(make_client)
    headers = {} if header is None else {"Authorization": header.encode("latin-1")}
    for method, path in ROUTES:
        response = client.request(method, path, headers=headers)
        assert response.status_code == status, (path, response.text)
        assert response.json()["errors"][0]["field"] == "authorization"
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_token_is_compared_in_constant_time(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    original = secrets.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return original(a, b)

    client = admin(make_client)
    monkeypatch.setattr("app.api.deps.secrets.compare_digest", spy)
    assert client.get("/api/admin/networks", headers={"Authorization": "Bearer nope"}).status_code
    assert calls == [(b"nope", TOKEN.encode())]


def test_list_delete_and_export_all(make_client: MakeClient, tmp_path: Path) -> None:
    client = admin(make_client)
    made = [client.post("/api/networks", json={"preset": p}).json() for p in ("xor", "mazur")]
    client.post(f"/api/networks/{made[0]['id']}/step", json={})  # xor: most recently used

    listed = client.get("/api/admin/networks", headers=AUTH).json()
    assert listed["count"] == 2
    assert [n["id"] for n in listed["networks"]] == [made[0]["id"], made[1]["id"]]
    assert listed["networks"][0]["updates"] == 1
    assert listed["networks"][1]["name"] == "Mazur's 2-2-2 example"

    # exporting is not using: last_used stays as it was
    an_hour_ago = time.time() - 3600
    database = tmp_path / "classroom.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE networks SET last_used = ? WHERE id = ?", (an_hour_ago, made[1]["id"]))
    exported = client.get("/api/admin/export", headers=AUTH)
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith("attachment")
    archive = exported.json()
    assert archive["format"] == "backprop-lab/networks@1"
    by_id = {n["id"]: n for n in archive["networks"]}
    assert set(by_id) == {made[0]["id"], made[1]["id"]}
    with sqlite3.connect(database) as conn:
        (last_used,) = conn.execute(
            "SELECT last_used FROM networks WHERE id = ?", (made[1]["id"],)
        ).fetchone()
    assert last_used == an_hour_ago

    # every network of the archive imports as it was
    copy = client.post("/api/networks/import", json=by_id[made[1]["id"]]).json()
    assert copy["weights"] == made[1]["weights"]

    assert client.delete(f"/api/admin/networks/{made[0]['id']}", headers=AUTH).status_code == 204
    assert client.get(f"/api/networks/{made[0]['id']}").status_code == 404
    assert client.delete(f"/api/admin/networks/{made[0]['id']}", headers=AUTH).status_code == 404
    assert client.get("/api/admin/networks", headers=AUTH).json()["count"] == 2


def test_export_all_of_an_empty_server_is_valid_json(make_client: MakeClient) -> None:
    archive = admin(make_client).get("/api/admin/export", headers=AUTH).json()
    assert archive["networks"] == []
