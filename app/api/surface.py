"""POST /api/networks/{id}/surface: J over a grid of two parameters' values
(app/networks/surface.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.deps import ERRORS, IdPath, json_response, store_of
from app.networks import surface as domain
from app.schemas import SurfaceRequest, SurfaceResponse

router = APIRouter(prefix="/api/networks", tags=["networks"])


@router.post(
    "/{network_id}/surface",
    response_model=SurfaceResponse,
    responses=ERRORS,
    summary="The loss surface: J over a grid of two weights, every other weight held",
)
def surface(network_id: IdPath, body: SurfaceRequest, request: Request) -> Response:
    """loss[i][j] is J over the stored training examples with the first parameter at
    axes[0][i] and the second at axes[1][j], every other weight and bias at its current
    value; each axis runs from the current value − span to + span in n steps. A path the
    network has no parameter at is a 409 naming it (weights[0] or weights[1]). n² forward
    passes over the dataset count against the work bound (409 naming n); the answer, at
    most 61² numbers, is far inside the response bound. Changes nothing."""
    store = store_of(request)
    return json_response(domain.surface(store, network_id, body))
