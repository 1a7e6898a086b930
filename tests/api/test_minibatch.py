"""Mini-batch steps through the API: each update is the batch rule over the mini-batch the
documented order names (docs/api.md: default_rng([seed, u]).permutation(N), cut in runs of
B), so a network given those mini-batches one request each reaches the same states, to the
bit; every state inside a step is readable, usable by forward and rewindable; frames are
the step's states; the history says how each step trained."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.networks import validate
from tests.api.test_replay import create, params, step
from tests.hardening.test_request_bounds import numbers_in

X = [[0.1 * i - 0.3, (-1) ** i * 0.2 * i] for i in range(7)]
Y = [[float(i % 2)] for i in range(7)]
NETWORK = {
    "layers": [2, 3, 1],
    "seed": 41,
    "learning_rate": 0.8,
    "hidden_activation": "tanh",
    "l2": 0.01,
    "dataset": {"x": X, "y": Y},
}


def documented_batches(seed: int, start: int, n: int, b: int) -> list[list[int]]:
    """The epoch's mini-batches by the rule docs/api.md states, in stored order."""
    order = np.random.default_rng([seed, start]).permutation(n).tolist()
    return [sorted(order[i : i + b]) for i in range(0, n, b)]


def one_request_each(
    client: Any, body: dict[str, Any], b: int, updates: int
) -> tuple[str, list[Any]]:
    """A twin network given `updates` single updates, each a batch step on the examples of
    one documented mini-batch sent as x: its id and the states after each (states[0] the
    start)."""
    twin = create(client, body)
    states = [client.get(f"/api/networks/{twin}").json()]
    pending: list[list[int]] = []
    for u in range(updates):
        if not pending:
            pending = documented_batches(body["seed"], u, len(X), b)
        chosen = pending.pop(0)
        xb, yb = [X[i] for i in chosen], [Y[i] for i in chosen]
        states.append(step(client, twin, x=xb, y=yb))
    return twin, states


def test_every_update_of_minibatch_steps_is_single_updates_to_the_bit(client):
    b = 3  # 7 examples: mini-batches of 3, 3 and 1, three updates an epoch
    nid = create(client, NETWORK)
    answers = [
        client.post(
            f"/api/networks/{nid}/step", json={"mode": "minibatch", "batch_size": b, "epochs": e}
        ).json()
        for e in (2, 1)
    ]
    assert [a["network"]["updates"] for a in answers] == [6, 9]
    assert len(answers[0]["losses"]) == 2
    # the first update's backward pass is the first mini-batch's: its three examples
    first = documented_batches(41, 0, 7, b)[0]
    assert answers[0]["activations"][0] == [X[i] for i in first]
    twin, expected = one_request_each(client, NETWORK, b, 9)
    assert params(answers[-1]["network"]) == params(expected[9])
    for k in range(10):
        got = client.get(f"/api/networks/{nid}/history/{k}")
        assert got.status_code == 200, (k, got.text)
        assert params(got.json()) == params(expected[k]), k
        at = client.post(f"/api/networks/{nid}/forward?update={k}", json={"x": X}).json()
        now = client.post(f"/api/networks/{nid}/forward", json={"x": X}).json()
        assert (at == now) == (k == 9)
        ref = client.post(f"/api/networks/{twin}/forward?update={k}", json={"x": X}).json()
        assert at == ref, k
    # rewind inside the first step, then on: the order continues from the update count
    rewound = client.post(f"/api/networks/{nid}/rewind", json={"update": 4})
    assert rewound.status_code == 200, rewound.text
    assert params(rewound.json()) == params(expected[4]) and rewound.json()["updates"] == 4
    for k in range(5):
        assert params(client.get(f"/api/networks/{nid}/history/{k}").json()) == params(expected[k])
    on = client.post(
        f"/api/networks/{nid}/step", json={"mode": "minibatch", "batch_size": b, "epochs": 1}
    ).json()["network"]
    back, _ = one_request_each(client, NETWORK, b, 4)
    # the epoch after update 4 is drawn from (seed, 4): three single updates reach it
    for chosen in documented_batches(41, 4, 7, b):
        state = step(client, back, x=[X[i] for i in chosen], y=[Y[i] for i in chosen])
    assert params(on) == params(state) and on["updates"] == 7


def test_frames_of_a_minibatch_step_are_its_states(client):
    nid = create(client, NETWORK)
    answer = client.post(
        f"/api/networks/{nid}/step",
        json={"mode": "minibatch", "batch_size": 2, "epochs": 4, "frames": 2},
    ).json()
    assert [f["updates"] for f in answer["frames"]] == [8, 16]  # ⌈7/2⌉ = 4 an epoch
    for frame in answer["frames"]:
        at = client.get(f"/api/networks/{nid}/history/{frame['updates']}").json()
        assert params(at) == (frame["weights"], frame["biases"])


def test_the_history_says_how_each_step_trained(client):
    nid = create(client, NETWORK)
    step(client, nid, mode="minibatch", batch_size=4, epochs=1)
    step(client, nid, mode="online", epochs=1)
    step(client, nid, epochs=1)
    step(client, nid, epochs=1, x=X[:2], y=Y[:2])
    entries = client.get(f"/api/networks/{nid}/history").json()["entries"]
    assert [(e["kind"], e["mode"], e["batch_size"]) for e in entries] == [
        ("create", None, None),
        ("step", "minibatch", 4),
        ("step", "online", None),
        ("step", "batch", None),
        ("step", None, None),  # examples sent with it: not replayable, no mode recorded
    ]
    assert [e["update"] for e in entries] == [0, 2, 9, 10, 11]


def test_b_equal_to_n_is_a_batch_step_and_b_of_one_online_in_the_drawn_order(client):
    a, b = create(client, NETWORK), create(client, NETWORK)
    mini = step(client, a, mode="minibatch", batch_size=7, epochs=3)
    batch = step(client, b, mode="batch", epochs=3)
    assert params(mini) == params(batch) and mini["updates"] == batch["updates"] == 3
    c, d = create(client, NETWORK), create(client, NETWORK)
    mini = step(client, c, mode="minibatch", batch_size=1, epochs=1)
    order = np.random.default_rng([41, 0]).permutation(7).tolist()
    online = step(client, d, mode="online", x=[X[i] for i in order], y=[Y[i] for i in order])
    assert params(mini) == params(online) and mini["updates"] == online["updates"] == 7


def test_the_answer_names_the_first_minibatch_and_its_rows_are_its_examples(client):
    nid = create(client, NETWORK)
    step(client, nid, epochs=2)  # two batch updates first: the mini-batch order starts at 2
    answer = client.post(
        f"/api/networks/{nid}/step", json={"mode": "minibatch", "batch_size": 3}
    ).json()
    chosen = documented_batches(41, 2, 7, 3)[0]
    assert answer["minibatch"] == chosen
    assert answer["activations"][0] == [X[i] for i in chosen]
    batch = client.post(f"/api/networks/{nid}/step", json={"epochs": 1}).json()
    assert "minibatch" not in batch and len(batch["activations"][0]) == 7
    whole = client.post(
        f"/api/networks/{nid}/step", json={"mode": "minibatch", "batch_size": 7}
    ).json()
    assert whole["minibatch"] == list(range(7))


def test_the_size_bound_counts_the_answer_of_a_minibatch_step(client):
    """The bound counts N rows of net, o and δ (at most that many come back) and the B
    indices of `minibatch`: the answer is B rows and B indices, counted the same way."""
    nid = create(client, NETWORK)
    answer = client.post(
        f"/api/networks/{nid}/step", json={"mode": "minibatch", "batch_size": 3, "epochs": 2}
    ).json()
    each, rest = validate.response_numbers(
        NETWORK["layers"], "step", epochs=2, stored=21, split=True, classes=[True]
    )
    assert numbers_in(answer) == 3 * each + rest + 3
    assert numbers_in(answer["evaluation"]["train"]["confusion"]) == 4  # two classes: 2 × 2
