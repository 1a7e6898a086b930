"""/api/presets: the scenarios a network can be created from (`POST /api/networks` with
`{"preset": "<name>"}`). The list is small enough to send whole; one preset's full body,
dataset included, is at /api/presets/{name}."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app import presets
from app.api.deps import json_response
from app.networks.errors import Missing
from app.schemas import Activation, ErrorResponse, Loss, NetworkCreate, Reduction

router = APIRouter(prefix="/api/presets", tags=["presets"])


class PresetSummary(BaseModel):
    """One entry of the preset list: enough to draw a menu and describe the network."""

    name: str = Field(description="Pass as `preset` to POST /api/networks.", examples=["xor"])
    title: str = Field(description="Shown in the preset list.", examples=["XOR"])
    description: str = Field(description="One or two sentences for the students.")
    source: Literal["builtin", "folder"] = Field(
        description="'builtin', or 'folder' for a file from BACKPROP_PRESETS_DIR."
    )
    layers: list[int] = Field(description="Units per layer, inputs first.", examples=[[2, 2, 1]])
    hidden_activation: Activation
    output_activation: Activation
    loss: Loss
    learning_rate: float
    reduction: Reduction
    train_biases: bool
    exact_weights: bool = Field(description="true when the preset gives exact initial weights.")
    examples: int = Field(description="Number of examples in the preset's dataset (0: none).")


class PresetList(BaseModel):
    default: str = Field(description="The preset `/` creates a new visitor's network from.")
    presets: list[PresetSummary]

    model_config = {
        "json_schema_extra": {
            "example": {
                "default": "xor",
                "presets": [
                    {
                        "name": "xor",
                        "title": "XOR",
                        "description": "Exclusive or: needs the hidden layer.",
                        "source": "builtin",
                        "layers": [2, 2, 1],
                        "hidden_activation": "sigmoid",
                        "output_activation": "sigmoid",
                        "loss": "squared_error",
                        "learning_rate": 2.0,
                        "reduction": "sum",
                        "train_biases": True,
                        "exact_weights": False,
                        "examples": 4,
                    }
                ],
            }
        }
    }


def load() -> int:
    """Read the presets (built-ins and the teacher's folder) now; how many there are."""
    return len(presets.all_presets())


def summary(preset: presets.Preset) -> dict[str, Any]:
    net = preset.network
    return {
        "name": preset.name,
        "title": preset.title,
        "description": preset.description,
        "source": preset.source,
        "layers": net.layers,
        "hidden_activation": net.hidden_activation,
        "output_activation": net.output_activation,
        "loss": net.loss,
        "learning_rate": net.learning_rate,
        "reduction": net.reduction,
        "train_biases": net.train_biases,
        "exact_weights": net.weights is not None,
        "examples": 0 if net.dataset is None else len(net.dataset.x),
    }


@router.get("", response_model=PresetList, summary="List the presets")
def list_presets() -> Response:
    """Built-ins first (XOR, AND, OR, Mazur's 2-2-2, circle, two Gaussians, spiral), then the
    teacher's files by title."""
    body = {"default": presets.DEFAULT, "presets": [summary(p) for p in presets.listed()]}
    return json_response(body)


@router.get(
    "/{name}",
    response_model=NetworkCreate,
    responses={404: {"model": ErrorResponse, "description": "No preset has this name."}},
    summary="One preset's full create body, dataset included",
)
def get_preset(
    name: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
) -> Response:
    """Exactly what `{"preset": name}` creates: settings, weights if exact, and the dataset."""
    network = presets.get(name)
    if network is None:
        raise Missing("name", f"no preset is named {name!r}; see /api/presets")
    body = network.model_dump(exclude={"preset"}, exclude_none=True)
    return json_response(body)
