"""The classroom's doors, measured on a real server with the shipped limits (2 workers):

1. an outsider from one address opens every class it may, joins each until it is full or
   the address's joins run out, and pushes activities until refused: the networks made at
   once, and from the refill rates the hours until the server's cap (BACKPROP_MAX_NETWORKS)
   is reached, standalone networks (POST /api/networks) included;
2. the same with BACKPROP_TEACHER_PASSWORD set: classes opened, networks made;
3. a school behind one address: one student sends 50 wrong join codes, then 10 classmates
   join with the right one (admitted of 10); and a guesser elsewhere after 50 wrong codes
   tries the right one (refused: the guess gains nothing);
4. the join-code guessing budget: unknown codes per day from one address and from all, and
   the chance a day of hitting some class when `max_classes` are live.

The client addresses are X-Forwarded-For values the server believes from 127.0.0.1 (a
trusted proxy, BACKPROP_FORWARDED_ALLOW_IPS).

    .venv/bin/python -m bench.doors
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from app.classroom.activity import CODE_ALPHABET, CODE_LENGTH
from app.config import Settings
from bench.server import Server, command_line, machine, table

WORKERS = 2
SHIPPED = {  # the shipped limits, not the benchmarks' usual unlimited creation
    "BACKPROP_CREATE_BURST": "200",
    "BACKPROP_CREATE_PER_MINUTE": "30",
    "BACKPROP_MAX_NETWORKS": "10000",
    "BACKPROP_CLASS_BURST": "2",
    "BACKPROP_FORWARDED_ALLOW_IPS": "127.0.0.1",
}
CLASS = {"title": "Week 3", "activity": {"preset": "xor"}}


def post(http: httpx.Client, path: str, body: Any, address: str, **kw: Any) -> httpx.Response:
    return http.post(path, json=body, headers={"X-Forwarded-For": address, **kw})


def outsider(http: httpx.Client, address: str) -> tuple[int, int]:
    """(classes opened, networks made in them) from one address, as fast as it can."""
    classes = networks = refused = 0
    while refused < 5:  # each on a new connection, so both workers are asked
        made = httpx.post(
            str(http.base_url.join("/api/classes")),
            json=CLASS,
            headers={"X-Forwarded-For": address},
        )
        if made.status_code != 201:
            refused += 1
            continue
        classes += 1
        created = made.json()
        while post(http, "/api/join", {"code": created["join_code"]}, address).status_code == 201:
            networks += 1
        students = len(
            http.get(
                f"/api/classes/{created['id']}",
                headers={"Authorization": f"Bearer {created['teacher_key']}"},
            ).json()["students"]
        )
        key = {"Authorization": f"Bearer {created['teacher_key']}"}
        while (
            post(
                http, f"/api/classes/{created['id']}/activity", {"preset": "xor"}, address, **key
            ).status_code
            == 200
        ):
            networks += students
    return classes, networks


def school(http: httpx.Client) -> tuple[int, int]:
    """(right-code joins admitted of 10 after 50 wrong from the school's address, right-code
    joins admitted of 1 from a guesser elsewhere after its 50 wrong)."""
    code = post(http, "/api/classes", CLASS, "203.0.113.5").json()["join_code"]
    for _ in range(50):
        post(http, "/api/join", {"code": "ZZZZZZ"}, "203.0.113.5")
    admitted = sum(
        post(http, "/api/join", {"code": code}, "203.0.113.5").status_code == 201 for _ in range(10)
    )
    for _ in range(50):
        post(http, "/api/join", {"code": "ZZZZZZ"}, "192.0.2.99")
    guessed = int(post(http, "/api/join", {"code": code}, "192.0.2.99").status_code == 201)
    return admitted, guessed


def hours(at_once: int, per_hour: float, cap: int) -> str:
    return "never" if per_hour <= 0 else f"{max(cap - at_once, 0) / per_hour:.1f} h"


def main() -> None:
    s = Settings()  # the defaults (no environment is read for these figures' arithmetic)
    cap = 10_000
    rows = []
    with (
        Server(workers=WORKERS, env=SHIPPED) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        start = time.monotonic()
        classes, networks = outsider(http, "198.51.100.66")
        took = time.monotonic() - start
        standalone_at_once = s.create_burst * WORKERS
        at_once = networks + standalone_at_once
        per_hour = (s.create_per_minute * 60 + s.classes_per_hour * s.max_class_networks) * WORKERS
        rows.append(
            [
                "no teacher password",
                str(classes),
                f"{networks:,} in {took:.0f} s",
                f"{at_once:,}",
                f"{per_hour:,.0f}",
                hours(at_once, per_hour, cap),
            ]
        )
        admitted, guessed = school(http)
    with (
        Server(workers=WORKERS, env={**SHIPPED, "BACKPROP_TEACHER_PASSWORD": "x y z w"}) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        classes, networks = outsider(http, "198.51.100.67")
        per_hour = s.create_per_minute * 60 * WORKERS
        rows.append(
            [
                "teacher password set",
                str(classes),
                str(networks),
                f"{standalone_at_once:,}",
                f"{per_hour:,.0f}",
                hours(standalone_at_once, per_hour, cap),
            ]
        )
    print(command_line())
    print(machine())
    print()
    print(
        table(
            [
                "server",
                "classes opened",
                "class networks made",
                "networks at once (with 400 standalone)",
                "then per hour",
                f"to the {cap:,} cap",
            ],
            rows,
        )
    )
    print()
    print(
        table(
            ["school address after 50 wrong codes", "guesser elsewhere after 50 wrong codes"],
            [
                [
                    f"{admitted} of 10 right-code joins admitted",
                    f"{guessed} of 1 right-code join admitted",
                ]
            ],
        )
    )
    space = len(CODE_ALPHABET) ** CODE_LENGTH
    one = WORKERS * (s.join_failures_burst + s.join_failures_per_minute * 1440)
    every = WORKERS * (s.join_failures_total_burst + s.join_failures_total_per_minute * 1440)
    chance = [1 - (1 - s.max_classes / space) ** n for n in (one, every)]
    print()
    print(
        table(
            ["unknown codes a day", "one address", "all addresses"],
            [
                ["tries", f"{one:,.0f}", f"{every:,.0f}"],
                [
                    f"chance of hitting one of {s.max_classes:,} live classes",
                    f"{chance[0]:.2%}",
                    f"{chance[1]:.2%}",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
