"""create_app(): the routers, static files, and the store opened for the app's lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import openapi, pages, security
from app.api import admin, errors, health, networks, presets, transfer
from app.config import get_settings
from app.store import NetworkStore, StoreUnavailable, open_configured_store
from app.store.reopen import Reopening

ROOT = Path(__file__).resolve().parent.parent

DESCRIPTION = """
Backpropagation on a multilayer perceptron, number by number, in the notation of the lecture
notes: net_r = Σ_q w_rq u_rq + b_r, o_r = f(net_r), δ_r = −∂J_i/∂net_r, ∂J/∂w_rq = −Σ_i δ_r u_rq,
Δw = −η ∂J/∂w. Create a network, then call forward, backward and step.
"""


def create_app() -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def open_store() -> NetworkStore:
            return open_configured_store(settings)

        try:
            app.state.store = open_store()
        except (StoreUnavailable, OSError) as error:
            # start anyway and answer 503 until the disk is fixed: exiting would crash-loop
            logging.getLogger("backprop").error("cannot open the database: %s", error)
            app.state.store = Reopening(open_store, error)
        presets.load()  # a bad preset file is logged now, not at the first request
        yield
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
        # and checking for providers cost every request ~4 % of a /step (docs/benchmarks.md)
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    errors.install(app)
    pages.install(app)  # after: for the page routes, two of its handlers answer with pages
    security.install(app, settings)
    openapi.install(app)
    app.include_router(health.router)
    app.include_router(transfer.router)
    app.include_router(networks.router)
    app.include_router(presets.router)
    app.include_router(pages.router)
    if settings.admin_token:  # the admin view is off (404) unless a token is set
        app.include_router(admin.router, include_in_schema=False)
        app.include_router(admin.page)
    app.mount("/static", StaticFiles(directory=ROOT / "static"), name="static")
    return app


app = create_app()
