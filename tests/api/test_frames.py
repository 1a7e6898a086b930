"""POST …/step with frames and a grid: each frame is the state the same number of one-epoch
steps reach from the same start (to the bit), the last is the network, and the grid is
/predict at the page's own points."""

from __future__ import annotations

import pytest

XOR = {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}
SPLIT = {
    "x": [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]],
    "y": [[0], [1], [1], [0], [1]],
    "test": {"x": [[0.2, 0.9]], "y": [[1]]},
}


def create(client, **body):
    body = {"layers": [2, 3, 1], "seed": 3, "dataset": XOR, **body}
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def step(client, nid, **body):
    response = client.post(f"/api/networks/{nid}/step", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def field_of(response):
    return response.json()["errors"][0]["field"]


@pytest.mark.parametrize(
    ("settings", "mode", "epochs", "frames"),
    [
        ({}, "batch", 50, 10),
        ({"hidden_activation": "tanh", "l2": 0.01, "reduction": "mean"}, "batch", 12, 4),
        ({"dataset": SPLIT, "learning_rate": 2.0}, "online", 6, 3),
        ({"layers": [2, 4, 3, 2], "dataset": None}, "batch", 9, 9),
    ],
)
def test_each_frame_is_the_state_of_as_many_one_epoch_steps(client, settings, mode, epochs, frames):
    body = {"mode": mode, "epochs": epochs, "frames": frames}
    sent = {}
    if settings.get("dataset", XOR) is None:  # examples in the request, none stored
        sent = {"x": [[0.1, 0.7], [0.9, 0.2], [0.4, 0.4]], "y": [[1, 0], [0, 1], [1, 1]]}
    framed = create(client, **settings)
    single = create(client, **settings)
    answer = step(client, framed["id"], **body, **sent)
    assert len(answer["frames"]) == frames
    per_frame = epochs // frames
    for frame in answer["frames"]:
        for _ in range(per_frame):
            one = step(client, single["id"], mode=mode, epochs=1, **sent)
        state = one["network"]
        assert frame["updates"] == state["updates"]
        assert frame["weights"] == state["weights"]  # JSON floats round-trip: to the bit
        assert frame["biases"] == state["biases"]
        assert frame["loss"] == one["losses"][-1]
    last, network = answer["frames"][-1], answer["network"]
    assert (last["weights"], last["biases"]) == (network["weights"], network["biases"])
    assert last["updates"] == network["updates"]
    # the rest of the answer is the one a step without frames gives
    plain = create(client, **settings)
    without = step(client, plain["id"], mode=mode, epochs=epochs, **sent)
    assert "frames" not in without and "grid" not in without
    answer.pop("frames")
    for part in (answer, without):
        part["network"].pop("id")
    assert answer == without


def test_one_history_entry_per_request(client):
    nid = create(client)["id"]
    step(client, nid, epochs=50, frames=10)
    entries = client.get(f"/api/networks/{nid}/history").json()["entries"]
    assert [(e["update"], e["kind"]) for e in entries] == [(0, "create"), (50, "step")]


def plane(bounds, n):
    """The page's points (static/js/charts.js gridInputs), row by row from the top."""
    (a0, a1), (b0, b1) = bounds
    return [
        [a0 + ((a1 - a0) * col) / (n - 1), b1 - ((b1 - b0) * row) / (n - 1)]
        for row in range(n)
        for col in range(n)
    ]


@pytest.mark.parametrize(
    ("dataset", "bounds"),
    [
        # XOR: none negative, so the examples' range padded by a tenth (0.1 of a span of 1)
        (XOR, [[-0.1, 1.1], [-0.1, 1.1]]),
        # within 1.2 of 0, one negative: the generators' plane
        ({"x": [[-0.5, 0.3], [0.8, 1.0]], "y": [[0], [1]]}, [[-1.2, 1.2], [-1.2, 1.2]]),
        # the test part counts too: 3.0 is outside 1.2
        (
            {
                "x": [[-0.5, 0.0], [1.0, 1.0]],
                "y": [[0], [1]],
                "test": {"x": [[3.0, 0]], "y": [[1]]},
            },
            [[-0.5 - 0.35, 3.0 + 0.35], [-0.1, 1.1]],
        ),
    ],
)
def test_the_grid_is_predict_at_the_pages_points(client, dataset, bounds):
    nid = create(client, layers=[2, 4, 3, 2], dataset=None)["id"]
    y = [[v[0], 1 - v[0]] for v in dataset["y"]]
    body = {"x": dataset["x"], "y": y}
    if "test" in dataset:
        body["test"] = {"x": dataset["test"]["x"], "y": [[1, 0]]}
    assert client.patch(f"/api/networks/{nid}", json={"dataset": body}).status_code == 200
    answer = step(client, nid, epochs=10, frames=2, grid=7, grid_hidden=True)
    grid = answer["grid"]
    assert grid["n"] == 7
    assert [*grid["bounds"][0], *grid["bounds"][1]] == pytest.approx([*bounds[0], *bounds[1]])
    predicted = client.post(
        f"/api/networks/{nid}/predict", json={"x": plane(grid["bounds"], 7), "hidden": True}
    ).json()
    assert grid["output"] == predicted["output"]
    assert grid["hidden"] == predicted["hidden"]
    assert len(grid["output"]) == 49 and len(grid["hidden"]) == 2
    # without grid_hidden, the outputs alone
    plain = step(client, nid, grid=2)
    assert plain["grid"]["hidden"] is None and len(plain["grid"]["output"]) == 4
    assert "frames" not in plain


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"epochs": 7, "frames": 2}, 409, "frames"),  # the schema allows it: never a 422
        ({"epochs": 5, "frames": 0}, 422, "frames"),
        ({"epochs": 51, "frames": 51}, 422, "frames"),
        ({"grid": 1}, 422, "grid"),
        ({"grid": 51}, 422, "grid"),
        ({"frames": 1, "grid": 10, "x": [[0, 0, 0]], "y": [[1]]}, 409, "grid"),
    ],
)
def test_bad_frames_or_grid_name_the_field_and_change_nothing(client, body, status, field):
    layers = [3, 2, 1] if "x" in body and len(body["x"][0]) == 3 else [2, 3, 1]
    nid = create(client, layers=layers, dataset=None if layers[0] == 3 else XOR)["id"]
    bad = client.post(f"/api/networks/{nid}/step", json=body)
    assert bad.status_code == status, bad.text
    assert field_of(bad) == field
    assert client.get(f"/api/networks/{nid}").json()["updates"] == 0
    assert len(client.get(f"/api/networks/{nid}/history").json()["entries"]) == 1


def test_the_size_bound_counts_the_frames(client):
    # 50 frames of 66,817 parameters are 3.3 million numbers, over the 40 MB answer
    nid = create(client, layers=[2, 256, 256, 1], dataset=None)["id"]
    body = {"x": [[0, 1]], "y": [[1]], "epochs": 50}
    bad = client.post(f"/api/networks/{nid}/step", json={**body, "frames": 50})
    assert bad.status_code == 409 and field_of(bad) == "frames", bad.text
    assert client.get(f"/api/networks/{nid}").json()["updates"] == 0
    ok = client.post(f"/api/networks/{nid}/step", json={**body, "frames": 5})
    assert ok.status_code == 200 and len(ok.json()["frames"]) == 5
