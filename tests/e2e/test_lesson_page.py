"""The student's page through a first lesson, in Chromium: a whole lesson by keyboard alone,
a class network that loading a preset keeps in the class, page and server showing one state
whatever is pressed during a Step, and the one-screen layouts at 1280 × 800 and 375 × 667."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import MAZUR, open_network, server_weights, shown_weights
from tests.e2e.screen import UNITS_221, on_screen, smallest_label

pytestmark = pytest.mark.e2e
IDLE = "() => !document.body.hasAttribute('data-busy')"
"""Nothing runs and nothing waits in the page's queue of actions."""


@pytest.fixture
def window(browser: Browser) -> Iterator[Any]:
    """Pages in contexts of a given size; a console error or a page error fails the test."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_page(width: int, height: int, touch: bool = False) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == []


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on `selector` (fails if it never gets there)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {selector}")


def test_a_lesson_by_keyboard_alone_and_a_preset_that_keeps_the_class(
    window: Any, live_server: LiveServer, api: httpx.Client
) -> None:
    activity = {
        "title": "Mazur by hand",
        "preset": "mazur",
        "questions": [{"path": "deltas[1][0][0]", "prompt": "δ of out1"}],
    }
    created = api.post("/api/classes", json={"title": "Week 3", "activity": activity}).json()
    page: Page = window(1280, 800)
    # join: the code is in the address, the name field has the focus
    page.goto(f"{live_server.url}/join/{created['join_code']}")
    page.keyboard.type("Ada")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/n/"))
    network_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#class-banner")).to_contain_text("Mazur by hand · Ada")
    bwd = api.post(f"/api/networks/{network_id}/backward", json={}).json()
    # Forward, from the skip link
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "#forward")
    page.keyboard.press("Enter")
    expect(page.locator("[data-unit='2-0']")).to_have_attribute(
        "data-o", repr(bwd["activations"][2][0][0])
    )
    # Backward step by step: δ of out1 first, a "?" while the question is open
    tab_to(page, "#step-by-step")
    page.keyboard.press("Space")
    page.keyboard.press("b")
    # the toggle began a run on the forward pass shown; wait for Backward's own run
    page.wait_for_function(IDLE)
    expect(page.locator("#step-say")).to_contain_text("Backward pass, step by step")
    expect(page.locator("#step-say")).to_have_attribute("data-step", "0")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#step-say")).to_have_text("δ of out1 = ? (step 1 of 16).")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#step-say")).to_have_attribute("data-step", "2")
    # an answer: a wrong one stays in its field, to be corrected; then the right one
    tab_to(page, "#answer-0")
    page.keyboard.type("-0.1835")
    page.keyboard.press("Enter")
    expect(page.locator("[data-question-feedback]")).to_contain_text("Not quite")
    expect(page.locator("#answer-0")).to_have_value("-0.1835")
    expect(page.locator("#answer-0")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("Backspace")
    page.keyboard.type("1385")  # -0.1385: Mazur's δ of out1, to the tolerance
    page.keyboard.press("Enter")
    expect(page.locator("#question-box")).to_contain_text("Right: −0.1385")
    # Play and Pause
    tab_to(page, "#play")
    page.keyboard.press("Space")
    expect(page.locator("#loss-now")).to_contain_text(re.compile(r"\b([1-9]\d+|[5-9]) updates"))
    page.keyboard.press("Space")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(IDLE)
    played = api.get(f"/api/networks/{network_id}").json()["updates"]
    assert shown_weights(page) == server_weights(api, network_id)
    # the timeline: one entry back, then Continue from here makes it the network's again
    tab_to(page, "#timeline-range")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#continue")).to_be_visible()
    shown = page.locator("#timeline-label").text_content() or ""
    back_to = int(re.match(r"(\d+) update", shown).group(1))  # type: ignore[union-attr]
    assert back_to < played
    page.keyboard.press("Tab")
    expect(page.locator("#continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#continue")).to_be_hidden()
    page.wait_for_function(IDLE)
    assert api.get(f"/api/networks/{network_id}").json()["updates"] == back_to
    assert shown_weights(page) == server_weights(api, network_id)

    # Load preset in the class: the same network, loaded; the banner stays; the teacher's
    # card follows it
    tab_to(page, "#preset")
    page.select_option("#preset", "xor")
    page.keyboard.press("Tab")
    expect(page.locator("#preset-load")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-unit='1-1']")).to_be_attached()
    page.wait_for_function(IDLE)
    expect(page.locator("#data")).to_contain_text("you stay in the class")
    assert urlsplit(page.url).path == f"/n/{network_id}"
    expect(page.locator("#class-banner")).to_be_visible()
    expect(page.locator("#network-name")).to_have_text("XOR")
    loaded = api.get(f"/api/networks/{network_id}").json()
    xor = api.post("/api/networks", json={"preset": "xor"}).json()
    for key in ("layers", "weights", "biases", "dataset", "learning_rate", "train_biases"):
        assert loaded[key] == xor[key], key
    teacher = api.get(
        f"/api/classes/{created['id']}",
        headers={"Authorization": f"Bearer {created['teacher_key']}"},
    ).json()
    [student] = teacher["students"]
    assert student["network_id"] == network_id and student["layers"] == [2, 2, 1]
    assert shown_weights(page) == server_weights(api, network_id)


def test_ctrl_z_and_steps_pressed_during_a_step_leave_page_and_server_equal(
    window: Any, live_server: LiveServer, api: httpx.Client
) -> None:
    page: Page = window(1280, 800)
    network_id = api.post("/api/networks", json={"preset": "xor"}).json()["id"]
    open_network(page, live_server, network_id)
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#loss-now")).to_contain_text("1 update")
    page.wait_for_function(IDLE)
    # the next step reaches the server (update 2), and its answer is held on its way back:
    # meanwhile Ctrl+Z and five more Steps are pressed
    held: list[tuple[Route, Any]] = []
    released = False

    def hold(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    page.route("**/step", hold)
    page.get_by_role("button", name="Step", exact=True).click()
    while not held:
        page.wait_for_timeout(20)
    assert api.get(f"/api/networks/{network_id}").json()["updates"] == 2
    page.keyboard.press("Control+z")
    for _ in range(5):
        page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#queue-note")).to_have_text(
        "Step running; waiting their turn: Undo, Step × 5."
    )
    released = True
    route, response = held.pop()
    route.fulfill(response=response)
    # the step shows, Ctrl+Z undoes it (back to update 1), then five steps: 6
    page.wait_for_function(IDLE)
    state = api.get(f"/api/networks/{network_id}").json()
    assert state["updates"] == 6
    expect(page.locator("#loss-now")).to_contain_text("· 6 updates")
    assert shown_weights(page) == server_weights(api, network_id)
    expect(page.locator("#queue-note")).to_have_text("")
    # Ctrl+Z alone: back one step, the page on the server's state, J still shown (the
    # history's J of that state)
    page.keyboard.press("Control+z")
    expect(page.locator("#loss-now")).to_contain_text("· 5 updates")
    page.wait_for_function(IDLE)
    history = api.get(f"/api/networks/{network_id}/history").json()
    now = next(e for e in history["entries"] if e["entry"] == history["current"])
    assert now["update"] == 5
    expect(page.locator("#loss-now")).to_have_text(re.compile(r"^J = \d\.\d+ · 5 updates$"))
    assert shown_weights(page) == server_weights(api, network_id)


def test_one_screen_at_1280_by_800_and_on_a_phone(
    window: Any, live_server: LiveServer, api: httpx.Client
) -> None:
    # a new visitor at 1280 × 800: the graph, J's chart and the output in view together
    page: Page = window(1280, 800)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("svg[data-network-id] [data-unit='2-0']")
    on_screen(page, [*UNITS_221, "#graph", "#loss-chart", "#heatmap"], 1280, 800)
    assert smallest_label(page) >= 11
    expect(page.locator("#loss-now")).to_have_text(re.compile(r"^J = 0\.\d+ · 0 updates$"))

    # Generate a spiral keeping XOR's settings (η = 2, J summed): saturated, and said so
    network_id = page.url.rsplit("/", 1)[1]
    page.get_by_label("Shape").select_option("spiral")
    suits = page.get_by_label("Start afresh with settings that suit it")
    suits.uncheck()
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("[data-train='140']")).to_be_attached()
    for _ in range(2):  # the second step's pass is the first at the saturated weights
        page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#saturation")).to_contain_text("Saturated outputs")
    expect(page.locator("#saturation")).to_contain_text("f′(net) ≈ 0")
    # with the settings that suit it: tanh, a sigmoid output, cross-entropy, the mean, η = 1;
    # named, so the header and the preset menu no longer say XOR
    suits.check()
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#network-name")).to_have_text("Spiral (generated)")
    state = api.get(f"/api/networks/{network_id}").json()
    expected = {
        "hidden_activation": "tanh",
        "output_activation": "sigmoid",
        "loss": "cross_entropy",
        "reduction": "mean",
        "learning_rate": 1.0,
    }
    assert {k: state[k] for k in expected} == expected
    expect(page.get_by_label("Preset")).to_have_value("")
    expect(page.locator("#gen-advice")).to_contain_text("needs more hidden units")
    updates = state["updates"]
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#loss-now")).to_contain_text(f"· {updates + 1} update")
    expect(page.locator("#saturation")).to_be_hidden()

    # Mazur's network: step-by-step Backward's hidden δ fits its card; the numbers as tables
    mazur = api.post("/api/networks", json=MAZUR).json()["id"]
    open_network(page, live_server, mazur)
    page.keyboard.press("f")
    page.wait_for_selector("[data-unit='2-0'][data-o]")
    page.get_by_label("Step by step").check()
    page.keyboard.press("b")
    expect(page.locator("#step-say")).to_have_attribute("data-steps", "16")  # Backward's run
    for step in range(1, 4):  # δ of out1, of out2, of h1
        expect(page.locator("#step-say")).to_have_attribute("data-step", str(step - 1))
        page.keyboard.press("ArrowRight")
    expect(page.locator("#card h2")).to_contain_text("h1")
    expect(page.locator("#card")).to_contain_text("Hidden δ")
    assert page.evaluate(FITS) == []
    page.get_by_label("Step by step").uncheck()
    page.get_by_text("Numbers: the graph as tables").click()
    bwd = api.post(f"/api/networks/{mazur}/backward", json={}).json()
    row = page.locator("#numbers tr[data-row='unit 2-0']")
    expect(row).to_contain_text("out1")
    expect(row).to_contain_text("−0.1385")  # δ of out1
    w5 = page.locator("#numbers tr[data-row='weight 2-0-0']")
    expect(w5.locator("th")).to_have_text("h1 → out1")
    expect(w5).to_contain_text("0.08217")  # Mazur's ∂E/∂w5
    assert bwd["gradients"]["weights"][1][0][0] == pytest.approx(0.082167041, rel=1e-8)

    # a phone at 375 × 667: the phase buttons and every unit on screen, labels 11 px or more
    phone: Page = window(375, 667, touch=True)
    xor = api.post("/api/networks", json={"preset": "xor"}).json()["id"]
    open_network(phone, live_server, xor)
    on_screen(phone, ["#forward", "#backward", "#update", *UNITS_221], 375, 667)
    assert smallest_label(phone) >= 11
    phone.locator("#forward").tap()
    expect(phone.locator("[data-unit='2-0']")).to_have_attribute("data-o", re.compile("."))
    on_screen(phone, ["#forward", "#backward", "#update", *UNITS_221], 375, 667)
    assert smallest_label(phone) >= 11


FITS = """() => {
    const card = document.querySelector('#card');
    const padding = parseFloat(getComputedStyle(card).paddingRight);
    const right = card.getBoundingClientRect().right - padding + 0.5;
    const out = [];
    for (const line of card.querySelectorAll('.line')) {
        if (line.scrollWidth > line.clientWidth + 1) out.push(`scrolls: ${line.textContent}`);
        if (line.querySelector('math').getBoundingClientRect().right > right)
            out.push(`clipped: ${line.textContent}`);
    }
    return out;
}"""
"""Every line of the card's equations within the card: none scrolls, none is cut."""
