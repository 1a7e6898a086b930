"""Matt Mazur's "A Step by Step Backpropagation Example", through the API.

Published figures (his post, to the digits he gives): outputs 0.75136507 and 0.772928465,
E_total = 0.298371109; after one update w5..w8 = 0.35891648, 0.408666186, 0.511301270,
0.561370121 and w1..w4 = 0.149780716, 0.19956143, 0.24975114, 0.29950229. Biases are never
updated in his example. (His later totals use a variant that updates hidden weights with
already-updated output weights, so they are not tested.)
"""

from __future__ import annotations

import pytest

from app.schemas import MAZUR_EXAMPLE


def digits(value: float, published: str) -> None:
    """Equal to as many decimals as the post prints."""
    decimals = len(published.split(".")[1])
    assert round(value, decimals) == pytest.approx(float(published), abs=10**-decimals / 2)


@pytest.fixture
def mazur(client):
    response = client.post("/api/networks", json=MAZUR_EXAMPLE)
    assert response.status_code == 201
    return response.json()["id"]


def test_forward_pass_matches_the_post(client, mazur):
    body = client.post(f"/api/networks/{mazur}/forward", json={}).json()
    o1, o2 = body["output"][0]
    digits(o1, "0.75136507")
    digits(o2, "0.772928465")
    digits(body["loss"], "0.298371109")
    # hidden layer: out_h1 = 0.593269992, out_h2 = 0.596884378; net_h1 = 0.3775
    digits(body["activations"][1][0][0], "0.593269992")
    digits(body["activations"][1][0][1], "0.596884378")
    digits(body["net"][0][0][0], "0.3775")


def test_backward_gives_the_posts_partial_derivatives(client, mazur):
    body = client.post(f"/api/networks/{mazur}/backward", json={}).json()
    # ∂E/∂w5 = 0.082167041 in the post; ∂E/∂w1 = 0.000438568
    digits(body["gradients"]["weights"][1][0][0], "0.082167041")
    digits(body["gradients"]["weights"][0][0][0], "0.000438568")
    # δ_o1 = −∂E/∂net_o1 = −(0.74136507 · 0.186815602) = −0.138498562
    digits(body["deltas"][1][0][0], "-0.138498562")
    assert body["bias_deltas"] == [[0.0, 0.0], [0.0, 0.0]]


def test_one_update_gives_the_posts_weights(client, mazur):
    body = client.post(f"/api/networks/{mazur}/step", json={"mode": "batch"}).json()
    weights = body["network"]["weights"]
    for value, published in zip(
        [*weights[1][0], *weights[1][1]],
        ["0.35891648", "0.408666186", "0.511301270", "0.561370121"],
        strict=True,
    ):
        digits(value, published)
    for value, published in zip(
        [*weights[0][0], *weights[0][1]],
        ["0.149780716", "0.19956143", "0.24975114", "0.29950229"],
        strict=True,
    ):
        digits(value, published)
    assert body["network"]["biases"] == [[0.35, 0.35], [0.6, 0.6]]
    assert body["network"]["updates"] == 1
    # what produced the update is the pre-update backward pass
    digits(body["loss"], "0.298371109")
    # stored: a fresh GET shows the same weights at full precision
    assert client.get(f"/api/networks/{mazur}").json()["weights"] == weights
