"""GET …/code.py and …/code.ipynb: the program, run in a separate Python with numpy alone
(`-I`: no project on the path), prints the server's weights and J to the bit, for every
update mode, both losses, the mean, an L2 term and the other activations; its start moves
past what it cannot replay (an edit, a batch sent as x)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import app.networks.code as code_api
from app.config import LIMITS
from app.schemas import MAZUR_EXAMPLE

XOR = {"preset": "xor"}
MINI5 = {"mode": "minibatch", "batch_size": 5, "epochs": 1}
"""24 examples in mini-batches of 5: 5 updates an epoch, the last of 4 examples."""
CIRCLE = {
    "layers": [2, 4, 1],
    "seed": 3,
    "generate": {"shape": "circle", "n": 24, "seed": 5},
}


def bits(values: Any) -> Any:
    """Nested lists of floats as their exact bits (float.hex tells -0.0 from 0.0)."""
    if isinstance(values, list):
        return [bits(v) for v in values]
    return float(values).hex()


def make(client, body: dict[str, Any]) -> str:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def step(client, network_id: str, **body: Any) -> None:
    response = client.post(f"/api/networks/{network_id}/step", json=body)
    assert response.status_code == 200, response.text


def run_program(path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-I", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def check_program(client, network_id: str, tmp_path: Path) -> list[str]:
    """Run the downloaded program; its weights, biases and final J are the server's."""
    response = client.get(f"/api/networks/{network_id}/code.py")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/x-python")
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / f"{network_id}.py"
    path.write_text(response.text)
    lines = run_program(path)
    printed = json.loads(lines[-1])
    state = client.get(f"/api/networks/{network_id}").json()
    assert bits(printed["weights"]) == bits(state["weights"])
    assert bits(printed["biases"]) == bits(state["biases"])
    entries = client.get(f"/api/networks/{network_id}/history").json()["entries"]
    loss = entries[-1]["loss"]
    assert lines[-2] == f"J = {loss!r} after {state['updates']} updates"
    return lines


@pytest.mark.parametrize(
    "body, steps",
    [
        (XOR, []),
        (XOR, [{}]),
        (XOR, [{}] * 40 + [{"epochs": 10}]),  # 50 updates in 41 steps
        (XOR, [{"mode": "online"}]),
        (XOR, [{"mode": "online", "epochs": 5}] * 10),  # 200 updates
        (XOR | {"loss": "cross_entropy", "l2": 0.01}, [{}] * 30 + [{"epochs": 20}]),
        (XOR | {"loss": "cross_entropy", "reduction": "mean"}, [{"mode": "online"}] * 5),
        (XOR | {"l2": 0.05, "train_biases": False}, [{"epochs": 50}]),
        (CIRCLE | {"hidden_activation": "tanh", "reduction": "mean"}, [{"epochs": 50}]),
        (CIRCLE | {"hidden_activation": "relu", "output_activation": "linear"}, [{}] * 3),
        (MAZUR_EXAMPLE, [{}] * 50),
        (CIRCLE, [MINI5]),
        (CIRCLE | {"seed": 8}, [MINI5 | {"epochs": 1}] * 2 + [MINI5 | {"epochs": 3}] * 2),
        (CIRCLE | {"loss": "cross_entropy", "reduction": "mean", "l2": 0.01}, [MINI5] * 10),
        (XOR | {"hidden_activation": "tanh"}, [{"mode": "minibatch", "batch_size": 3}] * 25),
    ],
    ids=[
        "xor-0",
        "xor-1",
        "xor-50",
        "online-1",
        "online-200",
        "cross-entropy-l2",
        "cross-entropy-mean-online",
        "l2-frozen-biases",
        "tanh-mean",
        "relu-linear",
        "mazur-50",
        "minibatch-1",
        "minibatch-50",
        "minibatch-cross-entropy-mean-l2",
        "minibatch-uneven-tanh",
    ],
)
def test_the_program_prints_the_servers_weights_to_the_bit(client, tmp_path, body, steps):
    network_id = make(client, body)
    for s in steps:
        step(client, network_id, **s)
    lines = check_program(client, network_id, tmp_path)
    updates = client.get(f"/api/networks/{network_id}").json()["updates"]
    assert lines[0] == lines[0].split(" after ")[0] + " after 0 updates"  # from the start
    assert f"updates = {updates}" in (tmp_path / f"{network_id}.py").read_text()


def test_mixed_modes_replay_from_the_start(client, tmp_path):
    network_id = make(client, XOR)
    for s in [{"epochs": 3}, {"mode": "online", "epochs": 2}, {}, {"mode": "online"}]:
        step(client, network_id, **s)
    text = client.get(f"/api/networks/{network_id}/code.py").text
    assert 'runs = [("batch", 3), ("online", 2), ("batch", 1), ("online", 1)]' in text
    check_program(client, network_id, tmp_path)


def test_minibatch_runs_keep_their_b_and_a_step_stopped_inside_an_epoch_is_a_start(
    client, tmp_path
):
    network_id = make(client, CIRCLE)
    for s in [MINI5 | {"epochs": 2}, MINI5, {"mode": "online"}, {"epochs": 2}, MINI5]:
        step(client, network_id, **s)
    step(client, network_id, mode="minibatch", batch_size=7, epochs=2)
    text = client.get(f"/api/networks/{network_id}/code.py").text
    expected = '("minibatch", 3, 5), ("online", 1), ("batch", 2), ("minibatch", 1, 5), '
    assert f'runs = [{expected}("minibatch", 2, 7)]' in text
    check_program(client, network_id, tmp_path)
    # back to inside the last step's second epoch (4 updates an epoch): that step is now 6
    # updates, not whole epochs, so the program starts after it
    state = client.get(f"/api/networks/{network_id}").json()
    rewound = client.post(
        f"/api/networks/{network_id}/rewind", json={"update": state["updates"] - 2}
    )
    assert rewound.status_code == 200, rewound.text
    step(client, network_id, **MINI5)
    lines = check_program(client, network_id, tmp_path)
    assert lines[0].endswith(f" after {state['updates'] - 2} updates")


def test_the_program_starts_after_an_edit_and_after_a_batch_sent_as_x(client, tmp_path):
    network_id = make(client, XOR)
    step(client, network_id, epochs=5)
    patched = client.patch(f"/api/networks/{network_id}", json={"learning_rate": 0.7})
    assert patched.status_code == 200
    step(client, network_id, epochs=4)
    lines = check_program(client, network_id, tmp_path)
    assert lines[0].endswith(" after 5 updates")  # the edit is where the program starts
    step(client, network_id, x=[[0.0, 1.0]], y=[[1.0]])  # not the stored examples
    step(client, network_id, epochs=2)
    lines = check_program(client, network_id, tmp_path)
    assert lines[0].endswith(" after 10 updates")
    text = client.get(f"/api/networks/{network_id}/code.py").text
    assert "η = 0.7" in text and 'runs = [("batch", 2)]' in text


def test_the_work_bound_moves_the_start(client, tmp_path, monkeypatch):
    network_id = make(client, XOR)
    for _ in range(6):
        step(client, network_id, epochs=10)
    # each 10-update step costs 3 × 6 weights × 10 × 5 + 2 × 10 × update_cost to replay
    each = 3 * 6 * 10 * 5 + 2 * 10 * LIMITS.update_cost
    monkeypatch.setattr(code_api, "LIMITS", LIMITS.model_copy(update={"max_work": 2 * each}))
    lines = check_program(client, network_id, tmp_path)
    assert lines[0].endswith(" after 40 updates")


def test_the_notebook_has_the_programs_cells_and_gives_the_same_weights(client, tmp_path):
    network_id = make(client, XOR | {"loss": "cross_entropy"})
    step(client, network_id, epochs=7)
    step(client, network_id, mode="online", epochs=3)
    step(client, network_id, mode="minibatch", batch_size=3, epochs=4)
    response = client.get(f"/api/networks/{network_id}/code.ipynb")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ipynb+json")
    notebook = response.json()
    assert (notebook["nbformat"], notebook["nbformat_minor"]) == (4, 5)
    cells = notebook["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown"] + ["code"] * 4
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    script = client.get(f"/api/networks/{network_id}/code.py").text
    assert script.endswith("\n\n\n".join(code) + "\n")  # the same program, cell by cell
    # Each code cell in turn in one namespace, as a kernel runs a notebook from the top.
    path = tmp_path / "notebook.ipynb"
    path.write_text(response.text)
    runner = tmp_path / "cells.py"
    runner.write_text(
        "import json, sys\n"
        "ns = {}\n"
        "for cell in json.load(open(sys.argv[1]))['cells']:\n"
        "    if cell['cell_type'] == 'code':\n"
        "        exec(compile(''.join(cell['source']), 'cell', 'exec'), ns)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", str(runner), str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout.splitlines()[-1])
    state = client.get(f"/api/networks/{network_id}").json()
    assert bits(printed["weights"]) == bits(state["weights"])
    assert bits(printed["biases"]) == bits(state["biases"])


def test_a_network_without_examples_gives_its_weights(client, tmp_path):
    network_id = make(client, {"layers": [3, 2, 2], "seed": 9})
    lines = check_program_without_loss(client, network_id, tmp_path)
    assert len(lines) == 1


def check_program_without_loss(client, network_id: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "p.py"
    path.write_text(client.get(f"/api/networks/{network_id}/code.py").text)
    lines = run_program(path)
    state = client.get(f"/api/networks/{network_id}").json()
    assert bits(json.loads(lines[-1])["weights"]) == bits(state["weights"])
    return lines


def test_unknown_network_and_the_response_bound(client, monkeypatch):
    for suffix in ("py", "ipynb"):
        missing = client.get(f"/api/networks/{'x' * 32}/code.{suffix}")
        assert missing.status_code == 404
    network_id = make(client, CIRCLE)
    small = LIMITS.model_copy(update={"max_response_bytes": 1000})
    monkeypatch.setattr(code_api, "LIMITS", small)
    refused = client.get(f"/api/networks/{network_id}/code.py")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "dataset"
