"""A store that could not be opened at start-up (read-only or full disk, no permission),
tried again on use at most every `retry_every` seconds; until then StoreUnavailable, a 503
naming the cause. Exiting instead would make a restart policy loop, and students would see
a dead server rather than a reason."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from app.store.base import StoreUnavailable

log = logging.getLogger("backprop")


class Reopening:
    def __init__(
        self, opener: Callable[[], Any], error: Exception, retry_every: float = 5.0
    ) -> None:
        self._opener, self._error, self._retry_every = opener, error, retry_every
        self._inner: Any = None
        self._tried = time.monotonic()
        self._lock = threading.Lock()

    def _store(self) -> Any:
        with self._lock:
            if self._inner is not None:
                return self._inner
            if time.monotonic() - self._tried >= self._retry_every:
                self._tried = time.monotonic()
                try:
                    self._inner = self._opener()
                    log.warning("database opened after all")
                    return self._inner
                except (StoreUnavailable, OSError) as error:
                    self._error = error
            raise StoreUnavailable(f"the database cannot be opened: {self._error}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store(), name)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
