"""Each page preloads exactly the modules its script imports (app/modules.py), as the browser
itself finds them: a module added, renamed or dropped without the list following fails here."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.conftest import LiveServer

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
