"""/api/networks: create, read, change, and run the three phases of backpropagation.

Each route: validate, load, compute (app.nn), save, respond, on one path. Routes are `async`
and run on the event loop: a small network's pass takes microseconds, less than handing the
request to another thread and back. Work above `INLINE_WORK` (the cost `validate.work`
counts) runs on a worker thread instead, once per request, so the loop keeps serving the
class; a step there stops at its next update if the client goes away, and saves nothing.
Responses are serialized by orjson straight from numpy arrays; the response models document
them in /docs.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app import nn, presets
from app.api import validate
from app.api.errors import ApiError, orjson_bytes
from app.config import LIMITS
from app.nn import Array
from app.presets.datasets import generate
from app.schemas import (
    BackwardRequest,
    BackwardResponse,
    Dataset,
    ErrorResponse,
    ExampleRemove,
    ExamplesAdd,
    ForwardRequest,
    ForwardResponse,
    Generate,
    GradientCheckResponse,
    NetworkCreate,
    NetworkId,
    NetworkPatch,
    NetworkSettings,
    NetworkState,
    PredictRequest,
    PredictResponse,
    StepRequest,
    StepResponse,
    UpdateNumber,
    engine_config,
)
from app.store import NetworkStore, StoredNetwork
from app.store.base import NotRecorded

router = APIRouter(prefix="/api/networks", tags=["networks"])
T = TypeVar("T")

INLINE_WORK = 200_000
"""Requests that cost less than this (validate.work's multiply-adds: about 2 ms) run on the
event loop; larger ones on a worker thread (bench/cost_bound.py measures both)."""

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (404, "No network has this id."),
        (413, "The body is too large."),
        (
            409,
            "The body is valid but does not fit the network (its layers, settings or "
            "dataset, or the work and answer size they allow); the message names the field. "
            "Nothing changed.",
        ),
        (415, "The body is not JSON."),
        (422, "A field is invalid; the message names it. Nothing changed."),
        (429, "Too many requests from this address."),
        (503, "The database cannot take the change now. Nothing changed."),
    )
}

CLASS_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorResponse,
        "description": "The teacher locked this field (a class network).",
    },
    423: {"model": ErrorResponse, "description": "The teacher paused the class. Nothing changed."},
}


async def get_store(request: Request) -> NetworkStore:
    """`async` on purpose: FastAPI runs a plain `def` dependency in the thread pool, one more
    hop between threads per request for a mere attribute read."""
    store: NetworkStore = request.app.state.store
    return store


StoreDep = Annotated[NetworkStore, Depends(get_store)]


class ClassroomHook(Protocol):
    """What the network routes tell the classroom (app/classroom/service.py): a class
    network's locks refuse PATCH fields, and forward and backward show on the card."""

    def check_patch(self, network_id: str, fields: dict[str, Any]) -> None: ...

    def note_phase(self, network_id: str, phase: str) -> None: ...


def classroom_hook(request: Request) -> ClassroomHook:
    hook: ClassroomHook = request.app.state.classroom
    return hook


IdPath = Annotated[NetworkId, Path(description="The network's id, from POST /api/networks.")]
EntryQuery = Annotated[
    UpdateNumber | None,
    Query(description="Which entry, when several have that update count (see …/history)."),
]
AtQuery = Annotated[
    UpdateNumber | None,
    Query(description="Use the state recorded after this update (…/history): the timeline."),
]


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(orjson_bytes(payload), status, media_type="application/json")


def recorded(
    store: NetworkStore, network_id: str, update: int, entry: int | None, status: int = 404
) -> StoredNetwork:
    """The state after update `update` (entry `entry` if given), or a `status` naming it:
    404 where the state is what is asked for, 409 where a change needs it (a rewind)."""
    try:
        return store.recorded(network_id, update, entry)
    except NotRecorded as missing:
        if entry is not None:
            raise ApiError(
                status, "entry", f"no entry {entry} was recorded at update {update}"
            ) from missing
        raise ApiError(
            status,
            "update",
            f"update {update} is not in the history (not reached, inside a step of several "
            "updates, or thinned away); GET …/history lists the states kept",
        ) from missing


# -- conversions -----------------------------------------------------------------------------
def state(network: StoredNetwork) -> dict[str, Any]:
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
    return {
        "net": trace.net,
        "activations": trace.activations,
        "output": trace.output,
        "loss": loss,
    }


def backward_payload(result: nn.Backward, split: bool) -> dict[str, Any]:
    """`split`: the gradient's data and penalty parts too (only an L2 term makes them differ
    from the whole gradient and from zeros)."""
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


def scored(network: StoredNetwork, body: StepRequest) -> list[tuple[Array, Array]]:
    """The sets a step's evaluation scores: the stored training examples and the test part,
    when it trains on the stored dataset."""
    if body.x is not None or network.dataset is None:
        return []
    return [network.dataset] + ([] if network.test is None else [network.test])


def score_numbers(sets: list[tuple[Array, Array]]) -> int:
    """How many numbers the evaluation of `sets` holds: J and the count of each, and its
    accuracy when its targets name classes."""
    return sum(2 + nn.is_classes(y) for _, y in sets)


def evaluation(network: StoredNetwork, sets: list[tuple[Array, Array]]) -> dict[str, Any] | None:
    """J and accuracy on the sets `scored` names (None when there are none)."""
    if not sets:
        return None
    cfg = engine_config(network.settings)
    scores = [score(network.params, cfg, data) for data in sets]
    return {"train": scores[0], "test": scores[1] if len(scores) > 1 else None}


def examples(
    network: StoredNetwork,
    x: list[list[float]] | None,
    y: list[list[float]] | None,
    need_y: bool,
) -> tuple[Array, Array | None]:
    """The batch a request names, or the stored dataset when it names none."""
    if x is None:
        if y is not None:
            raise ApiError(422, "x", "is required when y is given")
        if network.dataset is None:
            raise ApiError(409, "x", "is required: the network has no stored dataset")
        return network.dataset
    xs, ys = validate.batch(x, y, network.layers, network.settings)
    if need_y and ys is None:
        raise ApiError(422, "y", "is required when x is given")
    return xs, ys


def yield_then(gone: threading.Event) -> bool:
    """Asked before every update of a long step: let the event loop have the GIL if it is
    waiting for it (sleep(0) releases it, and a waiting thread takes it), then say whether
    the client is gone. Without it the loop waited up to the interpreter's switch interval
    (5 ms) at each of a request's system calls, and every other student's step took hundreds
    of milliseconds while one long step ran (bench/stall.py)."""
    time.sleep(0)
    return gone.is_set()


async def run(request: Request, cost: int, work: Callable[[Callable[[], bool]], T]) -> T:
    """Run `work(stop)`: on the event loop when `cost` is small, else on a worker thread,
    where `stop()` turns true once the client has gone away."""
    if cost < INLINE_WORK:
        return work(lambda: False)
    gone = threading.Event()

    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.create_task(watch())
    try:
        return await anyio.to_thread.run_sync(work, lambda: yield_then(gone))
    finally:
        watcher.cancel()


async def forward_pass(
    request: Request,
    store: NetworkStore,
    network_id: str,
    body: ForwardRequest,
    payload: validate.Payload = "forward",
    at: tuple[int, int | None] | None = None,
) -> tuple[nn.Config, nn.Params, nn.Trace, Array | None]:
    """Load (the state recorded at update `at` when given), check the batch and its cost, run
    forward: what /forward and /predict share."""
    network = store.get(network_id) if at is None else recorded(store, network_id, *at)
    x, y = examples(network, body.x, body.y, need_y=False)
    cost = validate.work(network.layers, len(x), field="x")
    validate.response(network.layers, len(x), payload, "x" if body.x else "dataset")
    cfg, params = engine_config(network.settings), network.params
    return cfg, params, await run(request, cost, lambda _: nn.forward(params, cfg, x)), y


def build(body: NetworkCreate) -> StoredNetwork:
    """A new network from a create request (and the preset it names, if any)."""
    if body.preset is not None:
        base = presets.get(body.preset)
        if base is None:
            raise ApiError(404, "preset", f"no preset is named {body.preset!r}; see /api/presets")
        merged = presets.under(base, body.model_dump(exclude_unset=True, exclude={"preset"}))
        body = NetworkCreate.model_validate(merged)
    if body.layers is None:
        raise ApiError(422, "layers", "is required unless a preset is given")
    settings = NetworkSettings.model_validate(
        body.model_dump(include=set(NetworkSettings.model_fields))
    )
    validate.settings(settings)
    layers = body.layers
    params = nn.init_params(layers, body.seed, settings.init, settings.init_scale)
    if body.weights is not None or body.biases is not None:
        params = validate.params(
            layers,
            body.weights if body.weights is not None else [w.tolist() for w in params.weights],
            body.biases if body.biases is not None else [b.tolist() for b in params.biases],
        )
    data, test = new_dataset(body.dataset, body.generate, layers, settings)
    return StoredNetwork(secrets.token_urlsafe(24), settings, body.seed, params, data, test=test)


def new_dataset(
    dataset: Dataset | None, spec: Generate | None, layers: list[int], settings: NetworkSettings
) -> tuple[validate.Examples | None, validate.Examples | None]:
    """The examples a body gives, as numbers or drawn by a generator: (training, test)."""
    if spec is None:
        return validate.dataset(dataset, layers, settings) if dataset else (None, None)
    if dataset is not None:
        raise ApiError(422, "generate", "give either dataset or generate, not both")
    if spec.twice():
        raise ApiError(409, "generate.generate", str(spec.twice()))
    outputs = 2 if spec.one_hot else 1
    if (layers[0], layers[-1]) != (2, outputs):
        raise ApiError(
            409,
            "generate",
            f"draws 2 inputs and {outputs} output{'s' * (outputs > 1)}; layers {layers} have "
            f"{layers[0]} and {layers[-1]}: send layers that fit too",
        )
    return validate.dataset(Dataset.model_validate(generate(spec)), layers, settings, "generate.")


def patch(network: StoredNetwork, body: NetworkPatch) -> None:
    """Apply a PATCH to a loaded network; raises before changing anything if a field is bad."""
    fields = body.model_dump(exclude_unset=True)
    # null means "unchanged" for every setting but `name` (where null clears the label)
    settings = network.settings.model_copy(
        update={
            k: v
            for k, v in fields.items()
            if k in NetworkSettings.model_fields and (v is not None or k == "name")
        }
    )
    settings = NetworkSettings.model_validate(settings.model_dump())
    validate.settings(settings)
    layers = body.layers or network.layers
    seed = body.seed if body.seed is not None else network.seed
    params = network.params
    drawn = (network.settings.init, network.settings.init_scale) != (
        settings.init,
        settings.init_scale,
    )
    if (
        (body.layers is not None and body.layers != network.layers)
        or body.seed is not None
        or drawn
    ):
        # new layers, a seed given, or another way of drawing: draw again
        params = nn.init_params(layers, seed, settings.init, settings.init_scale)
    if body.weights is not None or body.biases is not None:
        params = validate.params(
            layers,
            body.weights if body.weights is not None else [w.tolist() for w in params.weights],
            body.biases if body.biases is not None else [b.tolist() for b in params.biases],
        )
    data, test = network.dataset, network.test
    if body.dataset is not None or body.generate is not None:
        data, test = new_dataset(body.dataset, body.generate, layers, settings)
    elif "dataset" in fields:
        data, test = None, None  # explicit null removes the dataset
    elif data is not None:  # kept: it must suit the final layers and settings too
        validate.stored_dataset(data, layers, settings, test)
    network.settings, network.seed, network.params = settings, seed, params
    network.dataset, network.test = data, test


# -- routes ----------------------------------------------------------------------------------
@router.post(
    "", status_code=201, response_model=NetworkState, responses=ERRORS, summary="Create a network"
)
async def create_network(body: NetworkCreate, store: StoreDep) -> Response:
    """A new network from `layers` (weights drawn from `seed`, or given exactly) or a preset."""
    network = build(body)
    store.create(network)
    return json_response(state(network), 201)


@router.get(
    "/{network_id}", response_model=NetworkState, responses=ERRORS, summary="Read a network"
)
async def get_network(network_id: IdPath, store: StoreDep) -> Response:
    return json_response(state(store.get(network_id)))


@router.patch(
    "/{network_id}",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Change settings, weights, biases or the dataset",
)
async def patch_network(
    network_id: IdPath, body: NetworkPatch, store: StoreDep, request: Request
) -> Response:
    """Omitted fields stay. New `layers`, or a `seed`, draw the weights again from the seed
    unless weights are given too; `"dataset": null` removes the dataset. In a class, a field
    the teacher locked is refused (403), and nothing changes while the class is paused (423)."""
    classroom_hook(request).check_patch(network_id, body.model_dump(exclude_unset=True))
    return changed(store, network_id, lambda network: patch(network, body))


def changed(
    store: NetworkStore, network_id: str, edit: Callable[[StoredNetwork], None]
) -> Response:
    """Apply `edit` to the stored network (store.modify) and answer with its new state."""

    def change(network: StoredNetwork) -> StoredNetwork:
        edit(network)
        return network

    return json_response(state(store.modify(network_id, change)))


@router.delete(
    "/{network_id}",
    status_code=204,
    responses={**ERRORS, 423: CLASS_ERRORS[423]},
    summary="Delete a network",
)
async def delete_network(network_id: IdPath, store: StoreDep) -> Response:
    if not store.delete(network_id):
        raise ApiError(404, "id", "no network has this id (it may have expired)")
    return Response(status_code=204)


@router.post(
    "/{network_id}/forward",
    response_model=ForwardResponse,
    responses=ERRORS,
    summary="Forward pass: net and o of every unit",
)
async def forward(
    network_id: IdPath,
    store: StoreDep,
    request: Request,
    body: ForwardRequest | None = None,
    update: AtQuery = None,
    entry: EntryQuery = None,
) -> Response:
    """net_r = Σ_q w_rq u_rq + b_r and o_r = f(net_r), layer by layer. With `update` (and
    `entry`), with the weights of that recorded state (and its dataset, when x is not
    given): the numbers the page's timeline shows. Changes nothing."""
    at = None if update is None else (update, entry)
    body = body or ForwardRequest()
    cfg, params, trace, y = await forward_pass(request, store, network_id, body, "forward", at)
    payload = forward_payload(trace, None if y is None else nn.objective(params, cfg, trace, y))
    if at is None:
        classroom_hook(request).note_phase(network_id, "forward")
    return json_response(payload)


@router.post(
    "/{network_id}/predict",
    response_model=PredictResponse,
    responses=ERRORS,
    summary="The output o for many inputs (and, when asked, every hidden unit's o)",
)
async def predict(
    network_id: IdPath,
    store: StoreDep,
    request: Request,
    body: PredictRequest | None = None,
    update: AtQuery = None,
    entry: EntryQuery = None,
) -> Response:
    """forward's `output` alone: what a chart of the output over the input plane needs, at a
    fraction of the bytes (no net or o of the hidden layers). With `hidden: true`, also o of
    every hidden unit, so one request draws every unit's picture too. With `update` (and
    `entry`), the weights of that recorded state: the page's timeline. Changes nothing."""
    body = body or PredictRequest()
    payload: validate.Payload = "predict_hidden" if body.hidden else "predict"
    at = None if update is None else (update, entry)
    _, _, trace, _ = await forward_pass(request, store, network_id, body, payload, at)
    answer: dict[str, Any] = {"output": trace.output}
    if body.hidden:
        answer["hidden"] = trace.activations[1:-1]
    return json_response(answer)


@router.post(
    "/{network_id}/backward",
    response_model=BackwardResponse,
    responses=ERRORS,
    summary="Backward pass: δ of every unit, ∂J/∂w and Δw of every weight",
)
async def backward(
    network_id: IdPath, store: StoreDep, request: Request, body: BackwardRequest | None = None
) -> Response:
    """δ_l = −∂J_i/∂o_l · f'(net_l) at the outputs, δ_j = f'(net_j) Σ_l w_lj δ_l below,
    ∂J/∂w_rq = −Σ_i δ_r u_rq, Δw = −η ∂J/∂w. Changes nothing."""
    body = body or BackwardRequest()
    network = store.get(network_id)
    x, y = examples(network, body.x, body.y, need_y=True)
    assert y is not None
    cost = validate.work(network.layers, len(x), passes=2, field="x")
    split = network.settings.l2 > 0
    field = "x" if body.x else "dataset"
    validate.response(network.layers, len(x), "backward", field, split=split)
    cfg = engine_config(network.settings)
    result = await run(request, cost, lambda _: nn.backward(network.params, cfg, x, y))
    classroom_hook(request).note_phase(network_id, "backward")
    return json_response(backward_payload(result, split))


def held_out(network: StoredNetwork, body: StepRequest) -> tuple[Array, Array] | None:
    """The test examples a step measures: the stored ones, when it trains on the stored
    dataset."""
    return network.test if body.x is None else None


def step_cost(network: StoredNetwork, body: StepRequest, n: int) -> int:
    """What a step of `n` examples costs (validate.work): per epoch a forward and a backward
    pass, then J over the batch; per update the fixed cost of its passes. Test examples are
    counted as training ones (their one forward pass per epoch costs less)."""
    updates = body.epochs * (n if body.mode == "online" else 1)
    test = held_out(network, body)
    n += 0 if test is None else len(test[0])
    return validate.work(network.layers, n, body.epochs, passes=3, updates=updates)


def step_change(body: StepRequest, stop: Callable[[], bool]) -> Callable[[StoredNetwork], bytes]:
    """The change a step makes: train, keep the new weights, return the response's bytes
    (built from the network it just changed)."""

    def change(network: StoredNetwork) -> bytes:
        x, y = examples(network, body.x, body.y, need_y=True)
        assert y is not None
        step_cost(network, body, len(x))
        stored = sum(a.size for a in (*(network.dataset or ()), *(network.test or ())))
        field = "x" if body.x else "dataset"
        test, sets, split = held_out(network, body), scored(network, body), network.settings.l2 > 0
        validate.response(
            network.layers,
            len(x),
            "step",
            field,
            body.epochs,
            stored,
            split=split,
            tested=test is not None,
            scores=score_numbers(sets),
        )
        result = nn.train(
            network.params,
            engine_config(network.settings),
            x,
            y,
            mode=body.mode,
            epochs=body.epochs,
            stop=stop,
            test=test,
        )
        network.params = result.params
        network.updates += result.updates
        if body.x is None:  # trained on the stored dataset: J after it is the history's
            network.loss = result.losses[-1]
        return orjson_bytes(
            {
                **backward_payload(result.first, split),
                "network": state(network),
                "losses": result.losses,
                "test_losses": None if test is None else result.test_losses,
                "evaluation": evaluation(network, sets),
            }
        )

    return change


@router.post(
    "/{network_id}/step",
    response_model=StepResponse,
    responses={**ERRORS, 423: CLASS_ERRORS[423]},
    summary="Update: apply Δw, for one or more epochs",
)
async def step(
    network_id: IdPath, store: StoreDep, request: Request, body: StepRequest | None = None
) -> Response:
    """Returns the backward pass that produced the first update, the network after all
    updates, and J over the whole batch after each epoch. All or nothing: an update that
    would make a weight non-finite leaves the network as it was."""
    body = body or StepRequest()
    network = store.get(network_id)
    x, _ = examples(network, body.x, body.y, need_y=True)
    cost = step_cost(network, body, len(x))
    content = await run(
        request, cost, lambda stop: store.modify(network_id, step_change(body, stop))
    )
    return Response(content, media_type="application/json")


@router.post(
    "/{network_id}/gradient-check",
    response_model=GradientCheckResponse,
    responses=ERRORS,
    summary="Compare backprop's ∂J/∂w with finite differences",
)
async def gradient_check(
    network_id: IdPath, store: StoreDep, request: Request, body: BackwardRequest | None = None
) -> Response:
    """For every weight, (J(w + ε) − J(w − ε)) / 2ε beside backprop's ∂J/∂w."""
    body = body or BackwardRequest()
    network = store.get(network_id)
    x, y = examples(network, body.x, body.y, need_y=True)
    assert y is not None
    count = validate.parameter_count(network.layers)
    cost = validate.work(network.layers, len(x), passes=2 * count, field="x")
    validate.response(network.layers, len(x), "gradient_check", "x")
    cfg = engine_config(network.settings)
    epsilon = 1e-6
    result, (num_w, num_b) = await run(
        request,
        cost,
        lambda _: (
            nn.backward(network.params, cfg, x, y),
            nn.numerical_gradients(network.params, cfg, x, y, epsilon),
        ),
    )
    worst = 0.0
    for exact, approx in zip(
        [*result.grad_weights, *result.grad_biases], [*num_w, *num_b], strict=True
    ):
        scale = abs(exact) + abs(approx)
        mask = scale > 1e-12
        if mask.any():
            worst = max(worst, float((abs(exact - approx)[mask] / scale[mask]).max()))
    return json_response(
        {
            "backprop": {"weights": result.grad_weights, "biases": result.grad_biases},
            "numerical": {"weights": num_w, "biases": num_b},
            "epsilon": epsilon,
            "max_relative_error": worst,
        }
    )


# -- examples: one at a time, as the page's clicks on the heatmap make them ------------------
def add_examples(network: StoredNetwork, body: ExamplesAdd) -> None:
    """Append the examples to the training or the test part; raises before changing anything."""
    x, y = validate.batch(body.x, body.y, network.layers, network.settings)
    assert y is not None
    part = network.test if body.test else network.dataset
    joined = (x, y) if part is None else (np.vstack([part[0], x]), np.vstack([part[1], y]))
    if len(joined[0]) > LIMITS.max_examples:
        raise ApiError(
            409,
            "x",
            f"the {'test' if body.test else 'training'} part would have "
            f"{len(joined[0])} examples, over the limit of {LIMITS.max_examples}",
        )
    if body.test:
        if network.dataset is None:
            raise ApiError(409, "test", "the network has no training examples yet: add those first")
        network.test = joined
    else:
        network.dataset = joined


def remove_nearest(network: StoredNetwork, body: ExampleRemove) -> None:
    """Remove the stored example (training or test) nearest to the point."""
    if network.dataset is None:
        raise ApiError(409, "nearest", "the network has no stored examples to remove")
    if len(body.nearest) != network.layers[0]:
        raise ApiError(
            409,
            "nearest",
            f"has {len(body.nearest)} values; the input layer has {network.layers[0]} units",
        )
    point = np.asarray(body.nearest, dtype=np.float64)
    parts = [network.dataset, *([network.test] if network.test is not None else [])]
    distances = [((x - point) ** 2).sum(axis=1) for x, _ in parts]
    which = min(range(len(parts)), key=lambda p: float(distances[p].min()))
    i = int(np.argmin(distances[which]))
    x, y = parts[which]
    rest = (np.delete(x, i, axis=0), np.delete(y, i, axis=0))
    if which == 1:
        network.test = rest if len(rest[0]) else None
    elif len(rest[0]):
        network.dataset = rest
    elif network.test is None:
        network.dataset = None  # the last example went: no dataset, as after "dataset": null
    else:
        raise ApiError(
            409,
            "nearest",
            "is the last training example; the test examples need one to stay "
            '(PATCH "dataset": null removes them all)',
        )


@router.post(
    "/{network_id}/examples",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Add examples to the stored dataset",
)
async def post_examples(
    network_id: IdPath, body: ExamplesAdd, store: StoreDep, request: Request
) -> Response:
    """Appends the examples to the training part (or, with `"test": true`, the test part)
    of the network's dataset; the rest of the dataset stays. A class's lock on the data
    refuses it, as it refuses PATCH of `dataset`."""
    classroom_hook(request).check_patch(network_id, {"dataset": body.model_dump()})
    return changed(store, network_id, lambda network: add_examples(network, body))


@router.post(
    "/{network_id}/examples/remove",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Remove the stored example nearest to a point",
)
async def remove_example(
    network_id: IdPath, body: ExampleRemove, store: StoreDep, request: Request
) -> Response:
    """Removes the one example, training or test, whose input x is nearest to `nearest`
    (ties: the training example first, then the lower index)."""
    classroom_hook(request).check_patch(network_id, {"dataset": body.model_dump()})
    return changed(store, network_id, lambda network: remove_nearest(network, body))
