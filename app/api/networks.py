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
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import nn
from app.api.deps import (
    CLASS_ERRORS,
    ERRORS,
    AtQuery,
    EntryQuery,
    IdPath,
    StoreDep,
    classroom_hook,
    json_response,
)
from app.networks import edits, passes, validate
from app.networks.history import recorded
from app.networks.passes import examples, step_change, step_cost
from app.networks.views import backward_payload, forward_payload, predict_payload, state, to_json
from app.nn import Array
from app.schemas import (
    BackwardRequest,
    BackwardResponse,
    ExampleRemove,
    ExamplesAdd,
    ForwardRequest,
    ForwardResponse,
    GradientCheckResponse,
    NetworkCreate,
    NetworkPatch,
    NetworkState,
    PredictRequest,
    PredictResponse,
    StepRequest,
    StepResponse,
    engine_config,
)
from app.store import NetworkStore, NotFound, StoredNetwork

router = APIRouter(prefix="/api/networks", tags=["networks"])
T = TypeVar("T")

INLINE_WORK = 200_000
"""Requests that cost less than this (validate.work's multiply-adds: about 2 ms) run on the
event loop; larger ones on a worker thread (bench/cost_bound.py measures both)."""


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


# -- routes ----------------------------------------------------------------------------------
@router.post(
    "", status_code=201, response_model=NetworkState, responses=ERRORS, summary="Create a network"
)
async def create_network(body: NetworkCreate, store: StoreDep) -> Response:
    """A new network from `layers` (weights drawn from `seed`, or given exactly) or a preset."""
    network = edits.build(body)
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
    return changed(store, network_id, lambda network: edits.patch(network, body))


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
        raise NotFound(network_id)
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
    return json_response(predict_payload(trace, body.hidden))


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
        request, cost, lambda stop: to_json(store.modify(network_id, step_change(body, stop)))
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
    result, (num_w, num_b), worst = await run(
        request, cost, lambda _: passes.gradient_check(network.params, cfg, x, y)
    )
    return json_response(
        {
            "backprop": {"weights": result.grad_weights, "biases": result.grad_biases},
            "numerical": {"weights": num_w, "biases": num_b},
            "epsilon": passes.EPSILON,
            "max_relative_error": worst,
        }
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
    return changed(store, network_id, lambda network: edits.add_examples(network, body))


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
    return changed(store, network_id, lambda network: edits.remove_nearest(network, body))
