"""HTML routes: `/` makes a network for a new visitor and sends them to its own address."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app import presets
from app.api.networks import IdPath, StoreDep, build
from app.schemas import NetworkCreate

ROOT = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/")
def home(store: StoreDep) -> Response:
    network = build(NetworkCreate(preset=presets.DEFAULT))
    store.create(network)
    return RedirectResponse(f"/n/{network.id}", status_code=303)


@router.get("/n/{network_id}", response_class=HTMLResponse)
def simulator(request: Request, network_id: IdPath, store: StoreDep) -> Response:
    store.get(network_id)  # 404 for an unknown id, before any page is drawn
    return templates.TemplateResponse(request, "index.html", {"network_id": network_id})
