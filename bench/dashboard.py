"""The teacher's dashboard in headless Chromium while a big class works: the renderer's
main-thread CPU per student event, and its frames per second.

One class of `--students` students (joined as from `/join`) on a 2-worker server; the
dashboard open as the teacher opens it (`/teach/<id>#key=…`), every card drawn. Then the
students step (POST …/step of one epoch: each step is one `student` event on the teacher's
stream, as a Play request is) `--rate` times a second in all, spread evenly over them, for
`--seconds`. The figures: the thread time of the renderer's main-thread tasks in a Chromium
trace (as bench/page_fps.py reads it) divided by the cards the stream delivered, what share
of the main thread the stream took, and requestAnimationFrame's median and 5th-percentile
frames a second. The server, the students' client and the browser share the machine, so
the CPU per event is the figure to compare; a teacher's browser has its own.

    .venv/bin/python -m bench.dashboard [--students 100 300 1000] [--rate 300] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import threading
import time

import orjson
from playwright.sync_api import sync_playwright

from bench.class_capacity import CLASS_ENV, join
from bench.page_fps import main_thread_ms, percentile, wait_for
from bench.server import Server, command_line, machine, read_answer, table
from tests.e2e.chromium import ARGS, CHROMIUM

FRAMES = """
window.__frames = [];
const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
requestAnimationFrame(tick);
"""
STEP = orjson.dumps({"epochs": 1})


async def students_step(port: int, ids: list[str], rate: float, seconds: float) -> int:
    """Step the networks in turn, `rate` a second in all, on a few kept-alive connections;
    the steps answered 200."""
    lanes = 8
    done = 0

    async def lane(k: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        mine = ids[k::lanes]
        start = time.monotonic()
        for n, network_id in enumerate(itertools.cycle(mine)):
            at = start + n * lanes / rate
            if at - start >= seconds:
                break
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            writer.write(
                f"POST /api/networks/{network_id}/step HTTP/1.1\r\nHost: b\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(STEP)}\r\n\r\n".encode()
                + STEP
            )
            status, _ = await read_answer(reader)
            done += status == 200
        writer.close()

    await asyncio.gather(*(lane(k) for k in range(min(lanes, len(ids)))))
    return done


def one_class(students: int, rate: float, seconds: float) -> dict[str, float]:
    with Server(workers=2, env=CLASS_ENV) as server:
        ids, _, joined = join(server, "xor", students)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(FRAMES)
            page.goto(f"{server.url}/teach/{joined.id}#key={joined.teacher_key}")
            wait_for(page, f"document.querySelectorAll('[data-network-id]').length === {students}")
            page.wait_for_timeout(1000)
            browser.start_tracing(
                page=page,
                categories=["devtools.timeline", "disabled-by-default-devtools.timeline"],
            )
            first = len(page.evaluate("window.__frames"))
            stepped: list[int] = []
            driver = threading.Thread(
                target=lambda: stepped.append(
                    asyncio.run(students_step(server.port, ids, rate, seconds))
                )
            )
            began = time.monotonic()
            driver.start()
            driver.join()
            took = time.monotonic() - began
            page.wait_for_timeout(500)  # the last cards arrive
            frames: list[float] = page.evaluate("window.__frames")[first:]
            trace = orjson.loads(browser.stop_tracing())["traceEvents"]
            browser.close()
    cpu, paint = main_thread_ms(trace)
    gaps = [b - a for a, b in itertools.pairwise(frames)]
    events = stepped[0]
    return {
        "events": events,
        "rate": events / took,
        "cpu_ms": cpu / max(1, events),
        "share": cpu / 1000 / took,
        "paint_ms": paint / max(1, events),
        "median_fps": 1000 / statistics.median(gaps),
        "p5_fps": 1000 / percentile(gaps, 0.95),
        "longest_ms": max(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--rate", type=float, default=300.0, help="steps a second, all students")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    rows = []
    for n in args.students:
        r = one_class(n, args.rate, args.seconds)
        rows.append(
            [
                str(n),
                f"{r['rate']:.0f}",
                f"{r['cpu_ms']:.2f} ({r['paint_ms']:.2f})",
                f"{r['share']:.0%}",
                f"{r['median_fps']:.1f}",
                f"{r['p5_fps']:.1f}",
                f"{r['longest_ms']:.0f}",
            ]
        )
        print(rows[-1], flush=True)
    print(f"command: {command_line()}")
    print(f"machine: {machine()}")
    print(
        table(
            [
                "cards",
                "student events a second",
                "main-thread CPU per event ms (paint)",
                "main thread busy",
                "median fps",
                "5th percentile fps",
                "longest frame ms",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
