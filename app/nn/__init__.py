"""The engine: pure numpy backpropagation. Imports numpy and the standard library only."""

from app.nn.activations import ACTIVATIONS, Array
from app.nn.losses import loss_per_example, output_delta
from app.nn.metrics import accuracy, evaluate, is_classes
from app.nn.network import (
    Backward,
    Config,
    NonFinite,
    NonFiniteUpdate,
    Params,
    Trace,
    apply,
    backward,
    forward,
    init_params,
    loss,
    numerical_gradients,
    objective,
    penalty,
)
from app.nn.plane import Grid, grid, plane
from app.nn.surface import Where, axis, locate, surface
from app.nn.train import Frame, Stopped, TrainResult, train

__all__ = [
    "ACTIVATIONS",
    "Array",
    "Backward",
    "Config",
    "Frame",
    "Grid",
    "NonFinite",
    "NonFiniteUpdate",
    "Params",
    "Stopped",
    "Trace",
    "TrainResult",
    "Where",
    "accuracy",
    "apply",
    "axis",
    "backward",
    "evaluate",
    "forward",
    "grid",
    "init_params",
    "is_classes",
    "locate",
    "loss",
    "loss_per_example",
    "numerical_gradients",
    "objective",
    "output_delta",
    "penalty",
    "plane",
    "surface",
    "train",
]
