"""The networks' domain on a real SQLite store, without the web layer: a step loads and
checks its network once, and a rewind reads the recorded state before it changes anything,
reading it again when another change overtakes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.networks import edits, passes, validate
from app.networks.errors import Mismatch
from app.networks.history import rewind
from app.schemas import NetworkCreate, StepRequest
from app.store import NetworkStore, SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[NetworkStore]:
    opened = SQLiteStore(str(tmp_path / "db.sqlite3"))
    yield opened
    opened.close()


def stepped(store: NetworkStore, times: int) -> str:
    network = edits.create(store, NetworkCreate(preset="xor"))
    for _ in range(times):
        passes.step(store, network.id, StepRequest(epochs=1), lambda: False)
    return network.id


class Counting:
    """The store, counting the calls made to it by name."""

    def __init__(self, store: NetworkStore) -> None:
        self.store, self.calls = store, dict[str, int]()

    def __getattr__(self, name: str) -> Any:
        self.calls[name] = self.calls.get(name, 0) + 1
        return getattr(self.store, name)


def test_a_step_loads_its_network_once_and_checks_it_once(
    store: NetworkStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    network_id = stepped(store, 0)
    checked: list[str] = []
    for name in ("work", "response"):
        original = getattr(validate, name)

        def spy(*args: Any, original: Any = original, name: str = name, **kw: Any) -> Any:
            checked.append(name)
            return original(*args, **kw)

        monkeypatch.setattr(validate, name, spy)
    counting = Counting(store)
    result = passes.step(counting, network_id, StepRequest(epochs=2), lambda: False)  # type: ignore[arg-type]
    assert counting.calls == {"modify": 1}
    assert checked == ["work", "response"]
    assert result.network.updates == 2 == store.get(network_id).updates


def test_a_rewind_overtaken_by_a_step_reads_the_state_again(store: NetworkStore) -> None:
    network_id = stepped(store, 2)
    seen: list[int] = []

    def check(fields: dict[str, Any]) -> None:
        seen.append(store.get(network_id).updates)
        if len(seen) == 1:  # another request's step lands between the read and the change
            passes.step(store, network_id, StepRequest(epochs=1), lambda: False)

    back = rewind(store, network_id, 1, None, check)
    assert seen == [2, 3]
    recorded = store.recorded(network_id, 1)
    assert back.updates == 1 == store.get(network_id).updates
    weights = store.get(network_id).params.weights
    for now, then in zip(weights, recorded.params.weights, strict=True):
        assert np.array_equal(now, then)
    current, entries = store.history(network_id)
    assert [e.updates for e in entries] == [0, 1, 2, 3]
    assert current == entries[1].seq


def test_a_rewind_into_a_branch_that_a_step_replaced_is_refused(store: NetworkStore) -> None:
    network_id = stepped(store, 3)
    rewind(store, network_id, 1, None, lambda fields: None)  # entries 2 and 3: a branch
    calls: list[dict[str, Any]] = []

    def check(fields: dict[str, Any]) -> None:
        calls.append(fields)
        if len(calls) == 1:  # a step from update 1 replaces the branch the rewind goes to
            passes.step(store, network_id, StepRequest(epochs=1), lambda: False)

    with pytest.raises(Mismatch) as refused:
        rewind(store, network_id, 3, None, check)
    assert refused.value.field == "update"
    assert "not in the history" in refused.value.message
    assert len(calls) == 1
    assert store.get(network_id).updates == 2  # the step's network, untouched by the rewind
