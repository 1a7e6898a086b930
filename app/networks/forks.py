"""Forks: "try another η from here". A fork is a new network with the origin's weights,
biases, examples, seed, settings and update count, bit for bit, and at most one setting
changed; the two are linked both ways (the store's `forks` table): the fork knows its origin
and the origin's update count and history entry it was copied at, and the origin lists its
forks. A fork may start from a recorded state too (the timeline's), the origin staying as it
is. From then on each trains on its own: nothing done to one reaches the other."""

from __future__ import annotations

import secrets
from typing import Any

from app.networks import history, validate
from app.networks.errors import Invalid, NetworkError
from app.nn import Params
from app.schemas import ForkRequest, NetworkSettings
from app.store import NetworkStore, StoredNetwork
from app.store.base import Fork


def changed(body: ForkRequest) -> dict[str, Any]:
    """The one setting the fork changes ({} for none); a second is refused, named."""
    fields = body.model_dump(exclude_unset=True)
    if len(fields) > 1:
        first, second = list(fields)[:2]
        raise Invalid(second, f"a fork changes one setting, and {first} is already changed")
    return fields


def fork(
    store: NetworkStore,
    network_id: str,
    body: ForkRequest,
    at: tuple[int, int | None] | None = None,
) -> StoredNetwork:
    """Copy the network as it is now, or as it was after update `at` = (update, entry) (the
    page's timeline), with the body's setting changed, under a new id, and link the copy to
    it; the copy as stored."""
    change = changed(body)
    origin = store.get(network_id) if at is None else history.recorded(store, network_id, *at)
    settings = NetworkSettings.model_validate(
        origin.settings.model_copy(update=change).model_dump()
    )
    try:
        validate.settings(settings)
        if origin.dataset is not None:
            validate.stored_dataset(origin.dataset, origin.layers, settings, origin.test)
    except NetworkError as refused:  # the changed setting is the one at fault
        raise type(refused)(next(iter(change), refused.field), refused.message) from refused
    # copies: the origin's arrays may be the store's cached ones
    params = Params(
        [w.copy() for w in origin.params.weights], [b.copy() for b in origin.params.biases]
    )
    copy = StoredNetwork(
        secrets.token_urlsafe(24),
        settings,
        origin.seed,
        params,
        _copied(origin.dataset),
        updates=origin.updates,
        test=_copied(origin.test),
    )
    # a state recomputed inside a step is no history entry of its own
    entry = origin.head if origin.resumed is None else None
    store.create(copy, Fork(origin.id, origin.updates, entry, change))
    return copy


def _copied(examples: Any) -> Any:
    return None if examples is None else (examples[0].copy(), examples[1].copy())


def links(store: NetworkStore, network_id: str) -> dict[str, Any]:
    """ForksResponse: the origin this network was forked from, and its forks."""
    origin, forks = store.forks(network_id)

    def link(f: Fork) -> dict[str, Any]:
        return {"id": f.id, "update": f.updates, "entry": f.entry, "changed": f.changed}

    return {"origin": None if origin is None else link(origin), "forks": [link(f) for f in forks]}
