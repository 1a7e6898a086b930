"""Bounds on what stays open and what is kept: event streams per address and per class, a
body sent too slowly, the ids a stream shows, and answers (their work and what is stored)."""

from __future__ import annotations

import socket
from collections import Counter
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from tests.classroom.classes import MAZUR_EXERCISE, auth
from tests.hardening.test_doors import CLASS, store_env  # noqa: F401 (a fixture)


def open_stream(stack: ExitStack, http: httpx.Client, path: str, **kw: Any) -> httpx.Response:
    return stack.enter_context(http.stream("GET", path, **kw))


def test_event_streams_are_limited_per_address_and_per_class(live_server_factory) -> None:
    env = {"BACKPROP_MAX_STREAMS_PER_ADDRESS": "3", "BACKPROP_MAX_TEACHER_STREAMS": "1"}
    server = live_server_factory(workers=2, env=env)
    with httpx.Client(base_url=server.url, timeout=30) as http, ExitStack() as stack:
        created = http.post("/api/classes", json=CLASS).json()
        teacher = [
            open_stream(stack, http, f"/api/classes/{created['id']}/events", headers=auth(created))
            for _ in range(3)
        ]
        statuses = Counter(r.status_code for r in teacher)
        assert statuses[200] <= 2 and statuses[429] >= 1, statuses  # 1 per worker
        refused = next(r for r in teacher if r.status_code == 429)
        refused.read()
        assert "this class's teacher" in refused.json()["detail"]
        joined = http.post("/api/join", json={"code": created["join_code"]}).json()
        path = f"/api/networks/{joined['network_id']}/classroom/events"
        students = [open_stream(stack, http, path) for _ in range(8)]
        statuses = Counter(r.status_code for r in students)
        # 3 per worker, teacher streams included
        assert statuses[200] <= 6 and statuses[429] >= 2, statuses
    # closed streams give their places back
    with httpx.Client(base_url=server.url, timeout=30) as http, ExitStack() as stack:
        again = [open_stream(stack, http, path) for _ in range(2)]
        assert [r.status_code for r in again] == [200, 200]


def test_a_streams_ids_say_nothing_of_other_classes(live_server_factory) -> None:
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        watched = http.post("/api/classes", json=CLASS).json()
        other = http.post("/api/classes", json=CLASS).json()
        path = f"/api/classes/{watched['id']}/events"
        with http.stream("GET", path, headers=auth(watched)) as stream:
            lines = stream.iter_lines()
            ids = [next(line for line in lines if line.startswith("id:"))]
            for _ in range(5):  # the other class's events
                http.post("/api/join", json={"code": other["join_code"]})
            http.post("/api/join", json={"code": watched["join_code"]})
            ids.append(next(line for line in lines if line.startswith("id:")))
        assert ids == ["id: 1", "id: 2"]


def test_a_body_sent_too_slowly_is_refused(live_server_factory) -> None:
    server = live_server_factory(env={"BACKPROP_BODY_TIMEOUT": "1"})
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /api/networks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"preset":'
        )
        answer = b""
        while b"BACKPROP_BODY_TIMEOUT" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 408"), answer
    assert "BACKPROP_BODY_TIMEOUT" in answer


def test_an_answer_costs_what_a_backward_pass_may(live_server_factory, store_env) -> None:  # noqa: F811
    """[256]*10 on 50 stored examples: 50 × 592,128 weights × 2 passes is over the work
    bound, so backward is refused, and an answer (a backward pass) is refused alike."""
    server = live_server_factory(workers=2, env=store_env)
    x = [[(i * 7 + j) % 10 / 10 for j in range(256)] for i in range(50)]
    body = {"layers": [256] * 10, "dataset": {"x": x, "y": x}}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        made = http.post("/api/networks", json=body)
        assert made.status_code == 201, made.text
        network = made.json()["id"]
        backward = http.post(f"/api/networks/{network}/backward", json={})
        assert backward.status_code == 409
        answer = http.post(f"/api/networks/{network}/answers", json={"path": "loss", "value": 1.0})
        assert answer.status_code == 409, answer.text
        assert answer.json()["errors"][0]["field"] == "dataset"
        assert "multiply-adds" in answer.json()["detail"]


@pytest.mark.parametrize("where", ["class", "alone"])
def test_only_what_is_asked_is_kept(live_server_factory, store_env, where: str) -> None:  # noqa: F811
    """In a class, an answer to a path the activity does not ask is checked, not kept (its
    attempts stay 1); alone, only the network's first 20 paths are kept."""
    server = live_server_factory(workers=2, env=store_env)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        if where == "class":
            code = http.post("/api/classes", json=CLASS).json()["join_code"]
            network = http.post("/api/join", json={"code": code}).json()["network_id"]
            asked = [q["path"] for q in MAZUR_EXERCISE["questions"]]
            extra = [f"net[1][0][{u}]" for u in range(2)] + ["loss"]
        else:
            network = http.post("/api/networks", json={"preset": "mazur"}).json()["id"]
            paths = [
                f"{n}[{k}][{j}][{i}]"
                for n in ("net", "activations", "deltas")
                for k in range(2)
                for j in range(1)
                for i in range(2)
            ]
            paths += [
                f"weights_after[{k}][{j}][{i}]"
                for k in range(2)
                for j in range(2)
                for i in range(2)
            ]
            paths += [f"biases_after[{k}][{i}]" for k in range(2) for i in range(2)]
            asked, extra = paths[:20], paths[20:]
        assert extra and not set(asked) & set(extra)

        def attempts(path: str) -> int:
            url = f"/api/networks/{network}/answers"
            response = http.post(url, json={"path": path, "value": 123.0})
            assert response.status_code == 200, response.text
            return int(response.json()["attempts"])

        for path in asked + extra:
            attempts(path)
        assert [attempts(p) for p in asked] == [2] * len(asked)
        assert [attempts(p) for p in extra] == [1] * len(extra)
