"""A catalogue of malformed requests to the networks' endpoints (history's and transfer's
beside their own tests: test_history.py, test_transfer.py).

Each one must get a 4xx whose body names the field at fault (and, where a case lists them,
the words that say what is wrong), and must leave the network — and the number of
networks — exactly as it was (compared through GET before and after).

The status says which kind of mistake it is, so that the OpenAPI document tells the truth:
a request the schema allows is never a 422.

- 422: the body breaks the schema (a wrong type, a number out of range, an unknown field,
  null where a field may only be left out, y without x, neither layers nor preset).
- 409: the body passes the schema but does not fit the network: shapes against its layers,
  settings that do not go together, a stored dataset that does not suit new layers, the
  bounds on work and on the size of the answer, an update that would overflow.
- 404: no network has the id, or no preset the name; 413: too large; 415: not JSON.

CSV: the page parses CSV in the browser (static/js/csv.js) and sends the dataset as JSON;
there is deliberately no server-side CSV endpoint, so one parser exists, not two. The CSV
cases here are what a bad CSV turns into on the wire (ragged rows, empty cells, words and
"NaN" in number cells, a text/csv body) and must be refused like any other bad input.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.config import LIMITS
from app.schemas import MAZUR_EXAMPLE
from tests.api.bad_input import (
    JSON,
    LONG_NAME,
    NETWORK,
    TOO_MANY_EXAMPLES,
    UNKNOWN,
    Bad,
    deep,
    made,
    refused,
)
from tests.api.test_history import HISTORY_CASES
from tests.api.test_transfer import TRANSFER_CASES

CASES = [
    # -- create ----------------------------------------------------------------------------
    Bad("one layer", "POST", "", "layers", {"layers": [2]}),
    Bad("an empty list of layers", "POST", "", "layers", {"layers": []}),
    Bad("too many layers", "POST", "", "layers", {"layers": [2] * (LIMITS.max_layers + 1)}),
    Bad("zero units", "POST", "", "layers[1]", {"layers": [2, 0, 1]}),
    Bad("too many units", "POST", "", "layers[1]", {"layers": [2, LIMITS.max_units + 1, 1]}),
    Bad("a boolean as a layer size", "POST", "", "layers[1]", {"layers": [2, True]}),
    Bad("layers as a string", "POST", "", "layers", {"layers": "2,2,1"}),
    Bad("no layers, no preset", "POST", "", "layers", {"name": "x"}, words=("required",)),
    Bad("layers null, no preset", "POST", "", "layers", {"layers": None}, words=("null",)),
    Bad(
        "layers null beside a preset",
        "POST",
        "",
        "layers",
        {"layers": None, "preset": "xor"},
        words=("null",),
    ),
    Bad(
        "unknown activation",
        "POST",
        "",
        "hidden_activation",
        {"layers": [2, 1], "hidden_activation": "softmax"},
    ),
    Bad(
        "unknown output activation",
        "POST",
        "",
        "output_activation",
        {"layers": [2, 1], "output_activation": "gelu"},
    ),
    Bad("unknown loss", "POST", "", "loss", {"layers": [2, 1], "loss": "hinge"}),
    Bad("unknown reduction", "POST", "", "reduction", {"layers": [2, 1], "reduction": "max"}),
    Bad("zero learning rate", "POST", "", "learning_rate", {"layers": [2, 1], "learning_rate": 0}),
    Bad(
        "negative learning rate",
        "POST",
        "",
        "learning_rate",
        {"layers": [2, 1], "learning_rate": -0.5},
    ),
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
        status=409,
        words=("sigmoid",),
    ),
    Bad(
        "cross-entropy on tanh outputs",
        "POST",
        "",
        "loss",
        {"layers": [2, 1], "loss": "cross_entropy", "output_activation": "tanh"},
        status=409,
        words=("sigmoid", "tanh"),
    ),
    Bad(
        "weights for other layers",
        "POST",
        "",
        "weights",
        {"layers": [2, 2, 1], "weights": [[[1, 2], [3, 4]]]},
        status=409,
        words=("1 matrices", "need 2"),
    ),
    Bad(
        "one weight matrix too many",
        "POST",
        "",
        "weights",
        {"layers": [2, 1], "weights": [[[1, 2]], [[1]]]},
        status=409,
        words=("2 matrices", "need 1"),
    ),
    Bad(
        "more weight rows than units",
        "POST",
        "",
        "weights[0]",
        {"layers": [2, 1], "weights": [[[1, 2], [3, 4]]]},
        status=409,
        words=("2 rows", "1 units"),
    ),
    Bad(
        "a weight row too wide",
        "POST",
        "",
        "weights[0][0]",
        {"layers": [2, 1], "weights": [[[1, 2, 3]]]},
        status=409,
        words=("3 values", "2 units"),
    ),
    Bad(
        "ragged weight rows",
        "POST",
        "",
        "weights[0][1]",
        {"layers": [2, 2, 1], "weights": [[[1, 2], [3]], [[1, 2]]]},
        status=409,
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
        status=409,
    ),
    Bad("a misspelt field", "POST", "", "lerning_rate", {"layers": [2, 1], "lerning_rate": 0.1}),
    Bad("unicode name too long", "POST", "", "name", {"layers": [2, 1], "name": LONG_NAME}),
    Bad("negative seed", "POST", "", "seed", {"layers": [2, 1], "seed": -1}),
    Bad("a seed as a string", "POST", "", "seed", {"layers": [2, 1], "seed": "3"}),
    Bad("train_biases as 1", "POST", "", "train_biases", {"layers": [2, 1], "train_biases": 1}),
    Bad(
        "unknown preset",
        "POST",
        "",
        "preset",
        {"preset": "<script>alert(1)</script>"},
        status=404,
        words=("no preset",),
    ),
    Bad(
        "too many examples",
        "POST",
        "",
        "dataset.x",
        {"layers": [2, 1], "dataset": {**TOO_MANY_EXAMPLES, "y": [[0.0]]}},
    ),
    Bad(
        "a dataset without targets",
        "POST",
        "",
        "dataset.y",
        {"layers": [2, 1], "dataset": {"x": [[1, 2]]}},
    ),
    Bad(
        "dataset targets too wide",
        "POST",
        "",
        "dataset.y[0]",
        {"layers": [2, 1], "dataset": {"x": [[1, 2]], "y": [[1, 2]]}},
        status=409,
        words=("2 values", "1 units"),
    ),
    Bad(
        "cross-entropy with dataset targets outside [0, 1]",
        "POST",
        "",
        "dataset.y[0][0]",
        {"layers": [2, 1], "loss": "cross_entropy", "dataset": {"x": [[1, 2]], "y": [[2]]}},
        status=409,
        words=("between 0 and 1",),
    ),
    Bad(
        "CSV: ragged dataset row",
        "POST",
        "",
        "dataset.x[1]",
        {"layers": [2, 1], "dataset": {"x": [[0, 1], [1]], "y": [[1], [0]]}},
        status=409,
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
        status=409,
        words=("1 examples", "x has 2"),
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
    Bad("truncated JSON", "POST", "", "body", raw=b'{"layers": [2, 1', words=("JSON",)),
    Bad("not JSON at all", "POST", "", "body", raw=b"nonsense", words=("JSON",)),
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
    Bad("id with a space", "GET", "/bad%20id", "network_id"),
    Bad("unknown id", "GET", UNKNOWN, "id", status=404),
    Bad("id too long", "DELETE", "/" + "A" * 65, "network_id"),
    Bad("GET an id too long", "GET", "/" + "a" * 65, "network_id"),
    Bad(
        "PATCH layers without a matching dataset",
        "PATCH",
        "/{id}",
        "dataset",
        {"layers": [3, 2]},
        status=409,
        words=("send a new dataset too",),
    ),
    Bad(
        "PATCH new layers with a dataset for the old ones",
        "PATCH",
        "/{id}",
        "dataset.x[0]",
        {"layers": [3, 2], "dataset": {"x": [[1, 2]], "y": [[0.5, 0.5]]}},
        status=409,
        words=("2 values", "3 units"),
    ),
    Bad(
        "PATCH learning rate as a word",
        "PATCH",
        "/{id}",
        "learning_rate",
        {"learning_rate": "fast"},
    ),
    Bad("PATCH zero learning rate", "PATCH", "/{id}", "learning_rate", {"learning_rate": 0}),
    Bad(
        "PATCH unknown activation",
        "PATCH",
        "/{id}",
        "hidden_activation",
        {"hidden_activation": "swish"},
    ),
    Bad(
        "PATCH weights for other layers",
        "PATCH",
        "/{id}",
        "weights",
        {"weights": [[[1, 2]]]},
        status=409,
    ),
    Bad(
        "PATCH a bias row too short",
        "PATCH",
        "/{id}",
        "biases[1]",
        {"biases": [[0.1, 0.2], [0.3]]},
        status=409,
    ),
    Bad(
        "PATCH cross-entropy with targets outside [0, 1]",
        "PATCH",
        "/{id}",
        "dataset.y[0][1]",
        {"loss": "cross_entropy", "dataset": {"x": [[0.1, 0.2]], "y": [[0.5, 2.0]]}},
        status=409,
    ),
    Bad(
        "PATCH cross-entropy on linear outputs",
        "PATCH",
        "/{id}",
        "loss",
        {"loss": "cross_entropy", "output_activation": "linear"},
        status=409,
    ),
    Bad("PATCH the id", "PATCH", "/{id}", "id", {"id": "mine-now"}),
    Bad("PATCH the update count", "PATCH", "/{id}", "updates", {"updates": 0}),
    Bad(
        "PATCH half valid, half not",
        "PATCH",
        "/{id}",
        "layers[0]",
        {"name": "changed", "learning_rate": 0.1, "layers": [0, 2]},
    ),
    Bad("PATCH deeply nested weights", "PATCH", "/{id}", "body", raw=deep(40)),
    # -- forward, backward, step, gradient check ------------------------------------------
    Bad(
        "forward: row too wide",
        "POST",
        "/{id}/forward",
        "x[0]",
        {"x": [[1, 2, 3]]},
        status=409,
        words=("3 values", "input layer has 2 units"),
    ),
    Bad(
        "forward: ragged rows",
        "POST",
        "/{id}/forward",
        "x[1]",
        {"x": [[1, 2], [3]]},
        status=409,
        words=("1 values",),
    ),
    Bad("forward: empty batch", "POST", "/{id}/forward", "x", {"x": []}),
    Bad("forward: x null", "POST", "/{id}/forward", "x", {"x": None}, words=("null",)),
    Bad("forward: a word in x", "POST", "/{id}/forward", "x[0][1]", {"x": [[1, "a"]]}),
    Bad(
        "forward: a boolean as a number",
        "POST",
        "/{id}/forward",
        "x[0][0]",
        {"x": [[True, 1]]},
        words=("number",),
    ),
    Bad(
        "forward: a number as a string",
        "POST",
        "/{id}/forward",
        "x[0][0]",
        {"x": [["1.5", 1]]},
        words=("number",),
    ),
    Bad(
        "forward: an input beyond max_abs_value",
        "POST",
        "/{id}/forward",
        "x[0][1]",
        {"x": [[1, LIMITS.max_abs_value * 2]]},
    ),
    Bad(
        "forward: targets for more examples than inputs",
        "POST",
        "/{id}/forward",
        "y",
        {"x": [[1, 2]], "y": [[1, 0], [0, 1]]},
        status=409,
        words=("2 examples",),
    ),
    Bad(
        "forward: y without x",
        "POST",
        "/{id}/forward",
        "x",
        {"y": [[0.1, 0.2]]},
        words=("required",),
    ),
    Bad(
        "forward: an unknown field",
        "POST",
        "/{id}/forward",
        "bogus",
        {"x": [[1, 2]], "bogus": 1},
        words=("not a known field",),
    ),
    Bad(
        "forward: NaN",
        "POST",
        "/{id}/forward",
        "x[0][1]",
        raw=b'{"x": [[1, NaN]]}',
        words=("finite",),
    ),
    Bad(
        "forward: Infinity",
        "POST",
        "/{id}/forward",
        "x[0][0]",
        raw=b'{"x": [[Infinity, 1]]}',
        words=("finite",),
    ),
    Bad(
        "forward: -Infinity",
        "POST",
        "/{id}/forward",
        "x[0][1]",
        raw=b'{"x": [[1, -Infinity]]}',
        words=("finite",),
    ),
    Bad(
        "forward: a single example not in a list",
        "POST",
        "/{id}/forward",
        "x[0]",
        {"x": [0.05, 0.1]},
    ),
    Bad(
        "backward: x without y",
        "POST",
        "/{id}/backward",
        "y",
        {"x": [[0.05, 0.1]]},
        words=("required",),
    ),
    Bad(
        "backward: more targets than inputs",
        "POST",
        "/{id}/backward",
        "y",
        {"x": [[0.05, 0.1]], "y": [[0.1, 0.2], [0.3, 0.4]]},
        status=409,
    ),
    Bad(
        "backward: targets too wide",
        "POST",
        "/{id}/backward",
        "y[0]",
        {"x": [[0.05, 0.1]], "y": [[0.1, 0.2, 0.3]]},
        status=409,
        words=("3 values", "output layer has 2 units"),
    ),
    Bad(
        "backward: a target row that is a number",
        "POST",
        "/{id}/backward",
        "y[0]",
        {"x": [[0.05, 0.1]], "y": [1]},
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
    Bad("step: epochs as a string", "POST", "/{id}/step", "epochs", {"epochs": "2"}),
    Bad(
        "step: unknown mode",
        "POST",
        "/{id}/step",
        "mode",
        {"mode": "sgd"},
        words=("batch", "online"),
    ),
    Bad(
        "step: minibatch without a batch size",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch"},
        words=("required", "minibatch"),
    ),
    Bad(
        "step: minibatch with a null batch size",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": None},
        words=("required",),
    ),
    Bad(
        "step: a batch size in batch mode",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "batch", "batch_size": 1},
        words=("minibatch", "batch"),
    ),
    Bad(
        "step: a batch size of 0",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": 0},
        words=("greater than or equal to 1",),
    ),
    Bad(
        "step: a batch size over the limit",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": LIMITS.max_examples + 1},
    ),
    Bad(
        "step: a fractional batch size",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": 1.5},
    ),
    Bad(
        "step: a batch size larger than the stored dataset",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": 2},
        status=409,
        words=("1 example of", "B must be 1 to 1"),
    ),
    Bad(
        "step: a batch size larger than the examples sent",
        "POST",
        "/{id}/step",
        "batch_size",
        {"mode": "minibatch", "batch_size": 3, "x": [[0, 0]] * 2, "y": [[0, 0]] * 2},
        status=409,
        words=("2 examples", "sent as x"),
    ),
    Bad(
        "step: too many examples",
        "POST",
        "/{id}/step",
        "x",
        {"x": [[0, 0]] * (LIMITS.max_examples + 1), "y": [[0, 0]] * (LIMITS.max_examples + 1)},
    ),
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
        status=409,
        words=("multiply-adds",),
    ),
    Bad(
        "step: truncated JSON",
        "POST",
        "/{id}/step",
        "body",
        raw=b'{"epochs": ',
        words=("JSON",),
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
    Bad("step: unknown network", "POST", UNKNOWN + "/step", "id", {}, status=404),
    Bad("gradient check: x without y", "POST", "/{id}/gradient-check", "y", {"x": [[1, 2]]}),
    Bad(
        "gradient check: targets too wide",
        "POST",
        "/{id}/gradient-check",
        "y[0]",
        {"x": [[0.05, 0.1]], "y": [[0.01, 0.99, 0.5]]},
        status=409,
    ),
    # -- the L2 term, generated data, the test part ------------------------------------------
    Bad("create: negative l2", "POST", "", "l2", {**NETWORK, "l2": -0.1}),
    Bad("create: l2 too large", "POST", "", "l2", {**NETWORK, "l2": LIMITS.max_l2 * 2}),
    Bad("patch: l2 as text", "PATCH", "/{id}", "l2", {"l2": "0.1"}),
    Bad(
        "patch: dataset and generate together",
        "PATCH",
        "/{id}",
        "generate",
        {"dataset": MAZUR_EXAMPLE["dataset"], "generate": {"shape": "xor"}},
        words=("not both",),
    ),
    Bad(
        "patch: generate for layers without 2 inputs and 1 output",
        "PATCH",
        "/{id}",
        "generate",
        {"generate": {"shape": "circle"}},
        status=409,
        words=("layers",),
    ),
    Bad(
        "patch: an unknown generator",
        "PATCH",
        "/{id}",
        "generate.shape",
        {"generate": {"shape": "moons"}},
    ),
    Bad(
        "patch: an unknown generator by the shape's old name",
        "PATCH",
        "/{id}",
        "generate.generate",
        {"generate": {"generate": "moons"}},
    ),
    Bad(
        "create: a generator's name alone",
        "POST",
        "",
        "generate",
        {"layers": [2, 2, 1], "generate": "spiral"},
        words=("object", '{"shape": "spiral"'),
    ),
    Bad(
        "patch: the shape by both its names, naming two shapes",
        "PATCH",
        "/{id}",
        "generate.generate",
        {"generate": {"shape": "xor", "generate": "spiral"}},
        status=409,
        words=("shape alone", "old name"),
    ),
    Bad(
        "patch: an unknown shape by the old name beside shape",
        "PATCH",
        "/{id}",
        "generate",
        {"generate": {"shape": "xor", "generate": "moons"}},
        words=("old name",),
    ),
    Bad(
        "patch: a generator without its shape",
        "PATCH",
        "/{id}",
        "generate.shape",
        {"generate": {"n": 5}},
    ),
    Bad(
        "patch: a test fraction of 1",
        "PATCH",
        "/{id}",
        "generate.test_fraction",
        {"generate": {"shape": "xor", "test_fraction": 1}},
    ),
    Bad("patch: generate null", "PATCH", "/{id}", "generate", {"generate": None}),
    Bad(
        "patch: test examples too wide",
        "PATCH",
        "/{id}",
        "dataset.test.x[0]",
        {"dataset": {**MAZUR_EXAMPLE["dataset"], "test": {"x": [[1, 2, 3]], "y": [[0, 1]]}}},
        status=409,
    ),
    Bad(
        "patch: test part null",
        "PATCH",
        "/{id}",
        "dataset.test",
        {"dataset": {**MAZUR_EXAMPLE["dataset"], "test": None}},
    ),
    # -- examples: added and removed one at a time ----------------------------------------
    Bad(
        "examples: an input too wide",
        "POST",
        "/{id}/examples",
        "x[0]",
        {"x": [[1, 2, 3]], "y": [[0, 1]]},
        status=409,
    ),
    Bad(
        "examples: a target too narrow",
        "POST",
        "/{id}/examples",
        "y[0]",
        {"x": [[1, 2]], "y": [[1]]},
        status=409,
    ),
    Bad(
        "examples: more targets than inputs",
        "POST",
        "/{id}/examples",
        "y",
        {"x": [[1, 2]], "y": [[0, 1], [1, 0]]},
        status=409,
    ),
    Bad("examples: no targets", "POST", "/{id}/examples", "y", {"x": [[1, 2]]}),
    Bad(
        "examples: test as text",
        "POST",
        "/{id}/examples",
        "test",
        {"x": [[1, 2]], "y": [[0, 1]], "test": "yes"},
    ),
    Bad(
        "examples: NaN in x",
        "POST",
        "/{id}/examples",
        "x[0][0]",
        raw=b'{"x": [[NaN, 1]], "y": [[0, 1]]}',
    ),
    Bad(
        "remove: a point of the wrong width",
        "POST",
        "/{id}/examples/remove",
        "nearest",
        {"nearest": [0.1]},
        status=409,
    ),
    Bad("remove: no point", "POST", "/{id}/examples/remove", "nearest", {}),
    Bad(
        "remove: an unknown field",
        "POST",
        "/{id}/examples/remove",
        "index",
        {"nearest": [0.1, 0.2], "index": 0},
    ),
    Bad(
        "remove: unknown network",
        "POST",
        UNKNOWN + "/examples/remove",
        "id",
        {"nearest": [0.1, 0.2]},
        status=404,
    ),
    Bad(
        "examples: unknown network",
        "POST",
        UNKNOWN + "/examples",
        "id",
        {"x": [[1, 2]], "y": [[0, 1]]},
        status=404,
    ),
]


def test_the_catalogue_is_big_and_distinct() -> None:
    every = [*CASES, *HISTORY_CASES, *TRANSFER_CASES]
    assert len(every) >= 40
    assert len({c.name for c in every}) == len(every)
    endpoints = {(c.method, c.path.replace("/{id}", "").rsplit("/", 1)[-1]) for c in every}
    assert len(endpoints) >= 10
    assert {c.status for c in every} == {404, 409, 413, 415, 422}


@pytest.fixture
def network(client) -> dict[str, Any]:
    return made(client)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_request_is_refused_by_name_and_changes_nothing(client, network, case: Bad) -> None:
    refused(client, network, case)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/forward"),
        ("POST", "/predict"),
        ("POST", "/backward"),
        ("POST", "/step"),
        ("POST", "/gradient-check"),
        ("GET", "/export"),
        ("GET", "/history"),
        ("GET", "/history/0"),
        ("POST", "/rewind"),
        ("GET", "/trace.csv"),
        ("GET", "/trace.json"),
    ],
)
def test_an_unknown_network_is_404_on_every_route(client, method: str, path: str) -> None:
    response = client.request(
        method,
        f"/api/networks{UNKNOWN}{path}",
        json=({"update": 0} if path == "/rewind" else {}) if method in ("POST", "PATCH") else None,
    )
    assert response.status_code == 404, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["id"]
    assert response.json()["detail"].startswith("id: no network has this id")


def test_x_is_required_when_the_network_has_no_stored_dataset(client) -> None:
    """The schema lets x be left out; that a network has no dataset to use instead is the
    network's state, not the body's: a 409 naming x, for every pass."""
    network = client.post("/api/networks", json={"layers": [2, 1]}).json()
    for endpoint in ("forward", "predict", "backward", "step", "gradient-check"):
        response = client.post(f"/api/networks/{network['id']}/{endpoint}", json={})
        assert response.status_code == 409, (endpoint, response.text)
        assert response.json()["errors"][0]["field"] == "x"
        assert "the network has no stored dataset" in response.json()["detail"]
    assert client.get(f"/api/networks/{network['id']}").json() == network


def test_an_integral_float_is_an_integer(client) -> None:
    """JSON Schema counts 97.0 as an integer, so the API does: a step of 97.0 epochs is the
    step of 97 epochs, on a twin network."""
    one, twin = (client.post("/api/networks", json=NETWORK).json() for _ in range(2))
    as_float = client.post(f"/api/networks/{one['id']}/step", json={"epochs": 97.0})
    assert as_float.status_code == 200, as_float.text
    as_int = client.post(f"/api/networks/{twin['id']}/step", json={"epochs": 97})
    assert len(as_float.json()["losses"]) == 97
    assert as_float.json()["network"]["updates"] == 97
    assert as_float.json()["losses"] == as_int.json()["losses"]
    assert as_float.json()["network"]["weights"] == as_int.json()["network"]["weights"]


def test_unicode_names_are_kept_exactly(client) -> None:
    """Unicode is not malformed: names in any script, emoji and markup round-trip as text."""
    for name in ["Ωmega δ-rule", "ネットワーク", "שלום", "🧠" * 10, "<b>bold</b> & 'quotes'"]:
        created = client.post("/api/networks", json={"layers": [2, 1], "name": name})
        assert created.status_code == 201, created.text
        again = client.get(f"/api/networks/{created.json()['id']}").json()
        assert again["name"] == name


def test_a_diverging_step_is_refused_and_changes_nothing(client) -> None:
    """An update that would overflow a weight (or J) is a 409 naming it, never NaN."""
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
    assert response.status_code == 409, response.text
    where = response.json()["errors"][0]["field"]
    assert where == "loss" or where.startswith("weights[0][0]"), where
    assert client.get(f"/api/networks/{network['id']}").json() == network


OVERFLOWS = {
    "layers": [1, 1],
    "output_activation": "linear",
    "learning_rate": 1000,
    "weights": [[[1e6]]],
    "dataset": {"x": [[1e6]], "y": [[-1e6]]},
}
"""A network whose training overflows float64 within 200 epochs."""


def test_training_that_would_overflow_is_refused_and_changes_nothing(client) -> None:
    network = client.post("/api/networks", json=OVERFLOWS).json()
    response = client.post(f"/api/networks/{network['id']}/step", json={"epochs": 200})
    # J is the first value to overflow on the way (weights would follow)
    assert response.status_code == 409, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["loss"]
    for word in ("overflows", "nothing was changed"):
        assert word in response.json()["detail"]
    assert client.get(f"/api/networks/{network['id']}").json() == network


def test_no_odd_but_well_formed_body_produces_a_500(client, network) -> None:
    """A sweep of odd but well-formed bodies on every pass: never a 5xx."""
    bodies = [
        None,
        {},
        {"x": None},
        {"x": [[0, 0]], "y": None},
        {"epochs": None},
        {"mode": None},
        {"x": [[True, False]], "y": [[1]]},
    ]
    for endpoint in ("forward", "backward", "step", "gradient-check"):
        for body in bodies:
            response = client.post(
                f"/api/networks/{network['id']}/{endpoint}",
                content=json.dumps(body).encode() if body is not None else b"",
                headers=JSON,
            )
            assert response.status_code < 500, (endpoint, body, response.text)
