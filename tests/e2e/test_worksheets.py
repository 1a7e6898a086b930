"""Worksheets printed by Chromium to PDF: a page per student, each with that student's own
numbers; the answer key likewise, with each student's expected numbers."""

from __future__ import annotations

import io

import httpx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.lesson import NAMES, Lesson, open_class

pytestmark = pytest.mark.e2e
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def printed(x: float) -> str:
    """How the sheet prints |x| (format.js's fmt with 6 digits, the sign left out: powers of ten
    below 1e-4 and from 1e6)."""
    a = abs(x)
    if a != 0 and (a < 1e-4 or a >= 1e6):
        mantissa, exponent = f"{a:.5e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    text = f"{a:.6g}" if a < 1 else f"{a:.6f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pdf_pages(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages]


def test_a_page_per_student_with_their_numbers_and_the_key(
    lesson: Lesson, api: httpx.Client
) -> None:
    activity = {
        "preset": "xor",
        "per_student": "weights",
        "questions": [{"path": "gradients.weights[0][1][0]", "prompt": "∂J/∂w of unit 2"}],
    }
    created = open_class(api, activity)
    teacher = lesson.teacher(created)  # the key is now this browser's
    for name in NAMES:
        api.post("/api/join", json={"code": created["join_code"], "name": name})
    data = api.get(
        f"/api/classes/{created['id']}/worksheets",
        headers={"Authorization": f"Bearer {created['teacher_key']}"},
    ).json()

    teacher.goto(f"{lesson.server.url}/teach/{created['id']}/worksheets")
    expect(teacher.locator("#worksheets")).to_have_attribute("data-ready", "3")
    expect(teacher.locator("[data-answer]")).to_have_count(0)
    pages = pdf_pages(teacher)
    assert len(pages) == 3
    for text, sheet in zip(pages, data["students"], strict=True):
        assert sheet["name"] in text
        for w in (sheet["weights"][0][0][0], sheet["weights"][1][0][1], sheet["biases"][0][1]):
            assert printed(w) in text, (sheet["name"], w)
        others = [s for s in data["students"] if s is not sheet]
        assert not any(s["name"] in text for s in others)

    teacher.goto(f"{lesson.server.url}/teach/{created['id']}/worksheets?answers=1")
    expect(teacher.locator("[data-answer]")).to_have_count(3)
    pages = pdf_pages(teacher)
    assert len(pages) == 3
    for text, sheet in zip(pages, data["students"], strict=True):
        assert f"{sheet['name']}: answer key" in text
        assert printed(sheet["answers"][0]) in text
