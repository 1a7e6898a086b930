"""POST /api/networks/{id}/step on a short path: the request a class sends most (Play sends
one per student every 100 ms).

On a small network, FastAPI's work around a request (matching the path against every route,
solving dependencies, the exception middleware) costs more than the step itself; see
docs/benchmarks.md. For a step request whose id and body are valid, this layer does what
the route does, with the same parts: the id checked against the same pattern, the body
validated by the same pydantic model, the same step (`networks.run_step`) submitted to
the store, the same errors (`errors.known_error_response`), the same bytes back. Everything
else (a body the model refuses, an empty body, a bad id, other paths) goes on to the app
unchanged, so every refusal has the route's message, and /docs still documents the route.

It sits inside the security middlewares: the body it sees has passed the size, type and
depth checks, and its responses get the same headers as every other.
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import known_error_response
from app.api.networks import run_step
from app.schemas import StepRequest
from app.security import read_body, replay

STEP_PATH = re.compile(r"/api/networks/([A-Za-z0-9_-]{1,64})/step")
"""The route's path, with NetworkId's pattern and length for the id."""
JSON_HEADERS = [(b"content-type", b"application/json")]


class StepLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (
            STEP_PATH.fullmatch(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if match is None:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        try:
            request = StepRequest.model_validate_json(body) if body else None
        except ValidationError:
            request = None
        if request is None:  # the route will say what is wrong (or use its defaults)
            await self.app(scope, replay(body, receive), send)
            return
        store = scope["app"].state.store
        try:
            content = await run_step(store, match.group(1), request)
        except Exception as error:
            response = known_error_response(error)
            if response is None:
                raise
            await response(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*JSON_HEADERS, (b"content-length", str(len(content)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": content})
