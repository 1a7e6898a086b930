"""The dataset's test part, generated data, added and removed examples, and the L2 term,
through the API, against hand-computed values and an independent reference."""

from __future__ import annotations

import pytest

from tests.api.test_networks import LINEAR_UNIT, create
from tests.nn import reference

TRAIN = {"x": [[0, 0], [0, 1], [1, 0]], "y": [[0], [1], [1]]}
SPLIT = {**TRAIN, "test": {"x": [[1, 1], [0.9, 0.1]], "y": [[0], [1]]}}


def hand_count(true: list[int], said: list[int], k: int) -> list[list[int]]:
    """counts[t][p]: the examples of true class t said to be class p, one by one."""
    counts = [[0] * k for _ in range(k)]
    for t, p in zip(true, said, strict=True):
        counts[t][p] += 1
    return counts


def url(state, tail=""):
    return f"/api/networks/{state['id']}{tail}"


def test_l2_by_hand_shows_both_parts_of_the_gradient(client):
    """w = (2, −1), b = 0.5, x = (3, 4), y = 1, λ = 0.1, η = 0.1: net = o = 2.5, δ = −1.5;
    data part −δu = (4.5, 6); penalty part λw = (0.2, −0.1); total (4.7, 5.9);
    ∂J/∂b = 1.5 (no penalty); J = ½ 1.5² + 0.05 (4 + 1) = 1.125 + 0.25 = 1.375."""
    state = create(client, **LINEAR_UNIT, learning_rate=0.1, l2=0.1)
    body = client.post(url(state, "/backward"), json={"x": [[3, 4]], "y": [[1]]}).json()
    g = body["gradients"]
    assert g["weights_data"] == [[[4.5, 6.0]]]
    assert g["weights_penalty"] == [[[pytest.approx(0.2), pytest.approx(-0.1)]]]
    assert g["weights"] == [[[pytest.approx(4.7), pytest.approx(5.9)]]]
    assert g["biases"] == [[1.5]]
    assert body["deltas"] == [[[-1.5]]]  # δ is unchanged by the term
    assert (body["data_loss"], body["penalty"]) == (1.125, pytest.approx(0.25))
    assert body["loss"] == pytest.approx(1.375)
    assert body["weight_deltas"] == [[[pytest.approx(-0.47), pytest.approx(-0.59)]]]
    check = client.post(url(state, "/gradient-check"), json={"x": [[3, 4]], "y": [[1]]}).json()
    assert check["max_relative_error"] < 1e-6  # finite differences of J with the term


def test_l2_is_a_setting_that_patch_changes_and_zero_by_default(client):
    state = create(client)
    assert state["l2"] == 0.0
    changed = client.patch(url(state), json={"l2": 0.25})
    assert changed.status_code == 200 and changed.json()["l2"] == 0.25


def test_the_test_part_is_stored_returned_and_exported(client):
    state = create(client, dataset=SPLIT)
    assert state["dataset"] == SPLIT
    assert client.get(url(state)).json()["dataset"] == SPLIT
    doc = client.get(url(state, "/export")).json()
    copy = client.post("/api/networks/import", json=doc)
    assert copy.status_code == 201 and copy.json()["dataset"] == SPLIT
    # a PATCH of other fields keeps it; a new dataset without one drops it
    assert client.patch(url(state), json={"learning_rate": 1.0}).json()["dataset"] == SPLIT
    assert "test" not in client.patch(url(state), json={"dataset": TRAIN}).json()["dataset"]


def test_a_step_never_trains_on_test_examples_and_reports_both_sets(client):
    settings = {"layers": [2, 2, 1], "seed": 3, "learning_rate": 2.0, "l2": 0.01}
    split = create(client, **settings, dataset=SPLIT)
    alone = create(client, **settings, dataset=TRAIN)
    res = client.post(url(split, "/step"), json={"epochs": 5}).json()
    plain = client.post(url(alone, "/step"), json={"epochs": 5}).json()
    assert res["network"]["weights"] == plain["network"]["weights"]  # test part: not used
    assert res["losses"] == plain["losses"]
    assert plain["test_losses"] is None and plain["evaluation"]["test"] is None
    assert len(res["test_losses"]) == 5
    # J on the test part after the step, from the reference's own forward pass
    w, b = res["network"]["weights"], res["network"]["biases"]
    test_j = reference.loss(w, b, SPLIT["test"]["x"], SPLIT["test"]["y"], l2=0.01)
    train_j = reference.loss(w, b, TRAIN["x"], TRAIN["y"], l2=0.01)
    assert res["test_losses"][-1] == pytest.approx(test_j, rel=1e-12)
    ev = res["evaluation"]
    assert ev["test"]["loss"] == pytest.approx(test_j, rel=1e-12)
    assert ev["train"]["loss"] == pytest.approx(train_j, rel=1e-12)
    assert (ev["train"]["examples"], ev["test"]["examples"]) == (3, 2)
    # accuracy: the share of examples on the right side of ½, counted from /forward
    for part, data in (("train", TRAIN), ("test", SPLIT["test"])):
        out = client.post(url(split, "/forward"), json={"x": data["x"]}).json()["output"]
        right = sum((o[0] >= 0.5) == (t[0] == 1) for o, t in zip(out, data["y"], strict=True))
        assert ev[part]["accuracy"] == right / len(data["y"])
        # the confusion matrix beside it: rows the true class, columns the class o says
        said = [int(o[0] >= 0.5) for o in out]
        true = [int(t[0]) for t in data["y"]]
        counts = hand_count(true, said, 2)
        assert ev[part]["confusion"] == counts
        assert (counts[0][0] + counts[1][1]) / len(data["y"]) == ev[part]["accuracy"]


def test_targets_that_are_not_classes_have_no_accuracy(client):
    state = create(client, layers=[2, 2], dataset={"x": [[0.05, 0.1]], "y": [[0.01, 0.99]]})
    ev = client.post(url(state, "/step")).json()["evaluation"]
    assert ev["train"]["accuracy"] is None and ev["train"]["confusion"] is None


def test_the_confusion_matrix_of_one_hot_classes_is_counted_from_forward(client):
    hot = {
        "x": [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]],
        "y": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]],
    }
    state = create(client, layers=[2, 4, 3], seed=6, dataset={**hot, "test": hot})
    ev = client.post(url(state, "/step"), json={"epochs": 3}).json()["evaluation"]
    out = client.post(url(state, "/forward"), json={"x": hot["x"]}).json()["output"]
    said = [max(range(3), key=o.__getitem__) for o in out]
    true = [t.index(1) for t in hot["y"]]
    counts = hand_count(true, said, 3)
    assert ev["train"]["confusion"] == ev["test"]["confusion"] == counts
    assert sum(counts[i][i] for i in range(3)) / 5 == ev["train"]["accuracy"]


def test_generate_replaces_the_dataset_with_a_split(client):
    state = create(client, dataset=TRAIN)
    spec = {"shape": "xor", "n": 40, "noise": 0.0, "test_fraction": 0.25, "seed": 2}
    data = client.patch(url(state), json={"generate": spec}).json()["dataset"]
    assert (len(data["x"]), len(data["test"]["x"])) == (30, 10)
    for x, y in zip(data["x"] + data["test"]["x"], data["y"] + data["test"]["y"], strict=True):
        assert (x[0] * x[1] < 0) == (y == [1.0])  # class 1 where the signs differ
    # one-hot targets need two outputs: layers may come in the same PATCH
    refused = client.patch(url(state), json={"generate": {**spec, "one_hot": True}})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "generate"
    both = client.patch(
        url(state), json={"generate": {**spec, "one_hot": True}, "layers": [2, 3, 2]}
    ).json()
    assert both["layers"] == [2, 3, 2] and both["dataset"]["y"][0] in ([1.0, 0.0], [0.0, 1.0])
    made = client.post("/api/networks", json={"layers": [2, 2, 1], "generate": spec})
    assert made.status_code == 201 and len(made.json()["dataset"]["test"]["x"]) == 10


def test_examples_are_added_and_the_nearest_removed(client):
    state = create(client, dataset=SPLIT)
    added = client.post(url(state, "/examples"), json={"x": [[0.3, -0.2]], "y": [[1]]})
    assert added.status_code == 200, added.text
    data = client.get(url(state)).json()["dataset"]
    assert data["x"] == TRAIN["x"] + [[0.3, -0.2]] and data["y"] == TRAIN["y"] + [[1.0]]
    assert data["test"] == SPLIT["test"]
    client.post(url(state, "/examples"), json={"x": [[-1, -1]], "y": [[0]], "test": True})
    assert client.get(url(state)).json()["dataset"]["test"]["x"][-1] == [-1.0, -1.0]
    # (0.8, 0.2) is nearest the test example (0.9, 0.1): it goes, the rest stays
    removed = client.post(url(state, "/examples/remove"), json={"nearest": [0.8, 0.2]}).json()
    assert removed["dataset"]["test"]["x"] == [[1.0, 1.0], [-1.0, -1.0]]
    assert removed["dataset"]["x"] == data["x"]
    removed = client.post(url(state, "/examples/remove"), json={"nearest": [0.1, 0.9]}).json()
    assert removed["dataset"]["x"] == [[0.0, 0.0], [1.0, 0.0], [0.3, -0.2]]


def test_removing_the_last_example_leaves_no_dataset(client):
    state = create(client, dataset={"x": [[0, 1]], "y": [[1]]})
    gone = client.post(url(state, "/examples/remove"), json={"nearest": [5, 5]}).json()
    assert gone["dataset"] is None
    first = client.post(url(state, "/examples"), json={"x": [[0.5, 0.5]], "y": [[0]]}).json()
    assert first["dataset"] == {"x": [[0.5, 0.5]], "y": [[0.0]]}


def test_the_last_training_example_stays_while_there_are_test_examples(client):
    state = create(client, dataset={"x": [[0, 1]], "y": [[1]], "test": {"x": [[3, 3]], "y": [[0]]}})
    refused = client.post(url(state, "/examples/remove"), json={"nearest": [0, 1]})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "nearest"
    assert "last training example" in refused.json()["detail"]
    assert client.get(url(state)).json() == state
    refused = client.post(url(state, "/examples"), json={"x": [[1, 2]], "y": [[1]], "test": "yes"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "test"


def test_a_rewind_brings_back_the_test_part_a_new_dataset_dropped(client):
    state = create(client, layers=[2, 2, 1], dataset=SPLIT)
    assert client.post(url(state, "/step"), json={}).status_code == 200
    assert "test" not in client.patch(url(state), json={"dataset": TRAIN}).json()["dataset"]
    entries = client.get(url(state, "/history")).json()["entries"]
    stepped = next(e for e in entries if e["kind"] == "step")
    back = client.post(url(state, "/rewind"), json={"update": 1, "entry": stepped["entry"]})
    assert back.status_code == 200, back.text
    assert back.json()["dataset"] == SPLIT
    # and a step from there measures the test part again
    assert client.post(url(state, "/step"), json={}).json()["test_losses"] is not None
