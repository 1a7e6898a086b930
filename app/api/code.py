"""/api/networks/{id}/code.py and …/code.ipynb: the network as a numpy program
(app/networks/code.py) that trains as the server did and prints the same weights."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.errors import ApiError
from app.api.networks import ERRORS, INLINE_WORK, IdPath, StoreDep, run
from app.api.validate import BYTES_PER_NUMBER, parameter_count
from app.config import LIMITS
from app.networks import code, recipe
from app.store import NetworkStore

router = APIRouter(prefix="/api/networks", tags=["code"])


def program(store: NetworkStore, network_id: str) -> list[code.Cell]:
    """The program's parts, within the response bound (the numbers it holds) and the work
    bound (the training it replays to find its runs)."""
    network = store.get(network_id)
    numbers = parameter_count(network.layers)
    numbers += sum(a.size for a in network.dataset or ())
    if numbers * BYTES_PER_NUMBER > LIMITS.max_response_bytes:
        raise ApiError(
            409,
            "dataset",
            f"the program would hold {numbers:,} numbers, about "
            f"{numbers * BYTES_PER_NUMBER / 1e6:,.0f} MB, over the limit of "
            f"{LIMITS.max_response_bytes / 1e6:g} MB per response; use a smaller dataset",
        )
    found = recipe.find(store, network, LIMITS.max_work, LIMITS.update_cost)
    return code.cells(found)


async def answer(
    request: Request, store: NetworkStore, network_id: str, render: Callable[[list[code.Cell]], str]
) -> str:
    """The program, rendered, found on a worker thread: the replay may take up to the work
    bound."""
    return await run(request, INLINE_WORK, lambda _: render(program(store, network_id)))


def attachment(network_id: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="network-{network_id[:8]}.{suffix}"'}


@router.get(
    "/{network_id}/code.py",
    responses={
        200: {
            "content": {"text/x-python": {}},
            "description": "A Python program that needs numpy alone.",
        },
        **ERRORS,
    },
    summary="The network as a numpy program that trains as the server did",
)
async def code_py(network_id: IdPath, store: StoreDep, request: Request) -> Response:
    """A standalone program (numpy only) in the lecture notes' notation: this network's
    settings, the weights of the state its training since the last edit started from, its
    training examples, and the same loops over layers as the server, which trains for those
    updates and prints J and, as its last line, `{"weights": …, "biases": …}` as JSON, as
    GET /api/networks/{id} gives them. Run with the server's numpy on its machine, the
    weights are the server's to the bit. Steps are found in the history and replayed to know
    their mode; the program starts after the last state the history cannot replay (an edit,
    a batch sent as `x`, states thinned away) or as far back as the work bound allows."""
    text = await answer(request, store, network_id, code.script)
    return Response(
        text, media_type="text/x-python; charset=utf-8", headers=attachment(network_id, "py")
    )


@router.get(
    "/{network_id}/code.ipynb",
    responses={
        200: {
            "content": {"application/x-ipynb+json": {}},
            "description": "A Jupyter notebook (nbformat 4.5).",
        },
        **ERRORS,
    },
    summary="The same program as a Jupyter notebook",
)
async def code_ipynb(network_id: IdPath, store: StoreDep, request: Request) -> Response:
    """The program of …/code.py, one cell for the settings, one for the weights and
    examples, one for the functions and one for the training; nothing run yet."""
    text = await answer(request, store, network_id, code.notebook_json)
    return Response(
        text,
        media_type="application/x-ipynb+json",
        headers=attachment(network_id, "ipynb"),
    )
