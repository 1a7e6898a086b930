"""The database turns read-only while steps run (`chattr +i`, as an ext4 filesystem remounted
read-only after a disk error would): nothing acknowledged is lost, and the server recovers
by itself once the files are writable again.

SQLite keeps its WAL index in a memory-mapped file (-shm). A write to a mapped page of a file
that became immutable cannot be caught: the kernel answers it with SIGBUS, which kills the
worker process that made it. With several workers (the image runs two), uvicorn's supervisor
starts a new worker, which answers 503 while the database cannot be opened and serves again
once it can. A lone worker has nobody to restart it: the image's restart policy does
(docs/security.md). This test runs the image's setting, two workers, on a real ext4 disk.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def ext4_disk(tmp_path: Path) -> Iterator[Path]:
    image, mount = tmp_path / "disk.img", tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["truncate", "-s", "32M", str(image)], check=True)
    made = subprocess.run(["mkfs.ext4", "-q", str(image)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make an ext4 image here: {made.stderr.decode().strip()}")
    done = subprocess.run(["mount", "-o", "loop", str(image), str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a loop device here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["chattr", "-R", "-i", str(mount)], check=False)
        subprocess.run(["umount", "-l", str(mount)], check=False)


def chattr(flag: str, folder: Path) -> None:
    paths = [str(p) for p in folder.iterdir()] + [str(folder)]
    subprocess.run(["chattr", flag, *paths], check=True)


def test_an_immutable_database_mid_run_loses_nothing_and_recovers(
    live_server_factory, ext4_disk
) -> None:
    folder = ext4_disk / "data"
    folder.mkdir()
    server = live_server_factory(workers=2, database=folder / "backprop.sqlite3")
    with httpx.Client(base_url=server.url, timeout=10) as http:
        network = http.post("/api/networks", json={"preset": "xor"}).json()["id"]
    acknowledged, unanswered, codes = 0, 0, set()
    stop = threading.Event()

    def stepper() -> None:
        nonlocal acknowledged, unanswered
        while not stop.is_set():
            try:
                with httpx.Client(base_url=server.url, timeout=10) as http:
                    while not stop.is_set():
                        response = http.post(f"/api/networks/{network}/step", json={})
                        codes.add(response.status_code)
                        acknowledged += response.status_code == 200
            except httpx.TransportError:  # its worker died mid-request: not acknowledged
                unanswered += 1
                time.sleep(0.05)

    threads = [threading.Thread(target=stepper) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    chattr("+i", folder)
    time.sleep(3.0)
    chattr("-i", folder)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert codes <= {200, 503}, codes
    assert server.process is not None and server.process.poll() is None  # still serving
    with httpx.Client(base_url=server.url, timeout=30) as http:
        deadline = time.monotonic() + 60  # a restarted worker reopens the database
        while (step := http.post(f"/api/networks/{network}/step", json={})).status_code != 200:
            assert time.monotonic() < deadline, step.text
            time.sleep(0.5)
        acknowledged += 1
        updates = http.get(f"/api/networks/{network}").json()["updates"]
    # every acknowledged step is there; a step whose worker died after its commit may be too
    assert acknowledged <= updates <= acknowledged + unanswered
