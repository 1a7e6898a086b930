"""The WAL file removed while the server runs: every acknowledged change survives, writes
answer 503 from then on, and the health check says a restart is needed."""

from __future__ import annotations

import httpx


def test_a_removed_wal_loses_no_acknowledged_update(live_server_factory, tmp_path):
    database = tmp_path / "wal.sqlite3"
    server = live_server_factory(database=database)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        network = http.post("/api/networks", json={"preset": "xor"}).json()["id"]
        acknowledged = 0
        for _ in range(30):
            assert http.post(f"/api/networks/{network}/step", json={}).status_code == 200
            acknowledged += 1
        (tmp_path / "wal.sqlite3-wal").unlink()
        for _ in range(10):
            response = http.post(f"/api/networks/{network}/step", json={})
            if response.status_code == 200:
                acknowledged += 1
            else:
                assert response.status_code == 503, response.text
                assert "write-ahead log" in response.json()["detail"]
        assert response.status_code == 503  # refused from the first write that saw it
        assert http.get(f"/api/networks/{network}").status_code == 200  # reads still work
        health = http.get("/healthz")
        assert health.status_code == 503
        assert "restart" in health.json()["detail"]
    server.kill()  # no clean close: only what reached the database file counts
    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get("/healthz").status_code == 200
        assert http.get(f"/api/networks/{network}").json()["updates"] == acknowledged
        assert http.post(f"/api/networks/{network}/step", json={}).status_code == 200
