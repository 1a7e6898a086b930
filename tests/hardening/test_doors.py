"""The classroom's doors against an outsider and a hostile student, on a real server with two
workers (rate limits are per worker, the class's state is the database's): a class cannot
fill the server's network cap, opening classes can be restricted, one student cannot fill
a class or lock a school out with wrong codes, and no client picks its own rate-limit key."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from tests.classroom.classes import MAZUR_EXERCISE, auth
from tests.classroom.test_shared_postgres import nginx_in_front  # noqa: F401 (a fixture)

CLASS = {"title": "Week 3", "activity": MAZUR_EXERCISE}


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The server's database: the SQLite file, or this test's PostgreSQL database."""
    if request.param == "sqlite":
        return {}
    return {"BACKPROP_DATABASE_URL": request.getfixturevalue("postgres_url")}


def posted(http: httpx.Client, path: str, body: Any, address: str | None = None) -> httpx.Response:
    """A POST, from `address` when the server believes this client's X-Forwarded-For."""
    headers = {} if address is None else {"X-Forwarded-For": address}
    return http.post(path, json=body, headers=headers)


def test_one_class_cannot_fill_the_servers_network_cap(live_server_factory, store_env) -> None:
    """An outsider with one class, its joins and its pushes: the class stops at its own bound
    (the join and the push refused with 409 naming the setting) and the server can still make
    networks for everyone else."""
    env = {"BACKPROP_MAX_NETWORKS": "40", "BACKPROP_MAX_CLASS_NETWORKS": "30", **store_env}
    server = live_server_factory(workers=2, env=env)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        created = posted(http, "/api/classes", CLASS).json()
        for _ in range(30):
            assert posted(http, "/api/join", {"code": created["join_code"]}).status_code == 201
        full = posted(http, "/api/join", {"code": created["join_code"]})
        assert full.status_code == 409, full.text
        assert full.json()["errors"][0]["field"] == "code"
        assert "BACKPROP_MAX_CLASS_NETWORKS" in full.json()["detail"]
        pushed = http.post(
            f"/api/classes/{created['id']}/activity", json=MAZUR_EXERCISE, headers=auth(created)
        )
        assert pushed.status_code == 409, pushed.text
        assert pushed.json()["errors"][0]["field"] == "activity"
        assert "30 networks" in pushed.json()["detail"]
        # the teacher's class is as it was: 30 students on the first activity
        class_now = http.get(f"/api/classes/{created['id']}", headers=auth(created)).json()
        assert (len(class_now["students"]), class_now["activity_number"]) == (30, 1)
        assert class_now["networks_left"] == 0  # what the dashboard tells the teacher
        assert posted(http, "/api/networks", {"preset": "xor"}).status_code == 201


def test_the_teacher_password_keeps_outsiders_from_opening_classes(live_server_factory) -> None:
    server = live_server_factory(workers=2, env={"BACKPROP_TEACHER_PASSWORD": "four words go here"})
    with httpx.Client(base_url=server.url, timeout=30) as http:
        none = posted(http, "/api/classes", CLASS)
        assert none.status_code == 401
        assert none.json()["errors"][0]["field"] == "teacher_password"
        wrong = posted(http, "/api/classes", {**CLASS, "teacher_password": "four words go"})
        assert wrong.status_code == 403
        assert wrong.json()["errors"][0]["field"] == "teacher_password"
        right = posted(http, "/api/classes", {**CLASS, "teacher_password": "four words go here"})
        assert right.status_code == 201, right.text
        page = http.get("/teach/new").text
        assert 'id="teacher-password"' in page and 'type="password"' in page


def test_without_a_password_each_address_opens_few_classes(live_server_factory) -> None:
    env = {"BACKPROP_CLASS_BURST": "1", "BACKPROP_CLASSES_PER_HOUR": "0.01"}
    server = live_server_factory(workers=2, env=env)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        statuses = Counter(posted(http, "/api/classes", CLASS).status_code for _ in range(6))
        assert statuses[201] <= 2 and statuses[429] >= 4, statuses  # 1 per worker
        refused = posted(http, "/api/classes", CLASS)
        assert "BACKPROP_TEACHER_PASSWORD" in refused.json()["detail"]
        assert 'id="teacher-password"' not in http.get("/teach/new").text


def test_a_right_code_gets_in_from_an_address_that_sent_100_wrong_ones(live_server_factory) -> None:
    """A school behind one NAT address: one student sends 100 wrong codes; the classmates
    behind the same address still join with the right one, while a guesser elsewhere who
    used up their allowance learns nothing from the right code either."""
    env = {"BACKPROP_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    server = live_server_factory(workers=2, env=env, as_deployed=True)
    school, teacher, guesser = "203.0.113.5", "198.51.100.1", "192.0.2.99"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        created = posted(http, "/api/classes", CLASS, teacher).json()
        code = created["join_code"]
        assert posted(http, "/api/join", {"code": code}, school).status_code == 201
        wrong = Counter(
            posted(http, "/api/join", {"code": "ZZZZZZ"}, school).status_code for _ in range(100)
        )
        assert wrong[429] > 0, wrong
        right = Counter(
            posted(http, "/api/join", {"code": code}, school).status_code for _ in range(10)
        )
        assert right == {201: 10}
        for _ in range(100):
            posted(http, "/api/join", {"code": "ZZZZZZ"}, guesser)
        refused = posted(http, "/api/join", {"code": code}, guesser)
        assert refused.status_code == 429
        assert (
            len(http.get(f"/api/classes/{created['id']}", headers=auth(created)).json()["students"])
            == 11
        )


def test_behind_nginx_every_client_sharing_one_address_right_codes_get_in(
    live_server_factory,
    nginx_in_front,  # noqa: F811
) -> None:
    """The scale setup's nginx, with the app believing no forwarded address: every client is
    nginx's one address, which the class knows from its teacher."""
    server = live_server_factory(workers=2, as_deployed=True)
    url = nginx_in_front([server, server, server])  # the configuration's three upstreams
    with httpx.Client(base_url=url, timeout=30) as http:
        code = posted(http, "/api/classes", CLASS).json()["join_code"]
        for _ in range(100):
            posted(http, "/api/join", {"code": "ZZZZZZ"})
        right = Counter(posted(http, "/api/join", {"code": code}).status_code for _ in range(10))
        assert right == {201: 10}


def test_one_address_cannot_fill_a_class_by_joining_again_and_again(live_server_factory) -> None:
    env = {
        "BACKPROP_JOIN_BURST": "5",
        "BACKPROP_JOINS_PER_MINUTE": "0.01",
        "BACKPROP_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    server = live_server_factory(workers=2, env=env, as_deployed=True)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        code = posted(http, "/api/classes", CLASS, "198.51.100.1").json()["join_code"]
        answers = [posted(http, "/api/join", {"code": code}, "203.0.113.5") for _ in range(30)]
        statuses = Counter(a.status_code for a in answers)
        assert statuses[201] <= 10 and statuses[429] >= 20, statuses  # 5 per worker
        first = next(a.json() for a in answers if a.status_code == 201)
        again = {"code": code, "student_key": first["student_key"]}
        assert posted(http, "/api/join", again, "203.0.113.5").status_code == 200
        assert posted(http, "/api/join", {"code": code}, "192.0.2.7").status_code == 201


def test_names_cannot_pass_for_another_students(live_server_factory) -> None:
    server = live_server_factory(workers=2)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        code = posted(http, "/api/classes", CLASS).json()["join_code"]
        for name in ("Ada\u202eecnaL", "\u2066Ada\u2069", "A\u200bda", "Ada\u200f"):
            refused = posted(http, "/api/join", {"code": code, "name": name})
            assert refused.status_code == 422, (name, refused.text)
            assert refused.json()["errors"][0]["field"] == "name"
        names = [
            posted(http, "/api/join", {"code": code, "name": n}).json()["name"]
            for n in ("Ada", "Ada", "ADA", "Ａｄａ", "Ada (2)", "Grace 👩\u200d💻")
        ]
        assert names == [
            "Ada",
            "Ada (2)",
            "ADA (3)",
            "Ａｄａ (4)",
            "Ada (2) (2)",
            "Grace 👩\u200d💻",
        ]


def test_forwarded_for_from_a_client_that_is_no_configured_proxy_is_ignored(
    live_server_factory,
) -> None:
    """The image's server (`python -m app`) on loopback, no proxy configured: a client that
    sends X-Forwarded-For still counts under its own address."""
    env = {"BACKPROP_CREATE_BURST": "2", "BACKPROP_CREATE_PER_MINUTE": "0.01"}
    server = live_server_factory(workers=2, env=env, as_deployed=True)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        statuses = Counter(
            posted(http, "/api/networks", {"preset": "xor"}, f"10.0.0.{i}").status_code
            for i in range(12)
        )
        assert statuses[201] <= 4 and statuses[429] >= 8, statuses


def test_ipv6_clients_count_under_their_64(live_server_factory) -> None:
    env = {
        "BACKPROP_CREATE_BURST": "2",
        "BACKPROP_CREATE_PER_MINUTE": "0.01",
        "BACKPROP_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    server = live_server_factory(workers=2, env=env, as_deployed=True)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        statuses = Counter(
            posted(http, "/api/networks", {"preset": "xor"}, f"2001:db8:1:2::{i:x}").status_code
            for i in range(1, 13)
        )
        assert statuses[201] <= 4 and statuses[429] >= 8, statuses
        other = posted(http, "/api/networks", {"preset": "xor"}, "2001:db8:1:3::1")
        assert other.status_code == 201


def test_unknown_codes_are_limited_for_all_addresses_together(live_server_factory) -> None:
    """Guessing from many addresses: the server-wide allowance runs out (the join-code
    budget of docs/security.md)."""
    env = {
        "BACKPROP_JOIN_FAILURES_TOTAL_BURST": "3",
        "BACKPROP_JOIN_FAILURES_TOTAL_PER_MINUTE": "0.01",
        "BACKPROP_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    server = live_server_factory(workers=2, env=env, as_deployed=True)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        statuses = Counter(
            posted(http, "/api/join", {"code": "ZZZZZZ"}, f"10.1.{i}.1").status_code
            for i in range(20)
        )
        assert statuses[404] <= 6 and statuses[429] >= 14, statuses
