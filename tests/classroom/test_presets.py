"""Presets: the eight built-ins, files from BACKPROP_PRESETS_DIR, and bad files skipped."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from app import nn, presets
from app.presets.datasets import generate
from app.schemas import MAZUR_EXAMPLE, Generate, engine_config
from tests.classroom.conftest import MakeClient

BUILTINS = ["xor", "and", "or", "mazur", "circle", "gaussians", "spiral", "deep-sigmoid"]


def test_the_list_shows_the_eight_builtins_in_order(make_client: MakeClient) -> None:
    body = make_client().get("/api/presets").json()
    assert [p["name"] for p in body["presets"]] == BUILTINS
    assert body["default"] == "xor"
    spiral = body["presets"][BUILTINS.index("spiral")]
    assert spiral["layers"] == [2, 12, 12, 1]
    assert spiral["examples"] == 200
    assert spiral["source"] == "builtin"
    assert body["presets"][-1]["layers"] == [2, 8, 8, 8, 8, 8, 1]  # deep sigmoid, on the circle
    assert all(p["title"] and p["description"] for p in body["presets"])


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_creates_the_network_it_describes(make_client: MakeClient, name: str) -> None:
    client = make_client()
    full = client.get(f"/api/presets/{name}").json()
    made = client.post("/api/networks", json={"preset": name})
    assert made.status_code == 201, made.text
    state = made.json()
    assert state["layers"] == full["layers"]
    assert state["dataset"] == full["dataset"]
    assert state["learning_rate"] == full["learning_rate"]
    assert state["name"] == full["name"]


def test_mazur_has_his_exact_weights_and_frozen_biases(make_client: MakeClient) -> None:
    client = make_client()
    state = client.post("/api/networks", json={"preset": "mazur"}).json()
    for key in ("layers", "weights", "biases", "learning_rate", "train_biases", "dataset"):
        assert state[key] == MAZUR_EXAMPLE[key], key
    step = client.post(f"/api/networks/{state['id']}/step", json={}).json()
    assert step["network"]["weights"][1][0][0] == pytest.approx(0.35891648, abs=1e-8)
    assert step["network"]["biases"] == MAZUR_EXAMPLE["biases"]


def test_create_can_override_a_preset_setting(make_client: MakeClient) -> None:
    made = make_client().post("/api/networks", json={"preset": "xor", "learning_rate": 0.25})
    assert made.status_code == 201
    assert made.json()["learning_rate"] == 0.25
    assert made.json()["layers"] == [2, 2, 1]


def test_generated_data_replaces_a_presets_dataset(make_client: MakeClient) -> None:
    """A preset and a generator: the preset's network with the generated points (the schema
    allows it, so the server must take it), for a network and for a class's activity."""
    client = make_client()
    spec = {"shape": "xor", "n": 40, "noise": 0.1, "test_fraction": 0.25, "seed": 2}
    drawn = generate(Generate(**spec))
    made = client.post("/api/networks", json={"preset": "xor", "generate": spec})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["layers"] == [2, 2, 1] and body["learning_rate"] == presets.get("xor").learning_rate
    assert body["dataset"]["x"] == drawn["x"] and body["dataset"]["test"] == drawn["test"]
    opened = client.post(
        "/api/classes", json={"title": "Week 3", "activity": {"preset": "xor", "generate": spec}}
    )
    assert opened.status_code == 201, opened.text
    joined = client.post("/api/join", json={"code": opened.json()["join_code"]}).json()
    student = client.get(f"/api/networks/{joined['network_id']}").json()
    assert student["dataset"]["x"] == drawn["x"]


def test_unknown_preset_is_refused_naming_the_field(make_client: MakeClient) -> None:
    client = make_client()
    made = client.post("/api/networks", json={"preset": "nope"})
    assert made.status_code == 404
    assert made.json()["errors"][0]["field"] == "preset"
    assert client.get("/api/presets/nope").status_code == 404


def test_generated_datasets_are_deterministic() -> None:
    spec = Generate(shape="spiral", n=50, noise=0.1, seed=7)
    assert generate(spec) == generate(spec)
    assert generate(spec) != generate(spec.model_copy(update={"seed": 8}))
    data = generate(Generate(shape="circle", n=101))
    assert len(data["x"]) == len(data["y"]) == 101
    assert sorted({row[0] for row in data["y"]}) == [0.0, 1.0]
    assert "test" not in data


# Epochs enough for each built-in to classify its own dataset, in the preset's mode (batch).
TRAIN = {"xor": 2000, "and": 1000, "or": 1000, "circle": 1000, "gaussians": 500, "spiral": 3000}


@pytest.mark.parametrize("name", list(TRAIN))
def test_builtins_actually_train(name: str) -> None:
    """The presets' layers and learning rates are chosen so that plain batch gradient descent
    from the preset's seed classifies the whole dataset (at least 97%)."""
    body = presets.get(name)
    assert body is not None and body.layers is not None and body.dataset is not None
    cfg = engine_config(body)
    x, y = np.array(body.dataset.x), np.array(body.dataset.y)
    result = nn.train(nn.init_params(body.layers, body.seed), cfg, x, y, epochs=TRAIN[name])
    output = nn.forward(result.params, cfg, x).output
    assert ((output > 0.5) == (y > 0.5)).mean() >= 0.97
    assert result.losses[-1] < 0.2 * result.losses[0]


# -- a teacher's folder -------------------------------------------------------------------------
GOOD = {
    "title": "Sine sign",
    "description": "Is sin(x) positive?",
    "layers": [1, 4, 1],
    "hidden_activation": "tanh",
    "dataset": {"x": [[-2.0], [-1.0], [1.0], [2.0]], "y": [[0], [0], [1], [1]]},
}
BAD: dict[str, str | dict[str, object]] = {
    "broken.json": '{"title": "Broken", "layers": [2, 1],',
    "no-title.json": {"layers": [2, 1]},
    "no-layers.json": {"title": "No layers"},
    "wrong-width.json": {"title": "W", "layers": [2, 1], "dataset": {"x": [[1]], "y": [[0]]}},
    "typo.json": {"title": "Typo", "layers": [2, 1], "learning_rat": 0.1},
    "bad-name.json": {"name": "no spaces allowed", "title": "N", "layers": [2, 1]},
    "bad-activation.json": {"title": "A", "layers": [2, 1], "hidden_activation": "softmax"},
    "bad-generator.json": {"title": "G", "layers": [2, 1], "dataset": {"shape": "moons"}},
    "bad-old-generator.json": {"title": "G", "layers": [2, 1], "dataset": {"generate": "moons"}},
    "typo-generated.json": {
        "title": "T",
        "layers": [2, 1],
        "learnin_rate": 1,
        "dataset": {"generate": "circle"},
    },
    "array.json": "[1, 2, 3]",
    "latin1.json": "",
}


def write_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "sine.json").write_text(json.dumps(GOOD))
    (folder / "xor.json").write_text(json.dumps({**GOOD, "title": "My XOR", "layers": [1, 2, 1]}))
    (folder / "moons.json").write_text(
        json.dumps(
            {
                "title": "Generated",
                "layers": [2, 5, 1],
                # the generator's field by its old name: a file written before still loads
                "dataset": {"generate": "gaussians", "n": 30, "seed": 4},
            }
        )
    )
    (folder / "notes.txt").write_text("not a preset")
    for name, content in BAD.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (folder / name).write_bytes(text.encode() if name != "latin1.json" else b'{"t\xe9": 1}')


def test_folder_presets_are_added_and_bad_files_skipped_with_a_reason(
    make_client: MakeClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "presets"
    write_folder(folder)
    with caplog.at_level(logging.WARNING, logger="backprop.presets"):
        client = make_client(BACKPROP_PRESETS_DIR=str(folder))
        listed = client.get("/api/presets").json()["presets"]
    names = [p["name"] for p in listed]
    assert names == [*BUILTINS, "moons", "sine"]
    by_name = {p["name"]: p for p in listed}
    assert by_name["xor"]["title"] == "My XOR" and by_name["xor"]["source"] == "folder"
    assert by_name["moons"]["examples"] == 30
    made = client.post("/api/networks", json={"preset": "sine"})
    assert made.status_code == 201
    assert made.json()["layers"] == [1, 4, 1]
    assert made.json()["name"] == "Sine sign"

    skipped = {
        Path(str(r.args[0])).name: str(r.args[1])
        for r in caplog.records
        if isinstance(r.args, tuple)
        if r.getMessage().startswith("preset file")
    }
    assert set(skipped) == set(BAD)
    assert "not valid JSON" in skipped["broken.json"]
    assert skipped["no-title.json"].startswith("title")
    assert skipped["no-layers.json"].startswith("layers")
    assert skipped["wrong-width.json"].startswith("dataset.x[0]")
    assert skipped["typo.json"].startswith("learning_rat")
    assert skipped["bad-name.json"].startswith("name")
    assert skipped["bad-activation.json"].startswith("hidden_activation")
    assert skipped["bad-generator.json"].startswith("dataset.shape")
    assert skipped["bad-old-generator.json"].startswith("dataset.generate")
    assert skipped["typo-generated.json"].startswith("learnin_rate")
    assert "one JSON object" in skipped["array.json"]
    assert "UTF-8" in skipped["latin1.json"]


def test_a_missing_folder_leaves_the_builtins(
    make_client: MakeClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="backprop.presets"):
        client = make_client(BACKPROP_PRESETS_DIR=str(tmp_path / "absent"))
        names = [p["name"] for p in client.get("/api/presets").json()["presets"]]
    assert names == BUILTINS
    assert any("cannot be read" in r.getMessage() for r in caplog.records)


def test_the_example_folder_loads_without_a_warning(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    folder = Path(__file__).resolve().parents[2] / "presets"
    with caplog.at_level(logging.WARNING, logger="backprop.presets"):
        client = make_client(BACKPROP_PRESETS_DIR=str(folder))
        listed = client.get("/api/presets").json()["presets"]
    assert [p["name"] for p in listed] == [*BUILTINS, "circle-two-units"]
    assert not caplog.records
