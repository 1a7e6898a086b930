"""Server-Sent Events for the classroom's streams, one write per batch of the feed.

A batch of the feed (every card of a class, after an activity push) is formatted with
FastAPI's own `format_sse_event` and written at once: FastAPI's SSE route (`fastapi.sse`)
hands each event through two memory streams and a checkpoint, one event per turn of the
event loop that also serves the class's steps, so a large batch reached the teacher late
(bench/classroom_events.py measures it). The `: ping` comment every 15 s is FastAPI's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse
from fastapi.sse import KEEPALIVE_COMMENT, format_sse_event
from starlette.background import BackgroundTask

from app.api.errors import ApiError
from app.events import Event, Subscription
from app.networks.views import to_json

PING_EVERY = 15.0
"""Seconds of silence before a `: ping` comment (proxies close quiet connections)."""
DOCUMENTED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A stream of `event:`, `data:` (JSON) and `id:` lines; `: ping` every 15 s.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


def frame(kind: str, data: Any, ids: Iterator[int]) -> bytes:
    """One event; its `id:` is the next of the stream's own count (1, 2, 3…), so an id says
    nothing of other classes or other streams (the feed's sequence numbers are server-wide).
    A reconnecting client starts from a full snapshot, so Last-Event-ID is not read."""
    return format_sse_event(data_str=to_json(data).decode(), event=kind, id=str(next(ids)))


class Slots:
    """Streams open in this worker, per key (a client address, a class's teacher streams):
    each stream holds one while it runs, so no one address or class holds them all."""

    def __init__(self) -> None:
        self._open: dict[str, int] = {}

    def take(self, keys: dict[str, tuple[int, str]]) -> Callable[[], None]:
        """One slot under each key (key: (limit, what the refusal says)), or ApiError 429
        naming `request` and taking none; returns the release (safe to call twice)."""
        for key, (limit, what) in keys.items():
            if self._open.get(key, 0) >= limit:
                raise ApiError(
                    429,
                    "request",
                    f"{what} already has {limit} event streams open here; close one first",
                    headers={"Retry-After": "15"},
                )
        for key in keys:
            self._open[key] = self._open.get(key, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            for key in keys:
                self._open[key] -= 1
                if not self._open[key]:
                    del self._open[key]

        return release


async def batches(subscription: Subscription) -> AsyncIterator[list[Event] | None]:
    """The subscription's batches, and None after each 15 s without one (time to ping);
    ends at shutdown."""
    while True:
        try:
            batch = await asyncio.wait_for(subscription.batch(), PING_EVERY)
        except TimeoutError:
            yield None
            continue
        if batch is None:
            return
        yield batch


PING = KEEPALIVE_COMMENT


def event_stream(
    body: AsyncIterator[bytes], release: Callable[[], None] = lambda: None
) -> StreamingResponse:
    """The stream's response; `release` runs when it ends, however it ends (the body's own
    end, a client gone before its first byte)."""

    async def released() -> AsyncIterator[bytes]:
        try:
            async for chunk in body:
                yield chunk
        finally:
            release()

    return StreamingResponse(
        released(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(release),
    )
