"""The loss surface of a stored network: which parameters a request names, what it may cost,
and J over the grid (app/nn/surface.py)."""

from __future__ import annotations

from typing import Any

from app import nn
from app.networks import validate
from app.networks.errors import Mismatch
from app.schemas import SurfaceRequest, engine_config
from app.store import NetworkStore


def surface(store: NetworkStore, network_id: str, body: SurfaceRequest) -> dict[str, Any]:
    """{"weights", "axes", "loss", "at"} (docs/api.md). A path the network has no parameter
    at, no stored examples, or more than the work bound's n² forward passes: Mismatch naming
    weights[i], dataset or n."""
    network = store.get(network_id)
    if network.dataset is None:
        raise Mismatch("dataset", "the network has no stored examples to measure J on")
    where = []
    for i, path in enumerate(body.weights):
        try:
            where.append(nn.locate(path, network.layers))
        except LookupError as missing:
            raise Mismatch(f"weights[{i}]", f"{path} is not in this network: {missing}") from None
    x, y = network.dataset
    validate.work(network.layers, len(x), epochs=body.n * body.n, field="n")
    params, cfg = network.params, engine_config(network.settings)
    at = [w.get(params) for w in where]
    axes = (nn.axis(at[0], body.span, body.n), nn.axis(at[1], body.span, body.n))
    loss = nn.surface(params, cfg, x, y, (where[0], where[1]), axes)
    return {"weights": body.weights, "axes": list(axes), "loss": loss, "at": at}
