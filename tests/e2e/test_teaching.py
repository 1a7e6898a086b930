"""The dashboard teaches: mistakes counted per question, who has mastered what, joining closed,
a student removed, and a teaching assistant's dashboard that pauses and can do no more; a
student's page names the mistake and gives new numbers."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.classroom.classes import MAZUR_EXERCISE
from tests.e2e.lesson import Lesson, open_class
from tests.nn import reference

pytestmark = pytest.mark.e2e
PATH = "deltas[1][0][0]"


def right_delta(api: httpx.Client, network_id: str) -> float:
    """δ of out1 of the network's own numbers, by the reference: −∂J/∂b of out1."""
    net = api.get(f"/api/networks/{network_id}").json()
    data = net["dataset"]
    _, gb = reference.finite_differences(net["weights"], net["biases"], data["x"], data["y"])
    return float(-gb[1][0])


def answer(api: httpx.Client, network_id: str, value: float) -> Any:
    response = api.post(f"/api/networks/{network_id}/answers", json={"path": PATH, "value": value})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_dashboard_counts_mistakes_and_mastery(lesson: Lesson, api: httpx.Client) -> None:
    created = open_class(api, {**MAZUR_EXERCISE, "mastery": 2})
    teacher = lesson.teacher(created)
    ada = lesson.student(created["join_code"], "Ada")
    boole, curie = (
        api.post("/api/join", json={"code": created["join_code"], "name": n}).json()
        for n in ("Boole", "Curie")
    )

    # Ada forgets f′ on her page: the feedback names it, without the number
    question = ada.locator("[data-question='0']")
    question.locator("input").fill("-0.74136507")
    question.locator("button[type='submit']").click()
    feedback = question.locator("[data-question-feedback]")
    expect(feedback).to_contain_text("The factor f′(net) is missing")
    expect(feedback).not_to_contain_text("0.138")
    answer(api, boole["network_id"], -0.74136507)
    answer(api, curie["network_id"], 0.138498562)  # ∂J/∂net: the sign
    mistakes = teacher.locator("[data-mistakes='δ of out1'] li")
    expect(mistakes).to_have_text(["2 students: missing f′", "1 student: the sign (∂J/∂net for δ)"])

    # Curie: right, new numbers, right again: mastered
    answer(api, curie["network_id"], -0.138498562)
    assert api.post(f"/api/networks/{curie['network_id']}/variant").status_code == 200
    assert answer(api, curie["network_id"], right_delta(api, curie["network_id"]))["mastered"]
    card = teacher.locator(f"[data-student-card='{curie['student_id']}']")
    expect(card.locator("[data-student-mastery]")).to_have_text("Mastered 1 of 2: δ of out1")
    expect(mistakes).to_have_text(["2 students: missing f′"])

    # Ada asks for new numbers: the same question, open, on other weights
    before = api.get(f"/api/networks/{lesson_network(ada)}").json()["weights"]
    with ada.expect_response(lambda r: r.url.endswith("/variant")) as variant:
        ada.locator("#new-numbers").click()
    assert variant.value.ok  # the page's state below was already shown before the click
    expect(ada.locator("[data-mastery]")).to_contain_text("Mastered 0 of 2")
    expect(ada.locator("[data-question='0']")).to_have_attribute("data-question-state", "open")
    assert api.get(f"/api/networks/{lesson_network(ada)}").json()["weights"] != before


def lesson_network(page: Any) -> str:
    return str(page.url.rsplit("/", 1)[-1])


def test_joining_closed_a_student_removed_and_an_assistant_who_pauses(
    lesson: Lesson, api: httpx.Client
) -> None:
    created = open_class(api, MAZUR_EXERCISE)
    teacher = lesson.teacher(created)
    joined = [
        api.post("/api/join", json={"code": created["join_code"], "name": n}).json()
        for n in ("Ada", "Boole", "Curie")
    ]
    expect(teacher.locator("[data-student-card]")).to_have_count(3)
    teacher.locator("#joining").click()
    expect(teacher.locator("#joining")).to_have_text("Open joining")
    fourth = api.post("/api/join", json={"code": created["join_code"], "name": "Dirac"})
    assert fourth.status_code == 403

    boole = teacher.locator(f"[data-student-card='{joined[1]['student_id']}']")
    boole.get_by_role("button", name="Remove Boole from the class").click()
    boole.get_by_role("button", name="Remove Boole from the class").click()
    expect(teacher.locator("[data-student-card]")).to_have_count(2)
    assert api.get(f"/api/networks/{joined[1]['network_id']}").status_code == 404

    teacher.locator("#assistant-link").click()
    # The link arrives with the server's answer; read it once it is there.
    expect(teacher.locator("#assistant-url")).to_have_value(re.compile(r"^http"))
    link = teacher.locator("#assistant-url").input_value()
    assistant = lesson.page()
    assistant.goto(link)
    expect(assistant.locator("#stream-state")).to_have_text("Live")
    expect(assistant.locator("[data-student-card]")).to_have_count(2)
    for hidden in ("#push", "#joining", "#export-csv", "[data-student-card] >> text=Remove"):
        expect(assistant.locator(hidden).first).to_be_hidden()
    assistant.locator("#pause").click()
    expect(assistant.locator("#paused-label")).to_be_visible()
    expect(teacher.locator("#paused-label")).to_be_visible(timeout=3000)
