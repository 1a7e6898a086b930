"""The teacher inside the class's answers, in Chromium: with a teacher and three students,
the projector's dot plot follows the answers as they come in (a dot per student, coloured
by the mistake the server named, every text 24 px or more at 1280 × 720), and the teacher
opens a student's run from the card: read-only (no control that changes it), its timeline
moving through the student's updates with the weights of GET …/history/{k}, and the tries."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import server_weights, shown_weights
from tests.e2e.lesson import Lesson, card, network_id
from tests.e2e.test_projector import PROJECTOR, SMALLEST_TEXT

pytestmark = pytest.mark.e2e

ACTIVITY = {
    "title": "δ by hand",
    "preset": "mazur",
    "lock": ["architecture", "data"],
    "questions": [{"path": "deltas[1][0][0]", "prompt": "δ of out1"}],
}
# Mazur's δ of out1 is −0.138498562; +0.138498562 is ∂J/∂net (the sign), −0.74136507 is
# (y − o) without f′ (the lecture notes' worked example, by hand)
RIGHT, SIGN, NO_F_PRIME = "-0.1385", "0.138498562", "-0.74136507"
COLOURS = {"right": "#009E73", "sign": "#D55E00", "missing_derivative": "#E69F00"}


def send(student: Page, text: str, state: str) -> None:
    question = student.locator("[data-question='0']")
    question.locator("input").fill(text)
    question.locator("button[type='submit']").click()
    if state == "right":
        expect(question).to_have_attribute("data-question-state", "right")
    else:
        expect(question.locator("[data-question-feedback]")).to_contain_text("Not quite")


def dots(projector: Page) -> list[list[str]]:
    found: list[list[str]] = projector.evaluate(
        """() => [...document.querySelectorAll('[data-answer-plot] circle.dot')]
            .map((c) => [c.dataset.kind, c.getAttribute('fill')]).sort()"""
    )
    return found


def test_the_projector_plots_the_answers_live(lesson: Lesson, api: httpx.Client) -> None:
    teacher, (ada, boole, curie) = lesson.start(api, ACTIVITY)
    projector = teacher.context.new_page()  # the teacher's second window, on the projector
    projector.set_viewport_size(PROJECTOR["viewport"])
    class_url = teacher.url.split("#")[0]
    projector.goto(f"{class_url}/spotlight")
    teacher.get_by_role("button", name="Answers to δ of out1").click()
    plot = projector.locator("[data-answer-plot]")
    expect(plot.locator("[data-plot-summary]")).to_have_text("0 of 3 students answered · 0 right")

    send(ada, RIGHT, "right")
    expect(plot.locator("circle.dot")).to_have_count(1)
    send(boole, SIGN, "wrong")
    expect(plot.locator("circle.dot")).to_have_count(2)
    send(curie, NO_F_PRIME, "wrong")
    expect(plot.locator("circle.dot")).to_have_count(3)
    expect(plot.locator("[data-plot-summary]")).to_have_text("3 of 3 students answered · 1 right")
    assert dots(projector) == [list(pair) for pair in sorted(COLOURS.items())]
    expect(plot.locator("[data-legend='sign']")).to_have_text("the sign (∂J/∂net for δ): 1")
    expect(plot.locator("[data-legend='missing_derivative']")).to_have_text("missing f′: 1")
    # the right dot inside the band, the others outside it
    inside = projector.evaluate(
        """() => {
          const band = document.querySelector('.answer-plot .band').getBBox();
          return Object.fromEntries([...document.querySelectorAll('circle.dot')].map((c) => {
            const x = Number(c.getAttribute('cx'));
            return [c.dataset.kind, x >= band.x && x <= band.x + band.width];
          }));
        }"""
    )
    assert inside == {"right": True, "sign": False, "missing_derivative": False}
    # anonymous, and readable from the back of the room
    text = plot.inner_text()
    assert not any(name in text for name in ("Ada", "Boole", "Curie"))
    found = projector.evaluate(SMALLEST_TEXT)
    assert found["smallest"][0] >= 24, found["smallest"]
    assert projector.evaluate("document.documentElement.scrollHeight") <= 720

    # Boole tries again and gets it: the dot changes colour, one dot per student still
    send(boole, RIGHT, "right")
    expect(plot.locator("circle.dot[data-kind='right']")).to_have_count(2)
    expect(plot.locator("circle.dot")).to_have_count(3)
    # every try, exported in the order sent, with what each matched
    with teacher.expect_download() as info:
        teacher.click("#export-tries-csv")
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert [(r["name"], r["attempt"], float(r["value"]), r["diagnosis"]) for r in rows] == [
        ("Ada", "1", float(RIGHT), ""),
        ("Boole", "1", float(SIGN), "sign"),
        ("Boole", "2", float(RIGHT), ""),
        ("Curie", "1", float(NO_F_PRIME), "missing_derivative"),
    ]
    # back to the spotlit students
    teacher.get_by_role("button", name="The spotlit students").click()
    expect(plot).to_have_count(0)


def test_the_teacher_opens_a_students_run_read_only(lesson: Lesson, api: httpx.Client) -> None:
    teacher, (ada, _boole, _curie) = lesson.start(api, ACTIVITY)
    nid = network_id(ada)
    send(ada, SIGN, "wrong")
    send(ada, RIGHT, "right")
    for _ in range(3):
        before = ada.text_content("#loss-now") or ""
        ada.get_by_role("button", name="Update", exact=True).click()
        expect(ada.locator("#loss-now")).not_to_have_text(before)
    expect(card(teacher, ada).locator("[data-student-updates]")).to_have_text("3")
    with teacher.context.expect_page() as opened:
        card(teacher, ada).get_by_role("link", name=re.compile("^Open the run of Ada")).click()
    run = opened.value
    expect(run.locator("#run-title")).to_have_text("Ada: the run, read-only")
    expect(run.locator("#graph [data-weight-id='2-0-0']")).to_have_count(1)

    # nothing on the page changes the network: no form control but the timeline, no step
    # button, and no request but reads
    assert run.locator("button, select, textarea, input:not([type='range'])").count() == 0
    steps = re.compile("Forward|Backward|Update|Step|Play|Continue|Reset|Undo", re.I)
    assert run.get_by_role("button", name=steps).count() == 0
    writes: list[str] = []
    run.on("request", lambda r: writes.append(r.url) if r.method != "GET" else None)

    history = api.get(f"/api/networks/{nid}/history").json()
    updates = [e["update"] for e in history["entries"]]
    assert updates == [0, 1, 2, 3]
    expect(run.locator("#run-label")).to_contain_text("3 updates")
    assert shown_weights(run) == server_weights(api, nid, 3)
    slider = run.locator("#run-range")
    slider.focus()
    run.keyboard.press("Home")
    for k in updates:
        if k:
            run.keyboard.press("ArrowRight")
        expect(run.locator("#graph")).to_have_attribute("data-update", str(k))
        assert shown_weights(run) == server_weights(api, nid, k), k
    assert writes == []

    tries = run.locator("[data-question='0'] tr[data-try]")
    expect(tries).to_have_count(2)
    expect(run.locator("[data-question='0'] h3")).to_have_text("δ of out1: right after 2 tries")
    assert [float(v) for v in tries.evaluate_all("rs => rs.map((r) => r.dataset.value)")] == [
        float(SIGN),
        float(RIGHT),
    ]
    expect(tries.nth(0)).to_have_attribute("data-diagnosis", "sign")
    expect(tries.nth(0)).to_contain_text("the sign (∂J/∂net for δ)")
    expect(tries.nth(1)).to_contain_text("right")

    # live: Ada's fourth update shows without a reload, on the timeline's end
    expect(run.locator("#run-live")).to_have_text("Live")
    ada.get_by_role("button", name="Update", exact=True).click()
    expect(run.locator("#run-label")).to_contain_text("4 updates", timeout=5000)
