"""HTML routes: `/` is the page for a new visitor, whose script creates their network (POST
/api/networks) and moves to its own address; `/n/{id}` shows a network. GET and HEAD of
either store nothing, so a probe, a link preview or a prefetch (none runs scripts) makes no
network and spends no address's creation allowance. The classroom's pages (join, open a
class, the dashboard, the projector's spotlight) are each their template, with the data
from the API.

When these routes cannot answer, a browser (a request that accepts text/html) gets a page
it can read, never the API's JSON: a missing network, an unavailable database, an address
that is no network's. Other clients keep the JSON.
"""

from __future__ import annotations

import logging
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers

from app import presets
from app.api.deps import IdPath, store_of
from app.api.errors import known_error_response, standing_problem, validation_error_response
from app.classroom.errors import Missing
from app.classroom.service import Classroom
from app.config import get_settings
from app.modules import module_script
from app.store import NotFound, StoreUnavailable

ROOT = FilePath(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=ROOT / "templates")
templates.env.globals["module_script"] = module_script  # its modules preloaded (app/modules.py)
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


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """The page without a network: its script creates one from the default preset (the
    server's errors, a full store or too many new networks, show on the page)."""
    context = {"network_id": "", "in_class": False, "default_preset": presets.DEFAULT}
    return templates.TemplateResponse(request, "index.html", context)


@router.get("/share", response_class=HTMLResponse)
def share(request: Request) -> Response:
    """A share link: the setup is in the fragment, which never reaches the server; the page
    decodes it and creates the network through POST /api/networks (docs/page.md)."""
    return templates.TemplateResponse(request, "share.html", {})


@router.get("/n/{network_id}", response_class=HTMLResponse)
def simulator(request: Request, network_id: IdPath) -> Response:
    store = store_of(request)
    try:
        # an unknown id is answered before any page is drawn; a look is not a use (read, not get)
        store.read(network_id)
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
    context = {"network_id": network_id, "in_class": in_class, "default_preset": presets.DEFAULT}
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
    needs_password = bool(get_settings().teacher_password)
    context = {"locks": LOCKS, "needs_password": needs_password}
    return templates.TemplateResponse(request, "teach_new.html", context)


@router.get("/teach/{class_id}", response_class=HTMLResponse)
def dashboard(request: Request, class_id: ClassIdPath) -> Response:
    context = {"class_id": class_id, "locks": LOCKS}
    return templates.TemplateResponse(request, "teach.html", context)


@router.get("/teach/{class_id}/worksheets", response_class=HTMLResponse)
def worksheets(request: Request, class_id: ClassIdPath) -> Response:
    """The page holds no number: its script fetches them with the key this browser keeps."""
    return templates.TemplateResponse(request, "worksheets.html", {"class_id": class_id})


@router.get("/teach/{class_id}/spotlight", response_class=HTMLResponse)
def spotlight(request: Request, class_id: ClassIdPath) -> Response:
    return templates.TemplateResponse(request, "spotlight.html", {"class_id": class_id})


@router.get("/teach/{class_id}/students/{student_id}", response_class=HTMLResponse)
def student_run(request: Request, class_id: ClassIdPath, student_id: ClassIdPath) -> Response:
    """A student's run, read-only, for the teacher: the page holds no number; its script
    reads them through the class's routes with the key this browser keeps, and those only
    read."""
    context = {"class_id": class_id, "student_id": student_id}
    return templates.TemplateResponse(request, "teach_run.html", context)
