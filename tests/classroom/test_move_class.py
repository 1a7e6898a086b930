"""`backprop-lab export` and `import`: a class moves from a SQLite file to PostgreSQL through
a JSON-lines file, every network bit for bit and under its own id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from app.store import SQLiteStore
from app.store.postgres import PostgresStore
from tests.conftest import ROOT


def command(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BACKPROP_")}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_class_moves_from_sqlite_to_postgres_bit_for_bit(
    make_client: Any, tmp_path: Path, postgres_url: str
) -> None:
    database = tmp_path / "classroom.sqlite3"
    client = make_client()
    rng = np.random.default_rng(7)
    made = [client.post("/api/networks", json={"preset": p}).json()["id"] for p in
            ("xor", "mazur", "circle", "spiral")]  # fmt: skip
    for network_id in made[:3]:
        assert client.post(f"/api/networks/{network_id}/step", json={"epochs": 5}).is_success
    data = {"x": rng.normal(size=(30, 2)).tolist(), "y": rng.uniform(size=(30, 2)).tolist()}
    patched = client.patch(f"/api/networks/{made[1]}", json={"name": "mine", "dataset": data})
    assert patched.status_code == 200, patched.text
    file = tmp_path / "class.jsonl"

    exported = command("export", str(file), BACKPROP_DATABASE=str(database))
    assert exported.returncode == 0, exported.stderr
    lines = file.read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(made)

    imported = command("import", str(file), BACKPROP_DATABASE_URL=postgres_url)
    assert imported.returncode == 0, imported.stderr
    assert "imported 4 networks" in imported.stderr
    again = command("import", str(file), BACKPROP_DATABASE_URL=postgres_url)
    assert again.returncode == 0 and "4 were there already" in again.stderr

    source, target = SQLiteStore(str(database)), PostgresStore(postgres_url)
    try:
        assert target.count() == 4
        for network_id in made:
            a, b = source.get(network_id), target.get(network_id)
            assert (a.settings, a.seed, a.updates, a.layers) == (
                b.settings, b.seed, b.updates, b.layers)  # fmt: skip
            for x, y in zip([*a.params.weights, *a.params.biases, *(a.dataset or ())],
                            [*b.params.weights, *b.params.biases, *(b.dataset or ())],
                            strict=True):  # fmt: skip
                assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
        assert target.get(made[1]).settings.name == "mine"
    finally:
        source.close()
        target.close()


def test_a_bad_line_is_named_and_the_good_ones_are_imported(
    make_client: Any, tmp_path: Path, postgres_url: str
) -> None:
    client = make_client()
    made = client.post("/api/networks", json={"preset": "xor"}).json()["id"]
    good = client.get(f"/api/networks/{made}/export").text
    bad = json.loads(good) | {"id": "x", "learning_rate": -1}
    file = tmp_path / "mixed.jsonl"
    file.write_text(json.dumps(bad) + "\n" + good + "\n")
    result = command("import", str(file), BACKPROP_DATABASE_URL=postgres_url)
    assert result.returncode == 1
    assert "line 1" in result.stderr and "learning_rate" in result.stderr
    assert "imported 1 networks" in result.stderr
