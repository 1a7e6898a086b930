"""`python -m app` (or the `backprop-lab` console script): serve the app with uvicorn, or move
every network between the configured database and a file.

    backprop-lab                 serve (also `backprop-lab serve`)
    backprop-lab export FILE     every network, one export document per line (JSON lines)
    backprop-lab import FILE     the networks of such a file, with their ids, into the database

Host, port, worker count and the database come from the environment through
`app.config.Settings` (BACKPROP_HOST, BACKPROP_PORT, BACKPROP_WORKERS, BACKPROP_DATABASE or
BACKPROP_DATABASE_URL); the default is http://127.0.0.1:8000 on ./data/backprop.sqlite3.
So a class moves from SQLite to PostgreSQL with `export` under the one setting and `import`
under the other. Each line is what GET /api/networks/{id}/export answers, so a line also
imports through the API; the file is `-` for standard output or input.

What does not move: each network's history (its earlier states, the timeline and rewinds)
and the classes (roster, cards, answers). An imported network starts a history of its own
from its current state.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import uvicorn

from app.config import get_settings
from app.store import (
    NetworkStore,
    NotFound,
    StoreFull,
    StoreUnavailable,
    open_configured_store,
)

NOT_CARRIED = (
    "Carries each network's current state only: its history (earlier states, rewinds) and "
    "the classes do not move; an imported network's history starts at its current state."
)


def serve() -> int:
    settings = get_settings()
    # An import string, not the app object: uvicorn needs one to start several workers.
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        # X-Forwarded-For is believed from the configured proxies only (uvicorn's own
        # default believes 127.0.0.1, so any local client could pick its rate-limit key)
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
    )
    return 0


@contextmanager
def opened(path: str, mode: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer if "w" in mode else sys.stdin.buffer
    else:
        with open(path, mode) as file:
            yield file


def export(store: NetworkStore, path: str) -> int:
    from app.networks.transfer import document

    count = 0
    with opened(path, "wb") as out:
        for network in store.scan():
            out.write(document(network) + b"\n")
            count += 1
    print(f"exported {count} networks", file=sys.stderr)
    return 0


def import_(store: NetworkStore, path: str) -> int:
    """Every line's network, under its own id; a network already there (the same id) is left
    as it is, so an interrupted import can simply run again. Exit 1 if any line failed."""
    from pydantic import ValidationError

    from app.networks.errors import NetworkError
    from app.networks.transfer import restore

    added = kept = failed = 0
    with opened(path, "rb") as source:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                network = restore(line)
            except (ValidationError, NetworkError) as error:
                print(f"line {number}: not a network: {error}", file=sys.stderr)
                failed += 1
                continue
            try:
                store.get(network.id)
                kept += 1
                continue
            except NotFound:
                pass
            try:
                store.create(network)
            except StoreFull as full:
                print(f"line {number}: {full} ({full.setting}); stopped", file=sys.stderr)
                return 1
            added += 1
    print(
        f"imported {added} networks; {kept} were there already; {failed} lines failed",
        file=sys.stderr,
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-lab", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the app (the default)")
    for name, what in (("export", "write every network to"), ("import", "read networks from")):
        sub = commands.add_parser(
            name, help=f"{what} FILE (JSON lines). {NOT_CARRIED}", description=NOT_CARRIED
        )
        sub.add_argument("file", metavar="FILE", help="a JSON-lines file, or - for stdio")
    args = parser.parse_args(argv)
    if args.command in (None, "serve"):
        return serve()
    try:
        store = open_configured_store(get_settings())
        try:
            return (export if args.command == "export" else import_)(store, args.file)
        finally:
            store.close()
    except StoreUnavailable as error:
        print(f"the database cannot be used: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
