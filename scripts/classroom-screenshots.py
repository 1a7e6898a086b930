"""Make the screenshots of docs/classroom.md: a lesson with four students, from opening the
class to the exercise, each step as the teacher or a student sees it.

    .venv/bin/python scripts/classroom-screenshots.py       # starts its own server
    .venv/bin/python scripts/classroom-screenshots.py --url http://127.0.0.1:8000
    .venv/bin/python scripts/classroom-screenshots.py --only 14-answers-on-the-projector

Writes PNG files to docs/classroom/. Uses Debian's Chromium (/usr/bin/chromium), as the browser
tests do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot import start_server  # noqa: E402

from tests.e2e.chromium import ARGS, CHROMIUM  # noqa: E402

DESKTOP = {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "has_touch": True,
    "is_mobile": True,
}
STUDENTS = ["Ada", "Boole", "Curie", "Dirac"]


class Shots:
    def __init__(self, browser: Browser, url: str, out: Path, only: list[str]) -> None:
        self.only = only
        """The pictures to write (by name, without .png); empty: every one."""
        self.browser = browser
        self.url = url
        self.out = out

    def page(self, size: dict[str, Any] = DESKTOP) -> Page:
        return self.browser.new_context(**size).new_page()

    def shoot(self, page: Page, name: str, full_page: bool = False) -> None:
        if self.only and name not in self.only:
            return
        page.mouse.move(0, 0)
        page.wait_for_timeout(300)  # transitions settle
        path = self.out / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(f"wrote {path}")

    def join(self, code: str, name: str, size: dict[str, Any] = DESKTOP) -> Page:
        page = self.page(size)
        page.goto(f"{self.url}/join/{code}")
        page.fill("#join-name", name)
        page.click("#join-submit")
        page.wait_for_selector("#class-banner:not([hidden])")
        page.wait_for_selector("svg[data-network-id] [data-unit='0-0']")
        return page


def step(page: Page, times: int = 1) -> None:
    for _ in range(times):
        before = page.text_content("#loss-now") or ""
        page.get_by_role("button", name="Update", exact=True).click()
        expect(page.locator("#loss-now")).not_to_have_text(before)


def answer(page: Page, text: str, result: tuple[str, str]) -> None:
    """Type an answer to the first question, send it, and wait for the verdict."""
    question = page.locator("[data-question='0']")
    question.locator("input").fill(text)
    question.locator("button[type='submit']").click()
    expect(question).to_have_attribute(*result)


WRONG = ("data-question-result", "wrong")
RIGHT = ("data-question-state", "right")


def lesson(shots: Shots) -> None:
    # 1. open the class
    teacher = shots.page()
    teacher.goto(f"{shots.url}/teach/new")
    teacher.fill("#class-title", "Backpropagation, week 3")
    teacher.select_option("#class-preset", "xor")
    shots.shoot(teacher, "01-open-a-class")
    teacher.click("#open-class")
    teacher.wait_for_selector("#key-notice:not([hidden])")
    expect(teacher.locator("#stream-state")).to_have_text("Live")
    shots.shoot(teacher, "02-dashboard-new")
    code = teacher.text_content("[data-join-code]") or ""

    # 2. students join, one on a phone
    phone = shots.page(PHONE)
    phone.goto(f"{shots.url}/join/{code}")
    phone.fill("#join-name", "Dirac")
    shots.shoot(phone, "03-join-on-a-phone")
    students = [shots.join(code, name) for name in STUDENTS[:3]]
    phone.click("#join-submit")
    phone.wait_for_selector("#class-banner:not([hidden])")
    students.append(phone)
    teacher.click("#dismiss-key")

    # 3. they train, at different paces; Boole's η is so small J hardly moves
    ada, boole, curie, dirac = students
    step(ada, 12)
    boole.fill("#learning-rate", "0.001")
    boole.press("#learning-rate", "Enter")
    boole.wait_for_timeout(300)
    step(boole, 22)
    step(curie, 3)
    ada.get_by_role("button", name="Forward", exact=True).click()
    expect(teacher.locator("[data-student-card] [data-student-updates]")).to_have_text(
        ["12", "22", "3", "0"]
    )
    shots.shoot(teacher, "04-dashboard-watching")

    # 4. spotlight two students on the projector
    for name in ("Ada", "Boole"):
        card = teacher.locator(f"[data-student-card]:has([data-student-name]:text-is('{name}'))")
        card.get_by_role("button", name=f"Spotlight {name}").click()
        expect(teacher.locator("#spotlight-state")).to_contain_text(name)
    projector = teacher.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})  # a projector's
    projector.goto(teacher.url + "/spotlight")
    expect(projector.locator("[data-spot] [data-unit='2-0'][data-o]")).to_have_count(2)
    shots.shoot(projector, "05-spotlight")
    projector.close()

    # 5. pause: every student's page stops
    teacher.click("#pause")
    expect(ada.locator("#paused-notice")).to_be_visible()
    shots.shoot(teacher, "06-paused-dashboard")
    shots.shoot(curie, "07-paused-student")
    teacher.click("#pause")
    expect(ada.locator("#paused-notice")).to_be_hidden()

    # 6. the next activity: Mazur's network, weights locked, two questions
    teacher.click("#push summary")
    teacher.select_option("#push-preset", "mazur")
    teacher.fill("#push-title", "Exercise 1: one step by hand")
    teacher.check("#push-lock-weights")
    for path in ("deltas[1][0][0]", "weights_after[1][0][0]"):
        teacher.select_option("#question-choice", path)
        teacher.click("#add-question")
    teacher.locator("#push").scroll_into_view_if_needed()
    shots.shoot(teacher, "08-push-activity")
    teacher.click("#push-submit")
    expect(teacher.locator("#activity-number")).to_have_text("2")
    for page in students:
        page.wait_for_selector("[data-question='0']")

    # 7. the exercise: a wrong answer, then the right one
    curie.get_by_role("button", name="Forward", exact=True).click()
    curie.wait_for_selector("[data-unit='2-0'][data-o]")
    curie.get_by_role("button", name="Backward", exact=True).click()
    curie.wait_for_selector("[data-unit='2-0'][data-delta]")
    answer(curie, "0.1385", WRONG)
    shots.shoot(curie, "09-exercise-wrong")
    answer(curie, "-0.1385", RIGHT)
    shots.shoot(curie, "10-exercise-right")
    answer(dirac, "-0.13", WRONG)
    shots.shoot(dirac, "11-exercise-on-a-phone")
    answer(dirac, "-0.14", WRONG)
    answer(dirac, "0.14", WRONG)  # a third wrong try: the teacher's card turns orange

    # 8. the class's answers on the projector: Ada forgets f′, Boole takes ∂J/∂net for δ
    answer(ada, "-0.74136507", WRONG)
    answer(boole, "0.138498562", WRONG)
    teacher.get_by_role("button", name="Answers to δ of out1").click()
    projector = teacher.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(teacher.url + "/spotlight")
    expect(projector.locator("[data-answer-plot] circle.dot")).to_have_count(4)
    shots.shoot(projector, "14-answers-on-the-projector")
    projector.close()
    teacher.get_by_role("button", name="The spotlit students").click()

    # 9. the teacher inside Curie's run: she trained after her right answer
    step(curie, 3)
    card = teacher.locator("[data-student-card]:has([data-student-name]:text-is('Curie'))")
    expect(card.locator("[data-student-updates]")).to_have_text("3")
    with teacher.context.expect_page() as opened:
        card.get_by_role("link", name="Open the run of Curie, read-only").click()
    run = opened.value
    run.set_viewport_size(DESKTOP["viewport"])
    expect(run.locator("[data-question='0'] tr[data-try]")).to_have_count(2)
    expect(run.locator("#run-label")).to_contain_text("3 updates")
    run.locator("#run-range").focus()
    run.keyboard.press("ArrowLeft")  # back one step on the timeline
    expect(run.locator("#graph")).to_have_attribute("data-update", "2")
    shots.shoot(run, "15-a-students-run")
    run.close()

    # 10. anonymized for the projector, and the export buttons
    teacher.locator("#push").evaluate("e => { e.open = false; }")
    teacher.check("#anonymize")
    expect(teacher.locator("[data-student-name]").first).to_have_text("Student 1")
    teacher.evaluate("window.scrollTo(0, 0)")
    shots.shoot(teacher, "12-dashboard-anonymized")

    # 11. the dashboard in a browser without its key: only the way in
    stranger = shots.page()
    stranger.goto(teacher.url)
    expect(stranger.locator("#no-key")).to_be_visible()
    shots.shoot(stranger, "13-dashboard-without-its-key")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--out", default=str(ROOT / "docs" / "classroom"))
    parser.add_argument(
        "--only", nargs="*", default=[], help="write only these pictures (names without .png)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def run(url: str) -> None:
        httpx.get(url + "/healthz", timeout=10).raise_for_status()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                lesson(Shots(browser, url, out, args.only))
            finally:
                browser.close()

    if args.url:
        run(args.url.rstrip("/"))
        return
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(Path(tmp) / "shots.sqlite3")
        try:
            run(url)
        finally:
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
