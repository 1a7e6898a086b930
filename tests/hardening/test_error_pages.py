"""What a refusal tells whom: the server's own details go to its log, never into a body; a
browser gets a page it can read, a program keeps the API's JSON."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app on a database path that cannot be opened: its folder is a regular file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BACKPROP_DATABASE", str(blocker / "backprop.sqlite3"))
    from app.config import get_settings
    from app.main import create_app

    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client
    get_settings.cache_clear()


def test_a_503_names_no_server_path_and_the_log_has_the_cause(
    broken: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="backprop"):
        response = broken.post("/api/networks", json={"layers": [1, 1]})
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["errors"] == [
        {"field": "database", "message": "cannot save now; try again in a few seconds"}
    ]
    for secret in (str(tmp_path), "not-a-folder", "Errno", "directory"):
        assert secret not in response.text
    # the cause (the OS's error, on that path) is in the server's log
    assert any(
        "Errno" in record.getMessage() and str(tmp_path / "not-a-folder") in record.getMessage()
        for record in caplog.records
    )
