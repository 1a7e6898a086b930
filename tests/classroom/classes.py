"""Helpers for the class tests: open a class, join it, call as its teacher."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.classroom.schemas import EXERCISE

MAZUR_EXERCISE: dict[str, Any] = {k: v for k, v in EXERCISE.items() if k != "tolerance"}
"""Mazur's network, architecture and data locked, two questions (the /docs example)."""


def auth(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['teacher_key']}"}


def open_class(
    client: Any, activity: dict[str, Any] | None = None, title: str = "Week 3"
) -> dict[str, Any]:
    response = client.post(
        "/api/classes", json={"title": title, "activity": activity or MAZUR_EXERCISE}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def join(client: Any, code: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/join", json={"code": code, "name": name, **extra})
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def snapshot(client: TestClient, created: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/api/classes/{created['id']}", headers=auth(created))
    assert response.status_code == 200, response.text
    return dict(response.json())
