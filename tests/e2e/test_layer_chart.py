"""The per-layer chart of |δ| and |∂J/∂w| on the deep sigmoid preset, in headless Chromium:
each point is numpy's mean or largest over the server's backward answer, and it is drawn
again after a Step; and the Initial weights control draws the weights again."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app import nn
from tests.conftest import LiveServer
from tests.e2e.conftest import open_network

pytestmark = pytest.mark.e2e


def series(page: Page, key: str) -> list[float]:
    return list(json.loads(page.get_attribute(f"[data-series='{key}']", "data-values") or "[]"))


def test_the_deep_presets_layers_after_backward_and_step(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    net = api.post("/api/networks", json={"preset": "deep-sigmoid"}).json()
    back = api.post(f"/api/networks/{net['id']}/backward", json={}).json()
    open_network(page, live_server, net["id"])
    page.locator("#layers-box summary").click()
    expect(page.locator("#layer-note")).to_contain_text("Press Backward")
    page.get_by_role("button", name="Backward", exact=True).click()
    page.wait_for_selector("[data-series='deltaMean']")
    deltas = [np.abs(np.array(d)) for d in back["deltas"]]
    grads = [np.abs(np.array(g)) for g in back["gradients"]["weights"]]
    assert series(page, "deltaMean") == pytest.approx([d.mean() for d in deltas], rel=1e-12)
    assert series(page, "deltaMax") == [d.max() for d in deltas]
    assert series(page, "gradMean") == pytest.approx([g.mean() for g in grads], rel=1e-12)
    assert series(page, "gradMax") == [g.max() for g in grads]
    means = series(page, "deltaMean")
    assert means[0] < means[-1] / 4**3  # δ shrinks going back (σ' ≤ ¼ per layer)

    before = series(page, "deltaMax")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#loss-now")).to_contain_text("1 update")
    page.wait_for_function(
        "b => document.querySelector(\"[data-series='deltaMax']\").dataset.values !== b",
        arg=json.dumps(before),
    )

    page.get_by_label("Initial weights").select_option("he_normal")
    page.wait_for_function(
        "id => fetch('/api/networks/' + id).then(r => r.json()).then(s => s.init === 'he_normal')",
        arg=net["id"],
    )
    state = api.get(f"/api/networks/{net['id']}").json()
    drawn = nn.init_params(state["layers"], state["seed"], "he_normal")  # drawn again
    assert state["weights"] == [w.tolist() for w in drawn.weights]
