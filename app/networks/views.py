"""Each answer's shape, built by one function per shape from the domain's results: the JSON
the routes send (orjson writes numpy arrays as they are) and the response models in
app/schemas.py document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import orjson
from numpy.typing import NDArray

from app import nn
from app.nn import Array
from app.store import StoredNetwork


class Score(NamedTuple):
    """J, accuracy and the confusion matrix (None unless the targets name classes) over
    `examples` examples."""

    loss: float
    accuracy: float | None
    examples: int
    confusion: NDArray[np.int64] | NDArray[np.float64] | None = None
    """counts[t][p]: examples of true class t put in class p (app/nn/metrics.py)."""


@dataclass(frozen=True)
class Step:
    """What a step did: the backward pass of its first update, the network after, J per
    epoch (on the test part too, when it has one) and the evaluation after."""

    first: nn.Backward
    split: bool
    network: StoredNetwork
    losses: list[float]
    test_losses: list[float] | None
    scores: list[Score]
    extra: dict[str, Any] = field(default_factory=dict)
    """The frames and the grid, when the request asked for them (app/networks/frames.py)."""


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


def step_payload(step: Step) -> dict[str, Any]:
    """StepResponse: the first update's backward pass, the network after, J per epoch, and
    J and accuracy on the training and test parts after."""
    return {
        **backward_payload(step.first, step.split),
        "network": state(step.network),
        "losses": step.losses,
        "test_losses": step.test_losses,
        "evaluation": evaluation_payload(step.scores),
        **step.extra,
    }


def evaluation_payload(scores: list[Score]) -> dict[str, Any] | None:
    if not scores:
        return None
    shown = [s._asdict() for s in scores]
    return {"train": shown[0], "test": shown[1] if len(shown) > 1 else None}


def gradient_check_payload(
    result: nn.Backward,
    numerical: tuple[list[Array], list[Array]],
    worst: float,
    epsilon: float,
) -> dict[str, Any]:
    """GradientCheckResponse: backprop's ∂J/∂w beside the finite differences'."""
    return {
        "backprop": {"weights": result.grad_weights, "biases": result.grad_biases},
        "numerical": {"weights": numerical[0], "biases": numerical[1]},
        "epsilon": epsilon,
        "max_relative_error": worst,
    }


def numbers(payload: Any) -> int:
    """How many numbers an answer holds (what its size bound counts): every array element
    and every int or float; text, booleans and nulls are not counted."""
    if isinstance(payload, np.ndarray):
        return int(payload.size)
    if isinstance(payload, dict):
        return sum(numbers(v) for v in payload.values())
    if isinstance(payload, list | tuple):
        return sum(numbers(v) for v in payload)
    return int(isinstance(payload, int | float) and not isinstance(payload, bool))


def to_json(payload: Any) -> bytes:
    """JSON as the API writes it: numpy arrays as lists, float64 in its shortest exact form."""
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY, default=_fallback)


def _fallback(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError(f"cannot serialize {type(value).__name__}")
