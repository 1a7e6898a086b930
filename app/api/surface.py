"""POST /api/networks/{id}/surface: J over a grid of two parameters' values (app/nn/surface.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import nn
from app.api import validate
from app.api.errors import ApiError
from app.api.networks import ERRORS, IdPath, StoreDep, json_response, run
from app.schemas import SurfaceRequest, SurfaceResponse, engine_config

router = APIRouter(prefix="/api/networks", tags=["networks"])


@router.post(
    "/{network_id}/surface",
    response_model=SurfaceResponse,
    responses=ERRORS,
    summary="The loss surface: J over a grid of two weights, every other weight held",
)
async def surface(
    network_id: IdPath, body: SurfaceRequest, store: StoreDep, request: Request
) -> Response:
    """loss[i][j] is J over the stored training examples with the first parameter at
    axes[0][i] and the second at axes[1][j], every other weight and bias at its current
    value; each axis runs from the current value − span to + span in n steps. A path the
    network has no parameter at is a 409 naming it (weights[0] or weights[1]). n² forward
    passes over the dataset count against the work bound (409 naming n); the answer, at
    most 61² numbers, is far inside the response bound. Changes nothing."""
    network = store.get(network_id)
    if network.dataset is None:
        raise ApiError(409, "dataset", "the network has no stored examples to measure J on")
    where = []
    for i, path in enumerate(body.weights):
        try:
            where.append(nn.locate(path, network.layers))
        except LookupError as missing:
            raise ApiError(
                409, f"weights[{i}]", f"{path} is not in this network: {missing}"
            ) from missing
    x, y = network.dataset
    cost = validate.work(network.layers, len(x), epochs=body.n * body.n, field="n")
    params, cfg = network.params, engine_config(network.settings)
    at = [w.get(params) for w in where]
    axes = (nn.axis(at[0], body.span, body.n), nn.axis(at[1], body.span, body.n))
    first, second = where
    loss = await run(request, cost, lambda _: nn.surface(params, cfg, x, y, (first, second), axes))
    return json_response({"weights": body.weights, "axes": list(axes), "loss": loss, "at": at})
