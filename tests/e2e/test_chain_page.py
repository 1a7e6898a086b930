"""The chain rule in the unit card, in headless Chromium: after Backward each node shows the
server's numbers (its value, and ∂J_i/∂node from backward's δ), and Walk Backward reveals the
nodes in the order backpropagation reaches them."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network

pytestmark = pytest.mark.e2e


def node(page: Page, name: str, attr: str) -> float:
    value = page.get_attribute(f".chain-node[data-node='{name}']", attr)
    assert value is not None, f"{name} has no {attr}"
    return float(value)


@pytest.mark.parametrize(
    "body, unit", [(MAZUR, (2, 0)), ({"preset": "xor"}, (1, 1))], ids=["mazur", "xor"]
)
def test_open_a_units_scalar_graph_after_backward(
    watched: Page, live_server: LiveServer, api: httpx.Client, body, unit
) -> None:
    page = watched
    net = api.post("/api/networks", json=body).json()
    back = api.post(f"/api/networks/{net['id']}/backward", json={}).json()
    open_network(page, live_server, net["id"])
    page.get_by_role("button", name="Backward", exact=True).click()
    k, r = unit
    page.wait_for_selector(f"[data-unit='{k}-{r}'][data-delta]")
    page.click(f"[data-unit='{k}-{r}']")
    page.locator(".chain summary").click()
    page.wait_for_selector(".chain-node[data-node='net'][data-grad]")
    delta = back["deltas"][k - 1][0][r]
    u = back["activations"][k - 1][0]
    w = net["weights"][k - 1][r]
    assert node(page, "net", "data-value") == back["net"][k - 1][0][r]
    assert node(page, "net", "data-grad") == -delta  # δ = −∂J_i/∂net, the server's δ
    assert node(page, "o", "data-value") == back["activations"][k][0][r]
    for q in range(len(u)):
        assert node(page, f"w{q}", "data-grad") == -delta * u[q]  # ∂J_i/∂w_rq = −δ_r u_rq
        assert node(page, f"u{q}", "data-grad") == -delta * w[q]
        assert node(page, f"w{q}", "data-value") == w[q]
    if net["layers"] == [2, 2, 2]:  # Mazur: his ∂E/∂w5 on w5's node
        assert node(page, "w0", "data-grad") == pytest.approx(0.082167041, abs=1e-9)

    page.get_by_role("button", name="Walk Backward").click()
    order = ["J", "o", "net", "b", "p0", "p1", "w0", "w1", "u0", "u1"]
    for n, name in enumerate(order):
        expect(page.locator(".chain-node.current")).to_have_attribute("data-node", name)
        shown = page.locator(".chain-node[data-grad]").evaluate_all(
            "ns => ns.map(n => n.dataset.node)"
        )
        assert sorted(shown) == sorted(order[: n + 1])  # only the nodes reached so far
        label = "Show all" if n == len(order) - 1 else "Next node"
        page.get_by_role("button", name=label).click()
    expect(page.locator(".chain-node[data-grad]")).to_have_count(len(order))
