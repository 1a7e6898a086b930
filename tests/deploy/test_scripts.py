"""The README's two commands and CI's entry point: executable as committed, and valid bash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["scripts/serve", "scripts/test", "scripts/docker-smoke", "scripts/lock", ".ci/run"]


@pytest.mark.parametrize("path", COMMANDS)
def test_command_is_executable_valid_bash(path: str) -> None:
    script = ROOT / path
    assert os.access(script, os.X_OK), f"{path} is not executable: git update-index --chmod=+x"
    assert script.read_text().startswith("#!/usr/bin/env bash\n")
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[0] for line in first_block.splitlines()] == [
        "scripts/serve",
        "scripts/test",
    ]
    assert "bash scripts/test" in (ROOT / ".ci/run").read_text()


def test_export_says_what_it_does_not_carry() -> None:
    """The history does not move with `export`/`import`: their help says so plainly."""
    for command in ("export", "import"):
        result = subprocess.run(
            [sys.executable, "-m", "app", command, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        text = " ".join(result.stdout.split())
        assert "history" in text and "do not move" in text, text
