"""A lesson in the browser: one teacher and three students, each in a browser context of
their own, against a real server. The teacher's dashboard follows the students live; pause,
a pushed activity, an exercise and the anonymize switch reach every page."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.lesson import NAMES, Lesson, card, network_id, open_class

pytestmark = pytest.mark.e2e
DELTA_OUT1 = -0.138498562  # Mazur's δ of out1 (the lecture notes' worked example)
NOT_STUDENT = re.compile(r"Student \d+")


def test_students_join_and_the_teacher_sees_each_step(
    lesson: Lesson, live_server: LiveServer, api: httpx.Client
) -> None:
    # the teacher opens the class through the page, as a first-time user would
    teacher = lesson.page()
    teacher.goto(f"{live_server.url}/teach/new")
    teacher.fill("#class-title", "Backprop, week 3")
    expect(teacher.locator("#class-preset option[value='mazur']")).to_have_count(1)
    teacher.select_option("#class-preset", "mazur")
    teacher.click("#open-class")
    teacher.wait_for_url(re.compile(r".*/teach/[^/#]+$"))  # the key left the address
    expect(teacher.locator("#key-notice")).to_be_visible()
    link = teacher.input_value("#teacher-link")
    class_id = urlsplit(teacher.url).path.rsplit("/", 1)[1]
    key = link.split("#key=", 1)[1]
    assert teacher.evaluate(f"localStorage.getItem('backprop.teacher.{class_id}')") == key
    code = teacher.text_content("[data-join-code]") or ""
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}", code)
    snapshot = api.get(f"/api/classes/{class_id}", headers={"Authorization": f"Bearer {key}"})
    assert snapshot.status_code == 200 and snapshot.json()["join_code"] == code

    students = [lesson.student(code, name) for name in NAMES]
    cards = teacher.locator("[data-student-card]")
    expect(cards).to_have_count(3)
    for page, name in zip(students, NAMES, strict=True):
        expect(card(teacher, page).locator("[data-student-name]")).to_have_text(name)
        expect(card(teacher, page).locator("[data-student-updates]")).to_have_text("0")

    ada = students[0]
    ada.get_by_role("button", name="Step", exact=True).click()
    expect(ada.locator("#loss-now")).to_contain_text("1 update")
    # within a second of the step's answer, the teacher's card has it
    expect(card(teacher, ada).locator("[data-student-updates]")).to_have_text("1", timeout=1000)
    state = api.get(f"/api/networks/{network_id(ada)}").json()
    shown = card(teacher, ada).locator("[data-student-loss]")
    expect(shown).not_to_have_attribute("data-value", "")
    # J on the card is J of the stored network after the step: Mazur's 0.2910 after one update
    assert float(shown.get_attribute("data-value") or "nan") == pytest.approx(0.29102777, abs=1e-6)
    assert state["updates"] == 1
    for other in students[1:]:
        expect(card(teacher, other).locator("[data-student-updates]")).to_have_text("0")

    # joining again from the same browser is the same student, not a fourth card
    again = ada.context.new_page()
    again.goto(f"{live_server.url}/join/{code}")
    again.click("#join-submit")
    again.wait_for_url(f"**/n/{network_id(ada)}")
    expect(cards).to_have_count(3)


def test_pause_disables_every_changing_button_and_the_api_answers_423(
    lesson: Lesson, api: httpx.Client
) -> None:
    teacher, students = lesson.start(api, {"preset": "mazur"})
    changing = ["#update", "#step", "#play", "#reset", "#learning-rate", "#build > button"]

    teacher.click("#pause")
    expect(teacher.locator("#pause")).to_have_attribute("aria-pressed", "true")
    for page in students:
        expect(page.locator("#paused-notice")).to_be_visible(timeout=1000)
        for selector in changing:
            expect(page.locator(selector)).to_be_disabled(timeout=1000)
        expect(page.locator("#forward")).to_be_enabled()  # reads still work
    refused = api.post(f"/api/networks/{network_id(students[0])}/step", json={})
    assert refused.status_code == 423
    assert refused.json()["detail"] == "network: paused by the teacher"
    # the shortcut key does nothing either
    students[0].keyboard.press("s")
    students[0].get_by_role("button", name="Forward", exact=True).click()
    expect(students[0].locator("#loss-now")).to_contain_text("0 updates")

    teacher.click("#pause")
    expect(teacher.locator("#pause")).to_have_attribute("aria-pressed", "false")
    for page in students:
        expect(page.locator("#paused-notice")).to_be_hidden(timeout=1000)
        expect(page.locator("#step")).to_be_enabled(timeout=1000)
    students[0].get_by_role("button", name="Step", exact=True).click()
    expect(students[0].locator("#loss-now")).to_contain_text("1 update")


def test_a_pushed_exercise_moves_every_student_and_checks_answers(
    lesson: Lesson, api: httpx.Client
) -> None:
    teacher, students = lesson.start(api, {"preset": "xor"})
    before = [network_id(p) for p in students]

    teacher.click("#push summary")
    teacher.select_option("#push-preset", "mazur")
    teacher.fill("#push-title", "Exercise 1: δ by hand")
    teacher.check("#push-lock-weights")
    teacher.select_option("#question-choice", "deltas[1][0][0]")
    teacher.click("#add-question")
    expect(teacher.locator("#question-list li")).to_have_count(1)
    teacher.click("#push-submit")
    expect(teacher.locator("#activity-number")).to_have_text("2")

    for page, old in zip(students, before, strict=True):
        page.wait_for_url(lambda url, old=old: "/n/" in url and not url.endswith(old))
        page.wait_for_selector("svg[data-network-id] [data-unit='2-1']")  # Mazur: two outputs
        expect(page.locator("#class-banner")).to_contain_text("Exercise 1: δ by hand")
        expect(page.locator(f"#class-banner a[href='/n/{old}']")).to_have_count(1)
        expect(page.locator("#reset")).to_be_disabled()  # the weights are locked
        expect(page.locator("#step")).to_be_enabled()

    ada = students[0]
    question = ada.locator("[data-question='0']")
    expect(question).to_be_visible()
    expect(question).to_contain_text("δ of out1")
    ada.get_by_role("button", name="Forward", exact=True).click()
    ada.wait_for_selector("[data-unit='2-0'][data-o]")
    ada.get_by_role("button", name="Backward", exact=True).click()
    ada.wait_for_selector("[data-unit='2-0'][data-delta]")
    # the asked δ is hidden in the graph, the other output's is not
    out1 = ada.locator("[data-unit='2-0'] .uextra")
    expect(out1.filter(has_text="δ")).to_have_text("δ ?")
    expect(ada.locator("[data-unit='2-1'] .uextra").filter(has_text="δ")).to_have_text("δ 0.0381")
    # nor does its ring tell the sign (orange for δ < 0): a plain grey ring, as before Backward
    ring = "e => getComputedStyle(e).stroke"
    assert ada.locator("[data-unit='2-0'] circle").evaluate(ring) == "rgb(85, 96, 107)"
    assert ada.locator("[data-unit='2-1'] circle").evaluate(ring) == "rgb(0, 114, 178)"
    ada.click("[data-unit='2-0']")
    expect(ada.locator("#card")).not_to_contain_text("\u22120.1385")

    question.locator("input").fill("0.1385")  # the sign is wrong
    question.locator("button[type='submit']").click()
    expect(question).to_have_attribute("data-question-result", "wrong")
    expect(question).to_have_attribute("data-question-state", "open")
    expect(question.locator("[data-question-feedback]")).to_contain_text("Not quite")

    question.locator("input").fill("\u22120.1385")
    question.locator("button[type='submit']").click()
    expect(question).to_have_attribute("data-question-state", "right")
    expect(question).to_contain_text("\u22120.1385")
    # the formula card of out1, numbers filled in: δ = (y − o) o (1 − o) with Mazur's values
    expect(ada.locator("#card h2")).to_contain_text("Output unit 1")
    expect(ada.locator("#card")).to_contain_text("\u22120.1385")
    expect(ada.locator("#card")).to_contain_text("0.7514")
    expect(out1.filter(has_text="δ")).to_have_text("δ \u22120.1385")
    assert ada.locator("[data-unit='2-0'] circle").evaluate(ring) == "rgb(230, 159, 0)"
    answers = api.get(f"/api/networks/{network_id(ada)}/classroom").json()["questions"]
    assert answers[0]["state"] == "right"
    assert answers[0]["expected"] == pytest.approx(DELTA_OUT1, abs=1e-9)
    expect(card(teacher, ada).locator("[data-student-progress]")).to_contain_text("1 of 1 right")

    # Boole asks to see the answer without pressing anything: the page runs Backward for the card
    boole = students[1]
    asked = boole.locator("[data-question='0']")
    asked.get_by_role("button", name="Show the answer").click()
    expect(asked).to_have_attribute("data-question-state", "revealed")
    expect(asked).to_contain_text("Answer shown: \u22120.1385")
    expect(boole.locator("#card")).to_contain_text("\u22120.1385")
    expect(card(teacher, boole).locator("[data-student-progress]")).to_contain_text("1 revealed")

    # Curie goes back to her first network: it is hers still, with a way to the current one
    curie, now = students[2], network_id(students[2])
    curie.locator(f"#class-banner a[href='/n/{before[2]}']").click()
    curie.wait_for_selector(f"svg[data-network-id='{before[2]}'] [data-unit='0-0']")
    expect(curie.locator(f"#class-banner a.current-link[href='/n/{now}']")).to_be_visible()
    expect(curie.locator("#question-box")).to_be_hidden()  # the XOR activity had no questions
    expect(curie.locator("#reset")).to_be_enabled()  # nor locks


def test_anonymize_spotlight_reset_and_export(lesson: Lesson, api: httpx.Client) -> None:
    teacher, students = lesson.start(api, {"preset": "mazur"})
    names = teacher.locator("[data-student-name]")

    teacher.check("#anonymize")
    expect(names).to_have_text(["Student 1", "Student 2", "Student 3"])
    for name in NAMES:
        expect(teacher.locator("#cards")).not_to_contain_text(name)
    teacher.uncheck("#anonymize")
    expect(names).to_have_text(NAMES)

    curie = students[2]
    curie.get_by_role("button", name="Step", exact=True).click()
    expect(card(teacher, curie).locator("[data-student-updates]")).to_have_text("1")
    card(teacher, curie).get_by_role("button", name=re.compile("^Spotlight")).click()
    expect(teacher.locator("#spotlight-state")).to_have_text("Spotlight: Curie")
    projector = teacher.context.new_page()
    projector.goto(teacher.url + "/spotlight")
    spot = projector.locator(f"[data-spot] svg[data-network-id='{network_id(curie)}']")
    expect(spot.locator("[data-weight-id='2-0-0']")).to_have_count(1)
    w = api.get(f"/api/networks/{network_id(curie)}").json()["weights"][1][0][0]
    assert float(spot.locator("[data-weight-id='2-0-0']").get_attribute("data-value") or 0) == w
    curie.get_by_role("button", name="Step", exact=True).click()  # live: the projector follows
    w2 = api.get(f"/api/networks/{network_id(curie)}").json()["weights"][1][0][0]
    expect(spot.locator("[data-weight-id='2-0-0']")).to_have_attribute("data-value", repr(w2))

    reset = card(teacher, curie).get_by_role("button", name=re.compile("^Reset"))
    reset.click()
    reset.click()  # asks once more
    expect(card(teacher, curie).locator("[data-student-updates]")).to_have_text("0")
    assert api.get(f"/api/networks/{network_id(curie)}").json()["weights"][1][0][0] == 0.4

    with teacher.expect_download() as info:
        teacher.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text())))
    assert [r["name"] for r in sorted(rows, key=lambda r: int(r["number"]))] == NAMES
    assert {r["network_id"] for r in rows} == {network_id(p) for p in students}


PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}


def assert_inside(page: Page, selector: str) -> None:
    """Every matching control is visible and inside the 360 px width."""
    controls = page.locator(selector)
    assert controls.count() > 0, selector
    for n in range(controls.count()):
        control = controls.nth(n)
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (selector, n, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_join_and_an_exercise_on_a_phone(lesson: Lesson, api: httpx.Client) -> None:
    created = open_class(
        api,
        {"preset": "mazur", "questions": [{"path": "deltas[1][0][0]", "prompt": "δ of out1?"}]},
    )
    phone = lesson.page(**PHONE)
    phone.goto(f"{lesson.server.url}{created['join_url']}")
    expect(phone.locator("#join-code")).to_have_value(created["join_code"])
    assert_inside(phone, "#join-form input, #join-form button")
    phone.fill("#join-name", "Ada")
    phone.tap("#join-submit")
    phone.wait_for_url(re.compile(r".*/n/[^/]+$"))
    box = phone.locator("#question-box")
    expect(box).to_be_visible()
    assert_inside(phone, "#question-box input, #question-box button, #forward, #backward, #step")
    box.locator("input").fill("-0.1385")
    box.locator("button[type='submit']").tap()
    expect(phone.locator("[data-question='0']")).to_have_attribute("data-question-state", "right")
    expect(phone.locator("#card")).to_contain_text("\u22120.1385")


def test_push_the_teachers_own_network_with_its_exact_weights(
    lesson: Lesson, api: httpx.Client
) -> None:
    teacher, students = lesson.start(api, {"preset": "xor"})
    weights = [[[0.125, -0.5], [1.0625, 0.25]], [[-0.75, 2.5]]]
    biases = [[0.0, -1.5], [0.375]]
    own = api.post(
        "/api/networks",
        json={"preset": "xor", "weights": weights, "biases": biases, "name": "Mine"},
    )
    assert own.status_code == 201, own.text
    before = [network_id(p) for p in students]
    teacher.click("#push summary")
    teacher.fill("#push-network", f"{lesson.server.url}/n/{own.json()['id']}")
    teacher.press("#push-network", "Tab")
    expect(teacher.locator("#source-network")).to_be_checked()
    teacher.click("#push-submit")
    expect(teacher.locator("#activity-number")).to_have_text("2")
    for page, old in zip(students, before, strict=True):
        page.wait_for_url(lambda url, old=old: "/n/" in url and not url.endswith(old))
        page.wait_for_selector("svg[data-network-id] [data-unit='0-0']")
        state = api.get(f"/api/networks/{network_id(page)}").json()
        assert (state["weights"], state["biases"]) == (weights, biases)
        assert state["id"] != own.json()["id"]
        expect(page.locator("[data-weight-id='2-0-1']")).to_have_attribute("data-value", "2.5")


def test_the_dashboard_comes_back_after_the_server_restarts(
    browser: Browser, live_server_factory: Any
) -> None:
    server: LiveServer = live_server_factory()
    lesson = Lesson(browser, server)
    with httpx.Client(base_url=server.url, timeout=10) as client:
        teacher, (ada, *_) = lesson.start(client, {"preset": "mazur"})
    lesson.allowed.append("Failed to load resource")  # the requests while the server is down
    server.restart()
    # the stream drops, waits (backoff), and reconnects by itself
    expect(teacher.locator("#stream-state")).to_have_text("Live", timeout=20000)
    ada.get_by_role("button", name="Step", exact=True).click()
    expect(ada.locator("#loss-now")).to_contain_text("1 update")
    expect(card(teacher, ada).locator("[data-student-updates]")).to_have_text("1")
    lesson.close()


def test_the_join_field_on_a_network_page(
    lesson: Lesson, api: httpx.Client, live_server: LiveServer
) -> None:
    created = open_class(api, {"preset": "mazur"})
    page = lesson.page()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r".*/n/[^/]+$"))
    expect(page.locator("#class-banner")).to_be_hidden()  # a network in no class
    page.fill("#join-class-code", created["join_code"].lower())
    page.click(".join-class button")
    expect(page.locator("#join-code")).to_have_value(created["join_code"])
    expect(page.get_by_role("link", name="Open a class")).to_have_count(0)  # not on this page
    page.go_back()
    page.get_by_role("link", name="Open a class").click()
    expect(page.locator("#new-class")).to_be_visible()


def test_a_wrong_key_shows_how_to_get_in_and_changes_nothing(
    lesson: Lesson, api: httpx.Client, live_server: LiveServer
) -> None:
    created = open_class(api, {"preset": "mazur"})
    lesson.allowed.append("403")  # Chromium logs the refused request
    page = lesson.page()
    page.goto(f"{live_server.url}{created['teach_url']}#key=not-the-key")
    expect(page.locator("#no-key")).to_be_visible()
    expect(page.locator("[data-join-code]")).to_have_text("")
    assert "#" not in page.url  # even a wrong key leaves the address bar
    page.goto("about:blank")  # else the new fragment would not load the page again
    page.goto(f"{live_server.url}{created['teach_url']}#key={created['teacher_key']}")
    expect(page.locator("[data-join-code]")).to_have_text(created["join_code"])
    expect(page.locator("#no-key")).to_be_hidden()


def test_a_teachers_clock_ten_minutes_fast_does_not_make_students_idle(
    lesson: Lesson, api: httpx.Client
) -> None:
    created = open_class(api, {"preset": "mazur"})
    lesson.student(created["join_code"], "Ada")
    teacher = lesson.page()
    teacher.add_init_script("{ const real = Date.now; Date.now = () => real() + 600000; }")
    teacher.goto(f"{lesson.server.url}{created['teach_url']}#key={created['teacher_key']}")
    ada = teacher.locator("[data-student-card]")
    expect(ada).to_have_count(1)
    expect(ada.locator("[data-student-idle]")).to_have_text(re.compile(r"^\d s$"))
    expect(ada).to_have_attribute("data-stuck", "false")


def test_a_mistyped_code_is_answered_in_words(lesson: Lesson, live_server: LiveServer) -> None:
    lesson.allowed.append("404")  # Chromium logs the refused join
    page = lesson.page(**PHONE)
    page.goto(f"{live_server.url}/join/zz-zz!")
    expect(page.locator("#join-code")).to_have_value("ZZ-ZZ!")
    page.tap("#join-submit")
    expect(page.locator("#join-error")).to_have_text("code: no class has this code")
    expect(page.locator("#join-code")).to_have_attribute("aria-invalid", "true")
    assert urlsplit(page.url).path == "/join/zz-zz!"  # still here, nothing made


def test_a_name_full_of_markup_is_text_on_the_dashboard_and_the_projector(
    lesson: Lesson, api: httpx.Client
) -> None:
    created = open_class(api, {"preset": "xor"})
    payload = "<img src=x onerror=window.pwned=1>"
    teacher = lesson.teacher(created)
    student = lesson.student(created["join_code"], payload)
    name = card(teacher, student).locator("[data-student-name]")
    expect(name).to_have_text(payload)  # shown as written, not parsed
    assert teacher.locator("[data-student-card] h3 img").count() == 0
    assert teacher.evaluate("window.pwned === undefined")
    assert student.evaluate("window.pwned === undefined")
