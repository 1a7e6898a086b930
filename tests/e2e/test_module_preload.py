"""Each page preloads exactly the modules its script imports (app/modules.py), as the browser
itself finds them: a module added, renamed or dropped without the list following fails here.
The simulator's panels that are closed at first load their modules when opened."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network

pytestmark = pytest.mark.e2e

PRELOAD = re.compile(r'<link rel="modulepreload"[^>]*>\n?')
PAGES = ["/", "/join", "/teach/new", "/teach/no-such-class/spotlight"]


def modules_fetched(page: Page, live_server: LiveServer, path: str) -> list[str]:
    """The paths of the scripts the page requested while it loaded (in a fresh context: an
    empty cache), in order."""
    fetched: list[str] = []
    page.on(
        "request",
        lambda r: fetched.append(urlsplit(r.url).path) if r.url.endswith(".js") else None,
    )
    page.goto(live_server.url + path, wait_until="networkidle")
    return fetched


@pytest.mark.parametrize("path", PAGES)
def test_the_preload_list_is_the_import_graph_the_browser_walks(
    browser: Browser, live_server: LiveServer, path: str
) -> None:
    # the page without its links: the browser finds every module through the imports alone
    def without_preloads(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=PRELOAD.sub("", response.text()))

    bare = browser.new_page()
    bare.route(live_server.url + path, without_preloads)
    imported = modules_fetched(bare, live_server, path)
    assert bare.locator("link[rel=modulepreload]").count() == 0
    bare.context.close()

    page = browser.new_page()
    fetched = modules_fetched(page, live_server, path)
    preloaded = page.eval_on_selector_all(
        "link[rel=modulepreload]", "links => links.map((l) => new URL(l.href).pathname)"
    )
    entry = page.eval_on_selector("script[type=module]", "s => new URL(s.src).pathname")
    assert len(imported) > 1 and len(set(imported)) == len(imported)
    assert sorted([entry, *preloaded]) == sorted(imported)
    # each module fetched once: the preloaded copy is the one the imports use
    assert sorted(fetched) == sorted(imported)
    page.context.close()


CLOSED_PANELS = {
    "#layers-box": "/static/js/layerchart.js",
    "#surface-box": "/static/js/surface.js",
    "#hidden-box": "/static/js/hiddenview.js",
}


def test_closed_panels_load_their_modules_when_opened_and_show_the_last_change(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    net = api.post("/api/networks", json={"preset": "xor"}).json()
    back = api.post(f"/api/networks/{net['id']}/backward", json={}).json()
    open_network(page, live_server, net["id"])
    # Backward while the chart's box is closed: opening it shows that δ, as before
    page.get_by_role("button", name="Backward", exact=True).click()
    page.wait_for_selector("body[data-phase='backward']")
    assert [m for m in CLOSED_PANELS.values() if m in fetched] == []
    assert "/static/js/classroom.js" not in fetched  # not a class network

    page.locator("#layers-box summary").click()
    page.wait_for_selector("[data-series='deltaMean']")
    means = json.loads(page.get_attribute("[data-series='deltaMean']", "data-values") or "[]")
    assert means == pytest.approx([np.abs(np.array(d)).mean() for d in back["deltas"]], rel=1e-12)
    assert CLOSED_PANELS["#layers-box"] in fetched
    for box, module in CLOSED_PANELS.items():
        if box != "#layers-box":  # opening the box is what fetches its module
            with page.expect_request(lambda r, m=module: urlsplit(r.url).path == m):
                page.locator(f"{box} summary").click()
    expect(page.locator("#surface-plot")).to_be_visible()
    expect(page.locator(".hidden-point")).to_have_count(len(net["dataset"]["x"]))
