"""What a screen shows, measured in the browser: whether elements are in the window as it
opens, and the size of the graph's smallest text."""

from __future__ import annotations

from playwright.sync_api import Page

UNITS_221 = [f"[data-unit='{k}-{r}'] circle" for k, n in enumerate([2, 2, 1]) for r in range(n)]
"""The units of a 2-2-1 network (XOR's)."""


def on_screen(page: Page, selectors: list[str], width: int, height: int) -> None:
    """Each element wholly inside the window as it opens (no scrolling)."""
    for sel in selectors:
        box = page.locator(sel).bounding_box()
        assert box is not None, sel
        inside = box["x"] >= 0 and box["y"] >= 0
        assert inside and box["x"] + box["width"] <= width, (sel, box)
        assert box["y"] + box["height"] <= height, (sel, box)


def smallest_label(page: Page) -> float:
    """The smallest text the graph shows, in CSS pixels: its font size times the drawing's
    scale on the screen."""
    size: float = page.evaluate(
        """() => {
            const svg = document.querySelector('#graph');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const shown = [...svg.querySelectorAll('text')].filter(
                (t) => t.textContent && t.getBoundingClientRect().width > 0);
            return Math.min(...shown.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
        }"""
    )
    return size
