"""Two-dimensional toy datasets, drawn deterministically from a seeded generator.

A preset file may give its dataset as numbers (`{"x": [...], "y": [...]}`) or name one of
these generators (`{"shape": "spiral", "n": 200, "noise": 0.1, "seed": 3}`), and so may
POST and PATCH /api/networks (`"generate": {"shape": "spiral", ...}`). The same parameters
always give the same points, rounded to 4 decimals so exports stay readable. Inputs lie roughly in
[-1, 1]²; targets are one column of 0 and 1 (class 1 = "inside", "second cluster", "second
arm", "signs differ"), or with `one_hot` two columns [1, 0] and [0, 1]. `test_fraction` of
the examples, drawn at random, form the test part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from app.schemas import Generate

MARGIN = 0.1
"""xor: points keep this far from the axes, so every quadrant's class is plain to see."""


def _circle(rng: np.random.Generator, spec: Generate) -> tuple[np.ndarray, np.ndarray]:
    inner, outer = spec.n // 2, spec.n - spec.n // 2
    r = np.concatenate(
        [
            spec.radius * np.sqrt(rng.uniform(0, 0.7, inner)),
            rng.uniform(spec.radius * 1.3, 1.0, outer),
        ]
    )
    angle = rng.uniform(0, 2 * np.pi, spec.n)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    x += rng.normal(0, spec.noise, x.shape)
    y = np.concatenate([np.ones(inner), np.zeros(outer)])
    return x, y


def _gaussians(rng: np.random.Generator, spec: Generate) -> tuple[np.ndarray, np.ndarray]:
    first = spec.n // 2
    y = np.concatenate([np.zeros(first), np.ones(spec.n - first)])
    centres = np.where(y[:, None] == 1, 0.5, -0.5) * np.ones((spec.n, 2))
    return centres + rng.normal(0, spec.noise, (spec.n, 2)), y


def _spiral(rng: np.random.Generator, spec: Generate) -> tuple[np.ndarray, np.ndarray]:
    first = spec.n // 2
    y = np.concatenate([np.zeros(first), np.ones(spec.n - first)])
    t = np.concatenate([np.linspace(0, 1, first), np.linspace(0, 1, spec.n - first)])
    r = 0.1 + 0.85 * t
    angle = 1.75 * 2 * np.pi * t + np.pi * y  # 1¾ turns, the second arm rotated by π
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return x + rng.normal(0, spec.noise, x.shape), y


def _xor(rng: np.random.Generator, spec: Generate) -> tuple[np.ndarray, np.ndarray]:
    first = spec.n // 2
    y = np.concatenate([np.zeros(first), np.ones(spec.n - first)])
    size = rng.uniform(MARGIN, 1.0, (spec.n, 2))  # |x1|, |x2|
    sign_1 = rng.choice([-1.0, 1.0], spec.n)
    sign_2 = np.where(y == 1, -sign_1, sign_1)  # class 1: the signs differ
    x = size * np.stack([sign_1, sign_2], axis=1)
    return x + rng.normal(0, spec.noise, x.shape), y


GENERATORS: dict[str, Callable[[np.random.Generator, Generate], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "gaussians": _gaussians,
    "spiral": _spiral,
    "xor": _xor,
}


def generate(spec: Generate) -> dict[str, Any]:
    """The dataset `spec` names, as the API writes one ({"x", "y"} and maybe "test"),
    interleaved so that online updates alternate the classes."""
    rng = np.random.default_rng(spec.seed)
    x, y = GENERATORS[spec.shape](rng, spec)
    order = np.argsort(np.arange(len(y)) % (len(y) // 2 or 1), kind="stable")
    x, y = np.clip(x[order], -1.5, 1.5).round(4), y[order]
    targets = np.stack([1 - y, y], axis=1) if spec.one_hot else y.reshape(-1, 1)
    n_test = min(int(spec.n * spec.test_fraction), spec.n - 1)
    test = np.zeros(spec.n, dtype=bool)
    if n_test:  # drawn after the points, so the points stay those of the same seed
        test[rng.choice(spec.n, n_test, replace=False)] = True
    data: dict[str, Any] = {"x": x[~test].tolist(), "y": targets[~test].tolist()}
    if n_test:
        data["test"] = {"x": x[test].tolist(), "y": targets[test].tolist()}
    return data
