"""A network as both databases store it: layers and settings as JSON, the weights and biases
as little-endian float64s, the examples as the same float64s compressed with zlib, so every
number comes back bit for bit."""

from __future__ import annotations

import itertools
import json
import zlib
from typing import Any

import numpy as np

from app.nn import Array, Params
from app.schemas import NetworkSettings
from app.store.base import StoredNetwork

Examples = tuple[Array, Array]
EncodedDataset = tuple[int | None, bytes | None, int | None]
"""A dataset as stored: (examples, zlib blob of x, y and the test part's x, y, test examples)."""

COLUMNS = (
    "id, layers, settings, seed, params, dataset_n, dataset, dataset_codec, test_n, "
    "updates, version, created_at, last_used, history_head, history_tip"
)
FIELDS = ("updates", "version", "created_at", "last_used", "head", "tip")
"""StoredNetwork's fields of the columns after test_n, in order."""


def encode_params(params: Params) -> bytes:
    parts = [a.ravel() for pair in zip(params.weights, params.biases, strict=True) for a in pair]
    return np.concatenate(parts).astype("<f8").tobytes()


def decode_params(layers: list[int], blob: bytes) -> Params:
    flat = np.frombuffer(blob, dtype="<f8")
    weights, biases, at = [], [], 0
    for n_in, n_out in itertools.pairwise(layers):
        weights.append(flat[at : at + n_in * n_out].reshape(n_out, n_in).copy())
        at += n_in * n_out
        biases.append(flat[at : at + n_out].copy())
        at += n_out
    return Params(weights, biases)


def encode_dataset(dataset: Examples | None, test: Examples | None = None) -> EncodedDataset:
    """The examples x then y, then the test part's x and y when there is one."""
    if dataset is None:
        return None, None, None
    raw = np.concatenate([a.ravel() for a in (*dataset, *(test or ()))]).astype("<f8").tobytes()
    return len(dataset[0]), zlib.compress(raw, 1), None if test is None else len(test[0])


def decode_dataset(
    layers: list[int], n: int | None, blob: Any, codec: str | None, test_n: int | None
) -> tuple[Examples | None, Examples | None]:
    """(training examples, test examples), each None when absent; `codec` NULL: the first
    release's raw bytes."""
    if n is None or blob is None:
        return None, None
    flat = np.frombuffer(zlib.decompress(blob) if codec == "zlib" else bytes(blob), dtype="<f8")
    parts, at = [], 0
    for rows in (n, test_n or 0):
        for width in (layers[0], layers[-1]):
            parts.append(flat[at : at + rows * width].reshape(rows, width).copy())
            at += rows * width
    return (parts[0], parts[1]), ((parts[2], parts[3]) if test_n is not None else None)


def decode(network_id: str, config: Any, params: Any, dataset: Any, **fields: Any) -> StoredNetwork:
    """A network from its stored parts: `config` (layers, settings, seed), the weights, the
    dataset (dataset_n, dataset, dataset_codec, test_n), and StoredNetwork's other fields."""
    layers = json.loads(config[0])
    examples, test = decode_dataset(layers, *dataset)
    settings = NetworkSettings.model_validate_json(config[1])
    weights = decode_params(layers, bytes(params))
    return StoredNetwork(
        network_id, settings, int(config[2]), weights, examples, test=test, **fields
    )


def decode_network(row: Any) -> StoredNetwork:
    """A row of COLUMNS."""
    return decode(row[0], row[1:4], row[4], row[5:9], **dict(zip(FIELDS, row[9:], strict=True)))


def encode_network(
    network: StoredNetwork,
    params: bytes | None,
    *,
    config: bool = True,
    dataset: bool = True,
    encoded: EncodedDataset | None = None,
) -> dict[str, Any]:
    """The network's row by column: always the counters and last_used; the weights already
    encoded (`params`; None: unchanged, not written); with `config`, the layers, settings,
    seed and created_at; with `dataset`, the dataset (encoded here, or `encoded` as given)."""
    row = dict(id=network.id, updates=network.updates, version=network.version)
    row |= dict(last_used=network.last_used, history_head=network.head, history_tip=network.tip)
    if params is not None:
        row["params"] = params
    if config:
        layers, settings, seed = config_of(network)
        row |= dict(layers=layers, settings=settings, seed=seed, created_at=network.created_at)
    if dataset:
        n, blob, test_n = encoded or encode_dataset(network.dataset, network.test)
        row |= dict(dataset_n=n, dataset=blob, dataset_codec="zlib", test_n=test_n)
    return row


def config_of(network: StoredNetwork) -> tuple[str, str, int]:
    """The layers, settings and seed, as a network's row and a history config row hold them."""
    return json.dumps(network.layers), network.settings.model_dump_json(), network.seed
