"""The JSON contract: every request and response body of the API, in the lecture notes'
notation.

Notation (the lecture notes' derivation, generalised to L layers):
layers 0..L, layer 0 the inputs. Unit r of layer k has the weight vector w_r (row r of
``weights[k-1]``) over its inputs u_r (the outputs o of layer k-1):

    net_r = Σ_q w_rq u_rq + b_r        o_r = f(net_r)
    δ_r   = −∂J_i/∂net_r               (the lecture notes' sign: ∂J/∂net = −δ)
    ∂J/∂w_rq = −Σ_i δ_r u_rq           Δw_rq = −η ∂J/∂w_rq        w ← w + Δw

Shapes: ``weights[k]`` connects layer k to layer k+1 as n_{k+1} rows of n_k numbers;
``biases[k]`` has n_{k+1} numbers. Batches are lists of examples, also for N = 1.

Limits come from :mod:`app.config` and are checked twice: statically here (so the
OpenAPI schema states them) and against the stored network in :mod:`app.api.validate`
(lengths that depend on the network's layer sizes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app import nn
from app.config import LIMITS
from app.nn.surface import PATH as SURFACE_PATH

Activation = Literal["sigmoid", "tanh", "relu", "linear"]
Loss = Literal["squared_error", "cross_entropy"]
Reduction = Literal["sum", "mean"]
Mode = Literal["batch", "online", "minibatch"]
MAX_FRAMES = 50
"""The most frames one step answers with (about 5 s of the page's Play at 10 a second)."""
MAX_GRID = 50
"""The most points a side of a step's grid."""
Init = Literal["glorot_uniform", "glorot_normal", "he_normal", "uniform", "normal"]
MAX_INIT_SCALE = 100.0


def integral(value: Any) -> Any:
    """993.0 is an integer in JSON Schema (and so in /openapi.json): take it as 993."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Int = Annotated[int, BeforeValidator(integral)]
"""A JSON integer; a number with a zero fraction (993.0) counts as one, as JSON Schema says."""


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may be left out, but not null")
    return value


def _drop_null(schema: dict[str, Any]) -> None:
    """The field's schema without its null branch: null is refused, omitting it is not."""
    options = schema.pop("anyOf", [])
    schema.update(next(o for o in options if o.get("type") != "null"))


NotNull = (BeforeValidator(_not_null), Field(json_schema_extra=_drop_null))
"""For fields that may be left out but are never null (an omitted one takes its default)."""

Seed = Annotated[int, Field(ge=0, le=2**32 - 1), BeforeValidator(integral)]
"""A seed of numpy's generator: 0 to 2³² − 1."""

Real = Annotated[
    float,
    Field(allow_inf_nan=False, ge=-LIMITS.max_abs_value, le=LIMITS.max_abs_value),
]
"""A finite JSON number; NaN and ±Infinity are refused."""

# Every list stops at its first bad item (fail_fast): a body of a million bad numbers costs one
# error, not a million built on the event loop to report the first twenty.
Row = Annotated[list[Real], Field(min_length=1, max_length=LIMITS.max_units, fail_fast=True)]
Matrix = Annotated[list[Row], Field(min_length=1, max_length=LIMITS.max_units, fail_fast=True)]
Batch = Annotated[list[Row], Field(min_length=1, max_length=LIMITS.max_examples, fail_fast=True)]
LayerSizes = Annotated[
    list[Annotated[int, Field(ge=1, le=LIMITS.max_units), BeforeValidator(integral)]],
    Field(min_length=2, max_length=LIMITS.max_layers, fail_fast=True),
]
Weights = Annotated[list[Matrix], Field(fail_fast=True)]
Biases = Annotated[list[Row], Field(fail_fast=True)]
OmittedLayers = Annotated[LayerSizes | None, *NotNull]
OmittedBatch = Annotated[Batch | None, *NotNull]
NetworkId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

MAZUR_EXAMPLE: dict[str, Any] = {
    "layers": [2, 2, 2],
    "learning_rate": 0.5,
    "train_biases": False,
    "weights": [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
    "biases": [[0.35, 0.35], [0.60, 0.60]],
    "dataset": {"x": [[0.05, 0.10]], "y": [[0.01, 0.99]]},
}


class Strict(BaseModel):
    """Unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", strict=True)


class TestExamples(Strict):
    """Held-out examples: never trained on, only measured (J and accuracy)."""

    x: Batch = Field(description="Inputs, one row of n_0 numbers per test example.")
    y: Batch = Field(description="Targets, one row of n_L numbers per test example.")


class Dataset(Strict):
    """Training examples: x[i] is example i's input u, y[i] its target y; and optionally a
    test part, examples that are never trained on."""

    x: Batch = Field(description="Inputs, one row of n_0 numbers per training example.")
    y: Batch = Field(description="Targets, one row of n_L numbers per training example.")
    test: Annotated[TestExamples | None, *NotNull] = Field(
        None,
        description="Test examples: never trained on; a step reports J and accuracy on "
        "them beside the training set's. Omitted: there are none.",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "x": [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]],
                "y": [[0.0], [1.0], [1.0]],
                "test": {"x": [[1.0, 1.0]], "y": [[0.0]]},
            }
        },
    )


Generator = Literal["circle", "gaussians", "spiral", "xor"]


def _generate_schema(schema: dict[str, Any]) -> None:
    """`shape`, or its old name `generate` (deprecated): one of the two, or both naming the
    same shape (both naming different shapes is a 409)."""
    shape = schema["properties"]["shape"]
    schema["properties"]["generate"] = {
        **{k: v for k, v in shape.items() if k != "description"},
        "title": "Generate",
        "deprecated": True,
        "description": 'The old name of `shape` (`{"generate": {"generate": "spiral"}}`), '
        "still read; send `shape`. Given with `shape`, it must name the same shape (409).",
    }
    schema["required"] = [name for name in schema.get("required", []) if name != "shape"]
    if not schema["required"]:
        del schema["required"]
    schema["anyOf"] = [{"required": ["shape"]}, {"required": ["generate"]}]
    schema["example"] = {"shape": "circle", "n": 200, "noise": 0.1, "test_fraction": 0.3}


class Generate(Strict):
    """Points drawn by a generator (2 inputs in about [-1, 1]², classes 0 and 1), the same
    points for the same parameters."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=_generate_schema,
    )

    shape: Generator = Field(
        validation_alias=AliasChoices("shape", "generate"),
        description="circle: class 1 inside a disc of radius `radius`. gaussians: two "
        "clusters at ±(0.5, 0.5) with spread `noise`. spiral: two interleaved arms. xor: a "
        "cloud over four quadrants, class 1 where the two inputs' signs differ.",
    )
    _old_name: str | None = PrivateAttr(None)
    """The shape `generate` named beside `shape`."""

    @model_validator(mode="wrap")
    @classmethod
    def _shape_by_either_name(cls, data: Any, handler: ModelWrapValidatorHandler[Generate]) -> Any:
        """A generator's name alone: say what is expected. `shape` and its old name together:
        the old one is kept aside for `twice` (the schema allows the pair, so only a pair
        that disagrees is refused, with a 409)."""
        if isinstance(data, str):
            raise PydanticCustomError(
                "generator_object",
                "must be an object naming the shape and, if wanted, n, noise, radius, "
                'test_fraction, one_hot and seed, such as {"shape": "spiral", "n": 200}',
            )
        old = None
        if isinstance(data, dict) and "shape" in data and "generate" in data:
            old = data["generate"]
            data = {k: v for k, v in data.items() if k != "generate"}
        made = handler(data)
        if old is not None and old not in get_args(Generator):
            raise PydanticCustomError(
                "generator_old_name",
                "generate (the old name of shape) must be 'circle', 'gaussians', 'spiral' or 'xor'",
            )
        made._old_name = old
        return made

    def twice(self) -> str | None:
        """What is wrong when `shape` and its old name `generate` name different shapes."""
        if self._old_name is None or self._old_name == self.shape:
            return None
        return (
            f"names {self._old_name!r} and shape names {self.shape!r}: send shape alone "
            "(generate is its old name)"
        )

    n: Int = Field(
        100,
        ge=2,
        le=LIMITS.max_examples,
        description="Number of examples, split evenly between the two classes.",
    )
    noise: float = Field(
        0.1,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Standard deviation of the Gaussian noise added to each point.",
    )
    radius: float = Field(
        0.5, gt=0, le=1, allow_inf_nan=False, description="circle only: radius of the class-1 disc."
    )
    test_fraction: float = Field(
        0.0,
        ge=0,
        le=0.9,
        allow_inf_nan=False,
        description="The share of the examples, drawn at random, that go to the test part "
        "(rounded down, so at least one training example stays).",
    )
    one_hot: bool = Field(
        False,
        description="false: one target y (0 or 1). true: two one-hot targets, [1, 0] for "
        "class 0 and [0, 1] for class 1 (a network with two output units).",
    )
    seed: Seed = Field(0, description="Seed of the generator that draws the points.")


class NetworkSettings(Strict):
    """What of a network can change without touching its weights. Frozen: a change makes a
    new one (model_copy), so a network's settings are never altered behind its back."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    name: str | None = Field(
        None, max_length=LIMITS.max_name_length, description="A label shown on the page."
    )
    hidden_activation: Activation = Field(
        "sigmoid", description="f for every hidden unit. The lecture notes use sigmoid."
    )
    output_activation: Activation = Field(
        "sigmoid", description="f for the output units. The lecture notes use sigmoid."
    )
    loss: Loss = Field(
        "squared_error",
        description="J_i = ½ Σ_l (y_l − o_l)² (the lecture notes'), or binary cross-entropy "
        "J_i = −Σ_l [y_l ln o_l + (1 − y_l) ln(1 − o_l)], which needs sigmoid outputs.",
    )
    learning_rate: float = Field(
        0.5,
        gt=0,
        le=LIMITS.max_learning_rate,
        allow_inf_nan=False,
        description="η in Δw = −η ∂J/∂w.",
    )
    reduction: Reduction = Field(
        "sum",
        description="'sum': J = Σ_i J_i, the lecture notes' batch rule. 'mean': J = (1/N) Σ_i J_i.",
    )
    train_biases: bool = Field(
        True, description="false freezes the biases (Mazur's example never updates them)."
    )
    l2: float = Field(
        0.0,
        ge=0,
        le=LIMITS.max_l2,
        allow_inf_nan=False,
        description="λ of the L2 term: J = Σ_i J_i + (λ/2) Σ w² over the weights (not the "
        "biases), so ∂J/∂w gains λ w; δ is unchanged. 0 (the lecture notes') leaves it out.",
    )
    init: Init = Field(
        "glorot_uniform",
        description="How the weights are drawn from the seed (biases start at 0): "
        "glorot_uniform U(−a, a) with a = √(6 / (n_in + n_out)); glorot_normal "
        "N(0, 2 / (n_in + n_out)); he_normal N(0, 2 / n_in); uniform U(−s, s); normal "
        "N(0, s²), s being init_scale. Changing it draws the weights again.",
    )
    init_scale: float = Field(
        1.0,
        gt=0,
        le=MAX_INIT_SCALE,
        allow_inf_nan=False,
        description="s of the uniform and normal schemes (the others ignore it).",
    )


def engine_config(settings: NetworkSettings) -> nn.Config:
    """The engine's view of a network's settings."""
    return nn.Config(
        hidden_activation=settings.hidden_activation,
        output_activation=settings.output_activation,
        loss=settings.loss,
        learning_rate=settings.learning_rate,
        reduction=settings.reduction,
        train_biases=settings.train_biases,
        l2=settings.l2,
    )


DATASET_OR_GENERATE: dict[str, Any] = {
    "not": {"required": ["dataset", "generate"], "properties": {"dataset": {"type": "object"}}}
}
"""A body may give a dataset or a generator, not both (a null dataset with a generator is
allowed in a PATCH: the generated points replace it anyway)."""


class NetworkCreate(NetworkSettings):
    """Body of POST /api/networks."""

    # Omitted, not null: the schema says one of the two is required (see model_config).
    layers: OmittedLayers = Field(
        None,
        description="Units per layer, inputs first: [n_0, n_1, …, n_L]. "
        "Required unless a preset is given.",
    )
    preset: Annotated[str | None, *NotNull] = Field(
        None, max_length=64, description="Name of a preset from GET /api/presets."
    )
    weights: Weights | None = Field(
        None, description="Exact initial weights; drawn from `seed` when omitted."
    )
    biases: Biases | None = Field(
        None, description="Exact initial biases; drawn from `seed` when omitted."
    )
    seed: Seed = Field(0, description="Seed of the generator that draws initial weights.")
    dataset: Dataset | None = Field(None, description="Stored training (and test) examples.")
    generate: Annotated[Generate | None, *NotNull] = Field(
        None, description="Draw the dataset from a generator instead of giving `dataset`."
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": MAZUR_EXAMPLE,
            "anyOf": [{"required": ["layers"]}, {"required": ["preset"]}],
            **DATASET_OR_GENERATE,
        },
    )


class NetworkPatch(Strict):
    """Body of PATCH /api/networks/{id}: every field is optional; omitted ones stay."""

    name: str | None = Field(
        None, max_length=LIMITS.max_name_length, description="A label shown on the page."
    )
    layers: LayerSizes | None = Field(
        None, description="New layer sizes; weights are drawn again unless given."
    )
    hidden_activation: Activation | None = Field(None, description="f for every hidden unit.")
    output_activation: Activation | None = Field(None, description="f for the output units.")
    loss: Loss | None = Field(None, description="squared_error or cross_entropy.")
    learning_rate: float | None = Field(
        None, gt=0, le=LIMITS.max_learning_rate, allow_inf_nan=False, description="η."
    )
    reduction: Reduction | None = Field(None, description="sum (the lecture notes') or mean.")
    train_biases: bool | None = Field(None, description="false freezes the biases.")
    l2: float | None = Field(
        None,
        ge=0,
        le=LIMITS.max_l2,
        allow_inf_nan=False,
        description="λ of the L2 term (λ/2) Σ w²; 0 leaves it out.",
    )
    init: Init | None = Field(
        None, description="How weights are drawn; a change draws them again from the seed."
    )
    init_scale: float | None = Field(
        None,
        gt=0,
        le=MAX_INIT_SCALE,
        allow_inf_nan=False,
        description="s of the uniform and normal schemes; a change draws the weights again.",
    )
    seed: Seed | None = Field(
        None,
        description="Draw the weights again from this seed (unless weights are given).",
    )
    weights: Weights | None = Field(None, description="Exact weights, shaped as in the state.")
    biases: Biases | None = Field(None, description="Exact biases, shaped as in the state.")
    dataset: Dataset | None = Field(
        None, description="New examples (training and test); null removes them."
    )
    generate: Annotated[Generate | None, *NotNull] = Field(
        None,
        description="Replace the dataset with generated points (not together with `dataset`). "
        "The network needs 2 inputs and 1 output (2 with one_hot), or `layers` that have them.",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"learning_rate": 0.1, "name": "XOR"},
            **DATASET_OR_GENERATE,
        },
    )


class ExamplesAdd(Strict):
    """Body of POST …/examples: examples appended to the stored dataset."""

    x: Batch = Field(description="Inputs, one row of n_0 numbers per example.")
    y: Batch = Field(description="Targets, one row of n_L numbers per example.")
    test: bool = Field(False, description="true: add them to the test part, never trained on.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"x": [[0.25, -0.5]], "y": [[1.0]], "test": False}},
    )


class ExampleRemove(Strict):
    """Body of POST …/examples/remove: the stored example nearest to a point goes."""

    nearest: Row = Field(
        description="A point of the input space (n_0 numbers): the stored example, training "
        "or test, whose x is nearest to it (Euclidean distance) is removed."
    )

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"nearest": [0.2, 0.3]}}
    )


class NetworkState(NetworkSettings):
    """A network as stored: its settings, parameters, dataset and update count."""

    id: str = Field(description="Unguessable id (128 bits or more).")
    layers: list[int]
    weights: list[list[list[float]]] = Field(
        description="weights[k][r][q]: into unit r of layer k+1 from unit q of layer k."
    )
    biases: list[list[float]] = Field(description="biases[k][r]: bias of unit r of layer k+1.")
    seed: int
    dataset: Dataset | None
    updates: int = Field(description="How many weight updates have been applied.")


class ForwardRequest(Strict):
    """Body of POST …/forward. Omit x to use the stored dataset."""

    x: OmittedBatch = Field(None, description="Inputs; the stored dataset's x when omitted.")
    y: OmittedBatch = Field(None, description="Optional targets, to report the loss J; needs x.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"x": [[0.05, 0.1]]}, "dependentRequired": {"y": ["x"]}},
    )


class PredictRequest(ForwardRequest):
    """Body of POST …/predict. Omit x to use the stored dataset."""

    hidden: bool = Field(
        False,
        description="Also answer o of every hidden unit (`hidden`), for a picture of each "
        "unit over the input plane from the same request.",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"x": [[0.05, 0.1]], "hidden": True},
            "dependentRequired": {"y": ["x"]},
        },
    )


class BackwardRequest(Strict):
    """Body of POST …/backward. Omit both x and y to use the stored dataset."""

    x: OmittedBatch = Field(
        None,
        description="Inputs, one row of n_0 numbers per example; the stored dataset's "
        "x when both x and y are omitted.",
    )
    y: OmittedBatch = Field(
        None, description="Targets, one row of n_L numbers per example; required with x."
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"x": [[0.05, 0.1]], "y": [[0.01, 0.99]]},
            "dependentRequired": {"x": ["y"], "y": ["x"]},
        },
    )


MINIBATCH_RULES: list[JsonValue] = [
    {
        "if": {"properties": {"mode": {"const": "minibatch"}}, "required": ["mode"]},
        "then": {"required": ["batch_size"], "properties": {"batch_size": {"type": "integer"}}},
    },
    {
        "if": {"required": ["batch_size"], "properties": {"batch_size": {"type": "integer"}}},
        "then": {"properties": {"mode": {"const": "minibatch"}}, "required": ["mode"]},
    },
]
"""batch_size goes with mode 'minibatch', and only with it (null counts as absent)."""


class StepRequest(BackwardRequest):
    """Body of POST …/step: one or more epochs of gradient descent."""

    mode: Mode = Field(
        "batch",
        description="'batch': one update per epoch from the whole batch (the lecture notes' rule). "
        "'online': one update per example, in the order given. 'minibatch': one update per "
        "mini-batch of `batch_size` examples, ⌈N/B⌉ an epoch, in an order drawn each epoch "
        "from the network's seed and update count (docs/api.md).",
    )
    batch_size: (
        Annotated[int, Field(ge=1, le=LIMITS.max_examples), BeforeValidator(integral)] | None
    ) = Field(
        None,
        validate_default=True,
        description="B, with mode 'minibatch' only (and required there): examples per update, "
        "1 to N (the examples the step trains on); the last mini-batch of an epoch holds the "
        "N mod B left over. B = N is batch mode, B = 1 online mode in the epoch's order.",
        examples=[4],
    )
    epochs: Int = Field(1, ge=1, le=LIMITS.max_epochs, description="Passes over the batch.")
    frames: Annotated[int, Field(ge=1, le=MAX_FRAMES), BeforeValidator(integral)] | None = Field(
        None,
        description="Split the epochs into this many equal frames (epochs must be a multiple "
        "of it) and answer with the state after each (`frames`): what the page animates "
        "while it asks for the next batch. Absent: no `frames` in the answer.",
        examples=[10],
    )
    grid: Annotated[int, Field(ge=2, le=MAX_GRID), BeforeValidator(integral)] | None = Field(
        None,
        description="A 2-input network only: answer with `grid`, o of every output unit at "
        "the n × n points of the page's input plane after the step (the page's heatmap, "
        "without a separate /predict).",
        examples=[25],
    )
    grid_hidden: bool = Field(
        False,
        description="With `grid`: o of every hidden unit at those points too (the units' "
        "pictures).",
    )

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"x": [[0.05, 0.1]], "y": [[0.01, 0.99]], "mode": "batch", "epochs": 1},
            "examples": [
                {"mode": "batch", "epochs": 50, "frames": 10, "grid": 25, "grid_hidden": True}
            ],
            "dependentRequired": {"x": ["y"], "y": ["x"]},
            "allOf": MINIBATCH_RULES,
        },
    )

    @field_validator("batch_size")
    @classmethod
    def _batch_size_with_minibatch(cls, value: int | None, info: ValidationInfo) -> int | None:
        """B goes with mode 'minibatch' and only with it (checked after `mode`, so a bad
        mode is named first)."""
        mode = info.data.get("mode")
        if mode == "minibatch" and value is None:
            raise PydanticCustomError("batch_size_needed", "is required with mode 'minibatch'")
        if mode is not None and mode != "minibatch" and value is not None:
            raise PydanticCustomError(
                "batch_size_unused",
                "is for mode 'minibatch' only, not '{mode}'",
                {"mode": mode},
            )
        return value


class ForwardResponse(BaseModel):
    net: list[list[list[float]]] = Field(description="net[k-1][i][r]: net_r of layer k, k = 1..L.")
    activations: list[list[list[float]]] = Field(
        description="activations[k][i][r]: o_r of layer k, k = 0..L; activations[0] is x."
    )
    output: list[list[float]] = Field(description="o of the output layer, [N][n_L].")
    loss: float | None = Field(description="J over the batch, when targets are known.")


class PredictResponse(BaseModel):
    output: list[list[float]] = Field(
        description="o of the output layer, [N][n_L]: forward's `output` without the rest."
    )
    hidden: list[list[list[float]]] | None = Field(
        None,
        description="Only when asked (`hidden: true`): hidden[k-1][i][r], o_r of hidden "
        "layer k (k = 1..L−1) for example i; forward's `activations[1:-1]`.",
    )


class Gradients(BaseModel):
    weights: list[list[list[float]]] = Field(
        description="∂J/∂w_rq, shaped like weights: the total the update uses, "
        "weights_data + weights_penalty."
    )
    biases: list[list[float]] = Field(description="∂J/∂b_r, shaped like biases (no penalty).")


class BackwardGradients(Gradients):
    weights_data: list[list[list[float]]] | None = Field(
        description="The data part of ∂J/∂w_rq: −Σ_i δ_r u_rq (divided by N for 'mean'). "
        "null when l2 is 0: then it is `weights` itself."
    )
    weights_penalty: list[list[list[float]]] | None = Field(
        description="The L2 part of ∂J/∂w_rq: λ w_rq. null when l2 is 0: then it is zero."
    )


class BackwardResponse(ForwardResponse):
    deltas: list[list[list[float]]] = Field(
        description="deltas[k-1][i][r]: δ_r = −∂J_i/∂net_r of layer k, k = 1..L."
    )
    gradients: BackwardGradients = Field(
        description="∂J/∂w = −Σ_i δ_r u_rq + λ w over the batch, and its two parts."
    )
    weight_deltas: list[list[list[float]]] = Field(description="Δw = −η ∂J/∂w.")
    bias_deltas: list[list[float]] = Field(description="Δb = −η ∂J/∂b; zeros when frozen.")
    loss: float = Field(description="J over the batch: data_loss + penalty.")
    data_loss: float = Field(description="Σ_i J_i over the batch (or its mean).")
    penalty: float = Field(description="(λ/2) Σ w² over the weights before the update.")


class StepFrame(BaseModel):
    """The network after one frame of a step (an equal share of its epochs)."""

    updates: int = Field(description="The network's update count after the frame.")
    loss: float = Field(description="J over the whole batch after the frame.")
    weights: list[list[list[float]]] = Field(description="w after the frame, as `weights`.")
    biases: list[list[float]] = Field(description="b after the frame, as `biases`.")


class StepGrid(BaseModel):
    """o over the page's input plane after the step: point row·n + col is
    (a_lo + (a_hi − a_lo)·col/(n − 1), b_hi − (b_hi − b_lo)·row/(n − 1))."""

    n: int = Field(description="Points a side: n² points, row by row from the top.")
    bounds: list[list[float]] = Field(
        description="[[a_lo, a_hi], [b_lo, b_hi]]: the plane of the first and second input, "
        "as the page's heatmap chooses it from the stored examples (training and test): "
        "[−1.2, 1.2]² when they all lie within 1.2 of 0 and one is negative, else their "
        "range padded by a tenth on each side; the step's own x without stored examples.",
        examples=[[[-1.2, 1.2], [-1.2, 1.2]]],
    )
    output: list[list[float]] = Field(description="o of the output layer, [n²][n_L].")
    hidden: list[list[list[float]]] | None = Field(
        description="With `grid_hidden`: hidden[k-1][i][r], o_r of hidden layer k at point i; "
        "else null."
    )


class StepResponse(BackwardResponse):
    network: NetworkState = Field(description="The network after all updates.")
    frames: list[StepFrame] | None = Field(
        None,
        description="Only when asked (`frames`): the state after each frame, oldest first; "
        "the last is `network`'s.",
    )
    grid: StepGrid | None = Field(
        None, description="Only when asked (`grid`): o over the input plane after the step."
    )
    minibatch: list[int] | None = Field(
        None,
        description="Mode 'minibatch' only (absent otherwise): the examples of the first "
        "update's mini-batch, as indices into the examples trained on (x, or the stored "
        "dataset), in the order of the answer's rows of net, o and δ, which are theirs.",
        examples=[[0, 3, 5]],
    )
    losses: list[float] = Field(description="J over the whole batch after each epoch.")
    test_losses: list[float] | None = Field(
        description="J over the stored test examples after each epoch, when the step trained "
        "on the stored dataset and it has a test part; else null."
    )
    evaluation: Evaluation | None = Field(
        description="J and accuracy on the stored training and test examples after the step, "
        "when it trained on the stored dataset; else null."
    )


class SetScore(BaseModel):
    loss: float = Field(
        description="J on this set: Σ_i J_i over its examples (or their mean) + (λ/2) Σ w²."
    )
    accuracy: float | None = Field(
        description="The fraction of its examples classified right (one output: class 1 where "
        "o ≥ ½; several: the largest o), or null when the targets are not 0/1 classes "
        "(one-hot with several outputs)."
    )
    examples: int = Field(description="How many examples the set has.")
    confusion: list[list[int]] | None = Field(
        None,
        description="With `accuracy`: confusion[t][p], how many examples of true class t the "
        "network puts in class p, by accuracy's rule (one output: classes 0 and 1, class 1 "
        "where o ≥ ½; several: the largest o). Its diagonal's sum over `examples` is the "
        "accuracy. null when accuracy is.",
        examples=[[[12, 3], [1, 14]]],
    )


class Evaluation(BaseModel):
    """J and accuracy on the stored training and test examples, with the weights after the
    step."""

    train: SetScore
    test: SetScore | None = Field(description="null when the dataset has no test part.")


class GradientCheckResponse(BaseModel):
    backprop: Gradients
    numerical: Gradients = Field(
        description="Centered finite differences (J(w+ε) − J(w−ε)) / 2ε, for every weight."
    )
    epsilon: float
    max_relative_error: float


class Problem(BaseModel):
    field: str = Field(description="The field at fault, e.g. 'x[3]' or 'body'.")
    message: str


class ErrorResponse(BaseModel):
    """Every 4xx and 503 has this body."""

    detail: str = Field(description="One readable sentence naming the field and the problem.")
    errors: list[Problem] = Field(default_factory=list)


def error_body(problems: list[tuple[str, str]]) -> bytes:
    """The ErrorResponse of (field, problem) pairs, as JSON: the body of every refusal."""
    return (
        ErrorResponse(
            detail="; ".join(f"{field}: {message}" for field, message in problems),
            errors=[Problem(field=f, message=m) for f, m in problems],
        )
        .model_dump_json()
        .encode()
    )


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic error's location as the field an error names: ("body", "x", 3, 1) ->
    "x[3][1]"; ("body",) -> "body"."""
    parts = list(loc[1:] if loc and loc[0] in ("body", "query", "path") else loc)
    if not parts:
        return str(loc[0]) if loc else "body"
    text = str(parts[0])
    for part in parts[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


class Health(BaseModel):
    status: Literal["ok"]


UpdateNumber = Annotated[int, Field(ge=0, le=2**53), BeforeValidator(integral)]
"""An update count: 0 is the network as created, k the state after its k-th update."""


class HistoryEntry(BaseModel):
    """One recorded state of a network."""

    entry: int = Field(description="Its number: entries are numbered in the order they were made.")
    update: int = Field(description="How many updates the network had in this state.")
    kind: Literal["create", "step", "edit"] = Field(
        description="What made it: 'create' (the network as created, or as the teacher reset "
        "it), 'step' (POST …/step) or 'edit' (PATCH)."
    )
    loss: float | None = Field(description="J over the stored dataset in this state.")
    branch: bool = Field(
        description="After the current state: undone by a rewind, kept until the next step or "
        "edit replaces it (a rewind to it redoes it)."
    )
    mode: Mode | None = Field(
        None,
        description="A step on the stored dataset: the mode it trained in (null for other "
        "entries, and for steps recorded before modes were).",
    )
    batch_size: int | None = Field(
        None, description="A 'minibatch' step's B; else null.", examples=[4]
    )


class HistoryResponse(BaseModel):
    """Body of GET …/history: every state kept, oldest first (docs/api.md says which)."""

    entries: list[HistoryEntry]
    current: int | None = Field(
        description="The entry the network is at (null for a network that has none yet)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "entries": [
                    {"entry": 0, "update": 0, "kind": "create", "loss": 0.298, "branch": False},
                    {"entry": 1, "update": 1, "kind": "step", "loss": 0.291, "branch": False},
                ],
                "current": 1,
            }
        }
    )


class RewindRequest(Strict):
    """Body of POST …/rewind: the state to go back (or forward) to."""

    update: UpdateNumber = Field(
        description="The update count of the state: the last one recorded at that count."
    )
    entry: UpdateNumber | None = Field(
        None,
        description="Which entry, when several have that update count (a step, then edits); "
        "it must be one of them.",
    )

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"update": 1}})


class TraceResponse(BaseModel):
    """Body of GET …/trace.json: pandas.read_json(url, orient="split",
    precise_float=True) reads it as a table."""

    columns: list[str] = Field(
        description="'update', 'loss', then every weight and bias by its JSON path: "
        "'weights[0][0][0]', …, 'biases[1][0]'."
    )
    data: list[list[float | None]] = Field(
        description="One row per recorded state from the first to the current one (those "
        "with the network's present layers), oldest first."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "columns": ["update", "loss", "weights[0][0][0]", "biases[0][0]"],
                "data": [[0, 0.298, 0.15, 0.35], [1, 0.291, 0.1497, 0.3456]],
            }
        }
    )


MAX_SURFACE_N = 61
MAX_SURFACE_SPAN = 1000.0


class SurfaceRequest(Strict):
    """Body of POST …/surface: J over a grid of two parameters' values."""

    weights: Annotated[
        list[Annotated[str, Field(pattern=SURFACE_PATH, max_length=40)]],
        Field(min_length=2, max_length=2, json_schema_extra={"uniqueItems": True}),
    ] = Field(
        description="The two parameters, by their JSON paths: 'weights[k][r][q]' is w_rq "
        "of layer k + 1, 'biases[k][r]' its b_r. Two different ones of this network."
    )
    n: Int = Field(
        41,
        ge=3,
        le=MAX_SURFACE_N,
        description="Points on each axis; odd n puts the current values at the centre.",
    )
    span: float = Field(
        2.0,
        gt=0,
        le=MAX_SURFACE_SPAN,
        allow_inf_nan=False,
        description="Each axis runs from the parameter's current value − span to + span.",
    )

    @field_validator("weights")
    @classmethod
    def _different(cls, paths: list[str]) -> list[str]:
        if paths[0] == paths[1]:
            raise ValueError("the two parameters must differ")
        return paths

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"weights": ["weights[1][0][0]", "weights[1][0][1]"], "n": 41, "span": 2.0}
        },
    )


class SurfaceResponse(BaseModel):
    """J over the grid, every other weight and bias held at its current value."""

    weights: list[str] = Field(description="The two parameters, as asked.")
    axes: list[list[float]] = Field(
        description="axes[0]: the n values of the first parameter, axes[1] of the second."
    )
    loss: list[list[float | None]] = Field(
        description="loss[i][j]: J over the stored training examples (with its L2 term) "
        "at (axes[0][i], axes[1][j]); null where it overflows float64."
    )
    at: list[float] = Field(description="The two parameters' current values (the centre).")


class ForkRequest(Strict):
    """Body of POST …/fork: the one setting the copy changes; `{}` copies it unchanged. The
    settings offered are those that leave the weights as they are."""

    learning_rate: Annotated[float | None, *NotNull] = Field(
        None,
        gt=0,
        le=LIMITS.max_learning_rate,
        allow_inf_nan=False,
        description="η of the fork (Δw = −η ∂J/∂w): the lesson on the learning rate.",
    )
    l2: Annotated[float | None, *NotNull] = Field(
        None, ge=0, le=LIMITS.max_l2, allow_inf_nan=False, description="λ of the fork's L2 term."
    )
    hidden_activation: Annotated[Activation | None, *NotNull] = Field(
        None, description="f of the fork's hidden units."
    )
    output_activation: Annotated[Activation | None, *NotNull] = Field(
        None, description="f of the fork's output units."
    )
    loss: Annotated[Loss | None, *NotNull] = Field(None, description="The fork's J.")
    reduction: Annotated[Reduction | None, *NotNull] = Field(
        None, description="sum or mean over the examples."
    )
    train_biases: Annotated[bool | None, *NotNull] = Field(
        None, description="false freezes the fork's biases."
    )

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"example": {"learning_rate": 2.0}, "maxProperties": 1},
    )


class ForkLink(BaseModel):
    """One end of a fork: a network and the origin's state it was copied from."""

    id: str = Field(description="The network's id.")
    update: int = Field(description="The origin's update count when the fork was made.")
    entry: int | None = Field(
        description="The origin's history entry the fork was copied from (…/history)."
    )
    changed: dict[str, Any] = Field(
        description="The setting the fork changed, with its value in the fork ({} for none)."
    )


class ForksResponse(BaseModel):
    """Body of GET …/forks: where the network was forked from, and its forks."""

    origin: ForkLink | None = Field(
        description="The network this one is a fork of (null: not a fork, or that one is gone)."
    )
    forks: list[ForkLink] = Field(
        description="The live forks of this network, oldest first (at most 50)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "origin": None,
                "forks": [
                    {"id": "k3Jd…", "update": 120, "entry": 7, "changed": {"learning_rate": 2.0}}
                ],
            }
        }
    )
