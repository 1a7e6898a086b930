"""The engine: pure numpy backpropagation. Imports numpy and the standard library only."""

from app.nn.activations import ACTIVATIONS, Array
from app.nn.losses import loss_per_example, output_delta
from app.nn.metrics import accuracy, evaluate, is_classes
from app.nn.network import (
    INITS,
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
    init_variance,
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
    "INITS",
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
    "init_variance",
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
