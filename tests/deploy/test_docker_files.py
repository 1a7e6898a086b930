"""The Dockerfile and compose.yaml keep their promises; scripts/docker-smoke runs the image."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            name, _, args = line.strip().partition(" ")
            result.append((name.upper(), " ".join(args.split())))
    return result


def args_of(name: str) -> list[str]:
    return [args for instr, args in instructions() if instr == name]


def env() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for args in args_of("ENV"):
        pairs.update(re.findall(r"(\w+)=(\S+)", args))
    return pairs


def test_a_slim_python_base() -> None:
    assert args_of("FROM") == ["python:3.11-slim"]


def test_dependencies_come_from_the_lock_file_into_a_venv() -> None:
    runs = " ".join(args_of("RUN"))
    assert "-m venv /opt/venv" in runs
    assert "-r /tmp/requirements.lock" in runs
    assert env()["PATH"].startswith("/opt/venv/bin:")
    assert any("requirements.lock" in copy for copy in args_of("COPY"))


def test_the_server_runs_as_a_non_root_user_who_owns_data() -> None:
    order = [name for name, _ in instructions()]
    users = args_of("USER")
    assert len(users) == 1
    uid = users[0].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000
    assert f"--uid {uid}" in " ".join(args_of("RUN"))
    assert "chown backprop:backprop /data" in " ".join(args_of("RUN"))
    # Nothing after USER runs as root again.
    assert "RUN" not in order[order.index("USER") :]


def test_data_volume_port_and_settings() -> None:
    assert args_of("VOLUME") == ["/data"]
    assert args_of("EXPOSE") == ["8000"]
    settings = env()
    assert settings["BACKPROP_DATABASE"] == "/data/backprop.sqlite3"
    assert settings["BACKPROP_HOST"] == "0.0.0.0"
    assert settings["BACKPROP_PORT"] == "8000"
    assert int(settings["BACKPROP_WORKERS"]) >= 2
    # python -m app reads host, port and workers from those variables.
    assert json.loads(args_of("CMD")[0]) == ["python", "-m", "app"]


def test_healthcheck_asks_healthz_without_curl() -> None:
    (check,) = args_of("HEALTHCHECK")
    command = json.loads(check.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    assert "/healthz" in command[2]
    assert "BACKPROP_PORT" in command[2]


def test_the_image_gets_only_what_it_serves() -> None:
    sources = {args.split()[0] for args in args_of("COPY")}
    assert sources == {"requirements.lock", "app/", "static/", "templates/"}
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert {s.rstrip("/") for s in sources} <= allowed


@pytest.fixture(scope="module")
def service() -> dict:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    (only,) = compose["services"].values()
    assert set(compose["volumes"]) == {"backprop-data"}
    return only


def test_compose_keeps_data_restarts_and_reads_presets(service: dict) -> None:
    assert service["restart"] == "unless-stopped"
    assert "8000:8000" in service["ports"]
    assert "backprop-data:/data" in service["volumes"]
    presets = service["environment"]["BACKPROP_PRESETS_DIR"]
    assert f"./presets:{presets}:ro" in service["volumes"]
    # An empty admin token must never be set: unset is what turns the admin view off.
    assert "BACKPROP_ADMIN_TOKEN" not in service["environment"]
