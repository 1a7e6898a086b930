"""create_app(): the routers, static files, and the store opened for the app's lifetime."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI

from app import openapi, pages, security
from app.api import (
    admin,
    classes,
    classroom,
    code,
    errors,
    forks,
    health,
    history,
    networks,
    presets,
    review,
    surface,
    transfer,
)
from app.classroom.service import Classroom
from app.config import Settings, get_settings
from app.events import EventFeed
from app.events.sqlite import SQLiteFeed
from app.static import MemoryStaticFiles
from app.store import SharedStore, StoreUnavailable, open_configured_store
from app.store.classroom import ClassroomDB
from app.store.reopen import Reopening

ROOT = Path(__file__).resolve().parent.parent

DESCRIPTION = """
Backpropagation on a multilayer perceptron, number by number, in the notation of the lecture
notes: net_r = Σ_q w_rq u_rq + b_r, o_r = f(net_r), δ_r = −∂J_i/∂net_r, ∂J/∂w_rq = −Σ_i δ_r u_rq,
Δw = −η ∂J/∂w. Create a network, then call forward, backward and step.
"""


def open_classroom(store: SharedStore, settings: Settings) -> tuple[EventFeed, Classroom]:
    """The classroom's tables and the events feed, in the store's own database: the SQLite
    file (events polled from a table), or PostgreSQL (events by LISTEN/NOTIFY), where every
    server sees every class."""
    feed: EventFeed
    if settings.database_url:
        from app.events.postgres import PostgresFeed  # psycopg is needed only here

        feed = PostgresFeed(store, settings.database_url, timeout=settings.pg_timeout)
    else:
        feed = SQLiteFeed(store)
    db = ClassroomDB(store, feed, expire_after=settings.expire_after_days * 86400)
    return feed, Classroom(db, settings.max_class_networks)


def end_streams_on_signal(app: FastAPI) -> None:
    """On SIGTERM or SIGINT, end the open event streams at once. uvicorn waits for every
    response to finish before it shuts the app down, and a stream never finishes by itself:
    without this, a server with a dashboard open would not stop. The server's own handler
    still runs (it is called after ours)."""
    if threading.current_thread() is not threading.main_thread():
        return  # signals belong to the main thread (in-process test clients run elsewhere)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(number: int, frame: Any, previous: Any = previous) -> None:
            feed = app.state.feed
            if not isinstance(feed, Reopening):
                loop.call_soon_threadsafe(feed.shutting_down)
            previous(number, frame)

        signal.signal(sig, handler)


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes on the app's own list, in their order: what include_router gives
    for a router without options, but flat. FastAPI keeps an included router as one nested
    entry and matches a request's path through it twice (to choose the branch, then the
    route), after scanning the routers before it: a cost on every request
    (docs/benchmarks.md, "CPU per request against the HTTP stack")."""
    app.router.routes.extend(router.routes)


def allow_open_files() -> None:
    """Raise this process's soft limit on open files to its hard limit. Each student in a
    class holds about two connections in a worker (the class's event stream and the page's
    requests), and many shells and container runtimes start processes at 1,024: past it, a
    worker stops accepting connections (tests/hardening/test_open_files.py)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as error:  # a sandbox may refuse: keep what there is
            logging.getLogger("backprop").warning("open files stay at %d: %s", soft, error)


def create_app() -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def open_store() -> SharedStore:
            return open_configured_store(settings)

        try:
            app.state.store = open_store()
            app.state.feed, app.state.classroom = open_classroom(app.state.store, settings)
        except (StoreUnavailable, OSError) as error:
            # start anyway and answer 503 until the disk is fixed: exiting would crash-loop
            logging.getLogger("backprop").error("cannot open the database: %s", error)
            app.state.store = Reopening(open_store, error)
            opened = Reopening(lambda: open_classroom(app.state.store._store(), settings), error)
            app.state.feed = Reopening(lambda: opened._store()[0], error)
            app.state.classroom = Reopening(lambda: opened._store()[1], error)
        presets.load()  # a bad preset file is logged now, not at the first request
        if not isinstance(app.state.feed, Reopening):
            await app.state.feed.start()  # delivers to streams (a feed opened late: at use)
        end_streams_on_signal(app)
        # the routes' worker threads (`def` routes, file reads): a class's requests queue
        # for few of them instead of sharing the interpreter among dozens
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        allow_open_files()
        yield
        feed = app.state.feed
        if isinstance(feed, Reopening):  # opened late, if at all
            feed = feed._inner
        if feed is not None:
            await feed.close()
        app.state.store.close()

    app = FastAPI(
        title="Backprop Lab",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Starlette's redirect takes its host from the Host header; app.api.errors redirects
        # with a relative Location instead
        redirect_slashes=False,
        docs_url=None,  # served by app.openapi from vendored assets, under our CSP
        redoc_url=None,
        # FastAPI's OpenTelemetry hooks: nothing here exports traces (a class may be offline),
        # and checking for providers is a cost on every request (docs/benchmarks.md)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    errors.install(app)
    pages.install(app)  # after: for the page routes, two of its handlers answer with pages
    security.install(app, settings)
    openapi.install(app)
    routers = (health, transfer, networks, history, code, surface, forks, classroom, classes)
    for module in (*routers, review, presets, pages):
        add_routes(app, module.router)
    if settings.admin_token:  # the admin view is off (404) unless a token is set
        app.include_router(admin.router, include_in_schema=False)
        app.include_router(admin.page)
    app.mount("/static", MemoryStaticFiles(directory=ROOT / "static"), name="static")
    return app


app = create_app()
