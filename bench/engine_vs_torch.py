"""The numpy engine against PyTorch on the CPU, float64, same thread count, in one run.

Two networks, each with sigmoid units, squared error summed over the batch, batch updates:
- 256-64-10 on 2,000 random examples: the matrix products dominate;
- Mazur's 2-2-2 on his one example: per-call overhead dominates.

For each: one full-batch step (`nn.train(epochs=1)`) and 100 epochs (`nn.train(epochs=100)`),
against the same work in PyTorch (autograd forward and backward, w ← w − η ∂J/∂w, and J after
every epoch, which nn.train reports). Timings alternate A B A B and report medians; the
first step's weights are compared, so both sides compute the same thing. Each timing follows
`--warmup` seconds of untimed calls of the same side: OpenBLAS's worker threads spin for about
0.1 s after numpy's last call, and on 2 cores they took a core from the PyTorch timing that
came next (its one step read 14 to 28 ms instead of 7 to 10).
The last column counts the page faults of one call of each side, after the timings: a call
whose arrays come from fresh pages pays for every page it touches. PyTorch is a reference,
not a target: the engine stays plain numpy, readable beside the lecture notes.

With `--baseline DIR` (another commit's engine: `git archive REV app | tar -x -C DIR`), that
engine runs too, in the same alternation (A B C A B C), and the table gains its time and
this engine's ÷ it: a before/after in one run.

    .venv/bin/python -m bench.engine_vs_torch [--threads 2] [--rounds 7] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import torch
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from app import nn
from bench.engine_epoch import load_engine
from bench.server import command_line, machine, table


@dataclass
class Case:
    name: str
    params: nn.Params
    config: nn.Config
    x: np.ndarray
    y: np.ndarray


def wide_case(nn: ModuleType = nn) -> Case:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(2000, 256))
    labels = rng.integers(0, 10, size=2000)
    y = np.full((2000, 10), 0.01)
    y[np.arange(2000), labels] = 0.99
    return Case(
        "256-64-10, 2,000 examples",
        nn.init_params([256, 64, 10], 0),
        nn.Config(learning_rate=0.001),
        x,
        y,
    )


def mazur_case(nn: ModuleType = nn) -> Case:
    params = nn.Params(
        [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])],
        [np.array([0.35, 0.35]), np.array([0.60, 0.60])],
    )
    config = nn.Config(learning_rate=0.5, train_biases=False)
    return Case(
        "2-2-2 (Mazur), 1 example",
        params,
        config,
        np.array([[0.05, 0.10]]),
        np.array([[0.01, 0.99]]),
    )


class TorchNet:
    """The same network in PyTorch: float64 tensors, autograd, plain gradient descent."""

    def __init__(self, case: Case) -> None:
        self.weights = [torch.tensor(w, requires_grad=True) for w in case.params.weights]
        self.biases = [
            torch.tensor(b, requires_grad=case.config.train_biases) for b in case.params.biases
        ]
        self.x = torch.from_numpy(case.x)
        self.y = torch.from_numpy(case.y)
        self.eta = case.config.learning_rate

    def loss(self) -> torch.Tensor:
        u = self.x
        for w, b in zip(self.weights, self.biases, strict=True):
            u = torch.sigmoid(torch.addmm(b, u, w.t()))
        return 0.5 * ((self.y - u) ** 2).sum()

    def train(self, epochs: int) -> list[float]:
        """Like nn.train in batch mode: `epochs` updates, J after each."""
        losses = []
        current = self.loss()
        for _ in range(epochs):
            current.backward()  # type: ignore[no-untyped-call]
            with torch.no_grad():
                for p in (*self.weights, *self.biases):
                    if p.grad is not None:
                        p -= self.eta * p.grad
                        p.grad = None
            current = self.loss()
            losses.append(float(current.detach()))
        return losses


def timed(run: Callable[[], object], repeats: int, warmup: float) -> float:
    """The mean of `repeats` calls, after calling it untimed for `warmup` seconds."""
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        run()
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - start) / repeats


def faults_per_call(run: Callable[[], object], calls: int = 3) -> float:
    """Page faults (minor) per call, after one call: fresh pages the call had to touch."""
    run()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        run()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def training(engine: ModuleType, case: Case, epochs: int) -> Callable[[], object]:
    return lambda: engine.train(case.params, case.config, case.x, case.y, epochs=epochs)


def torch_training(case: Case, epochs: int) -> Callable[[], object]:
    return lambda: TorchNet(case).train(epochs)


def compare(
    sides: list[Callable[[], object]], rounds: int, inner: int, warmup: float
) -> list[list[float]]:
    """A B A B (or A B C A B C): `rounds` timings of each side, each the mean of `inner` calls
    after `warmup` seconds of untimed calls (see --warmup)."""
    times: list[list[float]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, timings in zip(sides, times, strict=True):
            timings.append(timed(side, inner, warmup))
    return times


def check(case: Case) -> float:
    """Largest difference between the two sides' weights after 3 epochs."""
    ours = nn.train(case.params, case.config, case.x, case.y, epochs=3).params
    net = TorchNet(case)
    net.train(3)
    return max(
        float(np.abs(a - b.detach().numpy()).max())
        for a, b in zip(ours.weights + ours.biases, net.weights + net.biases, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads",
        type=int,
        default=torch.get_num_threads(),
        help="BLAS threads for numpy and intra-op threads for PyTorch",
    )
    parser.add_argument("--rounds", type=int, default=7, help="A B rounds per figure")
    parser.add_argument("--baseline", type=Path, help="another checkout's app/ to compare")
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.3,
        help="seconds of untimed calls before each timing: the side before may still have "
        "threads spinning (OpenBLAS's spin ~0.1 s after a call), which would steal a core",
    )
    args = parser.parse_args()
    engines: list[ModuleType] = [nn]
    if args.baseline:
        engines.append(load_engine(args.baseline.resolve()))

    torch.set_num_threads(args.threads)
    rows = []
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for make, inner in ((wide_case, (5, 1)), (mazur_case, (2000, 50))):
            cases = [make(engine) for engine in engines]
            difference = check(cases[0])
            for epochs, repeats in zip((1, 100), inner, strict=True):
                case = cases[0]
                sides = [training(nn, case, epochs), torch_training(case, epochs)]
                sides += [training(e, c, epochs) for e, c in zip(engines, cases, strict=True)][1:]
                ours, theirs, *before = compare(sides, args.rounds, repeats, args.warmup)
                a, b = statistics.median(ours), statistics.median(theirs)
                row = [case.name, f"{epochs}", f"{a * 1e3:.3f}", f"{b * 1e3:.3f}", f"{a / b:.2f}"]
                row.append(" / ".join(f"{faults_per_call(side):.0f}" for side in sides[:2]))
                if before:
                    c = statistics.median(before[0])
                    row += [f"{c * 1e3:.3f}", f"{a / c:.2f}"]
                rows.append([*row, f"{difference:.1e}"])
        print(f"command: {command_line()}")
        print(f"machine: {machine()}")
        print(
            f"threads: numpy BLAS {args.threads}, torch {torch.get_num_threads()} "
            f"(torch {torch.__version__}), float64, {'A B C' if args.baseline else 'A B'} × "
            f"{args.rounds}, medians"
        )
        header = ["network", "epochs", "numpy ms", "PyTorch ms", "numpy ÷ PyTorch"]
        header += ["page faults per call, numpy / PyTorch"]
        if args.baseline:
            header += ["baseline numpy ms", "numpy ÷ baseline"]
        print(table([*header, "max |Δw| after 3 epochs"], rows))
        print("target: numpy ÷ PyTorch ≤ 1.1 for 256-64-10")


if __name__ == "__main__":
    main()
