"""Every page of our own, in each of its phases, against axe-core's WCAG 2.1 A and AA rules
(tags wcag2a, wcag2aa, wcag21a, wcag21aa): no violation. axe is the npm package pinned in
package-lock.json, injected into the page (the page's CSP forbids injected scripts, so these
contexts bypass it). Left out: /docs, the vendored Swagger UI, which is not ours to change.

One browser session per group of pages, each checked after every phase: most of the markup
appears only after Forward, Backward, a click or a push."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.presets.datasets import generate
from app.schemas import Generate
from tests.conftest import ROOT, LiveServer
from tests.e2e.conftest import open_network
from tests.e2e.lesson import Lesson, open_class

pytestmark = pytest.mark.e2e
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """async (tags) => {
  const found = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
  return found.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "bypass_csp": True}


def assert_accessible(page: Page, phase: str) -> None:
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN, TAGS)
    assert found == [], f"{phase}: {found}"


def test_the_student_page_in_each_phase(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    page.set_viewport_size({"width": 1280, "height": 720})  # the formula card scrolls
    made = api.post("/api/networks", json={"preset": "mazur"}).json()
    open_network(page, live_server, made["id"])
    assert_accessible(page, "loaded")
    page.get_by_role("button", name="Forward", exact=True).click()
    page.wait_for_selector("[data-unit='2-0'][data-o]")
    assert_accessible(page, "after Forward")
    page.get_by_role("button", name="Backward", exact=True).click()
    page.wait_for_selector("[data-unit='2-0'][data-delta]")
    assert_accessible(page, "after Backward")
    page.click("[data-unit='2-0']")
    expect(page.locator("#card h2")).to_contain_text("Output unit 1")
    assert_accessible(page, "a unit's card open")
    page.click("[data-weight-id='2-0-0']")
    expect(page.locator("#card")).to_contain_text("∂J/∂w")
    assert_accessible(page, "a weight's card open")
    page.get_by_label("Step by step").check()
    page.get_by_role("button", name="Backward", exact=True).click()
    page.get_by_role("button", name="Next step", exact=True).click()
    expect(page.locator("#step-say")).to_have_attribute("data-step", "1")
    assert_accessible(page, "step by step")


def test_join_open_a_class_share_and_error_pages(
    watched: Page, live_server: LiveServer, allowed_errors: list[str]
) -> None:
    page = watched
    allowed_errors.append("status of 4")  # Chromium logs the error pages' 404 and 422
    for path in ("/join", "/teach/new"):
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
        assert_accessible(page, path)
    for path, title in (
        ("/n/" + "A" * 32, "No network at this address"),
        ("/n/not!an-id", "This is not a network's address"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator("#problem")).to_contain_text(title)
        assert_accessible(page, path)

    # a share link of an older page, naming the generator's shape by its old name, still opens
    old = {"layers": [2, 3, 1], "generate": {"generate": "xor", "n": 20, "seed": 4}}
    data = page.evaluate(
        """async (network) => {
            const { encodeSetup } = await import('/static/js/share.js');
            return encodeSetup({ network });
        }""",
        old,
    )
    page.goto(f"{live_server.url}/share#{data}")
    page.wait_for_url(f"{live_server.url}/n/*")
    made = httpx.get(f"{live_server.url}/api/networks/{page.url.rsplit('/', 1)[1]}").json()
    drawn = generate(Generate(shape="xor", n=20, seed=4))
    assert (made["dataset"]["x"], made["dataset"]["y"]) == (drawn["x"], drawn["y"])
    page.goto(f"{live_server.url}/share#{data[:-12]}")
    expect(page.locator("#share-error")).to_contain_text("cut short")
    assert_accessible(page, "a damaged share link")


def test_the_classroom_pages(lesson: Lesson, api: httpx.Client) -> None:
    created = open_class(
        api, {"preset": "mazur", "questions": [{"path": "deltas[1][0][0]", "prompt": "δ of out1"}]}
    )
    teacher = lesson.teacher(created, bypass_csp=True)
    expect(teacher.locator("#key-notice")).to_be_visible()
    assert_accessible(teacher, "a new class's dashboard")

    student = lesson.student(created["join_code"], "Ada", bypass_csp=True)
    question = student.locator("[data-question='0']")
    question.locator("input").fill("0.5")
    question.locator("button[type='submit']").click()
    expect(question).to_have_attribute("data-question-result", "wrong")
    assert_accessible(student, "a student's exercise, a wrong answer")

    expect(teacher.locator("[data-student-card]")).to_have_count(1)
    teacher.click("#push summary")
    expect(teacher.locator("#push-preset option")).not_to_have_count(0)
    assert_accessible(teacher, "the dashboard with a student and the push form open")

    card = teacher.locator("[data-student-card]")
    card.get_by_role("button", name="Spotlight Ada").click()
    projector = teacher.context.new_page()
    projector.goto(f"{teacher.url}/spotlight")
    expect(projector.locator("[data-spot] [data-unit='2-0'][data-delta]")).to_have_count(1)
    assert_accessible(projector, "the projector")

    teacher.get_by_role("button", name="Answers to δ of out1").click()
    expect(projector.locator("[data-answer-plot] circle.dot")).to_have_count(1)
    assert_accessible(projector, "the projector with the class's answers")
    with teacher.context.expect_page() as opened:
        card.get_by_role("link", name="Open the run of Ada, read-only").click()
    run = opened.value
    expect(run.locator("[data-question='0'] tr[data-try]")).to_have_count(1)
    assert_accessible(run, "a student's run, read-only")

    stranger = lesson.page(bypass_csp=True)
    stranger.goto(f"{lesson.server.url}{created['teach_url']}")
    expect(stranger.locator("#no-key")).to_be_visible()
    assert_accessible(stranger, "the dashboard without its key")


def test_the_fork_control_links_and_the_hidden_space(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    made = api.post("/api/networks", json={"preset": "xor", "layers": [2, 3, 1]}).json()
    forked = api.post(f"/api/networks/{made['id']}/fork", json={"learning_rate": 4.0}).json()
    open_network(page, live_server, made["id"])
    expect(page.locator(f"#fork-links a[data-network-id='{forked['id']}']")).to_be_visible()
    page.locator("#hidden-box summary").click()
    expect(page.locator(".hidden-point")).to_have_count(4)
    assert_accessible(page, "the fork's links and the hidden space with its choice of units")


def test_the_page_in_minibatch_mode_with_its_confusion_tables(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    body = {"layers": [2, 3, 1], "generate": {"shape": "xor", "n": 20, "test_fraction": 0.25}}
    made = api.post("/api/networks", json=body).json()
    open_network(watched, live_server, made["id"])
    watched.get_by_label("Update mode").select_option("minibatch")
    watched.get_by_label("Batch size B").fill("4")
    watched.get_by_label("Batch size B").press("Enter")
    watched.get_by_role("button", name="Update", exact=True).click()
    expect(watched.locator("table.confusion[data-part='test']")).to_be_visible()
    assert_accessible(watched, "mini-batch mode after an Update, with confusion tables")
