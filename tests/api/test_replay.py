"""Every update addressable: a state inside a step is recomputed from the step's start, equal
to the bit to the state that many single updates from the start reach, for GET …/history/{k},
forward and predict at ?update=k, and a rewind; and what cannot be recomputed is a 404 (or a
409 for a rewind) naming `update`, as docs/api.md says."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

XOR = {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}


def create(client: Any, body: dict[str, Any]) -> str:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def step(client: Any, nid: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/networks/{nid}/step", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json()["network"])


def single_updates(
    client: Any, body: dict[str, Any], mode: str, count: int
) -> tuple[str, list[Any]]:
    """A network given `count` single updates from the same start, one request each, so each
    state is an entry of its history; and those states. An update is one epoch of the batch,
    or (online) one example at a time, in order, each as a batch of one."""
    nid = create(client, body)
    data = body["dataset"]
    states = [client.get(f"/api/networks/{nid}").json()]
    for u in range(count):
        if mode == "batch":
            states.append(step(client, nid, epochs=1))
        else:
            i = u % len(data["x"])
            states.append(step(client, nid, x=[data["x"][i]], y=[data["y"][i]]))
    return nid, states


def params(state: dict[str, Any]) -> tuple[Any, Any]:
    return state["weights"], state["biases"]


networks = st.fixed_dictionaries(
    {
        "layers": st.sampled_from([[2, 1], [2, 3, 1], [2, 4, 3, 2], [2, 2, 2, 2, 1]]),
        "seed": st.integers(0, 1000),
        "hidden_activation": st.sampled_from(["sigmoid", "tanh", "relu"]),
        "loss": st.sampled_from(["squared_error", "cross_entropy"]),
        "reduction": st.sampled_from(["sum", "mean"]),
        "l2": st.sampled_from([0.0, 0.01]),
        "learning_rate": st.sampled_from([0.1, 0.5]),
    }
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    network=networks,
    mode=st.sampled_from(["batch", "online"]),
    epochs=st.lists(st.integers(1, 3), min_size=1, max_size=3),
)
def test_every_update_is_readable_and_rewindable_to_the_bit(
    client: Any, network: dict[str, Any], mode: str, epochs: list[int]
) -> None:
    outputs = network["layers"][-1]
    y = XOR["y"] if outputs == 1 else [[v[0], 1 - v[0]] for v in XOR["y"]]
    body = {**network, "dataset": {"x": XOR["x"], "y": y}}
    nid = create(client, body)
    for e in epochs:
        step(client, nid, mode=mode, epochs=e)
    total = sum(epochs) * (len(XOR["x"]) if mode == "online" else 1)
    reference, expected = single_updates(client, body, mode, total)
    for k in range(total + 1):
        got = client.get(f"/api/networks/{nid}/history/{k}")
        assert got.status_code == 200, (k, got.text)
        assert params(got.json()) == params(expected[k]), k
        assert got.json()["updates"] == k
        for route in ("predict", "forward"):  # the reference's own entry at k
            at, ref = (
                client.post(f"/api/networks/{n}/{route}?update={k}", json={"x": XOR["x"]}).json()
                for n in (nid, reference)
            )
            assert at == ref, (route, k)
    # a rewind into the middle of the last step, then on from there: still exact
    k = total - 1
    rewound = client.post(f"/api/networks/{nid}/rewind", json={"update": k})
    assert rewound.status_code == 200, rewound.text
    assert params(rewound.json()) == params(expected[k]) and rewound.json()["updates"] == k
    assert params(client.get(f"/api/networks/{nid}").json()) == params(expected[k])
    for j in range(k + 1):
        assert params(client.get(f"/api/networks/{nid}/history/{j}").json()) == params(expected[j])


def test_states_that_cannot_be_recomputed_answer_as_documented(client):
    body = {"layers": [2, 2, 1], "seed": 1, "dataset": XOR}
    nid = create(client, body)
    step(client, nid, epochs=3)
    # a step on examples sent with it: they are not kept
    step(client, nid, epochs=3, x=XOR["x"], y=XOR["y"])
    assert client.get(f"/api/networks/{nid}/history/2").status_code == 200
    missing = client.get(f"/api/networks/{nid}/history/4")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["field"] == "update"
    assert client.get(f"/api/networks/{nid}/history/6").status_code == 200
    assert client.get(f"/api/networks/{nid}/history/7").status_code == 404  # not reached
    refused = client.post(f"/api/networks/{nid}/rewind", json={"update": 5})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "update"
    assert client.get(f"/api/networks/{nid}").json()["updates"] == 6
    # an entry number names a kept entry only
    assert client.get(f"/api/networks/{nid}/history/2?entry=1").status_code == 404
