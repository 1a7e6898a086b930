"""Where a class's time goes: py-spy on the server while bench.class_capacity plays a class.

One worker serves `--students` students in Play (a 5-epoch step every 100 ms after the
answer, a 625-point heatmap every 400 ms; with `--frames`, 50 epochs in 10 frames with the
grid every second: bench/class_capacity.py). py-spy samples the worker
for `--seconds` (`--nonblocking`: it never stops the process). For each thread the table gives
the functions that were on the stack in the most samples, as µs per request: samples ÷ rate
÷ requests answered while py-spy ran. py-spy counts a thread only while it is not idle.

    .venv/bin/python -m bench.profile_class [--students 40] [--seconds 8] [--top 25] [--lines]

py-spy (`pip install py-spy`) needs ptrace: run it as root, or with kernel.yama.ptrace_scope = 0.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.class_capacity import CLASS_ENV, Watching, class_option, join, make, run, streams
from bench.server import Server, command_line, machine, table


def record(pid: int, seconds: float, rate: int, output: Path, gil: bool = False) -> None:
    beside = Path(sys.executable).with_name("py-spy")  # installed with the bench extra
    subprocess.run(
        [
            str(beside) if beside.exists() else "py-spy",
            "record",
            f"--pid={pid}",
            f"--duration={seconds:g}",
            f"--rate={rate}",
            "--format=raw",
            f"--output={output}",
            "--threads",
            "--nonblocking",
            *(["--gil"] if gil else []),
        ],
        check=True,
        capture_output=True,
        timeout=seconds + 60,
    )


def inclusive(
    raw: Path, lines: bool
) -> tuple[collections.Counter[str], collections.Counter[tuple[str, str]]]:
    """Samples per thread, and per (thread, function) with the function on the stack; with
    `lines`, per (thread, line of a function) instead."""
    threads: collections.Counter[str] = collections.Counter()
    functions: collections.Counter[tuple[str, str]] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, count = line.rsplit(" ", 1)
        thread, *frames = stack.split(";")
        name = re.sub(r"^thread \(\d+\): ", "", thread.strip('"'))
        threads[name] += int(count)
        # one count per function per sample, however deep it recurses
        for function in {frame if lines else re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            functions[name, function] += int(count)
    return threads, functions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synchronous", default="FULL", choices=["FULL", "NORMAL"])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long py-spy samples")
    parser.add_argument("--rate", type=int, default=400, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=25, help="functions shown per thread")
    parser.add_argument(
        "--lines", action="store_true", help="a row per line of code (e.g. the COMMIT's)"
    )
    parser.add_argument(
        "--gil", action="store_true", help="only samples holding the GIL (CPU, not waits)"
    )
    parser.add_argument(
        "--frames", action="store_true", help="Play in frames (a second of Play a request)"
    )
    class_option(parser)
    args = parser.parse_args()
    env = {"BACKPROP_SYNCHRONOUS": args.synchronous, **(CLASS_ENV if args.in_class else {})}
    with (
        tempfile.TemporaryDirectory(prefix="backprop-bench-") as tmp,
        Server(env=env) as server,
        contextlib.ExitStack() as stack,
    ):
        if args.in_class:
            ids, x, joined = join(server, "xor", args.students)
            Watching(stack, [server.url], ids, joined)
        else:
            ids, x = make(server, "xor", args.students)
        plan = streams(ids, x, len(ids), frames=args.frames)
        run([server.url], plan, 2)  # warm up
        assert server.process is not None
        raw = Path(tmp) / "profile.txt"
        spy = threading.Thread(
            target=record, args=(server.process.pid, args.seconds, args.rate, raw, args.gil)
        )
        spy.start()
        time.sleep(0.5)  # py-spy attached before wrk starts; wrk outlasts it
        results = run([server.url], plan, args.seconds + 1)
        spy.join()
        threads, functions = inclusive(raw, args.lines)
    rate = sum(r.per_second * r.students for r in results)
    requests = rate * args.seconds
    per_request = 1e6 / args.rate / requests  # µs of one sample, spread over the requests
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    for r in results:
        print(f"{r.name}: {r.per_second * r.students:,.0f} req/s, p99 {r.p99_ms:.1f} ms")
    for thread, samples in threads.most_common():
        rows = [
            [f"`{function}`", f"{count * per_request:.0f}", f"{count / samples:.0%}"]
            for (name, function), count in functions.most_common()
            if name == thread
        ][: args.top]
        print(f"\n{thread}: {samples * per_request:.0f} µs per request on the stack")
        print(table(["function (inclusive)", "µs per request", "of the thread's"], rows))


if __name__ == "__main__":
    main()
