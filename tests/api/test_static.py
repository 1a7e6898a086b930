"""The static files answered from memory (app/static.py) are the files on disk, with the same
headers and conditional answers StaticFiles gives, and follow a file changed on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from app.static import KEEP_BYTES, MemoryStaticFiles

HEADERS = ("content-type", "content-length", "etag", "last-modified")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 'α';\n", encoding="utf-8")
    (tmp_path / "big.js").write_bytes(b"/" * (KEEP_BYTES + 1))
    return tmp_path


def clients(folder: Path) -> tuple[TestClient, TestClient]:
    """The same folder through StaticFiles (the reference) and through MemoryStaticFiles."""

    def app(files: StaticFiles) -> TestClient:
        return TestClient(Starlette(routes=[Mount("/static", files)]))

    return app(StaticFiles(directory=folder)), app(MemoryStaticFiles(directory=folder))


@pytest.mark.parametrize("path", ["/static/js/a.js", "/static/big.js"])
def test_answers_equal_staticfiles_first_and_from_memory(folder: Path, path: str) -> None:
    reference, ours = clients(folder)
    want = reference.get(path)
    for _ in range(3):  # read, then kept
        got = ours.get(path)
        assert got.status_code == 200
        assert got.content == want.content == (folder / path.removeprefix("/static/")).read_bytes()
        assert [got.headers[h] for h in HEADERS] == [want.headers[h] for h in HEADERS]
        tag = got.headers["etag"]
        again = ours.get(path, headers={"if-none-match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag
    assert list(ours.app.routes[0].app.kept) == (["js/a.js"] if path.endswith("a.js") else [])  # type: ignore[attr-defined]


def test_a_file_changed_on_disk_is_read_again(folder: Path) -> None:
    _, ours = clients(folder)
    first = ours.get("/static/js/a.js")
    assert ours.get("/static/js/a.js").content == first.content  # kept
    path = folder / "js" / "a.js"
    path.write_text("export const a = 'changed';\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    changed = ours.get("/static/js/a.js")
    assert changed.content == path.read_bytes()
    assert changed.headers["etag"] != first.headers["etag"]
    assert (
        ours.get("/static/js/a.js", headers={"if-none-match": first.headers["etag"]}).status_code
        == 200
    )
    path.unlink()
    assert ours.get("/static/js/a.js").status_code == 404


def test_ranges_head_and_missing_files_answer_as_staticfiles(folder: Path) -> None:
    reference, ours = clients(folder)
    ours.get("/static/js/a.js")  # kept from now on
    for method, path, headers in [
        ("GET", "/static/js/a.js", {"range": "bytes=2-7"}),
        ("HEAD", "/static/js/a.js", {}),
        ("GET", "/static/js/none.js", {}),
        ("GET", "/static/../secret", {}),
        ("POST", "/static/js/a.js", {}),
    ]:
        want = reference.request(method, path, headers=headers)
        got = ours.request(method, path, headers=headers)
        assert (got.status_code, got.content) == (want.status_code, want.content), (method, path)
