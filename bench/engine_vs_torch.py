"""The numpy engine against PyTorch on the CPU, float64, same thread count, in one run.

Two networks, each with sigmoid units, squared error summed over the batch, batch updates:
- 256-64-10 on 2,000 random examples: the matrix products dominate;
- Mazur's 2-2-2 on his one example: per-call overhead dominates.

For each: one full-batch step (`nn.train(epochs=1)`) and 100 epochs (`nn.train(epochs=100)`),
against the same work in PyTorch (autograd forward and backward, w ← w − η ∂J/∂w, and J after
every epoch, which nn.train reports). Timings alternate A B A B and report medians; the
first step's weights are compared, so both sides compute the same thing.
Target: engine ≤ 1.1 × PyTorch for 256-64-10.

    .venv/bin/python -m bench.engine_vs_torch [--threads 2] [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from app import nn
from bench.server import command_line, machine, table


@dataclass
class Case:
    name: str
    params: nn.Params
    config: nn.Config
    x: np.ndarray
    y: np.ndarray


def wide_case() -> Case:
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


def mazur_case() -> Case:
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


def timed(run: Callable[[], object], repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - start) / repeats


def compare(case: Case, epochs: int, rounds: int, inner: int) -> tuple[list[float], list[float]]:
    """A B A B: `rounds` timings of each side, each the mean of `inner` calls."""
    ours, theirs = [], []
    reference = TorchNet(case)
    for _ in range(rounds):
        ours.append(
            timed(lambda: nn.train(case.params, case.config, case.x, case.y, epochs=epochs), inner)
        )
        theirs.append(timed(lambda: TorchNet(case).train(epochs), inner))
    del reference
    return ours, theirs


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
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    rows = []
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for case, inner in ((wide_case(), (5, 1)), (mazur_case(), (2000, 50))):
            difference = check(case)
            for epochs, repeats in zip((1, 100), inner, strict=True):
                ours, theirs = compare(case, epochs, args.rounds, repeats)
                a, b = statistics.median(ours), statistics.median(theirs)
                rows.append(
                    [
                        case.name,
                        f"{epochs}",
                        f"{a * 1e3:.3f}",
                        f"{b * 1e3:.3f}",
                        f"{a / b:.2f}",
                        f"{difference:.1e}",
                    ]
                )
        print(f"command: {command_line()}")
        print(f"machine: {machine()}")
        print(
            f"threads: numpy BLAS {args.threads}, torch {torch.get_num_threads()} "
            f"(torch {torch.__version__}), float64, A B × {args.rounds}, medians"
        )
        print(
            table(
                [
                    "network",
                    "epochs",
                    "numpy ms",
                    "PyTorch ms",
                    "numpy ÷ PyTorch",
                    "max |Δw| after 3 epochs",
                ],
                rows,
            )
        )
        print("target: numpy ÷ PyTorch ≤ 1.1 for 256-64-10")


if __name__ == "__main__":
    main()
