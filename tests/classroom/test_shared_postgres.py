"""Three real servers sharing one real PostgreSQL database: concurrent steps spread over them
are each applied once (and, on SQLite, over one server's worker processes), a server killed
under load loses nothing it acknowledged, a stopped database answers 503 with Retry-After
until it is back, without a restart, class routes and streams included, and nginx with
deploy/nginx.conf in front keeps answering when a server dies."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.classroom.classes import auth, join, open_class
from tests.classroom.sse import Stream
from tests.conftest import ROOT, LiveServer, free_port
from tests.postgres import PostgresServer

pytestmark = pytest.mark.slow


def servers(factory: Any, url: str, count: int = 3, **env: str) -> list[LiveServer]:
    """`count` servers on the database at `url`, started at once (they migrate together)."""
    environment = {"BACKPROP_DATABASE_URL": url, "BACKPROP_PG_POOL_MAX": "3", **env}
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: factory(env=environment), range(count)))


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_concurrent_steps_over_three_servers_are_each_applied_once(
    live_server_factory: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    """90 steps on one network from 30 threads at once, each step sent to the next of three
    servers (PostgreSQL), or of one server's three worker processes (SQLite): every one is
    answered 200 (none refused however often it lost to another writer), 90 updates, every
    response saw a different count, and the weights equal those of 90 steps one after
    another on a twin network."""
    if backend == "postgres":
        trio = servers(live_server_factory, request.getfixturevalue("postgres_url"))
    else:
        trio = [live_server_factory(workers=3)] * 3
    with httpx.Client(timeout=60) as http:
        shared = http.post(trio[0].url + "/api/networks", json={"preset": "circle"}).json()
        alone = http.post(trio[1].url + "/api/networks", json={"preset": "circle"}).json()
    assert shared["weights"] == alone["weights"]

    def steps(k: int) -> list[int]:
        seen = []
        with httpx.Client(timeout=60) as http:
            for i in range(k, k + 3):
                url = f"{trio[i % 3].url}/api/networks/{shared['id']}/step"
                response = http.post(url, json={})
                assert response.status_code == 200, response.text
                seen.append(int(response.json()["network"]["updates"]))
        return seen

    with ThreadPoolExecutor(30) as pool:
        seen = [u for chunk in pool.map(steps, range(30)) for u in chunk]
    assert sorted(seen) == list(range(1, 91))  # none lost, none applied twice

    with httpx.Client(base_url=trio[2].url, timeout=60) as http:
        for _ in range(90):
            assert http.post(f"/api/networks/{alone['id']}/step", json={}).status_code == 200
        after = [http.get(f"/api/networks/{n['id']}").json() for n in (shared, alone)]
    assert after[0]["updates"] == after[1]["updates"] == 90
    assert after[0]["weights"] == after[1]["weights"]  # bit for bit (JSON floats are exact)
    assert after[0]["biases"] == after[1]["biases"]


def test_a_server_killed_under_load_loses_nothing_it_acknowledged(
    live_server_factory: Any, postgres_url: str
) -> None:
    """Six clients step their own networks, each request to the next server; one server is
    SIGKILLed mid-load, the clients go on with the other two. Every network then holds its
    last acknowledged state, or one step more when the last request died with the server."""
    trio = servers(live_server_factory, postgres_url)
    ids = [
        httpx.post(trio[0].url + "/api/networks", json={"preset": "xor"}).json()["id"]
        for _ in range(6)
    ]
    last: dict[str, dict[str, Any]] = {}
    unsure: dict[str, bool] = dict.fromkeys(ids, False)
    seen: dict[str, list[int]] = {i: [] for i in ids}
    stop, killed = threading.Event(), threading.Event()

    def load(k: int, network_id: str) -> None:
        with httpx.Client(timeout=30) as http:
            for i in itertools.count(k):
                if stop.is_set():
                    return
                server = trio[i % 3]
                if killed.is_set() and server is trio[0]:
                    continue  # a client that saw the server die stops asking it
                try:
                    response = http.post(f"{server.url}/api/networks/{network_id}/step", json={})
                except httpx.HTTPError:
                    unsure[network_id] = True  # committed or not: the kill swallowed the answer
                    continue
                assert response.status_code == 200, response.text
                last[network_id] = response.json()["network"]
                seen[network_id].append(last[network_id]["updates"])
                unsure[network_id] = False

    threads = [threading.Thread(target=load, args=(k, n)) for k, n in enumerate(ids)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while min(len(s) for s in seen.values()) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    trio[0].kill()
    killed.set()
    at_kill = {n: len(s) for n, s in seen.items()}
    while any(len(seen[n]) < at_kill[n] + 5 for n in ids) and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(30)
    assert all(len(seen[n]) >= at_kill[n] + 5 for n in ids), "the other servers stopped serving"

    with httpx.Client(base_url=trio[1].url, timeout=30) as http:
        for network_id in ids:
            counts = seen[network_id]
            assert counts == sorted(set(counts))  # each acknowledged step counted once
            stored = http.get(f"/api/networks/{network_id}").json()
            acknowledged = last[network_id]
            if unsure[network_id]:
                assert stored["updates"] in (acknowledged["updates"], acknowledged["updates"] + 1)
            else:
                assert stored == acknowledged


def test_a_stopped_database_answers_503_and_the_servers_recover_by_themselves(
    live_server_factory: Any, own_postgres: PostgresServer
) -> None:
    """The database stops under a class: every request is a 503 with Retry-After (never a
    500), the teacher's stream says so in an event and stays open; once it is back every
    server answers again, without a restart, and the same stream follows the class again."""
    trio = servers(live_server_factory, own_postgres.database(), BACKPROP_PG_TIMEOUT="1")
    with httpx.Client(timeout=30) as http:
        made = http.post(trio[0].url + "/api/networks", json={"preset": "xor"}).json()
        path = f"/api/networks/{made['id']}"
        assert http.post(trio[1].url + path + "/step", json={}).status_code == 200
        created = open_class(httpx.Client(base_url=trio[0].url, timeout=30))
        student = join(httpx.Client(base_url=trio[1].url, timeout=30), created["join_code"])
        teacher = auth(created)
        events = f"{trio[2].url}/api/classes/{created['id']}/events"
        stream = Stream(events, teacher)
        stream.until(lambda m: m.event == "student")

        own_postgres.stop()
        outage = stream.until(lambda m: m.event == "unavailable", timeout=30)
        assert outage.data["detail"]
        for server in trio:
            for method, suffix, body, headers in (
                ("POST", path + "/step", {}, {}),
                ("GET", path, None, {}),
                ("POST", f"/api/networks/{student['network_id']}/step", {}, {}),
                ("GET", f"/api/classes/{created['id']}", None, teacher),
                ("GET", f"/api/classes/{created['id']}/events", None, teacher),
                ("POST", "/api/join", {"code": created["join_code"]}, {}),
                ("POST", "/api/classes", {"title": "T", "activity": {"preset": "xor"}}, {}),
            ):
                response = http.request(method, server.url + suffix, json=body, headers=headers)
                assert response.status_code == 503, (suffix, response.text)
                assert int(response.headers["retry-after"]) > 0
                assert "database" in response.json()["detail"]
            assert http.get(server.url + "/healthz").status_code == 200  # no restart needed

        own_postgres.start()
        deadline = time.monotonic() + 60  # generous: the pools reconnect with a back-off
        for server in trio:
            while True:
                response = http.get(server.url + path)
                if response.status_code == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert response.status_code == 200, f"{server.url} did not recover: {response.text}"
            assert response.json()["updates"] == 1  # the refused steps changed nothing
        assert http.post(trio[2].url + path + "/step", json={}).json()["network"]["updates"] == 2
        resumed = stream.until(lambda m: m.event == "class", timeout=60)
        assert resumed.data["activity_number"] == 1
        assert not stream.ended.is_set()
        url = f"{trio[0].url}/api/networks/{student['network_id']}/step"
        assert http.post(url, json={}).status_code == 200
        card = stream.until(lambda m: m.event == "student" and m.data["updates"] == 1)
        assert card.data["student_id"] == student["student_id"]
        stream.close()


@pytest.fixture
def nginx_in_front(tmp_path: Path) -> Any:
    """`start(servers)`: Debian's nginx on a free port with deploy/nginx.conf, its upstreams
    pointed at the given servers instead of the compose services app1..app3; its URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx is not installed here (apt-get install nginx)")
    started: list[subprocess.Popen[bytes]] = []

    def start(backends: list[LiveServer]) -> str:
        port = free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        for i, server in enumerate(backends, 1):
            conf = conf.replace(f"server app{i}:8000", f"server 127.0.0.1:{server.port}")
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
        assert "app1" not in conf and f":{port};" in conf
        (tmp_path / "nginx.conf").write_text(conf)
        globals_ = f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;"
        started.append(
            subprocess.Popen(
                [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", globals_]
            )
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    return url
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError((tmp_path / "error.log").read_text())

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


def test_nginx_takes_a_killed_server_out_of_the_rotation(
    live_server_factory: Any, postgres_url: str, nginx_in_front: Any
) -> None:
    """Through nginx with the repository's configuration: steps go round the three servers;
    after one is SIGKILLed every request is still answered, by the other two, and the
    network's count goes on from where it was."""
    trio = servers(live_server_factory, postgres_url)
    url = nginx_in_front(trio)
    with httpx.Client(base_url=url, timeout=30) as http:
        made = http.post("/api/networks", json={"preset": "xor"}).json()
        path = f"/api/networks/{made['id']}/step"
        for updates in range(1, 7):
            response = http.post(path, json={})
            assert response.status_code == 200, response.text
            assert response.json()["network"]["updates"] == updates
        trio[0].kill()  # between requests: nothing in flight is lost
        for updates in range(7, 31):
            response = http.post(path, json={})
            assert response.status_code == 200, response.text
            assert response.json()["network"]["updates"] == updates
