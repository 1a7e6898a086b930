"""HTTP as clients expect it: what the schema shows, HEAD wherever GET works, redirects that
stay on the server's own address."""

from __future__ import annotations

import http.client

import httpx
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


# -- HEAD ------------------------------------------------------------------------------------
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def same_headers(response: httpx.Response) -> dict[str, str]:
    """The headers HEAD must share with GET: not the date, nor how a body (that HEAD does
    not have) is framed; uvicorn frames a streamed GET as chunked."""
    return {k: v for k, v in response.headers.items() if k not in ("date", "transfer-encoding")}


def test_head_answers_wherever_get_does_without_a_body(live_server_factory) -> None:
    """Through a real uvicorn: every GET of the OpenAPI document, the pages, the admin view,
    the documents and static files; found or not, HEAD has GET's status and headers."""
    server = live_server_factory(env={"BACKPROP_ADMIN_TOKEN": TOKEN})
    api = httpx.Client(base_url=server.url, timeout=30)
    network_id = api.post("/api/networks", json={"layers": [2, 1]}).json()["id"]
    preset = api.get("/api/presets").json()["presets"][0]["name"]
    # a class id that is no class's: every class route (the event stream too) is a 404
    values = {
        "network_id": network_id,
        "name": preset,
        "class_id": "A" * 16,
        "student_id": "A" * 16,
        "update": 0,
        "question": 0,
    }
    document = api.get("/openapi.json").json()
    paths = [
        template.format(**values) for template, item in document["paths"].items() if "get" in item
    ]
    assert len(paths) >= 5
    paths += [
        f"/n/{network_id}",
        "/n/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a page's 404
        "/api/networks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # the API's 404
        "/docs",
        "/openapi.json",
        "/static/css/app.css",
        "/admin",
        "/api/admin/networks",
        "/api/admin/export",
    ]
    for path in paths:
        get, head = api.get(path, headers=AUTH), api.head(path, headers=AUTH)
        assert head.status_code == get.status_code, path
        assert head.status_code in (200, 404), path
        assert head.content == b"", path
        assert same_headers(head) == same_headers(get), path


def test_head_and_get_of_the_home_page_make_no_network(live_server_factory) -> None:
    server = live_server_factory(env={"BACKPROP_ADMIN_TOKEN": TOKEN})
    api = httpx.Client(base_url=server.url, timeout=30)

    def count() -> int:
        return len(api.get("/api/admin/networks", headers=AUTH).json()["networks"])

    assert count() == 0
    head = api.head("/")
    assert head.status_code == 200
    assert head.headers["content-type"] == "text/html; charset=utf-8"
    assert "location" not in head.headers
    assert head.headers["content-security-policy"]  # a page's headers, security included
    assert head.content == b""
    assert count() == 0
    assert api.get("/", follow_redirects=False).status_code == 200  # the page's script makes it
    assert count() == 0


def test_a_405_allows_head_where_it_allows_get(client: TestClient) -> None:
    refused = client.post("/healthz")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"
    network_id = client.post("/api/networks", json={"layers": [1, 1]}).json()["id"]
    assert client.head(f"/api/networks/{network_id}/forward").status_code == 405  # POST only
    assert client.put(f"/api/networks/{network_id}").headers["allow"] == (
        "DELETE, GET, HEAD, PATCH"
    )


# -- trailing slashes ------------------------------------------------------------------------
def raw_request(
    port: int, target: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    """The request line exactly as given (httpx would read "//host/" as another host)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def test_trailing_slashes_redirect_relative_and_never_off_the_server(live_server_factory) -> None:
    server = live_server_factory()
    evil = {"Host": "evil.example"}
    for sent, location in [
        ("/n/abc/", "/n/abc"),
        ("/n/abc///", "/n/abc"),
        ("/api/presets/?page=2&x=%20", "/api/presets?page=2&x=%20"),
        ("/n/a%20b/", "/n/a%20b"),  # kept encoded, as sent
        ("/healthz/", "/healthz"),
    ]:
        status, headers = raw_request(server.port, sent, headers=evil)
        assert (status, headers.get("location")) == (307, location), sent
    status, headers = raw_request(server.port, "/api/networks/", "POST", evil)
    assert (status, headers.get("location")) == (307, "/api/networks")  # the method goes on
    for path in ("//evil.example/", "///evil.example//", "/nothing-here/", "/n/abc%2F"):
        status, headers = raw_request(server.port, path, headers=evil)
        assert status in (404, 422), path
        assert "location" not in headers, path
    # a route's own 404 is not redirected: the static files answer for /static/...
    status, headers = raw_request(server.port, "/static/css/missing.css/")
    assert status == 404
    assert "location" not in headers


def test_a_redirected_post_still_creates(client: TestClient) -> None:
    created = client.post("/api/networks/", json={"layers": [1, 1]})
    assert created.status_code == 201
    assert created.url.path == "/api/networks"


def test_every_refusal_of_the_web_layer_is_declared_where_it_can_happen(
    live_server_factory,
) -> None:
    """413 (and 408, 415, 422) on every POST, PUT and PATCH, even one whose route takes no
    body (the body guard reads it first); 503 on every API operation; 429 wherever a limit
    answers it. Then a real oversized body on a body-less POST: a 413, as declared."""
    server = live_server_factory()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        document = client.get("/openapi.json").json()
        missing = []
        for path, item in document["paths"].items():
            for method, operation in item.items():
                declared = set(operation["responses"])
                wanted = (
                    {"408", "413", "415", "422"} if method in ("post", "put", "patch") else set()
                )
                wanted |= {"503"} if path.startswith("/api/") else set()
                limited = {
                    ("/api/networks", "post"),
                    ("/api/networks/import", "post"),
                    ("/api/classes", "post"),
                    ("/api/join", "post"),
                    ("/api/classes/{class_id}/events", "get"),
                    ("/api/networks/{network_id}/classroom/events", "get"),
                }
                wanted |= {"429"} if (path, method) in limited else set()
                missing += [f"{method.upper()} {path}: {code}" for code in wanted - declared]
        assert missing == []
        created = client.post("/api/classes", json={"title": "T", "activity": {"preset": "xor"}})
        key = {"Authorization": f"Bearer {created.json()['teacher_key']}"}
        pause = f"/api/classes/{created.json()['id']}/pause"
        assert "requestBody" not in document["paths"]["/api/classes/{class_id}/pause"]["post"]
        big = client.post(pause, content=b"[" + b"0," * 1_100_000 + b"0]", headers=key)
        assert big.status_code == 413
        assert big.json()["errors"][0]["field"] == "body"
