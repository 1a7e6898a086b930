"""HTML routes: `/` makes a network for a new visitor and sends them to its own address."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app import presets
from app.api.networks import IdPath, StoreDep, build
from app.config import get_settings
from app.schemas import NetworkCreate
from app.store import NotFound, StoreFull, StoreUnavailable

ROOT = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)


def problem(request: Request, status: int, title: str, message: str, retry: bool) -> Response:
    """A page a student can read, not a JSON error, for the two routes a browser opens."""
    context = {"title": title, "message": message, "retry": retry}
    response = templates.TemplateResponse(request, "missing.html", context, status_code=status)
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


@router.get("/")
def home(request: Request, store: StoreDep) -> Response:
    network = build(NetworkCreate(preset=presets.DEFAULT))
    try:
        store.create(network)
    except StoreFull:
        return problem(
            request,
            503,
            "The class is full",
            "This server holds as many networks as its teacher allowed. Ask your "
            "teacher, or try again later.",
            retry=False,
        )
    except StoreUnavailable:
        return problem(
            request,
            503,
            "The server cannot save right now",
            "Its database is not taking changes. Try again in a minute.",
            retry=True,
        )
    return RedirectResponse(f"/n/{network.id}", status_code=303)


@router.head("/")
def home_head() -> Response:
    """HEAD of `/`: the headers of a page, without the network a GET would make (and so no
    Location either). No Content-Length: there is no one page whose length it would be."""
    response = Response(media_type="text/html")
    del response.headers["content-length"]
    return response


@router.get("/n/{network_id}", response_class=HTMLResponse)
def simulator(request: Request, network_id: IdPath, store: StoreDep) -> Response:
    try:
        store.get(network_id)  # an unknown id is answered before any page is drawn
    except NotFound:
        days = get_settings().expire_after_days
        return problem(
            request,
            404,
            "No network at this address",
            f"The link may be mistyped, or the network was deleted after {days:g} "
            "days without use.",
            retry=True,
        )
    return templates.TemplateResponse(request, "index.html", {"network_id": network_id})
