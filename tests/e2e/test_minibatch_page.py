"""The update-mode control's mini-batch mode and the confusion matrix beside accuracy, in
headless Chromium: choose mini-batch with a B, step, and the server's history says the step
trained in mini-batches of B, the page shows the server's weights, the first update's numbers
are its mini-batch's, and the confusion tables hold the server's counts."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import open_network, server_weights, shown_weights
from tests.e2e.test_share import open_link, share_link

pytestmark = pytest.mark.e2e

X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.2, 0.9], [0.8, 0.1], [0.9, 0.8]]
Y = [[0.0], [1.0], [1.0], [0.0], [1.0], [1.0], [0.0]]
DATA = {"x": X, "y": Y, "test": {"x": [[0.1, 0.1], [0.1, 0.8]], "y": [[0.0], [1.0]]}}
NETWORK = {"layers": [2, 3, 1], "seed": 5, "learning_rate": 1.0, "dataset": DATA}


def test_minibatch_mode_steps_as_the_server_says_and_the_confusion_tables_show_its_counts(
    watched: Page, live_server: LiveServer, api: httpx.Client
) -> None:
    page = watched
    network_id = api.post("/api/networks", json=NETWORK).json()["id"]
    open_network(page, live_server, network_id)
    expect(page.locator("#batch-size")).to_be_hidden()  # batch mode: no B
    page.get_by_label("Update mode").select_option("minibatch")
    page.get_by_label("Batch size B").fill("3")
    page.get_by_label("Batch size B").press("Enter")
    page.get_by_label("Batch size B").blur()
    page.get_by_role("button", name="Update", exact=True).click()
    # 7 examples in mini-batches of 3: 3 updates an epoch
    expect(page.locator("#loss-now")).to_have_text(re.compile(r"· 3 updates$"))
    page.wait_for_function("() => !document.body.hasAttribute('data-busy')")
    entries = api.get(f"/api/networks/{network_id}/history").json()["entries"]
    assert (entries[-1]["mode"], entries[-1]["batch_size"], entries[-1]["update"]) == (
        "minibatch",
        3,
        3,
    )
    assert shown_weights(page) == server_weights(api, network_id)
    # the same step through the API from the same start: the same weights, to the bit
    twin = api.post("/api/networks", json=NETWORK).json()["id"]
    answer = api.post(
        f"/api/networks/{twin}/step", json={"mode": "minibatch", "batch_size": 3}
    ).json()
    assert server_weights(api, twin) == server_weights(api, network_id)
    # the phase line names the first mini-batch's examples, 1-based
    listed = ", ".join(str(i + 1) for i in answer["minibatch"])
    expect(page.locator("#phase")).to_contain_text(f"made from examples {listed}")
    # the confusion tables: the server's counts, training and test
    for part in ("train", "test"):
        counts = answer["evaluation"][part]["confusion"]
        table = page.locator(f"table.confusion[data-part='{part}']")
        expect(table).to_be_visible()
        for t, row in enumerate(counts):
            for p, n in enumerate(row):
                expect(table.locator(f"[data-cell='{t}-{p}']")).to_have_text(str(n))
    # the choice is remembered: a reload keeps mini-batch mode and B
    page.reload()
    page.wait_for_selector(f"svg[data-network-id='{network_id}'] [data-unit='0-0']")
    expect(page.get_by_label("Update mode")).to_have_value("minibatch")
    expect(page.get_by_label("Batch size B")).to_have_value("3")


def test_a_share_link_carries_minibatch_mode_and_b(
    watched: Page, live_server: LiveServer, api: httpx.Client, browser: Browser
) -> None:
    network_id = api.post("/api/networks", json=NETWORK).json()["id"]
    open_network(watched, live_server, network_id)
    watched.get_by_label("Update mode").select_option("minibatch")
    watched.get_by_label("Batch size B").fill("5")
    watched.get_by_label("Batch size B").press("Enter")
    new_id, page = open_link(browser, share_link(watched))
    assert new_id != network_id
    expect(page.get_by_label("Update mode")).to_have_value("minibatch")
    expect(page.get_by_label("Batch size B")).to_have_value("5")
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator("#loss-now")).to_have_text(re.compile(r"· 2 updates$"))  # ⌈7/5⌉
    page.context.close()
