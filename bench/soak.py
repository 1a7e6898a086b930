"""Soak: a class of simulated students against a real uvicorn on 127.0.0.1, for a bounded time.

Each of `--clients` students creates a network from a preset, then works on it the way the
page does: a step (1–20 epochs), a forward or backward pass, a reload of the state, now and
then a PATCH of the learning rate, and rarely a new network — with a think time between
clicks. The server runs with its default limits (rate limit, cap), so a 429 or 503 counts as
an error like any other non-2xx.

Reported: errors by kind, requests and latency p50/p99 (overall and per request kind, after
warm-up), and the server's resident memory (supervisor + workers) sampled over time, with
the change from the end of warm-up to the end. Writes JSON to --json if given.

    .venv/bin/python -m bench.soak [--clients 200] [--duration 600] [--workers 2]
        [--warmup 60] [--think 3.0] [--json docs/soak.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.server import Server, command_line, machine

PRESETS = ["xor", "and", "or", "mazur", "circle", "gaussians", "spiral"]
DEFAULT_LIMITS = {  # the server's own defaults, stated so the bench env cannot lift them
    "BACKPROP_CREATE_BURST": "200",
    "BACKPROP_CREATE_PER_MINUTE": "30",
    "BACKPROP_MAX_NETWORKS": "10000",
}


@dataclass
class Results:
    started: float = field(default_factory=time.monotonic)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    rss: list[tuple[float, int, list[int]]] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    """The machine's 1-minute load average at each sample: other work skews latency."""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue.extend(int(c) for c in children)
    return pids


async def sample_memory(pid: int, results: Results, deadline: float, every: float) -> None:
    while time.monotonic() < deadline:
        per_process = [rss_kib(p) for p in process_tree(pid)]
        results.rss.append((time.monotonic() - results.started, sum(per_process), per_process))
        results.load.append(float(Path("/proc/loadavg").read_text().split()[0]))
        await asyncio.sleep(every)


async def student(
    http: httpx.AsyncClient, results: Results, deadline: float, warmup: float, think: float
) -> None:
    rng = random.Random()

    async def call(kind: str, method: str, url: str, body: Any = None) -> Any:
        start = time.monotonic()
        try:
            response = await http.request(method, url, json=body)
        except httpx.HTTPError as error:
            results.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        elapsed = time.monotonic() - start
        results.requests += 1
        if start - results.started >= warmup:
            results.latencies[kind].append(elapsed)
        if response.status_code >= 300:
            results.errors[f"{kind}: {response.status_code}"] += 1
            return None
        return response.json() if response.content else {}

    await asyncio.sleep(rng.uniform(0, think * 5))  # students arrive over a few seconds
    network = await call("create", "POST", "/api/networks", {"preset": rng.choice(PRESETS)})
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.expovariate(1 / think))
        if network is None:
            network = await call("create", "POST", "/api/networks", {"preset": "xor"})
            continue
        url = f"/api/networks/{network['id']}"
        roll = rng.random()
        if roll < 0.45:
            await call("step", "POST", f"{url}/step", {"epochs": rng.choice([1, 1, 5, 20])})
        elif roll < 0.65:
            await call("forward", "POST", f"{url}/forward", {})
        elif roll < 0.80:
            await call("backward", "POST", f"{url}/backward", {})
        elif roll < 0.93:
            await call("get", "GET", url)
        elif roll < 0.99:
            await call("patch", "PATCH", url, {"learning_rate": rng.choice([0.1, 0.5, 1.0])})
        else:
            made = await call("create", "POST", "/api/networks", {"preset": rng.choice(PRESETS)})
            network = made or network


async def soak(args: argparse.Namespace, server: Server) -> Results:
    results = Results()
    deadline = results.started + args.duration
    # Idle connections are dropped after 4 s, before uvicorn's 5 s keep-alive timeout closes
    # them: otherwise a request sent on a connection the server is closing fails with a
    # ReadError, a client-side race (browsers avoid it the same way) that is not the server's.
    limits = httpx.Limits(
        max_connections=args.clients, max_keepalive_connections=args.clients, keepalive_expiry=4.0
    )
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
        assert server.process is not None
        tasks = [sample_memory(server.process.pid, results, deadline, args.sample_every)]
        tasks += [
            student(http, results, deadline, args.warmup, args.think) for _ in range(args.clients)
        ]
        await asyncio.gather(*tasks)
    return results


def summary(args: argparse.Namespace, results: Results) -> dict[str, Any]:
    everything = [v for values in results.latencies.values() for v in values]
    after_warmup = [(t, total) for t, total, _ in results.rss if t >= args.warmup]
    rss: dict[str, Any] = {
        "samples": [
            {
                "t": round(t, 1),
                "total_mib": round(total / 1024, 1),
                "per_process_mib": [round(p / 1024, 1) for p in parts],
            }
            for t, total, parts in results.rss
        ],
    }
    if after_warmup:
        first, last = after_warmup[0][1], after_warmup[-1][1]
        rss |= {
            "after_warmup_mib": round(first / 1024, 1),
            "end_mib": round(last / 1024, 1),
            "max_after_warmup_mib": round(max(v for _, v in after_warmup) / 1024, 1),
            "change_after_warmup_percent": round(100 * (last - first) / first, 1),
        }
    return {
        "command": command_line(),
        "machine": machine(),
        "clients": args.clients,
        "duration_s": args.duration,
        "workers": args.workers,
        "warmup_s": args.warmup,
        "think_s": args.think,
        "requests": results.requests,
        "requests_per_s": round(results.requests / args.duration, 1),
        "errors": dict(results.errors),
        "error_count": sum(results.errors.values()),
        "latency_ms": {
            kind: {
                "n": len(values),
                "p50": round(1000 * percentile(values, 0.50), 1),
                "p99": round(1000 * percentile(values, 0.99), 1),
                "max": round(1000 * max(values), 1),
            }
            for kind, values in sorted(
                {**results.latencies, "all": everything}.items(), key=lambda kv: kv[0]
            )
            if values
        },
        "mean_latency_ms": round(1000 * statistics.fmean(everything), 1) if everything else None,
        "load_average": {
            "min": min(results.load, default=0.0),
            "mean": round(statistics.fmean(results.load), 2) if results.load else None,
            "max": max(results.load, default=0.0),
        },
        "rss": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds (bounded)")
    parser.add_argument("--warmup", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between clicks")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-every", type=float, default=10.0)
    parser.add_argument("--synchronous", default="FULL")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not 0 < args.duration <= 3600:
        parser.error("--duration must be in (0, 3600] seconds")
    env = {**DEFAULT_LIMITS, "BACKPROP_SYNCHRONOUS": args.synchronous}
    with Server(workers=args.workers, env=env) as server:
        results = asyncio.run(soak(args, server))
    report = summary(args, results)
    text = json.dumps(report, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    brief = {k: v for k, v in report.items() if k != "rss"}
    brief["rss"] = {k: v for k, v in report["rss"].items() if k != "samples"}
    print(json.dumps(brief, indent=2))


if __name__ == "__main__":
    main()
