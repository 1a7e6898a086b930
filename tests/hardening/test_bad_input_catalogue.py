"""A catalogue of malformed requests across every endpoint (issue 5).

Each one must get a 4xx whose body names the field at fault, and must leave the network —
and the number of networks — exactly as it was (compared through GET before and after).

CSV: the page parses CSV in the browser (static/js/csv.js) and sends the dataset as JSON;
there is deliberately no server-side CSV endpoint, so one parser exists, not two. The CSV
cases here are what a bad CSV turns into on the wire (ragged rows, empty cells, words and
"NaN" in number cells, a text/csv body) and must be refused like any other bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.config import LIMITS
from app.schemas import MAZUR_EXAMPLE

NETWORK = {**MAZUR_EXAMPLE, "name": "catalogue"}
JSON = {"content-type": "application/json"}


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    """Relative to /api/networks; "{id}" is the catalogue's network."""
    field: str
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    status: int = 422


def deep(levels: int) -> bytes:
    return b'{"x": ' + b"[" * levels + b"]" * levels + b"}"


TOO_MANY_EXAMPLES = {"x": [[0.0, 0.0]] * (LIMITS.max_examples + 1)}
LONG_NAME = "é" * (LIMITS.max_name_length + 1)

CASES = [
    # -- create ----------------------------------------------------------------------------
    Bad("one layer", "POST", "", "layers", {"layers": [2]}),
    Bad("too many layers", "POST", "", "layers", {"layers": [2] * (LIMITS.max_layers + 1)}),
    Bad("zero units", "POST", "", "layers[1]", {"layers": [2, 0, 1]}),
    Bad("too many units", "POST", "", "layers[1]", {"layers": [2, LIMITS.max_units + 1, 1]}),
    Bad("layers as a string", "POST", "", "layers", {"layers": "2,2,1"}),
    Bad("no layers, no preset", "POST", "", "layers", {"name": "x"}),
    Bad(
        "unknown activation",
        "POST",
        "",
        "hidden_activation",
        {"layers": [2, 1], "hidden_activation": "softmax"},
    ),
    Bad("unknown loss", "POST", "", "loss", {"layers": [2, 1], "loss": "hinge"}),
    Bad("zero learning rate", "POST", "", "learning_rate", {"layers": [2, 1], "learning_rate": 0}),
    Bad(
        "learning rate over the limit",
        "POST",
        "",
        "learning_rate",
        {"layers": [2, 1], "learning_rate": LIMITS.max_learning_rate * 10},
    ),
    Bad(
        "NaN learning rate",
        "POST",
        "",
        "learning_rate",
        raw=b'{"layers": [2, 1], "learning_rate": NaN}',
    ),
    Bad(
        "cross-entropy on linear outputs",
        "POST",
        "",
        "loss",
        {"layers": [2, 1], "loss": "cross_entropy", "output_activation": "linear"},
    ),
    Bad(
        "weights for other layers",
        "POST",
        "",
        "weights",
        {"layers": [2, 2, 1], "weights": [[[1, 2], [3, 4]]]},
    ),
    Bad(
        "ragged weight rows",
        "POST",
        "",
        "weights[0][1]",
        {"layers": [2, 2, 1], "weights": [[[1, 2], [3]], [[1, 2]]]},
    ),
    Bad(
        "Infinity in a weight",
        "POST",
        "",
        "weights[0][0][0]",
        raw=b'{"layers": [1, 1], "weights": [[[Infinity]]]}',
    ),
    Bad(
        "a weight beyond max_abs_value",
        "POST",
        "",
        "weights[0][0][0]",
        {"layers": [1, 1], "weights": [[[LIMITS.max_abs_value * 10]]]},
    ),
    Bad(
        "biases of the wrong length",
        "POST",
        "",
        "biases[0]",
        {"layers": [2, 2, 1], "biases": [[0.0], [0.0]]},
    ),
    Bad("a misspelt field", "POST", "", "lerning_rate", {"layers": [2, 1], "lerning_rate": 0.1}),
    Bad("unicode name too long", "POST", "", "name", {"layers": [2, 1], "name": LONG_NAME}),
    Bad("negative seed", "POST", "", "seed", {"layers": [2, 1], "seed": -1}),
    Bad("unknown preset", "POST", "", "preset", {"preset": "<script>alert(1)</script>"}),
    Bad(
        "too many examples",
        "POST",
        "",
        "dataset.x",
        {"layers": [2, 1], "dataset": {**TOO_MANY_EXAMPLES, "y": [[0.0]]}},
    ),
    Bad(
        "CSV: ragged dataset row",
        "POST",
        "",
        "dataset.x[1]",
        {"layers": [2, 1], "dataset": {"x": [[0, 1], [1]], "y": [[1], [0]]}},
    ),
    Bad(
        "CSV: empty cell sent as null",
        "POST",
        "",
        "dataset.x[0][1]",
        {"layers": [2, 1], "dataset": {"x": [[0, None]], "y": [[1]]}},
    ),
    Bad(
        "CSV: a word in a number cell",
        "POST",
        "",
        "dataset.y[0][0]",
        {"layers": [2, 1], "dataset": {"x": [[0, 1]], "y": [["yes"]]}},
    ),
    Bad(
        "CSV: 'NaN' cell",
        "POST",
        "",
        "dataset.x[0][0]",
        raw=b'{"layers": [2, 1], "dataset": {"x": [[NaN, 1]], "y": [[1]]}}',
    ),
    Bad(
        "CSV: fewer targets than inputs",
        "POST",
        "",
        "dataset.y",
        {"layers": [2, 1], "dataset": {"x": [[0, 1], [1, 0]], "y": [[1]]}},
    ),
    Bad(
        "CSV: sent as text/csv",
        "POST",
        "",
        "body",
        raw=b"x1,x2,y\n0,1,1\n",
        headers={"content-type": "text/csv"},
        status=415,
    ),
    Bad(
        "form-encoded body",
        "POST",
        "",
        "body",
        raw=b"layers=2&layers=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
        status=415,
    ),
    Bad("no content type", "POST", "", "body", raw=b'{"layers": [2, 1]}', headers={}, status=415),
    Bad("a JSON array, not an object", "POST", "", "body", [2, 1]),
    Bad("truncated JSON", "POST", "", "body", raw=b'{"layers": [2, 1'),
    Bad("not UTF-8", "POST", "", "body", raw=b'{"name": "\xff\xfe"}'),
    Bad(
        "lone surrogate in the name",
        "POST",
        "",
        "name",
        raw=b'{"layers": [2, 1], "name": "\\ud800"}',
    ),
    Bad("nested 10,000 deep", "POST", "", "body", raw=deep(10_000)),
    Bad(
        "too large (declared)",
        "POST",
        "",
        "body",
        raw=b" " * (LIMITS.max_body_bytes + 1),
        status=413,
    ),
    Bad("empty body", "POST", "", "body", raw=b""),
    # -- read, change, delete -------------------------------------------------------------
    Bad("id with forbidden characters", "GET", "/ab$cd", "network_id"),
    Bad("unknown id", "GET", "/" + "A" * 32, "id", status=404),
    Bad("id too long", "DELETE", "/" + "A" * 65, "network_id"),
    Bad("PATCH layers without a matching dataset", "PATCH", "/{id}", "dataset", {"layers": [3, 2]}),
    Bad(
        "PATCH learning rate as a word",
        "PATCH",
        "/{id}",
        "learning_rate",
        {"learning_rate": "fast"},
    ),
    Bad("PATCH weights for other layers", "PATCH", "/{id}", "weights", {"weights": [[[1, 2]]]}),
    Bad(
        "PATCH a bias row too short", "PATCH", "/{id}", "biases[1]", {"biases": [[0.1, 0.2], [0.3]]}
    ),
    Bad(
        "PATCH cross-entropy with targets outside [0, 1]",
        "PATCH",
        "/{id}",
        "dataset.y[0][1]",
        {"loss": "cross_entropy", "dataset": {"x": [[0.1, 0.2]], "y": [[0.5, 2.0]]}},
    ),
    Bad(
        "PATCH cross-entropy on linear outputs",
        "PATCH",
        "/{id}",
        "loss",
        {"loss": "cross_entropy", "output_activation": "linear"},
    ),
    Bad("PATCH the id", "PATCH", "/{id}", "id", {"id": "mine-now"}),
    Bad(
        "PATCH half valid, half not",
        "PATCH",
        "/{id}",
        "layers[0]",
        {"name": "changed", "learning_rate": 0.1, "layers": [0, 2]},
    ),
    Bad("PATCH deeply nested weights", "PATCH", "/{id}", "body", raw=deep(40)),
    # -- forward, backward, step, gradient check ------------------------------------------
    Bad("forward: row too wide", "POST", "/{id}/forward", "x[0]", {"x": [[1, 2, 3]]}),
    Bad("forward: ragged rows", "POST", "/{id}/forward", "x[1]", {"x": [[1, 2], [3]]}),
    Bad("forward: empty batch", "POST", "/{id}/forward", "x", {"x": []}),
    Bad("forward: y without x", "POST", "/{id}/forward", "x", {"y": [[0.1, 0.2]]}),
    Bad("forward: -Infinity", "POST", "/{id}/forward", "x[0][1]", raw=b'{"x": [[1, -Infinity]]}'),
    Bad(
        "forward: a single example not in a list",
        "POST",
        "/{id}/forward",
        "x[0]",
        {"x": [0.05, 0.1]},
    ),
    Bad("backward: x without y", "POST", "/{id}/backward", "y", {"x": [[0.05, 0.1]]}),
    Bad(
        "backward: more targets than inputs",
        "POST",
        "/{id}/backward",
        "y",
        {"x": [[0.05, 0.1]], "y": [[0.1, 0.2], [0.3, 0.4]]},
    ),
    Bad("step: zero epochs", "POST", "/{id}/step", "epochs", {"epochs": 0}),
    Bad(
        "step: epochs over the limit",
        "POST",
        "/{id}/step",
        "epochs",
        {"epochs": LIMITS.max_epochs + 1},
    ),
    Bad("step: fractional epochs", "POST", "/{id}/step", "epochs", {"epochs": 1.5}),
    Bad("step: unknown mode", "POST", "/{id}/step", "mode", {"mode": "sgd"}),
    Bad(
        "step: huge batch × epochs",
        "POST",
        "/{id}/step",
        "epochs",
        {
            "x": [[0.05, 0.1]] * LIMITS.max_examples,
            "y": [[0.01, 0.99]] * LIMITS.max_examples,
            "epochs": LIMITS.max_epochs,
        },
    ),
    Bad(
        "step: wrong content type",
        "POST",
        "/{id}/step",
        "body",
        raw=b'{"epochs": 1}',
        headers={"content-type": "text/plain"},
        status=415,
    ),
    Bad("step: unknown network", "POST", "/" + "B" * 32 + "/step", "id", {}, status=404),
    Bad(
        "gradient check: targets too wide",
        "POST",
        "/{id}/gradient-check",
        "y[0]",
        {"x": [[0.05, 0.1]], "y": [[0.01, 0.99, 0.5]]},
    ),
    # -- export and import ----------------------------------------------------------------
    Bad("export: bad id", "GET", "/no.such/export", "network_id"),
    Bad(
        "import: unknown format",
        "POST",
        "/import",
        "format",
        {**NETWORK, "format": "backprop-lab/network@99"},
    ),
    Bad("import: negative update count", "POST", "/import", "updates", {**NETWORK, "updates": -1}),
    Bad(
        "import: weights that do not fit the layers",
        "POST",
        "/import",
        "weights",
        {**NETWORK, "layers": [2, 1]},
    ),
]


def test_the_catalogue_is_big_and_distinct() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    endpoints = {(c.method, c.path.replace("/{id}", "").rsplit("/", 1)[-1]) for c in CASES}
    assert len(endpoints) >= 10


@pytest.fixture
def network(client) -> dict[str, Any]:
    response = client.post("/api/networks", json=NETWORK)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_request_is_refused_by_name_and_changes_nothing(client, network, case: Bad) -> None:
    url = "/api/networks" + case.path.replace("{id}", network["id"])
    before = client.get(f"/api/networks/{network['id']}").json()
    count = client.app.state.store.count()

    content = case.raw if case.raw is not None else json.dumps(case.body).encode()
    if case.method == "GET" or (case.method == "DELETE" and case.body is None):
        content = None
    response = client.request(case.method, url, content=content, headers=case.headers)

    assert response.status_code == case.status, response.text
    body = response.json()
    fields = [e["field"] for e in body["errors"]]
    assert case.field in fields, body
    assert body["detail"].startswith(case.field) or f"; {case.field}" in body["detail"]
    assert client.get(f"/api/networks/{network['id']}").json() == before
    assert client.app.state.store.count() == count


def test_unicode_names_are_kept_exactly(client) -> None:
    """Unicode is not malformed: names in any script, emoji and markup round-trip as text."""
    for name in ["Ωmega δ-rule", "ネットワーク", "שלום", "🧠" * 10, "<b>bold</b> & 'quotes'"]:
        created = client.post("/api/networks", json={"layers": [2, 1], "name": name})
        assert created.status_code == 201, created.text
        again = client.get(f"/api/networks/{created.json()['id']}").json()
        assert again["name"] == name


def test_a_diverging_step_is_refused_and_changes_nothing(client) -> None:
    """An update that would overflow a weight (or J) is a 422 naming it, never NaN."""
    body = {
        "layers": [1, 1],
        "hidden_activation": "linear",
        "output_activation": "linear",
        "learning_rate": LIMITS.max_learning_rate,
        "weights": [[[LIMITS.max_abs_value]]],
        "dataset": {"x": [[LIMITS.max_abs_value]], "y": [[-LIMITS.max_abs_value]]},
    }
    network = client.post("/api/networks", json=body).json()
    response = client.post(f"/api/networks/{network['id']}/step", json={"epochs": 50})
    assert response.status_code == 422, response.text
    where = response.json()["errors"][0]["field"]
    assert where == "loss" or where.startswith("weights[0][0]"), where
    assert client.get(f"/api/networks/{network['id']}").json() == network
