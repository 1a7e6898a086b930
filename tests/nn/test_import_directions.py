"""Dependencies point one way: the domain (the engine, the networks, the classroom, the
store, the presets, the change feed) imports nothing of the web layer, so each can be used
and tested without it (the command line, the benchmarks, another front end)."""

from __future__ import annotations

from pathlib import Path

from tests.nn.test_purity import imported_modules

APP = Path(__file__).resolve().parents[2] / "app"
DOMAIN = ("nn", "networks", "classroom", "store", "presets", "events")
WEB = ("app.api", "fastapi", "starlette")


def web_imports(path: Path) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if any(name == web or name.startswith(web + ".") for web in WEB)
    )


def test_the_domain_imports_nothing_of_the_web_layer() -> None:
    files = [path for package in DOMAIN for path in sorted((APP / package).rglob("*.py"))]
    assert len(files) > 20  # every package was found
    found = {str(path.relative_to(APP)): web_imports(path) for path in files}
    assert {path: names for path, names in found.items() if names} == {}


def test_a_web_import_is_seen_wherever_it_is(tmp_path: Path) -> None:
    """The check reads imports inside functions and under TYPE_CHECKING too."""
    module = tmp_path / "planted.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from starlette.requests import Request\n"
        "def f():\n    import app.api.errors\n    from fastapi import APIRouter\n"
    )
    assert web_imports(module) == ["app.api.errors", "fastapi", "starlette.requests"]
