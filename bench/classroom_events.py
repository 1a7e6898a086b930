"""How fast the teacher's dashboard hears of a step, with a class playing, and what the open
stream costs the students.

N students (default 60) join one class on a real 2-worker uvicorn and play as the page's Play
does: POST /step {"epochs": 5} on the stored dataset, one in flight, the next 100 ms after the
answer. Two phases of the same length, on the same class:
- closed: nobody watches;
- open: the teacher's stream (GET /api/classes/{id}/events) is open, and each `student` event
  is matched to the steps it reports (the first card of that student with `updates` at least
  the step's): the delay is from the step's acknowledged answer to the card's arrival.

The students are one asyncio client with a small HTTP/1.1 client of its own (one keep-alive
connection per student); the stream is read by httpx in a process of its own. Both run on
the machine the server runs on, so every figure includes the clients' own time.

    .venv/bin/python -m bench.classroom_events [--students 60] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import httpx
import orjson

from bench.server import Server, command_line, machine, read_answer, table

THINK_S = 0.100  # static/js/player.js MIN_WAIT
SILENCE_S = 10.0
"""The stream reader stops after this long without an event: the phase is over."""
STEP = orjson.dumps({"mode": "batch", "epochs": 5})


@dataclass
class Record:
    steps_ms: list[float] = field(default_factory=list)
    acks: list[tuple[str, int, float]] = field(default_factory=list)
    """(student id, updates after the step, time.monotonic() of the answer)"""
    errors: int = 0


async def play(port: int, network_id: str, student_id: str, until: float, out: Record) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /api/networks/{network_id}/step HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(STEP)}\r\n\r\n"
    ).encode()
    try:
        while time.monotonic() < until:
            sent = time.monotonic()
            writer.write(head + STEP)
            status, body = await read_answer(reader)
            done = time.monotonic()
            if status != 200:
                out.errors += 1
            else:
                out.steps_ms.append((done - sent) * 1000)
                out.acks.append((student_id, orjson.loads(body)["network"]["updates"], done))
            await asyncio.sleep(THINK_S)
    finally:
        writer.close()


def watch(url: str, key: str, out: Connection) -> None:
    """In a process of its own (so the students' client never delays it): read the teacher's
    stream until it is silent for a second (the class stopped), then send (student id,
    updates, arrival) per card. time.monotonic() is the machine's one clock, so arrivals
    compare with the students' acknowledgements."""
    headers = {"Authorization": f"Bearer {key}"}
    cards: list[tuple[str, int, float]] = []
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(5.0, read=SILENCE_S)) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            kind = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind == "student":
                    card = orjson.loads(line[6:])
                    cards.append((card["student_id"], card["updates"], time.monotonic()))
    except httpx.ReadTimeout:
        pass
    out.send(cards)


def delays(acks: list[tuple[str, int, float]], cards: list[tuple[str, int, float]]) -> list[float]:
    """For each acknowledged step, ms until the first card of its student that reports it."""
    by_student: dict[str, list[tuple[int, float]]] = {}
    for student, updates, at in cards:
        by_student.setdefault(student, []).append((updates, at))
    out = []
    for student, updates, acked in acks:
        arrival = next((at for u, at in by_student.get(student, []) if u >= updates), None)
        if arrival is not None:
            out.append(max(0.0, arrival - acked) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


async def phase(port: int, students: list[dict[str, str]], seconds: float) -> Record:
    out = Record()
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(play(port, s["network_id"], s["student_id"], until, out) for s in students)
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with Server(workers=args.workers) as server, httpx.Client(base_url=server.url) as client:
        created = client.post(
            "/api/classes", json={"title": "Bench", "activity": {"preset": "xor"}}
        ).json()
        students = [
            client.post("/api/join", json={"code": created["join_code"]}).json()
            for _ in range(args.students)
        ]
        closed = asyncio.run(phase(server.port, students, args.seconds))
        mine, theirs = multiprocessing.Pipe(duplex=False)
        url = f"{server.url}/api/classes/{created['id']}/events"
        reader = multiprocessing.Process(target=watch, args=(url, created["teacher_key"], theirs))
        reader.start()
        time.sleep(1.0)  # the snapshot first (then the stream is silent: SILENCE_S is longer)
        opened = asyncio.run(phase(server.port, students, args.seconds))
        cards = mine.recv()  # once the stream fell silent
        reader.join(10)
    lag = delays(opened.acks, cards)
    print(f"{command_line()}\n{machine()}\n")
    print(
        f"{args.students} students, step of 5 epochs on XOR, 100 ms think time, "
        f"{args.workers} workers, {args.seconds:g} s per phase\n"
    )
    print(
        table(
            [
                "",
                "steps",
                "errors",
                "step p50 ms",
                "step p99 ms",
                "to the stream p50 ms",
                "p99 ms",
                "steps seen",
            ],
            [
                [
                    "stream closed",
                    str(len(closed.steps_ms)),
                    str(closed.errors),
                    f"{percentile(closed.steps_ms, 50):.1f}",
                    f"{percentile(closed.steps_ms, 99):.1f}",
                    "",
                    "",
                    "",
                ],
                [
                    "stream open",
                    str(len(opened.steps_ms)),
                    str(opened.errors),
                    f"{percentile(opened.steps_ms, 50):.1f}",
                    f"{percentile(opened.steps_ms, 99):.1f}",
                    f"{percentile(lag, 50):.0f}",
                    f"{percentile(lag, 99):.0f}",
                    f"{len(lag)} of {len(opened.acks)}",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
