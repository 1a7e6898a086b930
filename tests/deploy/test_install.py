"""What scripts/serve and the image install: the lock files, and the `python -m app` entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock: str) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / lock).read_text(), re.MULTILINE)
    return {canonicalize_name(name): ver for name, ver in found}


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PYPROJECT["dependencies"]),
        ("requirements-test.lock", PYPROJECT["optional-dependencies"]["test"]),
    ],
)
def test_the_lock_pins_every_dependency_within_its_range(
    lock: str, requirements: list[str]
) -> None:
    pinned = pins(lock)
    for line in requirements:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{lock} lacks {name}: run scripts/lock"
        assert req.specifier.contains(pinned[name]), f"{lock} pins {name} {pinned[name]}, not {req}"


def test_the_test_lock_agrees_with_the_runtime_lock() -> None:
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: test[name] for name in runtime} == runtime


def test_tests_run_on_the_pinned_versions() -> None:
    """So what passes here is what scripts/serve and the image serve."""
    wrong = {
        name: (pinned, version(name))
        for name, pinned in pins("requirements-test.lock").items()
        if version(name) != pinned
    }
    assert not wrong, f"installed versions differ from the lock (name: (lock, installed)): {wrong}"


def test_python_m_app_serves_on_the_configured_port(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "BACKPROP_PORT": str(port),
        "BACKPROP_DATABASE": str(tmp_path / "db.sqlite3"),
    }
    server = subprocess.Popen([sys.executable, "-m", "app"], cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"python -m app exited with {server.returncode}"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "no answer on /healthz within 90 s"
                time.sleep(0.1)
        assert response.json() == {"status": "ok"}
        assert (tmp_path / "db.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(10)


def test_the_console_script_is_installed() -> None:
    assert PYPROJECT["scripts"]["backprop-lab"] == "app.__main__:main"
    assert (Path(sys.executable).parent / "backprop-lab").exists()
