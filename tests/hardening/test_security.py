"""Security properties: unguessable ids, headers on every response, CORS closed by
default, the creation rate limit, body limits, and a container that does not run as root.
(The admin token's constant-time comparison is tested in tests/classroom/test_admin.py; the
browser XSS test is test_xss.py.)"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import LIMITS
from app.security import CSP, TokenBuckets, json_depth
from tests.classroom.conftest import MakeClient, make_client

__all__ = ["make_client"]  # the fixture, shared

ROOT = Path(__file__).resolve().parent.parent.parent


# -- ids -------------------------------------------------------------------------------------
def test_ids_are_random_and_at_least_128_bits(client: TestClient) -> None:
    ids = [client.post("/api/networks", json={"layers": [1, 1]}).json()["id"] for _ in range(50)]
    assert len(set(ids)) == len(ids)
    for network_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", network_id)
        raw = base64.urlsafe_b64decode(network_id + "=" * (-len(network_id) % 4))
        assert len(raw) * 8 >= 128
    # no shared prefix beyond chance, so nothing sequential or time-based
    prefixes = {network_id[:4] for network_id in ids}
    assert len(prefixes) >= 45


def test_networks_cannot_be_listed_or_found_by_a_near_miss(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={"layers": [1, 1]}).json()["id"]
    assert client.get("/api/networks").status_code == 405  # no list
    for i in (0, len(network_id) // 2, len(network_id) - 1):
        other = "A" if network_id[i] != "A" else "B"
        near = network_id[:i] + other + network_id[i + 1 :]
        response = client.get(f"/api/networks/{near}")
        assert response.status_code == 404
        assert near not in response.text  # the error does not echo ids back
    assert "admin" not in client.get("/openapi.json").text


# -- headers ---------------------------------------------------------------------------------
def test_every_kind_of_response_carries_the_security_headers(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={"layers": [2, 1]}).json()["id"]
    responses = {
        "health": client.get("/healthz"),
        "api 201": client.post("/api/networks", json={"layers": [2, 1]}),
        "api 404": client.get("/api/networks/nothing-here"),
        "api 422": client.post("/api/networks", json={"layers": [0]}),
        "api 413": client.post(
            "/api/networks",
            content=b" " * (LIMITS.max_body_bytes + 1),
            headers={"content-type": "application/json"},
        ),
        "api 415": client.post("/api/networks", content=b"{}"),
        "page": client.get(f"/n/{network_id}"),
        "static": client.get("/static/docs/init.js"),
        "docs": client.get("/docs"),
        "openapi": client.get("/openapi.json"),
        "unknown path": client.get("/nope"),
    }
    for name, response in responses.items():
        headers = response.headers
        assert headers["content-security-policy"] == CSP, name
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["referrer-policy"] == "no-referrer", name
        assert headers["x-frame-options"] == "DENY", name


def test_the_csp_allows_no_inline_or_foreign_script() -> None:
    policy = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP and "http" not in CSP and "*" not in CSP


def test_pages_have_no_inline_script_to_block(make_client: MakeClient) -> None:
    """The CSP forbids inline script, so the pages must not need any (or they would break)."""
    client = make_client(BACKPROP_ADMIN_TOKEN="a-long-random-token-for-the-teacher")
    network_id = client.post("/api/networks", json={"layers": [2, 1]}).json()["id"]
    pages = [client.get(path) for path in (f"/n/{network_id}", "/docs", "/admin")]
    assert [page.status_code for page in pages] == [200, 200, 200]
    for html in (page.text for page in pages):
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, tag
        bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.DOTALL)
        assert [b for b in bodies if b.strip()] == []
        assert re.search(r"\son[a-z]+\s*=", html) is None  # no onclick= etc.
        assert "https://" not in html and "http://" not in html  # nothing from a CDN


# -- CORS ------------------------------------------------------------------------------------
def test_cors_is_closed_by_default(client: TestClient) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    preflight = client.options(
        "/api/networks",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code >= 400


def test_cors_opens_to_the_configured_origins_only(make_client: MakeClient) -> None:
    client = make_client(
        BACKPROP_CORS_ORIGINS="https://course.example.org, https://lms.example.org"
    )
    allowed = client.options(
        "/api/networks",
        headers={
            "Origin": "https://lms.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://lms.example.org"
    other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


# -- rate limit ------------------------------------------------------------------------------
def test_creating_too_fast_from_one_address_gets_429_with_retry_after(
    make_client: MakeClient,
) -> None:
    client = make_client(BACKPROP_CREATE_BURST="3", BACKPROP_CREATE_PER_MINUTE="1")
    for _ in range(3):
        assert client.post("/api/networks", json={"layers": [1, 1]}).status_code == 201
    refused = client.post("/api/networks", json={"layers": [1, 1]})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["errors"][0]["field"] == "request"
    assert client.get("/").status_code == 200  # the page itself makes nothing (its POST counts)
    assert client.post("/api/networks/import", json={"layers": [1, 1]}).status_code == 429
    # other requests are not limited
    assert client.get("/healthz").status_code == 200


def test_the_bucket_is_per_address_and_refills() -> None:
    buckets = TokenBuckets(burst=2, per_minute=60)
    assert buckets.take("a", now=0.0) == 0.0
    assert buckets.take("a", now=0.0) == 0.0
    assert buckets.take("a", now=0.0) == pytest.approx(1.0)
    assert buckets.take("b", now=0.0) == 0.0  # another address is unaffected
    assert buckets.take("a", now=1.0) == 0.0  # one token back after a second


def test_the_bucket_table_stays_bounded() -> None:
    buckets = TokenBuckets(burst=5, per_minute=60, max_keys=100)
    for i in range(1000):
        buckets.take(f"10.0.{i // 256}.{i % 256}", now=float(i))
    assert len(buckets._buckets) <= 100


# -- bodies ----------------------------------------------------------------------------------
def test_a_streamed_body_without_length_is_cut_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(LIMITS.max_body_bytes // 65536 + 2):
            yield b" " * 65536

    response = client.post(
        "/api/networks", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert json_depth(b'{"a": [[1]]}') == 3
    assert json_depth(b'{"name": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == 1
    assert json_depth(b'{"name": "\\"[[[[", "x": [1]}') == 2
    assert json_depth(b"[" * 1000) == 1000


# -- container -------------------------------------------------------------------------------
def test_the_container_runs_as_a_non_root_user() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    users = [line.split(None, 1)[1].strip() for line in lines if line.startswith("USER ")]
    assert users, "the Dockerfile sets no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
