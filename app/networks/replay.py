"""Every update addressable: a state inside a step (not kept by the history, which records
the state after a step's last update) recomputed from the step's start.

Training is deterministic (app/nn/train.py): the state after update n of a step that started
at S is train(S, updates=n) with the step's mode (and B), settings and examples, to the bit
(a mini-batch epoch's order comes from the start's seed and update count). The
history records a step's mode when it trained on the stored dataset (`trained`); the entry
before it is the step's start, and its config the settings and examples it trained with.
What cannot be recomputed: a state inside a step on examples sent with the request (they are
not kept), inside a step whose start was thinned away, and inside a step of a release that
did not record its mode.
"""

from __future__ import annotations

from app import nn
from app.schemas import engine_config
from app.store import NetworkStore, StoredNetwork
from app.store.base import NotRecorded


def state_at(
    store: NetworkStore, network_id: str, updates: int, entry: int | None
) -> StoredNetwork:
    """The state after update `updates`: the entry recorded there (entry `entry` if given),
    else recomputed inside the newest step that passed it (its `resumed` names the step's
    start). NotRecorded when it is neither."""
    try:
        return store.recorded(network_id, updates, entry)
    except NotRecorded:
        if entry is not None:
            raise
        found = store.step_start(network_id, updates)
        if found is None or found[0].dataset is None:
            raise
    start, mode, batch_size = found
    assert start.dataset is not None
    x, y = start.dataset
    result = nn.train(
        start.params,
        engine_config(start.settings),
        x,
        y,
        mode=mode,
        batch_size=batch_size,
        seed=start.seed,
        start=start.updates,
        updates=updates - start.updates,
    )
    start.params, start.updates = result.params, updates
    start.resumed, start.trained, start.batch_size = start.head, mode, batch_size
    return start
