"""History, rewind and trace, through the API, against values computed independently: Matt
Mazur's worked example (his published first-update weights, and the same update written out
here by hand from his equations), and the network's own answers compared bit for bit."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

from app.api import history as history_routes
from app.schemas import MAZUR_EXAMPLE
from tests.api.bad_input import Bad, made, refused


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def mazur_first_update() -> list[list[list[float]]]:
    """His update, unit by unit: δ_o = (o − y) o (1 − o), ∂E/∂w5 = δ_o1 out_h1, and the hidden
    weights from the old output weights; η = 0.5, biases kept."""
    (w1, w2), (w3, w4) = MAZUR_EXAMPLE["weights"][0]
    (w5, w6), (w7, w8) = MAZUR_EXAMPLE["weights"][1]
    (b1, _), (b2, _) = MAZUR_EXAMPLE["biases"]
    i1, i2 = MAZUR_EXAMPLE["dataset"]["x"][0]
    t1, t2 = MAZUR_EXAMPLE["dataset"]["y"][0]
    h1, h2 = sigmoid(w1 * i1 + w2 * i2 + b1), sigmoid(w3 * i1 + w4 * i2 + b1)
    o1, o2 = sigmoid(w5 * h1 + w6 * h2 + b2), sigmoid(w7 * h1 + w8 * h2 + b2)
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
    eta = 0.5
    return [
        [
            [w1 - eta * e1 * i1, w2 - eta * e1 * i2],
            [w3 - eta * e2 * i1, w4 - eta * e2 * i2],
        ],
        [[w5 - eta * d1 * h1, w6 - eta * d1 * h2], [w7 - eta * d2 * h1, w8 - eta * d2 * h2]],
    ]


@pytest.fixture
def mazur(client) -> str:
    response = client.post("/api/networks", json=MAZUR_EXAMPLE)
    assert response.status_code == 201
    return str(response.json()["id"])


def steps(client, network_id: str, n: int) -> list[dict]:
    out = []
    for _ in range(n):
        response = client.post(f"/api/networks/{network_id}/step", json={})
        assert response.status_code == 200, response.text
        out.append(response.json()["network"])
    return out


def history(client, network_id: str) -> dict:
    response = client.get(f"/api/networks/{network_id}/history")
    assert response.status_code == 200, response.text
    return response.json()


def test_history_1_holds_mazurs_first_update(client, mazur):
    stepped = steps(client, mazur, 3)
    entries = history(client, mazur)["entries"]
    assert [(e["entry"], e["update"], e["kind"]) for e in entries] == [
        (0, 0, "create"),
        (1, 1, "step"),
        (2, 2, "step"),
        (3, 3, "step"),
    ]
    assert entries[0]["loss"] == pytest.approx(0.298371109, abs=5e-10)  # his E_total
    first = client.get(f"/api/networks/{mazur}/history/1").json()
    expected = mazur_first_update()
    for k in range(2):
        for r in range(2):
            for q in range(2):
                assert first["weights"][k][r][q] == pytest.approx(expected[k][r][q], abs=1e-9)
    # his published digits: w5+ = 0.35891648, w1+ = 0.149780716
    assert round(first["weights"][1][0][0], 8) == 0.35891648
    assert round(first["weights"][0][0][0], 9) == 0.149780716
    assert first["biases"] == MAZUR_EXAMPLE["biases"]
    assert first == stepped[0]  # the state the step answered, bit for bit
    assert (
        client.get(f"/api/networks/{mazur}/history/0").json()["weights"]
        == (MAZUR_EXAMPLE["weights"])
    )


def test_rewind_to_1_then_one_step_equals_two_steps_from_the_start(client, mazur):
    stepped = steps(client, mazur, 3)
    rewound = client.post(f"/api/networks/{mazur}/rewind", json={"update": 1})
    assert rewound.status_code == 200, rewound.text
    assert rewound.json() == stepped[0]
    assert client.get(f"/api/networks/{mazur}").json() == stepped[0]
    (again,) = steps(client, mazur, 1)
    assert again["weights"] == stepped[1]["weights"]  # == on floats: to the bit
    assert again == stepped[1]
    other = client.post("/api/networks", json=MAZUR_EXAMPLE).json()["id"]
    assert steps(client, other, 2)[1]["weights"] == again["weights"]


def test_the_branch_stays_until_a_step_replaces_it(client, mazur):
    stepped = steps(client, mazur, 3)
    client.post(f"/api/networks/{mazur}/rewind", json={"update": 1})
    found = history(client, mazur)
    assert found["current"] == 1
    assert [e["branch"] for e in found["entries"]] == [False, False, True, True]
    forward = client.post(f"/api/networks/{mazur}/rewind", json={"update": 3})  # redo
    assert forward.json() == stepped[2]
    client.post(f"/api/networks/{mazur}/rewind", json={"update": 0})
    assert client.get(f"/api/networks/{mazur}").json()["weights"] == MAZUR_EXAMPLE["weights"]
    steps(client, mazur, 1)
    found = history(client, mazur)
    assert [(e["update"], e["branch"]) for e in found["entries"]] == [(0, False), (1, False)]
    assert found["current"] == 1
    assert client.get(f"/api/networks/{mazur}/history/2").status_code == 404


def test_edits_are_entries_and_a_rewind_undoes_them(client, mazur):
    steps(client, mazur, 1)
    before = client.get(f"/api/networks/{mazur}").json()
    edited = client.patch(
        f"/api/networks/{mazur}",
        json={"learning_rate": 0.1, "dataset": {"x": [[1.0, 0.0]], "y": [[0.5, 0.5]]}},
    )
    assert edited.status_code == 200
    client.patch(f"/api/networks/{mazur}", json={"weights": [[[0, 0], [0, 0]], [[1, 1], [1, 1]]]})
    entries = history(client, mazur)["entries"]
    assert [(e["entry"], e["update"], e["kind"]) for e in entries] == [
        (0, 0, "create"),
        (1, 1, "step"),
        (2, 1, "edit"),
        (3, 1, "edit"),
    ]
    assert client.get(f"/api/networks/{mazur}/history/1").json()["weights"][0] == [
        [0, 0],
        [0, 0],
    ]  # update 1 alone names the last state there
    assert client.get(f"/api/networks/{mazur}/history/1?entry=2").json() == edited.json()
    undone = client.post(f"/api/networks/{mazur}/rewind", json={"update": 1, "entry": 1})
    assert undone.json() == before  # the learning rate, the dataset and the weights
    assert (
        client.get(f"/api/networks/{mazur}/history/1?entry=3").json()["dataset"]
        == (edited.json()["dataset"])
    )  # the branch keeps the dataset it had


def test_states_after_learning_rate_edits_read_back_rewind_and_run_forward_exactly(client, mazur):
    """Edits of η alone between steps: each entry's state, its forward pass and a rewind to
    it give the numbers the network gave at that state (JSON floats compare bit for bit)."""
    base = f"/api/networks/{mazur}"
    seen = {}  # entry: (the network, its forward pass) just after the change
    for change in ["step", 0.3, 0.7, "step", 0.2, "step"]:
        if change == "step":
            steps(client, mazur, 1)
        else:
            edited = client.patch(base, json={"learning_rate": change})
            assert edited.status_code == 200, edited.text
        entry = history(client, mazur)["current"]
        seen[entry] = (client.get(base).json(), client.post(f"{base}/forward", json={}).json())
    kinds = [(e["entry"], e["update"], e["kind"]) for e in history(client, mazur)["entries"]]
    assert kinds[1:] == [
        (1, 1, "step"),
        (2, 1, "edit"),
        (3, 1, "edit"),
        (4, 2, "step"),
        (5, 2, "edit"),
        (6, 3, "step"),
    ]
    for entry, (state, forward) in seen.items():
        update = state["updates"]
        assert client.get(f"{base}/history/{update}?entry={entry}").json() == state
        ran = client.post(f"{base}/forward?update={update}&entry={entry}", json={}).json()
        assert ran == forward
    for entry in (5, 2, 3):
        state = seen[entry][0]
        back = client.post(f"{base}/rewind", json={"update": state["updates"], "entry": entry})
        assert back.status_code == 200, back.text
        assert back.json() == state
    steps(client, mazur, 1)  # from entry 3 (update 1, η 0.7): the same as entry 4's step
    assert client.get(base).json()["weights"] == seen[4][0]["weights"]


def test_the_trace_is_a_table_pandas_reads(client, mazur):
    stepped = steps(client, mazur, 3)
    csv = client.get(f"/api/networks/{mazur}/trace.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(csv.text))
    assert list(table.columns[:4]) == ["update", "loss", "weights[0][0][0]", "weights[0][0][1]"]
    biases = ["biases[0][0]", "biases[0][1]", "biases[1][0]", "biases[1][1]"]
    assert list(table.columns[-4:]) == biases
    assert list(table["update"]) == [0, 1, 2, 3]
    assert list(table["weights[1][0][0]"][1:]) == [s["weights"][1][0][0] for s in stepped]
    assert table["loss"][0] == pytest.approx(0.298371109, abs=5e-10)
    as_json = client.get(f"/api/networks/{mazur}/trace.json").json()
    from_json = pd.DataFrame(as_json["data"], columns=as_json["columns"])
    assert from_json.equals(table.astype(from_json.dtypes.to_dict()))
    client.post(f"/api/networks/{mazur}/rewind", json={"update": 1})
    rewound = client.get(f"/api/networks/{mazur}/trace.csv").text
    assert list(pd.read_csv(io.StringIO(rewound))["update"]) == [0, 1]  # up to the current


def test_patch_and_rewind_are_bounded_by_a_step_s_work_rule(client):
    """Saving a change computes J over the stored dataset: a state whose forward pass over
    it costs more than one request may is refused as a step is (409 naming the dataset and
    the figures), and nothing changes."""
    rng = np.random.default_rng(0)
    big = {"x": rng.random((300, 2)).round(3).tolist(), "y": rng.random((300, 1)).round(3).tolist()}
    made = client.post("/api/networks", json={"layers": [2, 256, 256, 256, 256, 1], "dataset": big})
    url = f"/api/networks/{made.json()['id']}"
    assert client.post(url + "/step", json={}).status_code == 409  # 300 × 198,401 × 3 passes
    refused = client.patch(url, json={"learning_rate": 0.1})  # 300 × 198,401 weights
    assert refused.status_code == 409, refused.text
    assert refused.json()["errors"][0]["field"] == "dataset"
    assert "300 examples × 1 epochs × 198401 weights = 59,520,300" in refused.json()["detail"]
    assert client.get(url).json() == made.json()
    small = {"x": big["x"][:10], "y": big["y"][:10]}
    assert client.patch(url, json={"dataset": small}).status_code == 200
    before = client.get(url).json()
    back = client.post(url + "/rewind", json={"update": 0, "entry": 0})
    assert back.status_code == 409 and back.json()["errors"][0]["field"] == "dataset"
    assert client.get(url).json() == before
    assert [e["entry"] for e in client.get(url + "/history").json()["entries"]] == [0, 1]


def test_the_trace_csv_streamed_in_chunks_holds_the_json_trace_s_numbers_exactly(
    client, mazur, monkeypatch
):
    """trace.csv is formatted a few cells at a time off the event loop; every chunk joined is
    the table trace.json holds, each number written as Python's repr (round-trips exactly)."""
    monkeypatch.setattr(history_routes, "CSV_CELLS", 5)  # rows split across chunks
    steps(client, mazur, 4)
    table = client.get(f"/api/networks/{mazur}/trace.json").json()
    lines = [",".join(table["columns"])]
    lines += [",".join("" if v is None else repr(v) for v in row) for row in table["data"]]
    got = client.get(f"/api/networks/{mazur}/trace.csv")
    assert len(table["data"]) == 5
    assert got.content.decode() == "\n".join(lines) + "\n"


def test_trace_csv_chunks_are_short_however_wide_the_rows(monkeypatch):
    """Chunks of CSV_CELLS cells or a few more (fewer than twice), a wide row over several:
    joined, the text Python's csv module writes for the same table."""
    monkeypatch.setattr(history_routes, "CSV_CELLS", 4)
    names = ["update", "loss", *(f"weights[0][0][{q}]" for q in range(9))]
    rows = [[0, None, *(0.1 * q for q in range(9))], [1, 0.25, *(-1e-300 * q for q in range(9))]]
    chunks = list(history_routes.csv_chunks(names, rows))
    cells = [chunk.count(",") + chunk.count("\n") for chunk in chunks]  # a separator a cell
    assert sum(cells) == 33 and all(4 <= n < 8 for n in cells[:-1]) and cells[-1] < 8
    reference = io.StringIO()
    writer = csv.writer(reference, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([["" if v is None else repr(v) for v in row] for row in rows])
    assert "".join(chunks) == reference.getvalue()


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("history/4", 404, "update"),
        ("history/-1", 422, "update"),
        ("history/1?entry=0", 404, "entry"),
        ("history/1.5", 422, "update"),
    ],
)
def test_unknown_updates_are_refused_by_name(client, mazur, path, status, field):
    steps(client, mazur, 3)
    response = client.get(f"/api/networks/{mazur}/{path}")
    assert response.status_code == status
    assert response.json()["detail"].startswith(field)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"update": 4}, 409, "update"),
        ({"update": -1}, 422, "update"),
        ({"update": 2, "entry": 1}, 409, "entry"),
        ({}, 422, "update"),
        ({"update": 1, "when": 2}, 422, "when"),
    ],
)
def test_a_refused_rewind_changes_nothing(client, mazur, body, status, field):
    steps(client, mazur, 3)
    before = client.get(f"/api/networks/{mazur}").json()
    response = client.post(f"/api/networks/{mazur}/rewind", json=body)
    assert response.status_code == status
    assert field in response.json()["detail"]
    assert client.get(f"/api/networks/{mazur}").json() == before
    assert history(client, mazur)["current"] == 3


def test_predict_with_a_recorded_state_uses_its_weights(client, mazur):
    steps(client, mazur, 3)
    twin = client.post("/api/networks", json=MAZUR_EXAMPLE).json()["id"]
    steps(client, twin, 1)
    grid = {"x": [[0.05, 0.1], [1.0, -2.0]]}
    then = client.post(f"/api/networks/{mazur}/predict?update=1", json=grid).json()
    assert then == client.post(f"/api/networks/{twin}/predict", json=grid).json()
    now = client.post(f"/api/networks/{mazur}/predict", json=grid).json()
    assert now != then
    missing = client.post(f"/api/networks/{mazur}/predict?update=9", json=grid)
    assert missing.status_code == 404 and missing.json()["detail"].startswith("update")


def test_forward_with_a_recorded_state_gives_its_numbers(client, mazur):
    steps(client, mazur, 3)
    before = client.get(f"/api/networks/{mazur}").json()
    then = client.post(f"/api/networks/{mazur}/forward?update=0", json={})
    assert then.status_code == 200, then.text
    (o1, o2), (h1, h2) = then.json()["output"][0], then.json()["activations"][1][0]
    # his published forward pass of the initial weights
    assert (o1, o2) == (pytest.approx(0.75136507, abs=5e-9), pytest.approx(0.772928465, abs=5e-9))
    assert (h1, h2) == (pytest.approx(0.593269992, abs=5e-9), pytest.approx(0.596884378, abs=5e-9))
    assert then.json()["loss"] == pytest.approx(0.298371109, abs=5e-10)
    # after update 1: his hand-written update, run forward here
    (w1, w2), (w3, w4) = mazur_first_update()[0]
    (w5, w6), (w7, w8) = mazur_first_update()[1]
    (b1, _), (b2, _) = MAZUR_EXAMPLE["biases"]
    i1, i2 = MAZUR_EXAMPLE["dataset"]["x"][0]
    h1, h2 = sigmoid(w1 * i1 + w2 * i2 + b1), sigmoid(w3 * i1 + w4 * i2 + b1)
    o1, o2 = sigmoid(w5 * h1 + w6 * h2 + b2), sigmoid(w7 * h1 + w8 * h2 + b2)
    one = client.post(f"/api/networks/{mazur}/forward?update=1&entry=1", json={}).json()
    assert one["output"][0] == [pytest.approx(o1, abs=1e-12), pytest.approx(o2, abs=1e-12)]
    assert client.get(f"/api/networks/{mazur}").json() == before  # nothing changed
    missing = client.post(f"/api/networks/{mazur}/forward?update=7", json={})
    assert missing.status_code == 404 and missing.json()["detail"].startswith("update")


HISTORY_CASES = [
    # -- history and rewind (the catalogue's network has only entry 0, at update 0) -------
    Bad("history: an update not reached", "GET", "/{id}/history/1", "update", status=404),
    Bad("history: a negative update", "GET", "/{id}/history/-1", "update"),
    Bad("history: an update that is no integer", "GET", "/{id}/history/one", "update"),
    Bad(
        "history: an entry not at that update",
        "GET",
        "/{id}/history/0?entry=5",
        "entry",
        status=404,
    ),
    Bad(
        "rewind: an update not reached", "POST", "/{id}/rewind", "update", {"update": 3}, status=409
    ),
    Bad("rewind: a negative update", "POST", "/{id}/rewind", "update", {"update": -2}),
    Bad("rewind: no update", "POST", "/{id}/rewind", "update", {}),
    Bad("rewind: an update as text", "POST", "/{id}/rewind", "update", {"update": "one"}),
    Bad("rewind: an unknown field", "POST", "/{id}/rewind", "steps", {"update": 0, "steps": 1}),
    Bad(
        "rewind: an entry not at that update",
        "POST",
        "/{id}/rewind",
        "entry",
        {"update": 0, "entry": 9},
        status=409,
    ),
]


@pytest.mark.parametrize("case", HISTORY_CASES, ids=[c.name for c in HISTORY_CASES])
def test_bad_history_request_is_refused_by_name_and_changes_nothing(client, case: Bad) -> None:
    refused(client, made(client), case)
