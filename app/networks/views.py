"""Each answer's shape, built by one function per shape from the domain's results: the JSON
the routes send (orjson writes numpy arrays as they are) and the response models in
app/schemas.py document."""

from __future__ import annotations

from typing import Any

import orjson

from app import nn
from app.nn import Array
from app.store import StoredNetwork


def state(network: StoredNetwork) -> dict[str, Any]:
    """NetworkState: settings, layers, weights, biases, seed, dataset and update count."""
    data: dict[str, Any] | None = None
    if network.dataset is not None:
        data = {"x": network.dataset[0], "y": network.dataset[1]}
        if network.test is not None:
            data["test"] = {"x": network.test[0], "y": network.test[1]}
    return {
        "id": network.id,
        **network.settings.model_dump(),
        "layers": network.layers,
        "weights": network.params.weights,
        "biases": network.params.biases,
        "seed": network.seed,
        "dataset": data,
        "updates": network.updates,
    }


def forward_payload(trace: nn.Trace, loss: float | None) -> dict[str, Any]:
    """ForwardResponse: net and o of every unit, the output, J when targets are known."""
    return {
        "net": trace.net,
        "activations": trace.activations,
        "output": trace.output,
        "loss": loss,
    }


def predict_payload(trace: nn.Trace, hidden: bool) -> dict[str, Any]:
    """PredictResponse: the output alone, and o of every hidden unit when `hidden`."""
    answer: dict[str, Any] = {"output": trace.output}
    if hidden:
        answer["hidden"] = trace.activations[1:-1]
    return answer


def backward_payload(result: nn.Backward, split: bool) -> dict[str, Any]:
    """BackwardResponse. `split`: the gradient's data and penalty parts too (only an L2 term
    makes them differ from the whole gradient and from zeros)."""
    return {
        **forward_payload(result.trace, result.loss),
        "data_loss": result.data_loss,
        "penalty": result.penalty,
        "deltas": result.deltas,
        "gradients": {
            "weights": result.grad_weights,
            "biases": result.grad_biases,
            "weights_data": result.grad_weights_data if split else None,
            "weights_penalty": result.grad_weights_penalty if split else None,
        },
        "weight_deltas": result.weight_deltas,
        "bias_deltas": result.bias_deltas,
    }


def score(params: nn.Params, cfg: nn.Config, data: tuple[Array, Array]) -> dict[str, Any]:
    loss, accuracy = nn.evaluate(params, cfg, *data)
    return {"loss": loss, "accuracy": accuracy, "examples": len(data[0])}


def to_json(payload: Any) -> bytes:
    """JSON as the API writes it: numpy arrays as lists, float64 in its shortest exact form."""
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY, default=_fallback)


def _fallback(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError(f"cannot serialize {type(value).__name__}")
