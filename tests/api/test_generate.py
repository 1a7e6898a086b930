"""Generated datasets: the XOR cloud, noise, the test split and one-hot targets."""

from __future__ import annotations

import numpy as np
import pytest

from app.presets.datasets import generate
from app.schemas import Generate


def points(**spec):
    data = generate(Generate(**spec))
    test = data.get("test", {"x": [], "y": []})
    return np.array(data["x"]), np.array(data["y"]), np.array(test["x"]), np.array(test["y"])


def test_xor_without_noise_puts_class_1_where_the_signs_differ():
    x, y, _, _ = points(shape="xor", n=200, noise=0.0, seed=4)
    differ = np.sign(x[:, 0]) != np.sign(x[:, 1])
    np.testing.assert_array_equal(differ, y[:, 0] == 1)
    assert (np.abs(x) >= 0.1).all() and (np.abs(x) <= 1).all()  # off the axes, in the square
    assert y.sum() == 100  # half and half


def test_noise_moves_the_points_by_its_standard_deviation():
    clean, y, _, _ = points(shape="xor", n=2000, noise=0.0, seed=1)
    noisy, y2, _, _ = points(shape="xor", n=2000, noise=0.2, seed=1)
    np.testing.assert_array_equal(y, y2)
    moved = (noisy - clean).ravel()  # same seed, same points, plus N(0, 0.2²) (rounded, clipped)
    assert np.std(moved) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("kind", ["circle", "gaussians", "spiral", "xor"])
def test_the_test_part_is_the_fraction_asked_for_and_disjoint(kind):
    whole, wy, _, _ = points(shape=kind, n=100, seed=3)
    x, y, tx, ty = points(shape=kind, n=100, seed=3, test_fraction=0.3)
    assert (len(x), len(tx)) == (70, 30)
    # the same 100 points, split: every point is in exactly one part
    together = sorted(map(tuple, np.vstack([x, tx]).tolist()))
    assert together == sorted(map(tuple, whole.tolist()))
    assert sorted(np.vstack([y, ty]).ravel().tolist()) == sorted(wy.ravel().tolist())


def test_at_least_one_training_example_stays():
    x, _, tx, _ = points(shape="circle", n=2, test_fraction=0.9)
    assert (len(x), len(tx)) == (1, 1)


def test_one_hot_gives_two_columns():
    _, y, _, _ = points(shape="gaussians", n=10)
    _, y2, _, _ = points(shape="gaussians", n=10, one_hot=True)
    np.testing.assert_array_equal(y2, np.hstack([1 - y, y]))


@pytest.mark.parametrize("name", ["NetworkCreate", "NetworkPatch", "Activity"])
def test_the_schema_says_a_dataset_and_a_generator_do_not_go_together(client, name):
    """What the server refuses (422 on `generate`) the OpenAPI document leaves out: a body
    holding a dataset object and a generator; a null dataset beside a generator stays in."""
    schema = client.get("/openapi.json").json()["components"]["schemas"][name]
    assert schema["not"] == {
        "required": ["dataset", "generate"],
        "properties": {"dataset": {"type": "object"}},
    }
    two = {"x": [[0.0, 0.0]], "y": [[0.0]]}
    both = {"layers": [2, 2, 1], "dataset": two, "generate": {"shape": "circle"}}
    refused = client.post("/api/networks", json=both)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "generate"


def test_the_shape_is_named_shape_and_its_old_name_still_works(client):
    spec = {"n": 30, "noise": 0.05, "test_fraction": 0.2, "seed": 9}
    drawn = generate(Generate(shape="spiral", **spec))
    new = client.post(
        "/api/networks", json={"layers": [2, 3, 1], "generate": {"shape": "spiral", **spec}}
    )
    old = client.post(
        "/api/networks", json={"layers": [2, 3, 1], "generate": {"generate": "spiral", **spec}}
    )
    for made in (new, old):
        assert made.status_code == 201, made.text
        assert made.json()["dataset"] == {"x": drawn["x"], "y": drawn["y"], "test": drawn["test"]}
    patched = client.patch(
        f"/api/networks/{new.json()['id']}", json={"generate": {"generate": "circle", "n": 12}}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["dataset"]["x"] == generate(Generate(shape="circle", n=12))["x"]
    # both names of one shape: the schema allows it, so the server takes it
    both = {"shape": "xor", "generate": "xor", "n": 10}
    made = client.post("/api/networks", json={"layers": [2, 2, 1], "generate": both})
    assert made.status_code == 201, made.text
    assert made.json()["dataset"]["x"] == generate(Generate(shape="xor", n=10))["x"]


def test_a_bare_generator_name_is_answered_with_the_object_expected(client):
    refused = client.post("/api/networks", json={"layers": [2, 2, 1], "generate": "spiral"})
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "generate"
    assert '{"shape": "spiral", "n": 200}' in error["message"]


def test_the_schema_documents_shape_and_marks_its_old_name_deprecated(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Generate"]
    assert schema["anyOf"] == [{"required": ["shape"]}, {"required": ["generate"]}]
    assert "required" not in schema
    old = schema["properties"]["generate"]
    assert old["deprecated"] is True and "shape" in old["description"]
    assert (
        old["enum"]
        == schema["properties"]["shape"]["enum"]
        == ["circle", "gaussians", "spiral", "xor"]
    )
    assert schema["example"]["shape"] == "circle"
