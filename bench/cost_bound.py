"""Calibrate the work bound: what an update and a multiply-add cost, in seconds, on this
machine, and how long the largest request the bound allows takes.

validate.work counts a request's cost as multiply-adds (examples × epochs × weights ×
passes) plus `update_cost` per update. This times the engine on the two extremes: many
cheap updates (online mode on a [1, 1] network, where the fixed cost of each pass is all
there is) and few large products (batch mode on 256-64-10), and then the largest request
of several shapes that the current limits allow.

    .venv/bin/python -m bench.cost_bound
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from app import nn
from app.config import LIMITS
from app.networks import validate


def timed(layers: list[int], n: int, epochs: int, mode: str) -> float:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (n, layers[0]))
    y = rng.uniform(0, 1, (n, layers[-1]))
    params = nn.init_params(layers, 0)
    config = nn.Config(learning_rate=0.1)
    nn.train(params, config, x[:1], y[:1], mode=mode, epochs=1)  # warm up
    start = time.perf_counter()
    nn.train(params, config, x, y, mode=mode, epochs=epochs)
    return time.perf_counter() - start


def cost(layers: list[int], n: int, epochs: int, mode: str) -> int:
    updates = epochs * (n if mode == "online" else 1)
    products = n * epochs * validate.parameter_count(layers) * 3
    return products + updates * LIMITS.update_cost


def largest_epochs(layers: list[int], n: int, mode: str) -> int:
    lo, hi = 1, LIMITS.max_epochs
    while lo < hi:  # the most epochs the bound accepts
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if cost(layers, n, mid, mode) <= LIMITS.max_work else (lo, mid - 1)
    return lo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    per_update = timed([1, 1], 5000, 2, "online") / 10_000
    big = [256, 64, 10]
    per_product = timed(big, 2000, 5, "batch") / (2000 * 5 * validate.parameter_count(big) * 3)
    print(f"one online update of [1, 1]: {per_update * 1e6:.1f} µs")
    print(f"one multiply-add, 256-64-10 on 2,000 examples: {per_product * 1e9:.2f} ns")
    print(f"so an update costs about {per_update / per_product:,.0f} multiply-adds")
    print(f"limits: max_work {LIMITS.max_work:,}, update_cost {LIMITS.update_cost:,}\n")
    print("largest request allowed        epochs   seconds")
    for layers, n, mode in [
        ([1, 1], 5000, "online"),
        ([2, 2, 1], 4, "online"),
        ([2, 2, 1], 4, "batch"),
        ([2, 8, 8, 8, 8, 1], 200, "online"),
        ([2, 8, 8, 8, 8, 1], 200, "batch"),
        (big, 2000, "batch"),
        (big, 2000, "online"),
        ([1, 256, 1, 256, 1, 256, 1, 256, 1, 1], 5000, "batch"),
    ]:
        epochs = largest_epochs(layers, n, mode)
        seconds = timed(layers, n, epochs, mode)
        print(f"{layers!s:28} {n:5} {mode:6} {epochs:6}   {seconds:7.3f}")


if __name__ == "__main__":
    main()
