"""The HTTP stack's own cost: a bare FastAPI app that answers with prebuilt bytes.

`GET /bytes/{name}` and `POST /bytes/{name}` (which reads the body) answer with the bytes of
the file `name` in the folder BENCH_BARE_DIR (real responses of the API, so both answers
have the same size). No validation, no storage, no math: what is left is uvicorn,
Starlette's routing and FastAPI's request handling. `/thread/{name}` does the same from a
plain `def` endpoint, which FastAPI runs on a worker thread as it runs the API's routes:
the cost of that hand-over, beside the `async` one.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

FOLDER = Path(os.environ.get("BENCH_BARE_DIR", "."))


@functools.cache
def body(name: str) -> bytes:
    """The file's bytes, read on the first call (the files may be written after start)."""
    return (FOLDER / Path(name).name).read_bytes()


app = FastAPI()


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@app.get("/bytes/{name}")
async def get_bytes(name: str) -> Response:
    return Response(body(name), media_type="application/json")


@app.post("/bytes/{name}")
async def post_bytes(name: str, request: Request) -> Response:
    await request.body()
    return Response(body(name), media_type="application/json")


@app.get("/thread/{name}")
def get_bytes_on_a_thread(name: str) -> Response:
    return Response(body(name), media_type="application/json")


@app.post("/thread/{name}")
def post_bytes_on_a_thread(name: str) -> Response:
    return Response(body(name), media_type="application/json")
