"""The ways of drawing the weights: over many draws each scheme's empirical variance matches
its formula (docs/api.md), means are 0, the same seed gives the same weights, and the default
draws exactly what every network had before schemes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app import nn


@pytest.mark.parametrize(
    "scheme, scale, formula",
    [
        ("glorot_uniform", 1.0, lambda n_in, n_out: 2 / (n_in + n_out)),
        ("glorot_normal", 1.0, lambda n_in, n_out: 2 / (n_in + n_out)),
        ("he_normal", 1.0, lambda n_in, n_out: 2 / n_in),
        ("uniform", 0.3, lambda n_in, n_out: 0.3**2 / 3),
        ("normal", 2.5, lambda n_in, n_out: 2.5**2),
    ],
)
def test_empirical_variance_matches_the_formula(scheme, scale, formula):
    layers = [3, 40, 7, 1]
    draws = [nn.init_params(layers, seed, scheme, scale) for seed in range(400)]
    for k, (n_in, n_out) in enumerate(itertools.pairwise(layers)):
        w = np.stack([d.weights[k] for d in draws]).ravel()  # 400 × n_out × n_in values
        expected = formula(n_in, n_out)
        # the sample variance of m values lies within a few standard errors of the truth:
        # sd(s²) = σ² √(κ − 1) / √m, κ ≤ 3 for these laws; 5 of those is a 1-in-10⁶ miss
        assert abs(w.var() - expected) < 5 * expected * np.sqrt(2 / w.size)
        assert abs(w.mean()) < 5 * np.sqrt(expected / w.size)
        assert all(np.all(d.biases[k] == 0) for d in draws)
        assert nn.init_variance(scheme, n_in, n_out, scale) == pytest.approx(expected)


@pytest.mark.parametrize("scheme", sorted(nn.INITS))
def test_same_seed_same_weights_another_seed_others(scheme):
    a, b, c = (nn.init_params([2, 8, 8, 1], s, scheme, 0.5) for s in (7, 7, 8))
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_the_default_is_the_draw_from_before():
    rng = np.random.default_rng(11)
    expected = []
    for n_in, n_out in itertools.pairwise([2, 3, 1]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        expected.append(rng.uniform(-limit, limit, size=(n_out, n_in)))
    got = nn.init_params([2, 3, 1], 11)
    assert all(np.array_equal(x, y) for x, y in zip(got.weights, expected, strict=True))
