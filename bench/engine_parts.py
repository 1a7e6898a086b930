"""Where one 256-64-10 step's time goes: its parts, numpy against PyTorch, in one run.

`bench.engine_vs_torch` times whole steps. This times the parts that make up most of one:
the two matrix products on the 2,000 × 256 inputs, the hidden layer's sigmoid (and its `exp`
alone), and the sigmoid's derivative, each on the arrays a real step sees (net from the
network's first forward pass), each side as the engine and PyTorch compute it. A step runs
the first product and the sigmoid twice (the forward pass, and the one after the update that
measures J) and the gradient product once; the last column multiplies the difference by that.
Rounds alternate A B A B after `--warmup` seconds of untimed calls of the same side (see
`bench.engine_vs_torch`); medians.

    .venv/bin/python -m bench.engine_parts [--threads 2] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

import numpy as np
import torch
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from app import nn
from bench.engine_vs_torch import compare, faults_per_call, torch_training, training, wide_case
from bench.server import command_line, machine, table

Part = tuple[str, int, Callable[[], object], Callable[[], object]]
"""(name, times per step, numpy's call, PyTorch's call)."""


def parts() -> list[Part]:
    case = wide_case()
    w, b, x = case.params.weights[0], case.params.biases[0], case.x
    net = np.matmul(x, w.T) + b
    o, out = np.empty_like(net), np.empty_like(net)
    sigmoid = nn.ACTIVATIONS["sigmoid"]
    sigmoid.f(net, o)
    tx, tw, tb = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)
    t_net, t_o, t_out = torch.from_numpy(net), torch.from_numpy(o), torch.from_numpy(out)
    delta = np.ones_like(net)
    t_delta = torch.from_numpy(delta)
    return [
        (
            "one step (`nn.train`, `TorchNet.train`)",
            1,
            training(nn, case, 1),
            torch_training(case, 1),
        ),
        (
            "net of the hidden layer: x · wᵀ + b, 2,000 × 256 by 256 × 64",
            2,
            lambda: np.add(np.matmul(x, w.T, out=out), b, out=out),
            lambda: torch.addmm(tb, tx, tw.t(), out=t_out),
        ),
        (
            "∂J/∂w of the hidden layer: δᵀ · u, 64 × 2,000 by 2,000 × 256",
            1,
            lambda: np.matmul(out.T, x),
            lambda: torch.mm(t_out.t(), tx),
        ),
        (
            "sigmoid of the hidden layer, 2,000 × 64",
            2,
            lambda: sigmoid.f(net, out),
            lambda: torch.sigmoid(t_net, out=t_out),
        ),
        (
            "… of which exp",
            2,
            lambda: np.exp(net, out=out),
            lambda: torch.exp(t_net, out=t_out),
        ),
        (
            "f'(net) = o (1 − o), times the δ from above",
            1,
            lambda: np.multiply(sigmoid.derivative(net, o, out), delta, out=out),
            lambda: torch.ops.aten.sigmoid_backward(t_delta, t_o),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--rounds", type=int, default=7, help="A B rounds per figure")
    parser.add_argument("--inner", type=int, default=20, help="calls per timing")
    parser.add_argument("--warmup", type=float, default=0.3, help="see bench.engine_vs_torch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for name, count, ours, theirs in parts():
            a, b = (
                statistics.median(times)
                for times in compare([ours, theirs], args.rounds, args.inner, args.warmup)
            )
            rows.append(
                [
                    name,
                    f"{count}",
                    f"{a * 1e3:.3f}",
                    f"{b * 1e3:.3f}",
                    f"{a / b:.2f}",
                    f"{(a - b) * count * 1e3:+.3f}",
                    f"{faults_per_call(ours):.0f} / {faults_per_call(theirs):.0f}",
                ]
            )
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(f"threads: numpy BLAS {args.threads}, torch {torch.get_num_threads()}, float64")
    header = ["part", "per step", "numpy ms", "PyTorch ms", "÷", "numpy − PyTorch per step, ms"]
    header += ["page faults per call, numpy / PyTorch"]
    print(table(header, rows))


if __name__ == "__main__":
    main()
