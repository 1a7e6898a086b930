"""HTML routes: `/` makes a network for a new visitor and sends them to its own address; the
classroom's pages (join, open a class, the dashboard, the projector's spotlight)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app import presets
from app.api.classes import ClassroomDep
from app.api.networks import IdPath, StoreDep, build
from app.classroom.errors import Missing
from app.config import get_settings
from app.schemas import NetworkCreate
from app.store import NotFound, StoreFull, StoreUnavailable

ROOT = FilePath(__file__).resolve().parent.parent
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


@router.get("/n/{network_id}", response_class=HTMLResponse)
def simulator(
    request: Request, network_id: IdPath, store: StoreDep, classroom: ClassroomDep
) -> Response:
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
    # the page asks the class's API only for a class network (a 404 would be a console error)
    try:
        classroom.membership_of(network_id)
        in_class = True
    except Missing:
        in_class = False
    context = {"network_id": network_id, "in_class": in_class}
    return templates.TemplateResponse(request, "index.html", context)


# -- the classroom: each page is its template; the data comes from the API -----------------
LOCKS = [
    ("architecture", "the layers"),
    ("settings", "the settings (f, J, η)"),
    ("data", "the examples"),
    ("weights", "the weights"),
]
ClassIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
CodeText = Annotated[str, Path(max_length=12, pattern=r"^[A-Za-z0-9]*$")]


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, code: Annotated[str, Query(max_length=12)] = "") -> Response:
    return templates.TemplateResponse(request, "join.html", {"code": code.strip().upper()})


@router.get("/join/{code}", response_class=HTMLResponse)
def join_with_code(request: Request, code: CodeText) -> Response:
    return templates.TemplateResponse(request, "join.html", {"code": code.upper()})


@router.get("/teach/new", response_class=HTMLResponse)
def new_class(request: Request) -> Response:
    return templates.TemplateResponse(request, "teach_new.html", {"locks": LOCKS})


@router.get("/teach/{class_id}", response_class=HTMLResponse)
def dashboard(request: Request, class_id: ClassIdPath) -> Response:
    context = {"class_id": class_id, "locks": LOCKS}
    return templates.TemplateResponse(request, "teach.html", context)


@router.get("/teach/{class_id}/spotlight", response_class=HTMLResponse)
def spotlight(request: Request, class_id: ClassIdPath) -> Response:
    return templates.TemplateResponse(request, "spotlight.html", {"class_id": class_id})
