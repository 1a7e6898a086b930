"""Teachers' presets: named scenarios a network can be created from (`"preset": "xor"`).

A preset is one JSON file, `<name>.json`: the body of POST /api/networks (layers, settings,
optional exact weights and biases, seed, dataset) plus a title and a short description::

    {
      "title": "Circle",                          required, shown in the preset list
      "description": "Class 1 inside a disc.",    optional
      "layers": [2, 6, 1],                        required
      "hidden_activation": "tanh", "learning_rate": 1.0, ...   optional, as in the API
      "weights": [...], "biases": [...],          optional: exact initial values
      "dataset": {"x": [[...]], "y": [[...]]}     or a generator, see app/presets/datasets.py:
      "dataset": {"shape": "circle", "n": 100, "noise": 0.1, "seed": 1}
    }

(`shape` was first called `generate`; files that use that name still load.)

The preset's name is the file name without `.json` (letters, digits, `-`, `_`; at most 64),
or a `"name"` field. The built-ins live in app/presets/builtin/. Files in BACKPROP_PRESETS_DIR
are read once per process at start-up and added to them; a file with a built-in's name
replaces it. A file that cannot be read or does not describe a valid network is skipped with
a logged reason: it never stops the server.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from app.config import LIMITS, get_settings
from app.networks import validate
from app.networks.errors import Invalid, NetworkError
from app.presets.datasets import generate
from app.schemas import Generate, NetworkCreate, NetworkSettings, field_path

log = logging.getLogger("backprop.presets")

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
DEFAULT = "xor"
ORDER = ("xor", "and", "or", "mazur", "circle", "gaussians", "spiral")
"""The built-ins in the order the preset list shows them; a teacher's files follow, by title."""
NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_FILE_BYTES = 5_000_000
MAX_DESCRIPTION = 1000
Source = Literal["builtin", "folder"]


class PresetError(ValueError):
    """Why a preset file was skipped."""


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    source: Source
    network: NetworkCreate
    """The create body, complete: dataset given as numbers, `name` set to the title."""


def parse(data: Any, name: str, source: Source) -> Preset:
    """A preset from a file's parsed JSON, or PresetError naming the field at fault."""
    if not isinstance(data, Mapping):
        raise PresetError("the file must hold one JSON object")
    body = dict(data)
    name = body.pop("name", name)
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise PresetError(f"name: {name!r} is not 1-64 letters, digits, '-' or '_'")
    title = body.pop("title", None)
    if not isinstance(title, str) or not 0 < len(title.strip()) <= LIMITS.max_name_length:
        raise PresetError(f"title: is required, 1-{LIMITS.max_name_length} characters")
    description = body.pop("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise PresetError(f"description: must be text of at most {MAX_DESCRIPTION} characters")
    if "preset" in body:
        raise PresetError("preset: a preset cannot name another preset")
    if body.get("layers") is None:
        raise PresetError("layers: is required")
    dataset = body.get("dataset")
    if isinstance(dataset, Mapping) and ("shape" in dataset or "generate" in dataset):
        spec = validated(Generate, dataset, "dataset")
        if spec.twice():
            raise PresetError(f"dataset.generate: {spec.twice()}")
        body["dataset"] = generate(spec)
    network = validated(NetworkCreate, {**body, "name": title.strip()}, "")
    check(network)
    return Preset(name, title.strip(), description.strip(), source, network)


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any, prefix: str) -> M:
    """`model` from `data`, or PresetError naming the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = ("body", prefix, *first["loc"]) if prefix else ("body", *first["loc"])
        where = field_path(loc)
        raise PresetError(f"{where}: {first['msg']}") from None


def check(network: NetworkCreate) -> None:
    """The checks POST /api/networks makes that depend on the layer sizes."""
    assert network.layers is not None
    try:
        settings = NetworkSettings.model_validate(
            network.model_dump(include=set(NetworkSettings.model_fields))
        )
        validate.settings(settings)
        if network.weights is not None or network.biases is not None:
            if network.weights is None or network.biases is None:
                raise Invalid("weights", "give both weights and biases, or neither")
            validate.params(network.layers, network.weights, network.biases)
        if network.dataset is not None:
            validate.dataset(network.dataset, network.layers, settings)
    except NetworkError as error:
        raise PresetError(f"{error.field}: {error.message}") from None


def read(path: Path, source: Source) -> Preset:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise PresetError(f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise PresetError(f"the file is not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise PresetError(f"not valid JSON: {error.msg} at line {error.lineno}") from None
    return parse(data, path.stem, source)


def load_folder(folder: Path, source: Source) -> dict[str, Preset]:
    """Every valid `*.json` file in `folder`, by name; the others are logged and skipped."""
    found: dict[str, Preset] = {}
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == ".json" and p.is_file())
    except OSError as error:
        log.warning("presets folder %s cannot be read (%s); built-ins only", folder, error)
        return found
    for path in paths:
        try:
            preset = read(path, source)
        except (PresetError, OSError, RecursionError) as error:
            log.warning("preset file %s skipped: %s", path, error)
            continue
        if preset.name in found:
            log.warning("preset file %s skipped: the name %r is taken", path, preset.name)
            continue
        found[preset.name] = preset
    return found


@lru_cache(maxsize=8)
def catalogue(folder: str | None) -> dict[str, Preset]:
    """The built-ins, plus the presets in `folder` (read once per process and folder)."""
    presets = load_folder(BUILTIN_DIR, "builtin")
    if folder:
        for name, preset in load_folder(Path(folder), "folder").items():
            if name in presets:
                log.info("preset %r from %s replaces the built-in one", name, folder)
            presets[name] = preset
        log.info("presets: %d built-in and from %s: %s", len(presets), folder, ", ".join(presets))
    return presets


def all_presets() -> dict[str, Preset]:
    return catalogue(get_settings().presets_dir)


def listed() -> list[Preset]:
    """Every preset in the order of the preset list."""

    def key(preset: Preset) -> tuple[int, str]:
        rank = ORDER.index(preset.name) if preset.name in ORDER else len(ORDER)
        return rank, preset.title.lower()

    return sorted(all_presets().values(), key=key)


def get(name: str) -> NetworkCreate | None:
    """The create body of the preset `name`, or None when there is none."""
    preset = all_presets().get(name)
    return None if preset is None else preset.network


def under(preset: NetworkCreate, body: Mapping[str, Any]) -> dict[str, Any]:
    """A create body's fields over a preset's: the body's win, and a body that generates its
    data (`generate`) replaces the preset's dataset rather than clashing with it."""
    base = preset.model_dump(exclude_unset=True, exclude={"preset"})
    if body.get("generate") is not None:
        base.pop("dataset", None)
    return base | dict(body)
