"""What the store keeps and how it fails: routes and the engine never see SQL (the store
itself is app/store/core.py; docs/storage.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from app.nn import Array, Params
from app.schemas import NetworkSettings

if TYPE_CHECKING:
    from app.store.sql import Conn


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
    trained: str | None = field(default=None, compare=False)
    """Set by a step on the stored dataset: its mode, so the history can replay the step."""
    batch_size: int | None = field(default=None, compare=False)
    """Set with `trained` = 'minibatch': the step's B."""
    resumed: int | None = field(default=None, compare=False)
    """A state recomputed inside the step after history entry `resumed` (replay): a rewind to
    it records it as that step again, shorter, in place of the entries after `resumed`."""

    @property
    def layers(self) -> list[int]:
        return self.params.layers


@dataclass(frozen=True)
class Fork:
    """One end of a fork's link: `id` the network at that end, `updates` and `entry` the
    origin's update count and history entry when the copy was made, `changed` the setting
    the fork changed and its value there."""

    id: str
    updates: int
    entry: int | None
    changed: dict[str, Any]


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
