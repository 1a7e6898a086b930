"""Two-dimensional toy datasets, drawn deterministically from a seeded generator.

A preset file may give its dataset as numbers (`{"x": [...], "y": [...]}`) or name one of
these generators (`{"generate": "spiral", "n": 200, "noise": 0.1, "seed": 3}`). The same
parameters always give the same points, rounded to 4 decimals so exports stay readable.
Inputs lie roughly in [-1, 1]²; targets are one column of 0 and 1 (class 1 = "inside",
"second cluster", "second arm").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from app.config import LIMITS

Points = tuple[list[list[float]], list[list[float]]]


class Generate(BaseModel):
    """A generated dataset, as a preset file names it."""

    model_config = ConfigDict(extra="forbid")

    generate: Literal["circle", "gaussians", "spiral"] = Field(
        description="circle: class 1 inside a disc of radius `radius`. gaussians: two "
        "clusters at ±(0.5, 0.5) with spread `noise`. spiral: two interleaved arms."
    )
    n: Annotated[int, Field(ge=2, le=LIMITS.max_examples)] = Field(
        100, description="Number of examples, split evenly between the two classes."
    )
    noise: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.1, description="Standard deviation of the Gaussian noise added to each point."
    )
    radius: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = Field(
        0.5, description="circle only: radius of the class-1 disc."
    )
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = Field(0, description="Generator seed.")


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


GENERATORS: dict[str, Callable[[np.random.Generator, Generate], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle,
    "gaussians": _gaussians,
    "spiral": _spiral,
}


def generate(spec: Generate) -> Points:
    """The points `spec` names, interleaved so that online updates alternate the classes."""
    rng = np.random.default_rng(spec.seed)
    x, y = GENERATORS[spec.generate](rng, spec)
    order = np.argsort(np.arange(len(y)) % (len(y) // 2 or 1), kind="stable")
    x, y = np.clip(x[order], -1.5, 1.5).round(4), y[order]
    return x.tolist(), y.reshape(-1, 1).tolist()
