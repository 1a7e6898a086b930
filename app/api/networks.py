"""/api/networks: create, read, change, and run the three phases of backpropagation.

Each route parses the request, calls the domain (app/networks) and answers with the one
function for that answer's shape (app/networks/views.py). Routes are plain `def`: FastAPI
runs them on its worker threads, so a store call (a PostgreSQL round trip, a SQLite lock
wait) or a long computation never holds the event loop (docs/benchmarks.md, "Route
style"). A step asks, before each update, whether its client went away, and then stops,
saving nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.deps import (
    CLASS_ERRORS,
    ERRORS,
    AtQuery,
    EntryQuery,
    IdPath,
    classroom_hook,
    departed,
    json_response,
    store_of,
)
from app.networks import edits, passes
from app.networks.validate import Payload
from app.networks.views import (
    backward_payload,
    forward_payload,
    gradient_check_payload,
    predict_payload,
    state,
    step_payload,
)
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
)
from app.store import NotFound

router = APIRouter(prefix="/api/networks", tags=["networks"])


# -- routes ----------------------------------------------------------------------------------
@router.post(
    "", status_code=201, response_model=NetworkState, responses=ERRORS, summary="Create a network"
)
def create_network(body: NetworkCreate, request: Request) -> Response:
    """A new network from `layers` (weights drawn from `seed`, or given exactly) or a preset."""
    store = store_of(request)
    return json_response(state(edits.create(store, body)), 201)


@router.get(
    "/{network_id}", response_model=NetworkState, responses=ERRORS, summary="Read a network"
)
def get_network(network_id: IdPath, request: Request) -> Response:
    store = store_of(request)
    return json_response(state(store.get(network_id)))


@router.patch(
    "/{network_id}",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Change settings, weights, biases or the dataset",
)
def patch_network(network_id: IdPath, body: NetworkPatch, request: Request) -> Response:
    """Omitted fields stay. New `layers`, or a `seed`, draw the weights again from the seed
    unless weights are given too; `"dataset": null` removes the dataset. In a class, a field
    the teacher locked is refused (403), and nothing changes while the class is paused (423)."""
    store = store_of(request)
    classroom_hook(request).check_patch(network_id, body.model_dump(exclude_unset=True))
    network = edits.change(store, network_id, lambda network: edits.patch(network, body))
    return json_response(state(network))


@router.delete(
    "/{network_id}",
    status_code=204,
    responses={**ERRORS, 423: CLASS_ERRORS[423]},
    summary="Delete a network",
)
def delete_network(network_id: IdPath, request: Request) -> Response:
    store = store_of(request)
    if not store.delete(network_id):
        raise NotFound(network_id)
    return Response(status_code=204)


@router.post(
    "/{network_id}/forward",
    response_model=ForwardResponse,
    responses=ERRORS,
    summary="Forward pass: net and o of every unit",
)
def forward(
    network_id: IdPath,
    request: Request,
    body: ForwardRequest | None = None,
    update: AtQuery = None,
    entry: EntryQuery = None,
) -> Response:
    """net_r = Σ_q w_rq u_rq + b_r and o_r = f(net_r), layer by layer. With `update` (and
    `entry`), with the weights of that recorded state (and its dataset, when x is not
    given): the numbers the page's timeline shows. Changes nothing."""
    store = store_of(request)
    at = None if update is None else (update, entry)
    body = body or ForwardRequest()
    result = passes.forward(store, network_id, body.x, body.y, "forward", at)
    if at is None:
        classroom_hook(request).note_phase(network_id, "forward")
    return json_response(forward_payload(result.trace, result.loss))


@router.post(
    "/{network_id}/predict",
    response_model=PredictResponse,
    responses=ERRORS,
    summary="The output o for many inputs (and, when asked, every hidden unit's o)",
)
def predict(
    network_id: IdPath,
    request: Request,
    body: PredictRequest | None = None,
    update: AtQuery = None,
    entry: EntryQuery = None,
) -> Response:
    """forward's `output` alone: what a chart of the output over the input plane needs, at a
    fraction of the bytes (no net or o of the hidden layers). With `hidden: true`, also o of
    every hidden unit, so one request draws every unit's picture too. With `update` (and
    `entry`), the weights of that recorded state: the page's timeline. Changes nothing."""
    store = store_of(request)
    body = body or PredictRequest()
    payload: Payload = "predict_hidden" if body.hidden else "predict"
    at = None if update is None else (update, entry)
    result = passes.forward(store, network_id, body.x, body.y, payload, at)
    return json_response(predict_payload(result.trace, body.hidden))


@router.post(
    "/{network_id}/backward",
    response_model=BackwardResponse,
    responses=ERRORS,
    summary="Backward pass: δ of every unit, ∂J/∂w and Δw of every weight",
)
def backward(network_id: IdPath, request: Request, body: BackwardRequest | None = None) -> Response:
    """δ_l = −∂J_i/∂o_l · f'(net_l) at the outputs, δ_j = f'(net_j) Σ_l w_lj δ_l below,
    ∂J/∂w_rq = −Σ_i δ_r u_rq, Δw = −η ∂J/∂w. Changes nothing."""
    store = store_of(request)
    body = body or BackwardRequest()
    result, split = passes.backward(store, network_id, body.x, body.y)
    classroom_hook(request).note_phase(network_id, "backward")
    return json_response(backward_payload(result, split))


@router.post(
    "/{network_id}/step",
    response_model=StepResponse,
    responses={**ERRORS, 423: CLASS_ERRORS[423]},
    summary="Update: apply Δw, for one or more epochs",
)
def step(network_id: IdPath, request: Request, body: StepRequest | None = None) -> Response:
    """Returns the backward pass that produced the first update, the network after all
    updates, and J over the whole batch after each epoch. All or nothing: an update that
    would make a weight non-finite leaves the network as it was."""
    store = store_of(request)
    body = body or StepRequest()
    return json_response(step_payload(passes.step(store, network_id, body, departed(request))))


@router.post(
    "/{network_id}/gradient-check",
    response_model=GradientCheckResponse,
    responses=ERRORS,
    summary="Compare backprop's ∂J/∂w with finite differences",
)
def gradient_check(
    network_id: IdPath, request: Request, body: BackwardRequest | None = None
) -> Response:
    """For every weight, (J(w + ε) − J(w − ε)) / 2ε beside backprop's ∂J/∂w."""
    store = store_of(request)
    body = body or BackwardRequest()
    result = passes.gradient_check(store, network_id, body.x, body.y)
    return json_response(gradient_check_payload(*result, passes.EPSILON))


@router.post(
    "/{network_id}/examples",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Add examples to the stored dataset",
)
def post_examples(network_id: IdPath, body: ExamplesAdd, request: Request) -> Response:
    """Appends the examples to the training part (or, with `"test": true`, the test part)
    of the network's dataset; the rest of the dataset stays. A class's lock on the data
    refuses it, as it refuses PATCH of `dataset`."""
    store = store_of(request)
    classroom_hook(request).check_patch(network_id, {"dataset": body.model_dump()})
    return json_response(
        state(edits.change(store, network_id, lambda n: edits.add_examples(n, body)))
    )


@router.post(
    "/{network_id}/examples/remove",
    response_model=NetworkState,
    responses={**ERRORS, **CLASS_ERRORS},
    summary="Remove the stored example nearest to a point",
)
def remove_example(network_id: IdPath, body: ExampleRemove, request: Request) -> Response:
    """Removes the one example, training or test, whose input x is nearest to `nearest`
    (ties: the training example first, then the lower index)."""
    store = store_of(request)
    classroom_hook(request).check_patch(network_id, {"dataset": body.model_dump()})
    return json_response(
        state(edits.change(store, network_id, lambda n: edits.remove_nearest(n, body)))
    )
