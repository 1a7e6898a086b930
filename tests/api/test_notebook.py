"""The notebook example in docs/api.md, run as written against a real server, without a
display (matplotlib's Agg backend): it trains, reads the trace and saves its figure."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
pytestmark = pytest.mark.slow


def notebook_code() -> str:
    section = DOC.read_text().split("## The run in a notebook", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    return code


def test_the_notebook_example_runs_and_plots_the_trace(live_server_factory, tmp_path):
    server = live_server_factory()
    code = notebook_code()
    assert 'server = "http://127.0.0.1:8000"' in code
    script = tmp_path / "notebook.py"
    script.write_text(code.replace("http://127.0.0.1:8000", server.url) + "print(net['id'])\n")
    env = {**os.environ, "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    png = (tmp_path / "run.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000  # a drawn figure, not a blank
    network_id = done.stdout.split()[-1]
    trace = pd.read_csv(f"{server.url}/api/networks/{network_id}/trace.csv")
    same = pd.read_json(
        f"{server.url}/api/networks/{network_id}/trace.json", orient="split", precise_float=True
    )
    assert list(same.columns) == list(trace.columns)
    assert (same.to_numpy() == trace.to_numpy()).all()  # the same numbers, to the bit
    assert list(trace["update"]) == list(range(201))
    assert trace["loss"].iloc[-1] < trace["loss"].iloc[0]  # XOR trained: J went down
