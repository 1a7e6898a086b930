"""The store interface: where networks live. Routes and the engine never see SQL.

`modify` is the one way to change a network: read → change → write is atomic against every
other writer of that network, in any worker process (the change is computed again when
another writer got there first).
A shared backend (PostgreSQL, Redis) implements the same verbs; see docs/storage.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from app.nn import Array, Params
from app.schemas import NetworkSettings

T = TypeVar("T")


class NotFound(KeyError):
    """No network has that id (or it expired)."""


class StoreUnavailable(RuntimeError):
    """The database cannot take the change now (disk full, read-only, locked too long)."""


class StoreFull(StoreUnavailable):
    """At a cap (`setting` names it: BACKPROP_MAX_NETWORKS, BACKPROP_MAX_STORED_BYTES) with
    nothing expired: nothing was added or changed."""

    def __init__(self, message: str, setting: str) -> None:
        super().__init__(message)
        self.setting = setting


class SchemaTooNew(RuntimeError):
    """The database was written by a newer release: this one refuses to start on it."""


@dataclass
class StoredNetwork:
    id: str
    settings: NetworkSettings
    seed: int
    params: Params
    dataset: tuple[Array, Array] | None
    """The training examples (x, y)."""
    updates: int = 0
    version: int = 0
    created_at: float = 0.0
    last_used: float = 0.0
    test: tuple[Array, Array] | None = None
    """The test examples (x, y): part of the dataset, never trained on."""

    @property
    def layers(self) -> list[int]:
        return self.params.layers


@dataclass(frozen=True)
class Summary:
    id: str
    name: str | None
    layers: list[int]
    updates: int
    created_at: float
    last_used: float


class NetworkStore(Protocol):
    def create(self, network: StoredNetwork) -> None:
        """Insert; at the cap, delete expired networks first, else raise StoreFull."""
        ...

    def get(self, network_id: str) -> StoredNetwork: ...

    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """Load, let `change` mutate the network (or raise to abort), save, commit. `change`
        runs with no lock held and may run again, on the newer state, if another writer
        changed the network meanwhile: it must depend on nothing but the network it is given."""
        ...

    def delete(self, network_id: str) -> bool: ...

    def count(self) -> int: ...

    def summaries(self, limit: int = 1000) -> list[Summary]: ...

    def scan(self) -> Iterator[StoredNetwork]:
        """Every network, without touching last_used (the admin's export)."""
        ...

    @property
    def problem(self) -> str:
        """Why every write is refused until the server restarts, or empty."""
        ...

    def close(self) -> None: ...
