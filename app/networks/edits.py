"""Making and changing a network: build (from a create body or a preset), patch, and the
examples added or removed one at a time. Each raises before changing anything."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import numpy as np

from app import nn, presets
from app.config import LIMITS
from app.networks import validate
from app.networks.errors import Invalid, Mismatch, Missing
from app.presets.datasets import generate
from app.schemas import (
    Dataset,
    ExampleRemove,
    ExamplesAdd,
    Generate,
    NetworkCreate,
    NetworkPatch,
    NetworkSettings,
)
from app.store import NetworkStore, StoredNetwork


def create(store: NetworkStore, body: NetworkCreate) -> StoredNetwork:
    """Build the network a create request describes and store it."""
    network = build(body)
    store.create(network)
    return network


def change(
    store: NetworkStore, network_id: str, edit: Callable[[StoredNetwork], None]
) -> StoredNetwork:
    """Apply `edit` to the stored network (in `modify`: it may run again on a newer state);
    the network as saved."""

    def edited(network: StoredNetwork) -> StoredNetwork:
        edit(network)
        validate.saved_work(network)
        return network

    return store.modify(network_id, edited)


def build(body: NetworkCreate) -> StoredNetwork:
    """A new network from a create request (and the preset it names, if any)."""
    if body.preset is not None:
        base = presets.get(body.preset)
        if base is None:
            raise Missing("preset", f"no preset is named {body.preset!r}; see /api/presets")
        merged = presets.under(base, body.model_dump(exclude_unset=True, exclude={"preset"}))
        body = NetworkCreate.model_validate(merged)
    if body.layers is None:
        raise Invalid("layers", "is required unless a preset is given")
    settings = NetworkSettings.model_validate(
        body.model_dump(include=set(NetworkSettings.model_fields))
    )
    validate.settings(settings)
    layers = body.layers
    params = nn.init_params(layers, body.seed, settings.init, settings.init_scale)
    if body.weights is not None or body.biases is not None:
        params = validate.params(
            layers,
            body.weights if body.weights is not None else [w.tolist() for w in params.weights],
            body.biases if body.biases is not None else [b.tolist() for b in params.biases],
        )
    data, test = new_dataset(body.dataset, body.generate, layers, settings)
    return StoredNetwork(secrets.token_urlsafe(24), settings, body.seed, params, data, test=test)


def new_dataset(
    dataset: Dataset | None, spec: Generate | None, layers: list[int], settings: NetworkSettings
) -> tuple[validate.Examples | None, validate.Examples | None]:
    """The examples a body gives, as numbers or drawn by a generator: (training, test)."""
    if spec is None:
        return validate.dataset(dataset, layers, settings) if dataset else (None, None)
    if dataset is not None:
        raise Invalid("generate", "give either dataset or generate, not both")
    if spec.twice():
        raise Mismatch("generate.generate", str(spec.twice()))
    outputs = 2 if spec.one_hot else 1
    if (layers[0], layers[-1]) != (2, outputs):
        raise Mismatch(
            "generate",
            f"draws 2 inputs and {outputs} output{'s' * (outputs > 1)}; layers {layers} have "
            f"{layers[0]} and {layers[-1]}: send layers that fit too",
        )
    return validate.dataset(Dataset.model_validate(generate(spec)), layers, settings, "generate.")


def patch(network: StoredNetwork, body: NetworkPatch) -> None:
    """Apply a PATCH to a loaded network; raises before changing anything if a field is bad."""
    fields = body.model_dump(exclude_unset=True)
    # null means "unchanged" for every setting but `name` (where null clears the label)
    settings = network.settings.model_copy(
        update={
            k: v
            for k, v in fields.items()
            if k in NetworkSettings.model_fields and (v is not None or k == "name")
        }
    )
    settings = NetworkSettings.model_validate(settings.model_dump())
    validate.settings(settings)
    layers = body.layers or network.layers
    seed = body.seed if body.seed is not None else network.seed
    params = network.params
    drawn = (network.settings.init, network.settings.init_scale) != (
        settings.init,
        settings.init_scale,
    )
    if (
        (body.layers is not None and body.layers != network.layers)
        or body.seed is not None
        or drawn
    ):
        # new layers, a seed given, or another way of drawing: draw again
        params = nn.init_params(layers, seed, settings.init, settings.init_scale)
    if body.weights is not None or body.biases is not None:
        params = validate.params(
            layers,
            body.weights if body.weights is not None else [w.tolist() for w in params.weights],
            body.biases if body.biases is not None else [b.tolist() for b in params.biases],
        )
    data, test = network.dataset, network.test
    if body.dataset is not None or body.generate is not None:
        data, test = new_dataset(body.dataset, body.generate, layers, settings)
    elif "dataset" in fields:
        data, test = None, None  # explicit null removes the dataset
    elif data is not None:  # kept: it must suit the final layers and settings too
        validate.stored_dataset(data, layers, settings, test)
    network.settings, network.seed, network.params = settings, seed, params
    network.dataset, network.test = data, test


# -- examples: one at a time, as the page's clicks on the heatmap make them ------------------
def add_examples(network: StoredNetwork, body: ExamplesAdd) -> None:
    """Append the examples to the training or the test part; raises before changing anything."""
    x, y = validate.batch(body.x, body.y, network.layers, network.settings)
    assert y is not None
    part = network.test if body.test else network.dataset
    joined = (x, y) if part is None else (np.vstack([part[0], x]), np.vstack([part[1], y]))
    if len(joined[0]) > LIMITS.max_examples:
        raise Mismatch(
            "x",
            f"the {'test' if body.test else 'training'} part would have "
            f"{len(joined[0])} examples, over the limit of {LIMITS.max_examples}",
        )
    if body.test:
        if network.dataset is None:
            raise Mismatch("test", "the network has no training examples yet: add those first")
        network.test = joined
    else:
        network.dataset = joined


def remove_nearest(network: StoredNetwork, body: ExampleRemove) -> None:
    """Remove the stored example (training or test) nearest to the point (ties: the training
    example first, then the lower index)."""
    if network.dataset is None:
        raise Mismatch("nearest", "the network has no stored examples to remove")
    if len(body.nearest) != network.layers[0]:
        raise Mismatch(
            "nearest",
            f"has {len(body.nearest)} values; the input layer has {network.layers[0]} units",
        )
    point = np.asarray(body.nearest, dtype=np.float64)
    parts = [network.dataset, *([network.test] if network.test is not None else [])]
    distances = [((x - point) ** 2).sum(axis=1) for x, _ in parts]
    which = min(range(len(parts)), key=lambda p: float(distances[p].min()))
    i = int(np.argmin(distances[which]))
    x, y = parts[which]
    rest = (np.delete(x, i, axis=0), np.delete(y, i, axis=0))
    if which == 1:
        network.test = rest if len(rest[0]) else None
    elif len(rest[0]):
        network.dataset = rest
    elif network.test is None:
        network.dataset = None  # the last example went: no dataset, as after "dataset": null
    else:
        raise Mismatch(
            "nearest",
            "is the last training example; the test examples need one to stay "
            '(PATCH "dataset": null removes them all)',
        )
