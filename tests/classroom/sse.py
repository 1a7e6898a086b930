"""A Server-Sent Events reader for tests: a thread that parses a stream into a queue."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Message:
    event: str
    data: Any
    id: str | None
    at: float
    """time.monotonic() when it arrived."""


class Stream:
    """Open `url` and collect its events; `comments` counts comment lines (": ping")."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.messages: queue.Queue[Message | None] = queue.Queue()
        self.status: int | None = None
        self.comments: list[str] = []
        self.ended = threading.Event()
        self._opened = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(5.0, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, headers or {}), daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the stream did not open"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self.status = response.status_code
                self._opened.set()
                event, data, seq = "message", [], None
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.comments.append(line)
                    elif line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        data.append(line[6:])
                    elif line.startswith("id: "):
                        seq = line[4:]
                    elif line == "" and data:
                        payload = json.loads("\n".join(data))
                        self.messages.put(Message(event, payload, seq, time.monotonic()))
                        event, data, seq = "message", [], None
        except httpx.HTTPError:
            pass
        finally:
            self._opened.set()
            self.ended.set()
            self.messages.put(None)

    def next(self, timeout: float = 10.0) -> Message:
        message = self.messages.get(timeout=timeout)
        assert message is not None, "the stream ended"
        return message

    def until(self, match: Any, timeout: float = 10.0) -> Message:
        """The first message for which match(message) is true (earlier ones are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.01, deadline - time.monotonic()))
            if match(message):
                return message

    def close(self) -> None:
        self._client.close()
