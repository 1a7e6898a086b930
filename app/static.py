"""The static files, each small one kept in memory after its first read.

A page loads some forty ES modules before its first graph, each a request. Starlette's
StaticFiles finds, opens and reads the file in worker threads on every request: about three
times the CPU of answering the same bytes from memory, and on a busy machine each thread hand-off
waits for a core. So a file of at most `KEEP_BYTES` is read once and answered from memory after
that, with the same headers (ETag, Last-Modified, Content-Type) and the same 304 for a
matching If-None-Match. A file changed on disk is read again: each answer compares the file's
size and modification time with those it was read at (one stat, microseconds, on the event
loop). Range and HEAD requests, larger files and anything not found go to StaticFiles as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

KEEP_BYTES = 256 * 1024  # the page's modules and styles; not the API docs' 1.7 MB bundle


@dataclass(frozen=True)
class Kept:
    path: str
    version: tuple[int, int]  # (size, mtime_ns) when read
    body: bytes
    headers: Headers

    def current(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == self.version


class MemoryStaticFiles(StaticFiles):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kept: dict[str, Kept] = {}

    async def get_response(self, path: str, scope: Scope) -> Response:
        request = Headers(scope=scope)
        plain = scope["method"] == "GET" and "range" not in request
        kept = self.kept.get(path) if plain else None
        if kept is not None and kept.current():
            if self.is_not_modified(kept.headers, request):
                return NotModifiedResponse(kept.headers)
            return Response(kept.body, headers=dict(kept.headers))
        response = await super().get_response(path, scope)
        if plain and isinstance(response, FileResponse) and response.stat_result is not None:
            st = response.stat_result
            if st.st_size <= KEEP_BYTES:
                body = await anyio.to_thread.run_sync(Path(response.path).read_bytes)
                if len(body) == st.st_size:  # not changed between the stat and the read
                    version = (st.st_size, st.st_mtime_ns)
                    headers = Headers(raw=list(response.headers.raw))
                    self.kept[path] = Kept(str(response.path), version, body, headers)
        return response
