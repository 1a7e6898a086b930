"""The short path for POST …/step answers exactly as the FastAPI route does: same bytes, same
headers, same refusals. Each case runs on two apps, one with the lane and one without."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api import step_lane
from app.api.step_lane import StepLane
from app.schemas import MAZUR_EXAMPLE
from tests.api.test_bad_input import OVERFLOWS


@pytest.fixture
def clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, TestClient]]:
    from app.config import get_settings
    from app.main import create_app

    made: dict[str, TestClient] = {}
    for name in ("lane", "route"):
        monkeypatch.setenv("BACKPROP_DATABASE", str(tmp_path / f"{name}.sqlite3"))
        get_settings.cache_clear()
        app = create_app()
        if name == "route":
            app.user_middleware = [m for m in app.user_middleware if m.cls is not StepLane]
        made[name] = TestClient(app).__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)
    get_settings.cache_clear()


@pytest.fixture
def lane_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the steps the lane itself took (the route does not go through the lane)."""
    calls: list[int] = []
    run = step_lane.run_step

    async def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return await run(*args)

    monkeypatch.setattr(step_lane, "run_step", counted)
    return calls


def both(clients: dict[str, TestClient], create: dict, body: bytes | None, **kw):  # type: ignore[type-arg]
    """The same request to each app, on a network made the same way; the responses."""
    out = {}
    for name, client in clients.items():
        made = client.post("/api/networks", json=create)
        assert made.status_code == 201
        path = f"/api/networks/{made.json()['id']}/step"
        out[name] = client.post(path, content=body, **kw)
    return out["lane"], out["route"]


def same(lane, route) -> None:  # type: ignore[no-untyped-def]
    assert lane.status_code == route.status_code
    assert {k: v for k, v in lane.headers.items() if k != "content-length"} == {
        k: v for k, v in route.headers.items() if k != "content-length"
    }
    a, b = lane.json(), route.json()
    if "network" in a:
        a["network"].pop("id"), b["network"].pop("id")
    assert a == b


JSON = {"headers": {"content-type": "application/json"}}


def test_a_valid_step_takes_the_lane_and_answers_as_the_route(clients, lane_calls):
    lane, route = both(clients, MAZUR_EXAMPLE, b'{"epochs": 3, "mode": "online"}', **JSON)
    assert lane.status_code == 200 and lane_calls == [1]
    assert lane.headers["content-security-policy"]  # the security layers still apply
    same(lane, route)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"epochs": 0}', "epochs"),
        (b'{"epochs": true}', "epochs"),
        (b'{"mode": "sideways"}', "mode"),
        (b'{"x": [[1, 2, 3]], "y": [[0, 1]]}', "x[0]"),  # valid JSON, wrong for the network
        (b'{"x": [[1, 2]]}', "y"),
        (b'{"nope": 1}', "nope"),
        (b"{not json", "body"),
    ],
)
def test_a_refused_step_says_the_same_on_both_paths(clients, body, field):
    lane, route = both(clients, MAZUR_EXAMPLE, body, **JSON)
    assert lane.status_code == 422
    assert lane.json()["errors"][0]["field"] == field
    same(lane, route)


def test_an_overflowing_step_is_refused_the_same_way_by_the_lane(clients, lane_calls):
    lane, route = both(clients, OVERFLOWS, b'{"epochs": 200}', **JSON)
    assert lane_calls == [1] and lane.status_code == 422
    assert lane.json()["errors"][0]["field"] == "loss"
    same(lane, route)


def test_a_missing_network_is_a_404_on_both_paths(clients, lane_calls):
    out = [c.post("/api/networks/nobody/step", content=b"{}", **JSON) for c in clients.values()]
    assert lane_calls == [1]
    assert out[0].status_code == 404 and out[0].json()["errors"][0]["field"] == "id"
    same(*out)


def test_no_body_and_other_methods_go_to_the_route(clients, lane_calls):
    lane, route = both(clients, MAZUR_EXAMPLE, None)
    assert lane.status_code == 200 and lane_calls == []  # no body: the route's defaults
    same(lane, route)
    out = [c.put("/api/networks/abc/step", content=b"{}", **JSON) for c in clients.values()]
    assert out[0].status_code == 405
    same(*out)
