"""/api/networks/{id}/code.py and …/code.ipynb: the network as a numpy program
(app/networks/code.py) that trains as the server did and prints the same weights."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.deps import ERRORS, IdPath, store_of
from app.networks import code

router = APIRouter(prefix="/api/networks", tags=["code"])


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
def code_py(network_id: IdPath, request: Request) -> Response:
    """A standalone program (numpy only) in the lecture notes' notation: this network's
    settings, the weights of the state its training since the last edit started from, its
    training examples, and the same loops over layers as the server, which trains for those
    updates and prints J and, as its last line, `{"weights": …, "biases": …}` as JSON, as
    GET /api/networks/{id} gives them. Run with the server's numpy on its machine, the
    weights are the server's to the bit. Steps are found in the history and replayed to know
    their mode; the program starts after the last state the history cannot replay (an edit,
    a batch sent as `x`, states thinned away) or as far back as the work bound allows."""
    store = store_of(request)
    text = code.script(code.program(store, store.get(network_id)))
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
def code_ipynb(network_id: IdPath, request: Request) -> Response:
    """The program of …/code.py, one cell for the settings, one for the weights and
    examples, one for the functions and one for the training; nothing run yet."""
    store = store_of(request)
    text = code.notebook_json(code.program(store, store.get(network_id)))
    return Response(
        text, media_type="application/x-ipynb+json", headers=attachment(network_id, "ipynb")
    )
