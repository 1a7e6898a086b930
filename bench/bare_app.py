"""The HTTP stack's limit: a bare FastAPI endpoint that returns prebuilt bytes.

`POST /step` reads the body and answers with the bytes of the file named by BENCH_BARE_BODY
(a real /step response, so both answers have the same size). No validation, no storage, no
math: what is left is uvicorn, Starlette's routing and FastAPI's request handling.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

BODY_FILE = os.environ.get("BENCH_BARE_BODY")
BODY = Path(BODY_FILE).read_bytes() if BODY_FILE else b"{}"

app = FastAPI()


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@app.post("/step")
async def step(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json")


@app.post("/step-in-thread")
def step_in_thread() -> Response:
    """The same answer from a plain `def` route, which FastAPI runs in its thread pool."""
    return Response(BODY, media_type="application/json")
