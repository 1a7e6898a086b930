"""The store interface: where networks live. Routes and the engine never see SQL.

`modify` is the one way to change a network: read → change → write is atomic against every
other writer of that network, in any worker process or server (the change is computed again
when another writer got there first, and under the network's lock after a few conflicts).
A shared backend (PostgreSQL, Redis) implements the same verbs; see docs/storage.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from app.nn import Array, Params
from app.schemas import NetworkSettings

if TYPE_CHECKING:
    from app.store.history import Entry
    from app.store.sql import Conn

T = TypeVar("T")


class NotFound(KeyError):
    """No network has that id (or it expired)."""


class NotRecorded(Exception):
    """The network's history holds no such state (not reached, or thinned away)."""


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
    head: int | None = None
    """The history entry this state is (app/store/history.py); None before the first one."""
    tip: int | None = None
    """The history's newest entry: past `head` after a rewind (the branch); None: unknown."""
    loss: float | None = field(default=None, compare=False)
    """J over the dataset when the change knows it (a step over it), else None: the
    history computes it. Not stored with the network."""
    rewound: int | None = field(default=None, compare=False)
    """Set by a rewind: the history entry whose state the change restored."""
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


class ChangeHook(Protocol):
    """Called inside the write transaction of every change (`modify`, `delete`), after the
    version check: `before` may refuse by raising (nothing is written), and returns a token,
    or None to skip `after`; `updates` is the network's count before the change. `after`
    sees the network as saved (None once deleted) and may write rows of its own in the same
    transaction."""

    def before(
        self, conn: Conn, network_id: str, updates: int, change: object
    ) -> object | None: ...

    def after(self, conn: Conn, token: object, network: StoredNetwork | None) -> None: ...


class NetworkStore(Protocol):
    def create(self, network: StoredNetwork) -> None:
        """Insert; at the cap, delete expired networks first, else raise StoreFull."""
        ...

    def get(self, network_id: str) -> StoredNetwork: ...

    def modify(self, network_id: str, change: Callable[[StoredNetwork], T]) -> T:
        """Load, let `change` mutate the network (or raise to abort), save, commit. `change`
        runs with no lock held and may run again, on the newer state, if another writer
        changed the network meanwhile: it must depend on nothing but the network it is given.
        After a few such conflicts it runs once more with the network locked (a busy network's
        writers queue instead of failing), so no change is refused for losing races."""
        ...

    def delete(self, network_id: str) -> bool: ...

    def history(self, network_id: str) -> tuple[int | None, list[Entry]]:
        """The history entry the network is at (None before its first), and every entry
        kept, oldest first (app/store/history.py)."""
        ...

    def recorded(self, network_id: str, updates: int, seq: int | None = None) -> StoredNetwork:
        """The state recorded after update `updates`: the last entry there, or entry `seq`
        if it is one of them. NotFound without the network, NotRecorded without the entry."""
        ...

    def trace(self, network_id: str) -> list[tuple[int, float | None, Params]]:
        """(updates, J, weights) of each entry from the first to the current one that has
        the network's layers, oldest first."""
        ...

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


class SharedStore(NetworkStore, Protocol):
    """A store whose database also holds the classroom's tables (app/store/classroom.py),
    written in its transactions."""

    hook: ChangeHook | None
    """Sees every change inside its write transaction (the classroom's gate and cards)."""
    max_networks: int

    def writing(self) -> AbstractContextManager[Conn]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        ...

    def reading(self) -> AbstractContextManager[Conn]:
        """A connection for reads (each statement sees the last commit)."""
        ...

    def lock(self, conn: Conn, key: str) -> None:
        """Until `conn`'s transaction ends, other writers that lock `key` wait (on SQLite,
        whose write transactions run one at a time, nothing to do)."""
        ...

    def stage(self, network: StoredNetwork) -> bytes:
        """What `insert` computes (J, the encoded weights), computed before the transaction."""
        ...

    def insert(self, conn: Conn, network: StoredNetwork, staged: bytes | None = None) -> bool:
        """`create` inside the caller's write transaction: False, and nothing inserted, at
        `max_networks`; StoreFull (the transaction rolls back) over the quota."""
        ...

    def read(self, network_id: str) -> StoredNetwork:
        """`get` without counting as use (the teacher's dashboard reads every network)."""
        ...
