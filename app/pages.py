"""HTML routes: `/` makes a network for a new visitor and sends them to its own address; the
classroom's pages (join, open a class, the dashboard, the projector's spotlight) are each
their template, with the data from the API.

When these routes cannot answer, a browser (a request that accepts text/html) gets a page
it can read, never the API's JSON: a missing network, a full class, an unavailable database,
an address that is no network's, too many new networks from one address (the last one from
app/security.py, which refuses before any route). Other clients keep the JSON.
"""

from __future__ import annotations

import logging
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers

from app import presets
from app.api.errors import known_error_response, standing_problem, validation_error_response
from app.api.networks import IdPath, StoreDep, build
from app.classroom.errors import Missing
from app.classroom.service import Classroom
from app.config import get_settings
from app.schemas import NetworkCreate
from app.store import NotFound, StoreFull, StoreUnavailable

ROOT = FilePath(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)
log = logging.getLogger("backprop")


def problem(
    status: int, title: str, message: str, retry: bool, retry_after: int | None = None
) -> Response:
    """A page a student can read, not a JSON error. `retry`: offer to start a new network."""
    context = {"title": title, "message": message, "retry": retry}
    page = templates.get_template("missing.html").render(context)
    response = HTMLResponse(page, status_code=status)
    if retry_after is None and status == 503:
        retry_after = 30
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def wants_page(path: str, headers: Headers) -> bool:
    """A browser opening one of these routes: it accepts HTML (a program sends */* or JSON)."""
    is_page = path == "/" or path.startswith("/n/")
    return is_page and "text/html" in headers.get("accept", "").lower()


def too_many_page(seconds: int) -> Response:
    return problem(
        429,
        "Too many new networks from here",
        f"This address has made many networks in a short time. Try again in {seconds} s. "
        "A whole class behind one school connection counts as one address: if that is "
        "you, ask your teacher to raise the limit (BACKPROP_CREATE_BURST, "
        "BACKPROP_CREATE_PER_MINUTE).",
        retry=False,
        retry_after=seconds,
    )


def unavailable_page() -> Response:
    return problem(
        503,
        "The server cannot reach its database right now",
        "Your network is not lost. Reload this page in a minute.",
        retry=False,
    )


def install(app: FastAPI) -> None:
    """Refusals that happen before a page route runs (a bad id) or inside it (the database)
    become pages for browsers; everyone else gets the API's errors (app/api/errors.py)."""

    async def validation(request: Request, exc: RequestValidationError) -> Response:
        if wants_page(request.url.path, request.headers):
            return problem(
                422,
                "This is not a network's address",
                "A network's address is /n/ followed by its id: letters, digits, - and _ "
                "only. Check the link you were given.",
                retry=True,
            )
        return validation_error_response(exc)

    async def unavailable(request: Request, exc: StoreUnavailable) -> Response:
        if wants_page(request.url.path, request.headers):
            log.error("store unavailable: %s", exc)
            return unavailable_page()
        response = known_error_response(exc, standing_problem(request))
        assert response is not None
        return response

    app.add_exception_handler(RequestValidationError, validation)  # type: ignore[arg-type]
    app.add_exception_handler(StoreUnavailable, unavailable)  # type: ignore[arg-type]


@router.get("/")
def home(request: Request, store: StoreDep) -> Response:
    network = build(NetworkCreate(preset=presets.DEFAULT))
    try:
        store.create(network)
    except StoreFull:
        return problem(
            503,
            "The class is full",
            "This server holds as many networks as its teacher allowed. Ask your "
            "teacher, or try again later.",
            retry=False,
        )
    except StoreUnavailable:
        return problem(
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


@router.get("/share", response_class=HTMLResponse)
def share(request: Request) -> Response:
    """A share link: the setup is in the fragment, which never reaches the server; the page
    decodes it and creates the network through POST /api/networks (docs/page.md)."""
    return templates.TemplateResponse(request, "share.html", {})


@router.get("/n/{network_id}", response_class=HTMLResponse)
def simulator(request: Request, network_id: IdPath, store: StoreDep) -> Response:
    try:
        store.get(network_id)  # an unknown id is answered before any page is drawn
    except NotFound:
        days = get_settings().expire_after_days
        return problem(
            404,
            "No network at this address",
            f"The link may be mistyped, or the network was deleted after {days:g} "
            "days without use.",
            retry=True,
        )
    # the page asks the class's API only for a class network (a 404 would be a console error)
    classroom: Classroom = request.app.state.classroom  # as app.api.classes's dependency
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
# Any text up to a length: a mistyped code or class id gets its page, which then shows the
# API's answer in words ("code: no class has this code"), not a JSON error.
ClassIdPath = Annotated[str, Path(min_length=1, max_length=64)]
CodeText = Annotated[str, Path(max_length=40)]


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, code: Annotated[str, Query(max_length=40)] = "") -> Response:
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
