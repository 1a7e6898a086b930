"""The recently used networks, decoded, so a step does not decode its row again. An entry is
used only while its `version` is the one the database holds (every change, in any process,
increments it), so it is never stale. At most `max_networks` entries and `max_bytes` of
arrays; least recently used go first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

from app.store.base import StoredNetwork

OVERHEAD = 2048
"""Bytes an entry costs beyond its arrays (the objects around them), for the byte bound."""


def weight(network: StoredNetwork) -> int:
    arrays = [
        *network.params.weights,
        *network.params.biases,
        *(network.dataset or ()),
        *(network.test or ()),
    ]
    return OVERHEAD + sum(int(a.nbytes) for a in arrays)


def detached(network: StoredNetwork) -> StoredNetwork:
    """A copy that a change may alter freely without reaching the cache: its own fields and
    its own weight arrays. The dataset's arrays, possibly megabytes, are shared and made
    read-only instead, so an accidental in-place write raises rather than corrupts."""
    for array in (*(network.dataset or ()), *(network.test or ())):
        array.flags.writeable = False
    return replace(network, params=network.params.copy())


class NetworkCache:
    def __init__(self, max_networks: int = 1024, max_bytes: int = 64 * 2**20) -> None:
        self.max_networks, self.max_bytes = max(0, max_networks), max(0, max_bytes)
        self._entries: OrderedDict[str, tuple[StoredNetwork, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, network_id: str, version: int) -> StoredNetwork | None:
        """A detached copy of the cached network if it is at `version`, else None."""
        with self._lock:
            entry = self._entries.get(network_id)
            if entry is None or entry[0].version != version:
                return None
            self._entries.move_to_end(network_id)
            return detached(entry[0])

    def put(self, network: StoredNetwork, *, copy: bool = True) -> None:
        """Remember a committed state: a detached copy, so later changes to `network` by its
        caller do not reach the cache, unless the caller hands it over (`copy=False`) and
        will not touch it again."""
        size = weight(network)
        with self._lock:
            self._drop(network.id)
            if size > self.max_bytes or not self.max_networks:
                return
            self._entries[network.id] = (detached(network) if copy else network, size)
            self._bytes += size
            while len(self._entries) > self.max_networks or self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def discard(self, network_id: str) -> None:
        with self._lock:
            self._drop(network_id)

    def _drop(self, network_id: str) -> None:
        entry = self._entries.pop(network_id, None)
        if entry is not None:
            self._bytes -= entry[1]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes
