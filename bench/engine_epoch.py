"""The engine's cost per epoch against a plain numpy loop of the same maths, in one run.

`nn.train` for 1 epoch a call (the Update button) and 50 (about what a Play request will
ask for), against the same updates written as one plain loop of numpy calls (no records, no
checks, no function per step), on:
- XOR 2-2-1 on its 4 examples (the preset: sigmoid, squared error summed, η = 2), batch
  and online;
- 2-8-8-8-8-1 on the 200-point spiral (tanh hidden units, a sigmoid output, cross-entropy
  averaged, η = 1), batch;
- 256-64-10 on 500 random examples (sigmoid, squared error summed, η = 0.001), batch.
Both sides report J after every epoch. Each figure is this process's CPU time per epoch (CPU
time does not count waiting for a core, so it holds up on a busy machine), the median of
`--rounds` timings; the sides alternate A B A B (A B C with --baseline). The ratio engine ÷
plain is the figure to compare across runs. The last column is the largest |w| difference
between the two sides' weights after the same epochs: 0 when they give the same bits (the
plain loop multiplies by η/N where the engine multiplies by −1/N and then −η, so 'mean'
rounds differently in the last place).

With `--stacked N …`, one more table: the plain loop for N XOR networks at once, each array
given a leading axis of N (one numpy call a step for all of them, as a server could train
the Play requests that arrive together), µs per network and epoch, and the largest |w|
difference from each network trained alone by the plain loop.

With `--baseline DIR` (another commit's app/: `git archive REV app | tar -x -C DIR`), that
engine runs in the same alternation: a before and after in one run.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python -m bench.engine_epoch [--rounds 7] [--epochs 1 50] \
        [--baseline DIR] [--stacked 1 10 100 300]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from app import nn
from app.presets.datasets import generate
from app.schemas import Generate
from bench.server import command_line, machine, table


def load_engine(root: Path) -> ModuleType:
    """app.nn as it is under root/app/nn, beside ours: imported fresh while root's `app`
    stands in for ours, then ours is put back (the old modules keep what they imported)."""
    ours = {
        name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "app"
    }
    sys.path.insert(0, str(root))
    try:
        __import__("app.nn")
        engine = sys.modules["app.nn"]
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == "app"]:
            del sys.modules[name]
        sys.modules.update(ours)
    return engine


@dataclass
class Case:
    name: str
    mode: str
    layers: list[int]
    settings: dict[str, Any]
    x: np.ndarray
    y: np.ndarray
    seed: int = 0

    def params(self, engine: ModuleType) -> Any:
        return engine.init_params(self.layers, self.seed)

    def config(self, engine: ModuleType) -> Any:
        return engine.Config(**self.settings)


def wide_examples() -> tuple[np.ndarray, np.ndarray]:
    """500 random examples of 256 inputs, each of one of 10 classes (targets 0.01 and 0.99)."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(500, 256))
    y = np.full((500, 10), 0.01)
    y[np.arange(500), rng.integers(0, 10, size=500)] = 0.99
    return x, y


def cases() -> list[Case]:
    xor_x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    xor_y = np.array([[0.0], [1.0], [1.0], [0.0]])
    xor = {"learning_rate": 2.0}
    spiral = generate(Generate(generate="spiral", n=200, noise=0.03, seed=3))
    wide_x, wide_y = wide_examples()
    return [
        Case("2-2-1 XOR, 4 examples", "batch", [2, 2, 1], xor, xor_x, xor_y),
        Case("2-2-1 XOR, 4 examples", "online", [2, 2, 1], xor, xor_x, xor_y),
        Case(
            "2-8-8-8-8-1 spiral, 200 examples",
            "batch",
            [2, 8, 8, 8, 8, 1],
            {
                "hidden_activation": "tanh",
                "loss": "cross_entropy",
                "reduction": "mean",
                "learning_rate": 1.0,
            },
            np.array(spiral["x"]),
            np.array(spiral["y"]),
        ),
        Case(
            "256-64-10, 500 examples",
            "batch",
            [256, 64, 10],
            {"learning_rate": 0.001},
            wide_x,
            wide_y,
        ),
    ]


def sigmoid(net: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -net))  # the engine's σ, so both sides round alike


def plain_train(case: Case, epochs: int) -> tuple[list[np.ndarray], list[float]]:
    """The same updates as nn.train, as plain numpy calls: forward, δ from the output back,
    w ← w + η Σ_i δ_r u_rq (η/N for 'mean'), J after every epoch."""
    config, params = case.config(nn), case.params(nn)
    ws, bs = params.weights, params.biases
    depth, eta = len(ws), config.learning_rate
    tanh = config.hidden_activation == "tanh"
    cross_entropy, mean = config.loss == "cross_entropy", config.reduction == "mean"

    def forward(u: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """o of every layer, and net of the output layer (cross-entropy's J needs it)."""
        us = [u]
        for k in range(depth):
            net = us[-1] @ ws[k].T + bs[k]
            us.append(np.tanh(net) if tanh and k < depth - 1 else sigmoid(net))
        return us, net

    parts = [(case.x, case.y)]
    if case.mode == "online":
        parts = [(case.x[i : i + 1], case.y[i : i + 1]) for i in range(len(case.x))]
    losses = []
    us, _ = forward(case.x)
    for _ in range(epochs):
        for xb, yb in parts:
            if case.mode == "online":
                us, _ = forward(xb)
            o = us[-1]
            delta = yb - o if cross_entropy else (yb - o) * (o * (1.0 - o))
            step = eta / len(yb) if mean else eta
            for k in range(depth - 1, -1, -1):
                u = us[k]
                grad_w, grad_b = delta.T @ u, delta.sum(axis=0)
                if k:
                    delta = (1.0 - u * u if tanh else u * (1.0 - u)) * (delta @ ws[k])
                ws[k] = ws[k] + step * grad_w
                bs[k] = bs[k] + step * grad_b
        us, net = forward(case.x)
        o = us[-1]
        if cross_entropy:
            t = case.y * np.logaddexp(0.0, -net) + (1.0 - case.y) * np.logaddexp(0.0, net)
            j = float(t.sum())
        else:
            t = case.y - o
            j = 0.5 * float((t * t).sum())
        losses.append(j / len(case.y) if mean else j)
    return ws + bs, losses


def stacked_train(case: Case, epochs: int, n: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """plain_train of networks 0..n-1 (the case with seeds 0..n-1) at once, batch mode with
    sigmoid units and squared error summed: every array has a leading axis of n. Returns the
    weights and biases, and J of every network after each epoch."""
    starts = [replace(case, seed=k).params(nn) for k in range(n)]
    ws = [np.stack([p.weights[k] for p in starts]) for k in range(len(case.layers) - 1)]
    bs = [np.stack([p.biases[k] for p in starts])[:, None, :] for k in range(len(ws))]
    eta, x, y = case.settings["learning_rate"], case.x, case.y

    def forward() -> list[np.ndarray]:
        us = [np.broadcast_to(x, (n, *x.shape))]
        for w, b in zip(ws, bs, strict=True):
            us.append(sigmoid(us[-1] @ w.swapaxes(1, 2) + b))
        return us

    us = forward()
    losses = []
    for _ in range(epochs):
        o = us[-1]
        delta = (y - o) * (o * (1.0 - o))
        for k in range(len(ws) - 1, -1, -1):
            u = us[k]
            grad_w, grad_b = delta.swapaxes(1, 2) @ u, delta.sum(axis=1, keepdims=True)
            if k:
                delta = u * (1.0 - u) * (delta @ ws[k])
            ws[k] = ws[k] + eta * grad_w
            bs[k] = bs[k] + eta * grad_b
        us = forward()
        t = y - us[-1]
        losses.append(0.5 * (t * t).sum(axis=(1, 2)))  # J of each network, as the plain loop's
    return ws + bs, losses


def stacked_rows(rounds: int, budget: float, epochs: int, sizes: list[int]) -> list[list[str]]:
    xor = cases()[0]
    rows = []
    for n in sizes:
        alone = [plain_side(replace(xor, seed=k), epochs) for k in range(min(n, 3))]
        together = functools.partial(stacked_train, xor, epochs, n)
        times: list[list[float]] = [[], []]
        for _ in range(rounds):
            times[0].append(cpu_per_call(alone[0], budget) / epochs)
            times[1].append(cpu_per_call(together, budget))
        single = statistics.median(times[0]) * 1e6
        each = statistics.median(times[1]) * 1e6 / epochs / n
        trained, _ = together()
        gap = 0.0
        for k in range(min(n, 3)):  # the first networks, each against itself trained alone
            weights, _ = plain_train(replace(xor, seed=k), epochs)
            for a, b in zip(trained, weights, strict=True):
                gap = max(gap, float(np.abs(a[k].reshape(b.shape) - b).max()))
        rows.append([f"{n}", f"{epochs}", f"{single:.1f}", f"{each:.2f}", f"{single / each:.0f}"])
        rows[-1].append(f"{gap:.1e}")
    return rows


def plain_side(case: Case, epochs: int) -> Callable[[], object]:
    return lambda: plain_train(case, epochs)


def engine_train(engine: ModuleType, case: Case, epochs: int) -> Callable[[], object]:
    params, config = case.params(engine), case.config(engine)
    return lambda: engine.train(params, config, case.x, case.y, mode=case.mode, epochs=epochs)


def cpu_per_call(run: Callable[[], object], budget: float) -> float:
    """CPU seconds per call of `run`, over calls that take about `budget` seconds, after one
    untimed call."""
    run()
    calls, start = 0, time.process_time()
    while True:
        run()
        calls += 1
        spent = time.process_time() - start
        if spent >= budget:
            return spent / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="A B rounds per figure")
    parser.add_argument("--epochs", type=int, nargs="+", default=[1, 50], help="epochs a call")
    parser.add_argument("--budget", type=float, default=0.2, help="CPU seconds per timing")
    parser.add_argument("--baseline", type=Path, help="another checkout's app/ to compare")
    parser.add_argument("--stacked", type=int, nargs="*", default=[], help="XOR networks at once")
    args = parser.parse_args()
    baseline = load_engine(args.baseline.resolve()) if args.baseline else None

    rows = []
    for case, epochs in itertools.product(cases(), args.epochs):
        sides = [plain_side(case, epochs), engine_train(nn, case, epochs)]
        if baseline is not None:
            sides.append(engine_train(baseline, case, epochs))
        times: list[list[float]] = [[] for _ in sides]
        for _ in range(args.rounds):
            for side, timings in zip(sides, times, strict=True):
                timings.append(cpu_per_call(side, args.budget) / epochs)
        plain, engine, *before = (statistics.median(t) * 1e6 for t in times)
        row = [case.name, case.mode, f"{epochs}", f"{plain:.1f}", f"{engine:.1f}"]
        row.append(f"{engine / plain:.2f}")
        if before:
            row += [f"{before[0]:.1f}", f"{before[0] / plain:.2f}"]
        weights, _ = plain_train(case, epochs)
        result = engine_train(nn, case, epochs)()
        assert isinstance(result, nn.TrainResult)
        ours = result.params.weights + result.params.biases
        gap = max(float(np.abs(a - b).max()) for a, b in zip(weights, ours, strict=True))
        rows.append([*row, f"{gap:.1e}"])
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"CPU time, A B{' C' if baseline else ''} × {args.rounds}, medians")
    header = ["network", "mode", "epochs a call", "plain numpy µs/epoch", "engine µs/epoch"]
    header.append("engine ÷ plain")
    if baseline is not None:
        header += ["baseline µs/epoch", "baseline ÷ plain"]
    print(table([*header, "max |Δw| engine − plain"], rows))
    if args.stacked:
        print("\nXOR 2-2-1, batch: N networks at once in the plain loop (CPU time, alternating)")
        stacked = stacked_rows(args.rounds, args.budget, max(args.epochs), args.stacked)
        header = ["N", "epochs a call", "one network µs/epoch", "stacked µs/network-epoch"]
        print(table([*header, "alone ÷ stacked", "max |Δw| stacked − alone"], stacked))


if __name__ == "__main__":
    main()
