"""Vanishing gradients, as the lecture notes' bound says: δ_j = f'(net_j) Σ_l w_lj δ_l with a
sigmoid's f' = o (1 − o) ≤ ¼, so for every example max_j |δ_j| of a layer is at most
¼ · max_j Σ_l |w_lj| times max_l |δ_l| of the layer above, and over a 6-layer sigmoid network
layer 1's |δ| is below the last layer's by the product of those factors. A property over
random widths, seeds and data (hypothesis), not a number typed in."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app import nn


@settings(max_examples=25, deadline=None)
@given(
    width=st.integers(2, 10),
    seed=st.integers(0, 2**32 - 1),
    data_seed=st.integers(0, 2**32 - 1),
    scheme=st.sampled_from(sorted(nn.INITS)),
)
def test_each_layer_back_shrinks_by_the_sigmoid_bound(width, seed, data_seed, scheme):
    layers = [2, width, width, width, width, width, 1]  # six layers of weights
    params = nn.init_params(layers, seed, scheme, 0.5)
    rng = np.random.default_rng(data_seed)
    x = rng.uniform(-1, 1, size=(8, 2))
    y = rng.integers(0, 2, size=(8, 1)).astype(float)
    result = nn.backward(params, nn.Config(), x, y)
    deltas = result.deltas
    total = np.ones(len(x))  # the product of the bounds from the last layer back
    for k in range(len(deltas) - 1, 0, -1):  # layer k (1-based) from layer k + 1
        w_above = params.weights[k]  # (n_{k+1}, n_k)
        factor = 0.25 * np.abs(w_above).sum(axis=0).max()  # ¼ max_j Σ_l |w_lj|
        below = np.abs(deltas[k - 1]).max(axis=1)
        above = np.abs(deltas[k]).max(axis=1)
        assert np.all(below <= factor * above * (1 + 1e-12))
        total *= factor
    first, last = np.abs(deltas[0]).max(axis=1), np.abs(deltas[-1]).max(axis=1)
    assert np.all(first <= total * last * (1 + 1e-9))


def test_the_deep_sigmoid_presets_first_layer_learns_slowest(client):
    state = client.post("/api/networks", json={"preset": "deep-sigmoid"}).json()
    assert state["layers"] == [2, 8, 8, 8, 8, 8, 1]
    back = client.post(f"/api/networks/{state['id']}/backward", json={}).json()
    means = [float(np.mean(np.abs(d))) for d in back["deltas"]]
    # each layer back at most ¼ · max_j Σ_l |w_lj| of the one above (Glorot weights keep
    # that factor below 1 here): mean |δ| falls layer after layer
    assert all(a < b for a, b in itertools.pairwise(means))
    assert means[0] < means[-1] / 4**3
