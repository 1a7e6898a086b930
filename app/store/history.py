"""The history of a network's states (docs/storage.md). Each change `modify` saves is an
entry, written in the change's transaction: the weights, J, the update count and the kind of
change, pointing at a config row (layers, settings, seed, dataset) written only when those
changed, so a step costs one row of weights; an entry whose weights are those of the entry
before it (an edit of settings alone) names the entry that holds them (`params_of`) instead
of a copy, so it costs no weights at all. Entries are numbered 0, 1, 2… (`seq`) and the
network's `head` names the one it is at. A rewind moves the head back and keeps the entries
after it (the branch: undo, redo); the next change from there replaces the branch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app import nn
from app.nn import Params
from app.schemas import engine_config
from app.store.base import NotFound, StoredNetwork
from app.store.rows import EncodedDataset, decode, decode_params
from app.store.sql import Conn, in_parts

Kind = Literal["create", "step", "edit"]

WINDOW = 1000
"""The newest entries, kept whole; fewer for large weights (`window`). Entry 0 stays too."""
MIN_WINDOW = 10
HISTORY_BYTES = 8 * 2**20
"""The bytes of weights a network's history may hold (its bound; docs/storage.md)."""
DATASET_BYTES = 8 * 2**20
"""The bytes of earlier datasets (as stored, compressed) a network's history may hold: past
it, the oldest entries that had one go, with their dataset."""
LEVELS = (10, 100, 1000)
"""Beyond the window, every 10th entry is kept up to 10 windows back, every 100th up to
100 windows back, and every 1000th beyond (at most one window of those)."""
ENTRY_OVERHEAD = 64
"""Bytes a history row costs beyond its weights (keys, counters, J), for the bound."""
THIN_SHARE = 10
"""Thinning (which reads the number of every entry older than the window) runs at every
tenth of a window, so at most a tenth of a window more entries are kept between runs."""


@dataclass(frozen=True)
class Entry:
    seq: int
    updates: int
    kind: str
    loss: float | None
    trained: str | None = None
    """A step's mode when it trained on the stored dataset (recorded since schema 13)."""
    batch_size: int | None = None
    """B of a mini-batch step."""


@dataclass(frozen=True)
class Plan:
    """What a saved change does to the history: append entry `seq` (after deleting the
    branch past the head when there is one, `branch`, or everything when `restart`), or only
    move the head (`append` false)."""

    seq: int
    kind: Kind
    append: bool = True
    restart: bool = False
    branch: bool = False


def dataset_loss(network: StoredNetwork) -> float | None:
    """J over the stored dataset, its L2 term included, as a step's `losses` (None without
    one, or if it overflows)."""
    if network.dataset is None:
        return None
    config = engine_config(network.settings)
    x, y = network.dataset
    try:
        return nn.objective(network.params, config, nn.forward(network.params, config, x), y)
    except nn.NonFinite:
        return None


def plan(network: StoredNetwork, updates_before: int, created: bool = False) -> Plan:
    """The history's part of a change (or of a network's creation), decided before it is
    saved; sets `network.head` and `network.tip`."""
    kind: Kind = "step" if network.updates > updates_before else "edit"
    if network.rewound is not None:
        result = Plan(network.rewound, "edit", append=False)
    elif network.resumed is not None:  # a state inside a step: that step again, shorter
        result = Plan(network.resumed + 1, "step", branch=True)
    elif created or network.updates < updates_before:  # new, or the teacher's reset
        result = Plan(0, "create", restart=True)
    elif network.head is None:  # saved by an earlier release: its history starts here
        result = Plan(0, kind, restart=True)
    else:  # a branch is there after a rewind (tip past the head), or when the tip is unknown
        head = network.head
        result = Plan(head + 1, kind, branch=network.tip is None or network.tip > head)
    network.head = result.seq
    if result.append:
        network.tip = result.seq
    return result


def window(parameters: int) -> int:
    """How many newest entries are kept whole for a network of this many weights and biases."""
    per_entry = 8 * parameters + ENTRY_OVERHEAD
    # a window kept whole, 0.9 of one at each of the two thinned levels, one at the last,
    # and a tenth of one made since thinning last ran
    return max(MIN_WINDOW, min(WINDOW, int(HISTORY_BYTES / (per_entry * 3.9))))


def thinned(seqs: Sequence[int], size: int, newest: int | None = None) -> list[int]:
    """Which of the entries `seqs` (ascending) the bound removes, for a window of `size`,
    when the newest entry is `newest` (by default the last of `seqs`)."""
    if not seqs:
        return []
    newest = seqs[-1] if newest is None else newest
    drop: list[int] = []
    oldest_level: list[int] = []
    for seq in seqs:
        age = newest - seq
        if seq == 0 or age < size:
            continue
        every = LEVELS[0] if age < 10 * size else LEVELS[1] if age < 100 * size else LEVELS[2]
        if seq % every:
            drop.append(seq)
        elif every == LEVELS[2]:
            oldest_level.append(seq)
    drop.extend(oldest_level[: max(0, len(oldest_level) - size)])
    return sorted(drop)


UNSHARE = (
    "UPDATE history_configs SET shared = 0, dataset_n = :n, dataset = :blob, test_n = :test_n, "
    "dataset_codec = 'zlib' WHERE network_id = :id AND shared = 1"
)
"""The configs that read the network's dataset get their own copy: it is being replaced."""
APPEND = (
    "INSERT INTO history (network_id, seq, updates, kind, loss, params, config, trained, "
    "batch_size, params_of) SELECT :network_id, :seq, :updates, :kind, :loss, :params, config, "
    ":trained, :batch_size, :params_of FROM history "
    "WHERE network_id = :network_id AND seq = :seq - 1"
)
"""An entry with the config of the one before it (a step: one row of weights)."""
HOLDER = "SELECT COALESCE(params_of, seq) FROM history WHERE network_id = :id AND seq = :seq"
"""The entry that holds entry `seq`'s weights: itself, or the one it names (never a name of
a name, so every read takes one join)."""
WEIGHTS = (
    "COALESCE(s.params, h.params) FROM history h LEFT JOIN history s "
    "ON s.network_id = h.network_id AND s.seq = h.params_of"
)
"""Entry h's weights: its own, or those of the entry it names."""
INHERIT = (
    "UPDATE history SET params_of = NULL, params = (SELECT s.params FROM history s "
    "WHERE s.network_id = :id AND s.seq = :holder) WHERE network_id = :id AND seq = :heir"
)
RENAME = (
    "UPDATE history SET params_of = :heir "
    "WHERE network_id = :id AND params_of = :holder AND seq > :heir"
)


class HistorySQL:
    """The history's statements (app/store/sql.py's neutral form)."""

    def write(
        self,
        conn: Conn,
        network: StoredNetwork,
        step: Plan,
        encoded: bytes,
        config: tuple[str, str, int] | None,
        old_dataset: EncodedDataset | None,
        shared: bool = False,
    ) -> None:
        """Write what `step` plans, in the change's transaction, after the network's row:
        `encoded` is the weights as stored, `config` (layers, settings, seed) when they differ
        from the head entry's, `old_dataset` the dataset the network held before, encoded,
        when the change replaced it (until then, configs read the network's own: `shared`).
        `shared`: the weights are those of the entry before the new one (the state the change
        started from): the entry names the entry that holds them and stores none. J is
        `network.loss`, computed before the transaction."""
        nid, seq = network.id, step.seq
        if old_dataset is not None and not step.restart:
            n, blob, test_n = old_dataset
            conn.run(UNSHARE, n=n, blob=blob, test_n=test_n, id=nid)
        if not step.append:
            return
        if step.restart or step.branch:  # all, or the branch past the head: replaced
            where = "network_id = :id" + ("" if step.restart else " AND seq >= :seq")
            deleted = conn.run(f"DELETE FROM history WHERE {where}", id=nid, seq=seq).rowcount
            if deleted or step.restart:
                conn.run(f"DELETE FROM history_configs WHERE {where}", id=nid, seq=seq)
        entry = dict(network_id=nid, seq=seq, updates=network.updates, kind=step.kind)
        entry |= dict(loss=network.loss, params=encoded, config=seq, trained=network.trained)
        entry |= dict(batch_size=network.batch_size, params_of=None)
        holder = conn.one(HOLDER, id=nid, seq=seq - 1) if shared and seq > 0 else None
        if holder is not None:
            entry |= dict(params=b"", params_of=int(holder[0]))
        if config is None:  # the head entry's config
            if conn.run(APPEND, **entry).rowcount != 1:
                raise LookupError(f"history entry {seq - 1} of {nid} is missing")
        else:
            layers, settings, seed = config
            row = dict(network_id=nid, seq=seq, layers=layers, settings=settings, seed=seed)
            conn.insert("history_configs", row | {"shared": 1})
            conn.insert("history", entry)
        if old_dataset is not None:
            self.drop_datasets(conn, nid, seq)
        size = window(sum(int(a.size) for a in [*network.params.weights, *network.params.biases]))
        if seq % max(1, size // THIN_SHARE) == 0:
            self.thin(conn, nid, seq, size)

    def thin(self, conn: Conn, network_id: str, newest: int, size: int) -> None:
        """Remove what the bound does not keep, `newest` being the newest entry. Reads only
        the numbers older than the window."""
        rows = conn.all(
            "SELECT seq FROM history WHERE network_id = :id AND seq <= :last ORDER BY seq",
            id=network_id,
            last=newest - size,
        )
        drop = thinned([int(r[0]) for r in rows], size, newest)
        self.keep_weights(conn, network_id, drop)
        for marks, seqs in in_parts("seq", drop):
            sql = f"DELETE FROM history WHERE network_id = :id AND seq IN ({marks})"
            conn.run(sql, id=network_id, **seqs)
        if drop:
            conn.run(
                "DELETE FROM history_configs WHERE network_id = :id AND seq NOT IN "
                "(SELECT config FROM history WHERE network_id = :id)",
                id=network_id,
            )

    def drop_datasets(self, conn: Conn, network_id: str, head: int) -> None:
        """Keep DATASET_BYTES of earlier datasets: remove the oldest entries whose config
        holds a copy of one (never the head's), with that config, until the rest fit."""
        rows = conn.all(
            "SELECT seq, length(dataset) FROM history_configs WHERE network_id = :id "
            "AND shared = 0 AND dataset IS NOT NULL AND seq <> "
            "(SELECT config FROM history WHERE network_id = :id AND seq = :head) ORDER BY seq",
            id=network_id,
            head=head,
        )
        total, drop = sum(int(r[1]) for r in rows), []
        for seq, size in rows:
            if total <= DATASET_BYTES:
                break
            total -= int(size)
            drop.append(int(seq))
        entries: list[int] = []
        for marks, seqs in in_parts("seq", drop):
            sql = f"SELECT seq FROM history WHERE network_id = :id AND config IN ({marks})"
            entries += [int(r[0]) for r in conn.all(sql, id=network_id, **seqs)]
        self.keep_weights(conn, network_id, entries)
        for marks, seqs in in_parts("seq", drop):
            for table, column in (("history", "config"), ("history_configs", "seq")):
                sql = f"DELETE FROM {table} WHERE network_id = :id AND {column} IN ({marks})"
                conn.run(sql, id=network_id, **seqs)

    def keep_weights(self, conn: Conn, network_id: str, drop: list[int]) -> None:
        """Before entries `drop` go: the weights of each that kept entries name move to the
        oldest of those (its heir), and the others name the heir."""
        gone = set(drop)
        if not gone:
            return
        named = conn.all(
            "SELECT seq, params_of FROM history WHERE network_id = :id "
            "AND params_of IS NOT NULL ORDER BY seq",
            id=network_id,
        )
        heirs: dict[int, int] = {}
        for seq, holder in ((int(a), int(b)) for a, b in named):
            if holder in gone and seq not in gone:
                heirs.setdefault(holder, seq)
        for holder, heir in heirs.items():
            conn.run(INHERIT, id=network_id, holder=holder, heir=heir)
            conn.run(RENAME, id=network_id, holder=holder, heir=heir)

    # -- reading (each one statement, so it sees one committed state) --------------------------
    def entries(self, conn: Conn, network_id: str, cutoff: float) -> tuple[int | None, list[Entry]]:
        """The network's head and its entries, oldest first (NotFound without the network,
        or once it expired: last used before `cutoff`)."""
        rows = conn.all(
            "SELECT n.history_head, h.seq, h.updates, h.kind, h.loss, h.trained, h.batch_size "
            "FROM networks n "
            "LEFT JOIN history h ON h.network_id = n.id "
            "WHERE n.id = :id AND n.last_used >= :cutoff ORDER BY h.seq",
            id=network_id,
            cutoff=cutoff,
        )
        if not rows:
            raise NotFound(network_id)
        found = [
            Entry(int(r[1]), int(r[2]), str(r[3]), r[4], r[5], None if r[6] is None else int(r[6]))
            for r in rows
            if r[1] is not None
        ]
        return rows[0][0], found

    def state(
        self, conn: Conn, network_id: str, updates: int, seq: int | None
    ) -> StoredNetwork | None:
        """The state of the entry at `updates` (the last one recorded there, or entry `seq` if
        that is one of them), as a network with its entry number as head; None if none."""
        row = conn.one(
            "SELECT h.seq, h.updates, c.layers, c.settings, c.seed, "
            "CASE WHEN c.shared = 1 THEN n.dataset_n ELSE c.dataset_n END, "
            "CASE WHEN c.shared = 1 THEN n.dataset ELSE c.dataset END, "
            "CASE WHEN c.shared = 1 THEN n.dataset_codec ELSE c.dataset_codec END, "
            "CASE WHEN c.shared = 1 THEN n.test_n ELSE c.test_n END, "
            f"{WEIGHTS} JOIN networks n ON n.id = h.network_id JOIN history_configs c "
            "ON c.network_id = h.network_id AND c.seq = h.config "
            "WHERE h.network_id = :id AND h.updates = :updates"
            + ("" if seq is None else " AND h.seq = :seq")
            + " ORDER BY h.seq DESC LIMIT 1",
            id=network_id,
            updates=updates,
            seq=seq,
        )
        if row is None:
            return None
        head, updates, *config = row[:5]
        params = row[9]
        return decode(network_id, config, params, row[5:9], updates=int(updates), head=int(head))

    def step_start(
        self, conn: Conn, network_id: str, updates: int
    ) -> tuple[StoredNetwork, str, int | None] | None:
        """Entry n − 1's state and entry n's mode and B, for the newest step entry n on the
        stored dataset whose start (entry n − 1, kept) is before update `updates` and whose
        end is after it; None if there is none."""
        row = conn.one(
            "SELECT p.seq, p.updates, h.trained, h.batch_size FROM history h JOIN history p "
            "ON p.network_id = h.network_id AND p.seq = h.seq - 1 "
            "WHERE h.network_id = :id AND h.trained IS NOT NULL "
            "AND p.updates < :updates AND h.updates > :updates ORDER BY h.seq DESC LIMIT 1",
            id=network_id,
            updates=updates,
        )
        if row is None:
            return None
        start = self.state(conn, network_id, int(row[1]), int(row[0]))
        batch_size = None if row[3] is None else int(row[3])
        return None if start is None else (start, str(row[2]), batch_size)

    def trace(self, conn: Conn, network_id: str) -> list[tuple[int, float | None, Params]]:
        """(updates, J, weights) of the entries from the first to the head that have the
        network's layers, oldest first."""
        rows = conn.all(
            f"SELECT n.layers, h.updates, h.loss, {WEIGHTS} "
            "JOIN networks n ON n.id = h.network_id AND h.seq <= n.history_head "
            "JOIN history_configs c ON c.network_id = h.network_id AND c.seq = h.config "
            "AND c.layers = n.layers WHERE n.id = :id ORDER BY h.seq",
            id=network_id,
        )
        layers = json.loads(rows[0][0]) if rows else []
        return [(int(r[1]), r[2], decode_params(layers, bytes(r[3]))) for r in rows]
