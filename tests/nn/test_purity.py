"""The math stays pure: app/nn imports numpy, the standard library and itself, nothing else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

NN = Path(__file__).resolve().parents[2] / "app" / "nn"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nn_imports_only_numpy_stdlib_and_itself():
    for path in NN.glob("*.py"):
        for name in imported_modules(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or top == "numpy" or name.startswith("app.nn")
            assert allowed, f"{path.name} imports {name}"


def test_importing_the_engine_loads_no_web_framework():
    code = (
        "import sys, app.nn; bad = [m for m in ('fastapi', 'pydantic', 'starlette', "
        "'app.api', 'app.store') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=NN.parents[1]
    )
    assert result.returncode == 0, result.stdout + result.stderr
