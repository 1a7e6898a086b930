"""The page's data tools in Chromium: clicks on the heatmap change the dataset on the server,
test examples are rings and get their own curve, Play stops by itself, the L2 term shows on
the card, and several outputs colour the plane by class."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network

pytestmark = pytest.mark.e2e

SPLIT = {"shape": "xor", "n": 40, "noise": 0.0, "test_fraction": 0.25, "seed": 5}
BLUE, ORANGE = (0, 114, 178), (230, 159, 0)


def create(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    state: dict[str, Any] = response.json()
    return state


def dataset(api: httpx.Client, net: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = api.get(f"/api/networks/{net['id']}").json()["dataset"]
    return data


def heatmap_ready(page: Page, points: int) -> list[list[float]]:
    """Wait for the heatmap to show `points` examples; its bounds [[x0, x1], [y0, y1]]."""
    canvas = page.locator(f"#heatmap[data-points='{points}']")
    expect(canvas).to_be_visible()
    bounds: list[list[float]] = json.loads(canvas.get_attribute("data-bounds") or "null")
    return bounds


def pixel_of(page: Page, bounds: list[list[float]], a: float, b: float) -> tuple[float, float]:
    """Where input (a, b) is drawn, relative to the top left corner of the canvas's content
    box (CSS pixels; inside its border, where the picture is and where a click's `position`
    counts from)."""
    w, h = page.evaluate(
        "() => { const c = document.querySelector('#heatmap');"
        " return [c.clientWidth, c.clientHeight]; }"
    )
    (x0, x1), (y0, y1) = bounds
    return (a - x0) / (x1 - x0) * w, h - (b - y0) / (y1 - y0) * h


def alone(points: list[list[float]], others: list[list[float]], gap: float) -> list[list[float]]:
    """The points with no other example within `gap` (in input units): a dot or ring drawn
    near one would cover part of it."""
    return [
        p
        for p in points
        if all(q is p or max(abs(p[0] - q[0]), abs(p[1] - q[1])) > gap for q in others)
    ]


def rgb_at(page: Page, selector: str, x: float, y: float) -> tuple[int, int, int]:
    rgb = page.evaluate(
        """([selector, x, y]) => {
            const c = document.querySelector(selector);
            const ratio = c.width / c.clientWidth;
            const at = (v) => Math.round(v * ratio);
            const d = c.getContext('2d').getImageData(at(x), at(y), 1, 1).data;
            return [d[0], d[1], d[2]];
        }""",
        [selector, x, y],
    )
    return (int(rgb[0]), int(rgb[1]), int(rgb[2]))


def near(rgb: tuple[int, int, int], ref: tuple[int, int, int], tol: int = 12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(rgb, ref, strict=True))


def count_colour(page: Page, selector: str, ref: tuple[int, int, int]) -> int:
    """How many pixels of the canvas are within 12 of `ref` in each channel."""
    count: int = page.evaluate(
        """([selector, ref]) => {
            const c = document.querySelector(selector);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4)
                if (Math.abs(d[i] - ref[0]) <= 12 && Math.abs(d[i + 1] - ref[1]) <= 12 &&
                    Math.abs(d[i + 2] - ref[2]) <= 12 && d[i + 3] > 200) n += 1;
            return n;
        }""",
        [selector, list(ref)],
    )
    return count


def test_clicks_on_the_heatmap_add_and_remove_examples_on_the_server(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = create(api, {"layers": [2, 3, 1], "seed": 1, "generate": SPLIT})
    open_network(page, live_server, net["id"])
    bounds = heatmap_ready(page, 40)
    box = page.locator("#heatmap").bounding_box()
    assert box is not None
    # one pixel is this much of the input plane: the new example lands within it
    step = max(
        (bounds[0][1] - bounds[0][0]) / box["width"], (bounds[1][1] - bounds[1][0]) / box["height"]
    )

    page.locator("#heatmap").click(
        position=dict(zip("xy", pixel_of(page, bounds, 0.55, -0.35), strict=True))
    )
    heatmap_ready(page, 41)
    data = dataset(api, net)
    assert len(data["x"]) == 31 and len(data["test"]["x"]) == 10
    assert data["x"][-1] == [pytest.approx(0.55, abs=2 * step), pytest.approx(-0.35, abs=2 * step)]
    assert data["y"][-1] == [1.0]

    page.locator("#heatmap").click(
        position=dict(zip("xy", pixel_of(page, bounds, -0.6, -0.6), strict=True)),
        modifiers=["Shift"],
    )
    heatmap_ready(page, 42)
    data = dataset(api, net)
    assert data["x"][-1] == [pytest.approx(-0.6, abs=2 * step), pytest.approx(-0.6, abs=2 * step)]
    assert data["y"][-1] == [0.0]

    # alt-click a little off the first new point: that one goes, nothing else
    page.locator("#heatmap").click(
        position=dict(zip("xy", pixel_of(page, bounds, 0.56, -0.34), strict=True)),
        modifiers=["Alt"],
    )
    heatmap_ready(page, 41)
    after = dataset(api, net)
    assert after["x"] == data["x"][:-2] + data["x"][-1:]
    assert after["test"] == data["test"]


def test_test_examples_are_rings_with_their_own_curve_and_scores(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = create(api, {"layers": [2, 4, 1], "seed": 2, "learning_rate": 1.0, "generate": SPLIT})
    open_network(page, live_server, net["id"])
    bounds = heatmap_ready(page, 40)
    data = net["dataset"]
    # a training example's centre is its dot's colour; a test example's centre shows the
    # plane through the ring (the untrained network's pale middle, not a dot's colour). Only
    # examples with no other within 0.1 (10 pixels) are looked at: a ring drawn over a dot
    # darkens it.
    every = data["x"] + data["test"]["x"]
    lonely = alone(data["x"], every, 0.1)
    rings = alone(data["test"]["x"], every, 0.1)
    assert len(lonely) >= 4 and len(rings) >= 4
    for x in lonely[:4]:
        y = data["y"][data["x"].index(x)]
        assert near(
            rgb_at(page, "#heatmap", *pixel_of(page, bounds, *x)), BLUE if y == [1.0] else ORANGE
        )
    for x in rings[:4]:
        centre = rgb_at(page, "#heatmap", *pixel_of(page, bounds, *x))
        assert not near(centre, BLUE, 40) and not near(centre, ORANGE, 40), centre
        assert sum(centre) > 500, centre  # pale: the region shows through

    page.locator("#stop-epochs").fill("60")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator("#stop-reason")).to_contain_text("60 epochs done", timeout=30_000)
    stepped = api.get(f"/api/networks/{net['id']}").json()
    assert stepped["updates"] == 60
    # the scores beside J are the server's, for both sets, with the weights after Play
    scores = page.locator("#scores")
    expect(scores).to_contain_text("test: J =")
    train_x, train_y = stepped["dataset"]["x"], stepped["dataset"]["y"]
    train_j = api.post(f"/api/networks/{net['id']}/forward", json={"x": train_x, "y": train_y})
    assert float(scores.get_attribute("data-train-loss") or "nan") == pytest.approx(
        train_j.json()["loss"], rel=1e-12
    )
    test_x, test_y = stepped["dataset"]["test"]["x"], stepped["dataset"]["test"]["y"]
    test_j = api.post(f"/api/networks/{net['id']}/forward", json={"x": test_x, "y": test_y}).json()[
        "loss"
    ]
    assert float(scores.get_attribute("data-test-loss") or "nan") == pytest.approx(
        test_j, rel=1e-12
    )
    out = api.post(f"/api/networks/{net['id']}/predict", json={"x": test_x}).json()["output"]
    right = sum((o[0] >= 0.5) == (t[0] == 1) for o, t in zip(out, test_y, strict=True))
    assert float(scores.get_attribute("data-test-accuracy") or "nan") == right / 10
    # both curves are drawn: the training line in blue, the dashed test line in orange
    assert count_colour(page, "#loss-chart", BLUE) > 50
    assert count_colour(page, "#loss-chart", ORANGE) > 50


def test_play_stops_at_a_target_j(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = create(api, {"layers": [2, 4, 1], "seed": 2, "learning_rate": 1.0, "generate": SPLIT})
    open_network(page, live_server, net["id"])
    first_j = api.post(
        f"/api/networks/{net['id']}/forward",
        json={"x": net["dataset"]["x"], "y": net["dataset"]["y"]},
    ).json()["loss"]
    target = first_j * 0.8
    page.locator("#stop-loss").fill(f"{target}")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator("#stop-reason")).to_contain_text("J reached", timeout=30_000)
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    now = api.get(f"/api/networks/{net['id']}").json()
    j = api.post(
        f"/api/networks/{net['id']}/forward",
        json={"x": now["dataset"]["x"], "y": now["dataset"]["y"]},
    ).json()["loss"]
    assert j <= target
    time.sleep(0.5)
    assert api.get(f"/api/networks/{net['id']}").json()["updates"] == now["updates"], "stopped"


def test_the_card_shows_both_parts_of_the_gradient_with_l2(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = create(api, {**MAZUR, "l2": 0.1})
    open_network(page, live_server, net["id"])
    page.get_by_role("button", name="Backward", exact=True).click()
    page.wait_for_selector("[data-unit='2-0'][data-delta]")
    page.click("[data-unit='2-0']")
    card = page.locator("#card")
    card.get_by_role("button", name="w from h1").click()
    bwd = api.post(f"/api/networks/{net['id']}/backward", json={}).json()["gradients"]
    penalty = card.locator("[data-l2-penalty]")
    expect(penalty).to_be_visible()
    assert (
        float(penalty.get_attribute("data-l2-penalty") or "nan") == bwd["weights_penalty"][1][0][0]
    )
    assert bwd["weights_penalty"][1][0][0] == pytest.approx(0.04)  # λ w = 0.1 · 0.4
    text = card.inner_text()
    assert "L2 term" in text and "0.04" in text
    # the browser's Σ is the data part
    batch_sum = float(card.locator("[data-batch-sum]").get_attribute("data-batch-sum") or "nan")
    assert batch_sum == pytest.approx(bwd["weights_data"][1][0][0], rel=1e-12)
    expect(page.locator("#l2")).to_have_value("0.1")


def test_generated_one_hot_classes_get_a_legend(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = create(api, {"layers": [2, 3, 1], "seed": 1, "dataset": {"x": [[0, 0]], "y": [[0]]}})
    open_network(page, live_server, net["id"])
    page.select_option("#gen-kind", "gaussians")
    page.locator("#gen-n").fill("30")
    page.locator("#gen-n").dispatch_event("change")
    page.locator("#gen-one-hot").check()
    with page.expect_request(lambda r: r.method == "PATCH") as sent:
        page.get_by_role("button", name="Generate").click()
    # the shape by its name, not by the field's old one
    asked = sent.value.post_data_json["generate"]
    assert (asked["shape"], "generate" in asked) == ("gaussians", False)
    expect(page.locator("#heatmap-legend .class-key")).to_have_count(2)
    state = api.get(f"/api/networks/{net['id']}").json()
    assert state["layers"] == [2, 3, 2]
    assert len(state["dataset"]["x"]) + len(state["dataset"]["test"]["x"]) == 30
    assert all(sorted(y) == [0.0, 1.0] for y in state["dataset"]["y"])
    expect(page.locator("#heatmap-legend")).to_contain_text("class 2: output 2 has the largest o")
