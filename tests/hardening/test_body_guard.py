"""The body guard's nesting check: right on every JSON value, and linear in the body's length,
so a small body cannot hold the event loop (and with it every other request of the worker).

The reference depth is computed from the value `json.loads` returns, never by scanning bytes.
"""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import LIMITS
from app.security import MAX_JSON_DEPTH, json_depth


def depth(value: Any) -> int:
    """How deep arrays and objects nest in a decoded JSON value (a scalar: 0)."""
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


# strings full of what a lexer can get wrong: quotes, backslashes, brackets, non-ASCII
TRICKY = st.text(
    alphabet=st.sampled_from(['"', "\\", "[", "]", "{", "}", "a", " ", "é", "\n", "\u2028", "😀"]),
    max_size=12,
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TRICKY
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans(), st.sampled_from([None, 0, 2]))
def test_json_depth_is_the_depth_of_the_parsed_value(
    value: Any, ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert json_depth(text.encode()) == depth(json.loads(text))


@settings(max_examples=200, deadline=None)
@given(VALUES, st.binary(max_size=30))
def test_what_follows_a_json_text_never_hides_its_depth(value: Any, garbage: bytes) -> None:
    """The parser stops at the first invalid byte; the count up to there is the parser's."""
    text = json.dumps(value, ensure_ascii=False).encode()
    assert json_depth(text + garbage) >= depth(value)


def evil(openers: int, pairs: int) -> bytes:
    """`[` × openers, then a string that never closes, full of escaped quotes."""
    return b"[" * openers + b'"' + b'\\"' * pairs


def test_unclosed_strings_of_escaped_quotes_get_the_right_depth() -> None:
    assert json_depth(evil(33, 20_000)) == 33
    assert json_depth(evil(3, 20_000) + b"]]]") == 3  # the brackets are inside the string
    assert json_depth(b'["\\\\"' + b"[[") == 3  # an escaped backslash: the quote closes
    assert json_depth(b'["\\\\\\"' + b"[[") == 1  # three: the quote is escaped
    assert json_depth(b'"' + b"\\" * 10_001 + b'"[[') == 0  # odd run: still in the string
    assert json_depth(b'"' + b"\\" * 10_000 + b'"[[') == 2


def post_raw(port: int, body: bytes, results: list[tuple[int, bytes]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST", "/api/x", body=body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        results.append((response.status, response.read()))
    finally:
        connection.close()


def test_the_worker_answers_while_evil_bodies_are_checked(live_server_factory) -> None:
    """Bodies that made the old regex quadratic (30 s for 80 KB) are refused while /healthz
    keeps answering, each time within a generous 2 s."""
    server = live_server_factory()
    bodies = [evil(MAX_JSON_DEPTH + 1, 40_000), evil(MAX_JSON_DEPTH + 1, 999_000)]
    assert len(bodies[1]) <= LIMITS.max_body_bytes  # under the size limit: the depth check runs
    results: list[tuple[int, bytes]] = []
    threads = [
        threading.Thread(target=post_raw, args=(server.port, body, results), daemon=True)
        for body in bodies
    ]
    for thread in threads:
        thread.start()
    answered = 0
    while any(thread.is_alive() for thread in threads) or answered < 3:
        assert httpx.get(server.url + "/healthz", timeout=2.0).status_code == 200
        answered += 1
    assert len(results) == 2
    for status, body in results:
        assert status == 422
        assert json.loads(body)["detail"] == (
            f"body: nests {MAX_JSON_DEPTH + 1} levels deep; at most {MAX_JSON_DEPTH} are accepted"
        )
