"""What every request passes before a route sees it, and what every response carries.

Three pure ASGI middlewares, outermost first (see `install`):

- `SecurityHeaders`: a Content-Security-Policy with no inline script, nosniff, no referrer and
  no framing, on every response (pages, API, static files, errors); a 405 lists every
  method of its path (Starlette names one route's only); HEAD works wherever GET does.
- `CreateRateLimit`: a token bucket per client address on the requests that create a
  network (`POST /api/networks`, `…/import`, `…/{id}/fork`). In process, so per worker: with N
  workers an address may create up to N times the rate. Refusals are 429 with Retry-After.
- `BodyGuard`: bodies of POST/PUT/PATCH requests are read here, at most `max_body_bytes`
  (413 naming "body"); under /api/ they must be JSON (415), UTF-8 and nest no deeper than
  `MAX_JSON_DEPTH` (422) — Python's JSON parser recurses, so a body of 100,000 "[" must
  never reach it.

CORS sits inside `SecurityHeaders` and is closed unless BACKPROP_CORS_ORIGINS lists origins.
Every refusal has the API's error body: {"detail": "<field>: <problem>", "errors": [...]}.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import LIMITS, Settings
from app.schemas import error_body

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
RAW_HEADERS = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in HEADERS.items()]
"""HEADERS as ASGI sends them (lower-case names, bytes), built once."""
MAX_JSON_DEPTH = 32
"""The deepest body the API needs is 5 levels ({"weights": [[[…]]]}); 32 leaves room."""
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
CREATES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/networks"),
        ("POST", "/api/networks/import"),
        ("POST", "/api/classes"),
    }
)
"""(method, path) of the requests that create a network or a class, and so are rate-limited.
Joining a class (POST /api/join) is not one: a class behind one address joins at once."""
CREATING = re.compile(r"/api/networks/[^/]+/fork")
"""The POST paths that create a network beside an existing one (a fork): rate-limited too."""


def _refusal(status: int, problems: list[tuple[str, str]]) -> Response:
    """A refusal with the API's error body (app/schemas.py's ErrorResponse)."""
    return Response(error_body(problems), status, media_type="application/json")


class SecurityHeaders:
    """The security headers on every response; a 405's Allow lists every method of the
    path, not just the first route's (Starlette stops at the first route whose path matches,
    so for /api/networks/{id}, three routes, it would say `Allow: GET`); and HEAD is answered
    wherever GET is, as HTTP requires (FastAPI's routes take only the methods they name): the
    request goes on as a GET and its body is dropped (no GET route stores anything, so a
    HEAD never does either). One layer for all three, since every request passes through
    it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # a copy: the server keeps its own scope, which still says HEAD
            scope = {**scope, "method": "GET"}
        ended = False

        async def send_with_headers(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw += [header for header in RAW_HEADERS if header[0] not in present]
                message["headers"] = raw
                if message["status"] == 405 and (methods := allowed_methods(scope)):
                    MutableHeaders(scope=message)["allow"] = ", ".join(sorted(methods))
            elif head and message["type"] == "http.response.body":
                if ended:
                    return  # the rest of the GET's body: HEAD has none
                ended = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_methods(scope: Scope) -> set[str]:
    """The methods the OpenAPI document lists for this path (FastAPI nests its routers, so
    the schema, which it flattens, is the reliable list)."""
    openapi = getattr(scope.get("app"), "openapi", None)
    if openapi is None:
        return set()
    by_params: dict[int, set[str]] = {}
    for template, item in openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)), scope["path"]):
            methods = by_params.setdefault(template.count("{"), set())
            methods |= {m.upper() for m in item if m in HTTP_METHODS}
    # /api/networks/import is the literal path's, not /api/networks/{network_id}'s
    methods = by_params[min(by_params)] if by_params else set()
    return methods | {"HEAD"} if "GET" in methods else methods


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


# -- rate limit ------------------------------------------------------------------------------
def client_key(scope: Scope) -> str:
    """The key a client's rate limits count under: its address as uvicorn reports it (the
    proxy's X-Forwarded-For only when the proxy is in BACKPROP_FORWARDED_ALLOW_IPS), and for
    IPv6 its /64, since one subscriber is usually given a whole /64 to pick addresses from."""
    client = scope.get("client")
    host = client[0] if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`burst` tokens per key, refilled at `per_minute`; thread-safe; bounded in memory."""

    def __init__(self, burst: int, per_minute: float, max_keys: int = 100_000) -> None:
        self.burst, self.rate, self.max_keys = burst, per_minute / 60.0, max_keys
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token: 0.0 if granted, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._prune(now)
                bucket = self._buckets[key] = Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate if self.rate > 0 else math.inf

    def wait(self, key: str, now: float | None = None) -> float:
        """The seconds until `key` has a token (0.0 if it has one now), taking none."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            if tokens >= 1.0:
                return 0.0
            return (1.0 - tokens) / self.rate if self.rate > 0 else math.inf

    def _prune(self, now: float) -> None:
        """Forget full buckets (they hold no information), then the oldest if still too many."""
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]


class CreateRateLimit:
    def __init__(self, app: ASGIApp, buckets: TokenBuckets, creates: Iterable[tuple[str, str]]):
        self.app, self.buckets, self.creates = app, buckets, frozenset(creates)

    def creating(self, method: str, path: str) -> bool:
        return (method, path) in self.creates or (
            method == "POST" and bool(CREATING.fullmatch(path))
        )

    @staticmethod
    def _refuse(seconds: int) -> Response:
        """The API's error, saying how the limit is raised, since a class behind one address
        shares one bucket."""
        response = _refusal(
            429,
            [
                (
                    "request",
                    f"too many networks created from this address; try again in {seconds} s. "
                    "A class behind one NAT address counts as one client: the teacher can "
                    "raise the limit with BACKPROP_CREATE_BURST (networks at once) and "
                    "BACKPROP_CREATE_PER_MINUTE (the refill)",
                )
            ],
        )
        response.headers["Retry-After"] = str(seconds)
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.creating(scope["method"], scope["path"]):
            wait = self.buckets.take(client_key(scope))
            if wait > 0:
                seconds = math.ceil(wait) if math.isfinite(wait) else 3600
                await self._refuse(seconds)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# -- bodies ----------------------------------------------------------------------------------
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


def json_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets in strings skipped), in
    time linear in its length: a few passes of numpy over the bytes, never a regex that can
    backtrack.

    A quote is escaped when an odd run of backslashes precedes it; a byte is inside a string
    when an odd number of unescaped quotes precede it; the depth is the highest running sum
    of +1 per opening bracket and -1 per closing one outside strings. Up to the first byte
    that is not valid JSON this reads the text as the parser does (outside strings a
    backslash is invalid, so every run counted is inside one), and the parser stops there:
    whatever follows can raise the count but never hide a level the parser would reach."""
    data = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(data == _QUOTE)
    if quotes.size:
        # for each byte, the index of the last byte up to it that is not a backslash
        index = np.arange(data.size, dtype=np.intp)
        last_other = np.maximum.accumulate(np.where(data == _BACKSLASH, -1, index))
        before = quotes - 1  # the byte before each quote; a quote at 0 has no run before it
        run = np.where(before >= 0, before - last_other[np.maximum(before, 0)], 0)
        quotes = quotes[run % 2 == 0]  # the unescaped ones
    opens = _OPEN[data]
    if quotes.size:
        toggles = np.zeros(data.size, dtype=np.int8)
        toggles[quotes] = 1
        inside = (np.cumsum(toggles, dtype=np.int64) % 2).astype(bool)
        opens[inside] = 0  # a byte after an odd number of quotes is in a string
    if not opens.any():
        return 0
    return int(np.cumsum(opens, dtype=np.int64).max())


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, max_bytes: float = math.inf) -> bytes:
    """The whole request body; BodyTooLarge past `max_bytes`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives `body` (already read) once, then what the client sends next."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect

    return again


class BodyGuard:
    """Read the body once (bounded), check it, and replay it to the app."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_depth: int = MAX_JSON_DEPTH,
        timeout: float = 30.0,
    ) -> None:
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, 413, self._too_large())
            return
        try:
            # a body sent a byte at a time would hold its connection and its memory forever
            async with asyncio.timeout(self.timeout):
                body = await read_body(receive, self.max_bytes)
        except BodyTooLarge:
            await self._refuse(scope, receive, send, 413, self._too_large())
            return
        except TimeoutError:
            text = f"was not sent within {self.timeout:g} s (BACKPROP_BODY_TIMEOUT)"
            await self._refuse(scope, receive, send, 408, text)
            return
        problem = self._check(scope["path"], headers.get("content-type", ""), body)
        if problem is not None:
            await self._refuse(scope, receive, send, *problem)
            return

        await self.app(scope, replay(body, receive), send)

    def _too_large(self) -> str:
        return f"is larger than {self.max_bytes:,} bytes (the limit per request)"

    def _check(self, path: str, content_type: str, body: bytes) -> tuple[int, str] | None:
        if not body:
            return None  # no body: the route decides whether it needs one
        if not path.startswith("/api/"):
            return None  # pages and forms: only the size limit applies
        if not is_json(content_type):
            media = content_type.split(";", 1)[0].strip() or "no Content-Type"
            return 415, f"must be JSON (Content-Type: application/json), not {media}"
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as error:
            return 422, f"is not valid UTF-8 (at byte {error.start}); JSON must be UTF-8"
        if body.count(b"[") + body.count(b"{") <= self.max_depth:
            return None  # fewer openers than the limit: cannot nest deeper (a fast bound)
        depth = json_depth(body)
        if depth > self.max_depth:
            return 422, f"nests {depth} levels deep; at most {self.max_depth} are accepted"
        return None

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        await _refusal(status, [("body", text)])(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middlewares; the last added runs first, so add them innermost first."""
    # JSON only: the page parses CSV itself and sends JSON (one parser, not two)
    app.add_middleware(BodyGuard, max_bytes=LIMITS.max_body_bytes, timeout=settings.body_timeout)
    if settings.create_burst > 0:
        app.add_middleware(
            CreateRateLimit,
            buckets=TokenBuckets(settings.create_burst, settings.create_per_minute),
            creates=CREATES,
        )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
