"""Step by step in headless Chromium: Forward and Backward shown one unit at a time, in the
lecture notes' order, every number the API's, and every step said in the live region."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network
from tests.e2e.test_page import attr, create, short

pytestmark = pytest.mark.e2e

UNITS = [(1, 0, "h1"), (1, 1, "h2"), (2, 0, "out1"), (2, 1, "out2")]


def has_no(page: Page, selector: str, name: str) -> None:
    assert page.get_attribute(selector, name) is None, f"{selector} already has {name}"


def start(page: Page, live_server: LiveServer, api: httpx.Client) -> str:
    net = create(api, {"preset": "mazur"})
    assert net["weights"] == MAZUR["weights"]
    open_network(page, live_server, net["id"])
    page.get_by_label("Step by step").check()
    return str(net["id"])


def test_step_by_step_backward_on_mazurs_network(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    network_id = start(page, live_server, api)
    say = page.locator("#step-say")
    next_step = page.get_by_role("button", name="Next step", exact=True)
    back = page.get_by_role("button", name="Previous step", exact=True)
    expect(next_step).to_be_disabled()  # nothing to step through before a pass

    page.get_by_role("button", name="Backward", exact=True).click()
    expect(say).to_have_attribute("data-step", "0")
    expect(say).to_have_attribute("data-steps", "16")  # 4 δ, 8 weights, 4 biases
    expect(say).to_contain_text("Backward pass, step by step: 16 steps")
    expect(back).to_be_disabled()
    bwd = api.post(f"/api/networks/{network_id}/backward", json={}).json()
    deltas = bwd["deltas"]
    # net and o are there from the start; no δ and no gradient yet
    for k, r, _ in UNITS:
        assert attr(page, f"[data-unit='{k}-{r}']", "data-o") == bwd["activations"][k][0][r]
        has_no(page, f"[data-unit='{k}-{r}']", "data-delta")
    has_no(page, "[data-weight-id='2-0-0']", "data-gradient")

    # 1: δ of out1, and nothing else
    page.keyboard.press("ArrowRight")
    out1 = page.locator("[data-unit='2-0']")
    expect(out1).to_have_attribute("data-delta", repr(deltas[1][0][0]))
    assert deltas[1][0][0] == pytest.approx(-0.138498562, abs=1e-9)  # Mazur: ∂E/∂net_o1
    for sel in ("[data-unit='2-1']", "[data-unit='1-0']", "[data-unit='1-1']"):
        has_no(page, sel, "data-delta")
    expect(say).to_have_text("δ of out1 = \u22120.1385 (step 1 of 16).")
    expect(page.locator("#card h2")).to_contain_text("Output unit 1 of layer 2")
    expect(out1).to_have_attribute("data-current", "")
    # a unit not computed yet: its card says when it will be
    page.click("[data-unit='1-0']")
    expect(page.locator("#card")).to_contain_text("its δ comes at step 3 of 16")

    # 2: δ of out2 (the button does what → does)
    next_step.click()
    expect(page.locator("[data-unit='2-1']")).to_have_attribute("data-delta", repr(deltas[1][0][1]))
    has_no(page, "[data-unit='1-0']", "data-delta")
    expect(say).to_have_text(f"δ of out2 = {short(deltas[1][0][1])} (step 2 of 16).")

    # 3: δ of h1 = o(1 − o) Σ_l w_l1 δ_l: the edges w_11 and w_21 out of h1 are the terms
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-unit='1-0']")).to_have_attribute("data-delta", repr(deltas[0][0][0]))
    has_no(page, "[data-unit='1-1']", "data-delta")
    expect(say).to_have_text("δ of h1 = \u22120.008771 (step 3 of 16).")
    terms = page.locator("#graph [data-weight-id][data-term]")
    expect(terms).to_have_count(2)
    assert sorted(t.get_attribute("data-weight-id") or "" for t in terms.all()) == [
        "2-0-0",
        "2-1-0",
    ]
    expect(page.locator("#graph [data-unit][data-term]")).to_have_count(2)  # out1, out2: δ_l
    card = page.locator("#card")
    expect(card.locator("h2")).to_contain_text("Hidden unit 1 of layer 1")
    row = card.locator(".eq").filter(has_text="Hidden δ")
    expect(row).to_be_visible()
    text = re.sub(r"\s+", " ", row.inner_text())
    w11, w21 = MAZUR["weights"][1][0][0], MAZUR["weights"][1][1][0]  # 0.4 and 0.5
    for piece in [short(w11), short(deltas[1][0][0]), short(w21), short(deltas[1][0][1])]:
        assert piece in text, f"{piece} not among the terms:\n{text}"
    assert short(deltas[0][0][0]) in text
    hand = bwd["activations"][1][0][0] * (1 - bwd["activations"][1][0][0])
    hand *= w11 * deltas[1][0][0] + w21 * deltas[1][0][1]
    assert deltas[0][0][0] == pytest.approx(hand, rel=1e-12)

    # ← goes back: δ of h1 is gone again, the live region says where we are
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("[data-unit='1-0']:not([data-delta])")
    expect(say).to_have_text(f"Back to step 2 of 16: δ of out2 = {short(deltas[1][0][1])}.")
    expect(page.locator("#graph [data-weight-id][data-term]")).to_have_count(0)
    back.click()
    page.wait_for_selector("[data-unit='2-1']:not([data-delta])")
    expect(say).to_have_attribute("data-step", "1")
    for _ in range(3):  # δ of out2, h1, h2
        page.keyboard.press("ArrowRight")
    expect(page.locator("[data-unit='1-1']")).to_have_attribute("data-delta", repr(deltas[0][0][1]))

    # 5: the first weight, w5 of Mazur (into out1 from h1): ∂J/∂w = −δ_out1 o_h1
    page.keyboard.press("ArrowRight")
    w5 = page.locator("[data-weight-id='2-0-0']")
    grads = bwd["gradients"]["weights"]
    expect(w5).to_have_attribute("data-gradient", repr(grads[1][0][0]))
    assert grads[1][0][0] == pytest.approx(0.082167041, abs=1e-9)
    has_no(page, "[data-weight-id='2-0-1']", "data-gradient")
    has_no(page, "[data-bias-id='2-0']", "data-gradient")
    expect(say).to_have_text("∂J/∂w from h1 to out1 = 0.08217 (step 5 of 16).")
    expect(card.locator("h2")).to_contain_text("Weight h1 → out1: into unit 1 of layer 2")

    # to the end: every gradient is the API's, and there is no step after the last
    for _ in range(11):
        page.keyboard.press("ArrowRight")
    expect(say).to_have_attribute("data-step", "16")
    expect(say).to_contain_text("The whole backward pass is shown")
    expect(next_step).to_be_disabled()
    for k in (1, 2):
        for r in range(2):
            for q in range(2):
                sel = f"[data-weight-id='{k}-{r}-{q}']"
                assert attr(page, sel, "data-gradient") == grads[k - 1][r][q]
                assert attr(page, sel, "data-delta-w") == bwd["weight_deltas"][k - 1][r][q]
            bias = f"[data-bias-id='{k}-{r}']"
            assert attr(page, bias, "data-gradient") == bwd["gradients"]["biases"][k - 1][r]
    assert grads[0][0][0] == pytest.approx(0.000438568, abs=1e-9)  # Mazur: ∂E/∂w1
    state = api.get(f"/api/networks/{network_id}").json()
    assert (state["updates"], state["weights"]) == (0, MAZUR["weights"]), "stepping changes nothing"


def test_step_by_step_forward_fills_units_in_order(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    network_id = start(page, live_server, api)
    say = page.locator("#step-say")
    page.keyboard.press("f")
    expect(say).to_contain_text("Forward pass, step by step: 5 steps")
    fwd = api.post(f"/api/networks/{network_id}/forward", json={}).json()
    assert attr(page, "[data-unit='0-1']", "data-o") == 0.1, "the inputs are given"
    for k, r, _ in UNITS:
        has_no(page, f"[data-unit='{k}-{r}']", "data-o")
    expect(page.locator("#loss-now")).not_to_contain_text("J =")

    for n, (k, r, name) in enumerate(UNITS):
        page.keyboard.press("ArrowRight")
        unit = page.locator(f"[data-unit='{k}-{r}']")
        expect(unit).to_have_attribute("data-o", repr(fwd["activations"][k][0][r]))
        assert attr(page, f"[data-unit='{k}-{r}']", "data-net") == fwd["net"][k - 1][0][r]
        for later_k, later_r, _ in UNITS[n + 1 :]:
            has_no(page, f"[data-unit='{later_k}-{later_r}']", "data-o")
        net, o = fwd["net"][k - 1][0][r], fwd["activations"][k][0][r]
        expect(say).to_have_text(
            f"net of {name} = {short(net)}, o of {name} = {short(o)} (step {n + 1} of 5)."
        )
        # net_r = Σ_q w_rq u_rq + b_r: the weights into the unit are the terms
        expect(page.locator("#graph [data-weight-id][data-term]")).to_have_count(2)
    assert attr(page, "[data-unit='2-0']", "data-o") == pytest.approx(0.75136507, abs=1e-8)

    page.keyboard.press("ArrowRight")  # J, last
    expect(page.locator("#loss-now")).to_contain_text(f"J = {short(fwd['loss'])}")
    expect(say).to_contain_text("J = 0.2984 (step 5 of 5). The whole forward pass is shown.")

    # back two steps, then step by step off: the whole pass shows at once
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("[data-unit='2-1']:not([data-o])")
    page.get_by_label("Step by step").uncheck()
    expect(page.locator("[data-unit='2-1']")).to_have_attribute(
        "data-o", repr(fwd["activations"][2][0][1])
    )
    expect(page.get_by_role("button", name="Next step")).to_be_hidden()
    expect(say).to_have_text("")
    # on again after the pass: the same pass from its start, without a new request
    passes: list[str] = []  # the page's Forward posts {}; the heatmap's grid posts its own x

    def sent(request: Any) -> None:
        if request.url.endswith("/forward") and request.post_data == "{}":
            passes.append(request.url)

    page.on("request", sent)
    page.get_by_label("Step by step").check()
    expect(say).to_have_attribute("data-step", "0")
    page.wait_for_selector("[data-unit='1-0']:not([data-o])")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-unit='1-0']")).to_have_attribute(
        "data-o", repr(fwd["activations"][1][0][0])
    )
    assert passes == []


def test_an_asked_number_stays_hidden_in_what_a_step_says(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    created = api.post(
        "/api/classes",
        json={
            "title": "Step by step",
            "activity": {"preset": "mazur", "questions": [{"path": "deltas[1][0][0]"}]},
        },
    )
    assert created.status_code == 201, created.text
    page.goto(f"{live_server.url}/join")
    page.fill("#join-code", created.json()["join_code"])
    page.fill("#join-name", "Ada")
    page.click("#join-submit")
    page.wait_for_selector("svg[data-network-id] [data-unit='2-1']")
    expect(page.locator("[data-question='0']")).to_be_visible()
    page.get_by_label("Step by step").check()
    page.get_by_role("button", name="Backward", exact=True).click()
    say = page.locator("#step-say")
    expect(say).to_have_attribute("data-step", "0")
    page.keyboard.press("ArrowRight")
    # δ of out1 is the question: the live region says that it was computed, not its value
    expect(say).to_have_text("δ of out1 = ? (step 1 of 16).")
    page.keyboard.press("ArrowRight")
    expect(say).to_have_text("δ of out2 = 0.0381 (step 2 of 16).")
    page.keyboard.press("ArrowRight")
    expect(say).to_have_text("δ of h1 = \u22120.008771 (step 3 of 16).")
    expect(page.locator("#card")).not_to_contain_text("\u22120.1385")  # nor among the terms
