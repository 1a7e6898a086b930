"""Durability for synchronous=FULL without making anyone wait for the disk but the caller.

SQLite's own FULL fsyncs the WAL inside every COMMIT, so whoever commits (the event loop, for
a small step) sits idle for the whole fsync, milliseconds on a busy disk. Instead the store
commits with synchronous=NORMAL (the frames are written to the WAL, not yet fsynced) and
hands the batch here: this thread fsyncs the WAL file once for every batch waiting, and only
then lets their callers answer. A 2xx still means the change survives a power cut, as with
FULL, while the loop goes on serving.

Why one fsync of the `-wal` file is enough: a committed transaction is a run of frames
appended to it; fsync makes every frame written so far durable, and after a power cut SQLite
replays the WAL up to its last valid commit (frames carry checksums). Checkpoints, which
move frames into the main file, fsync that file themselves under NORMAL, and the WAL header
is synced when the file is reused. The folder is fsynced when the WAL file first appears,
so its entry is durable too.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Done = Callable[[BaseException | None], None]


T = TypeVar("T")


def take_all(waiting: queue.SimpleQueue[T | None]) -> tuple[list[T], bool]:
    """Block for one item, then take every other item already queued: a batch. True when a
    None (the request to stop) was among them; it comes after the items queued before it."""
    first = waiting.get()
    batch, stop = ([], True) if first is None else ([first], False)
    while not stop:
        try:
            item = waiting.get_nowait()
        except queue.Empty:
            break
        if item is None:
            stop = True
        else:
            batch.append(item)
    return batch, stop


class WalSync:
    def __init__(self, database: str) -> None:
        self.wal = Path(database + "-wal")
        self._fd: int | None = None
        self._inode = 0
        self._fd_lock = threading.Lock()
        self._queue: queue.SimpleQueue[Done | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="backprop-wal-sync", daemon=True)
        self._thread.start()

    def after_sync(self, done: Done) -> None:
        """Call `done(None)` on this module's thread once everything committed so far is on
        disk (`done(error)` if the fsync failed)."""
        self._queue.put(done)

    def sync(self) -> None:
        """Make everything committed so far durable, now, on the caller's thread."""
        with self._fd_lock:
            fd = self._open()
            if fd is not None:
                os.fsync(fd)

    def close(self) -> None:
        """Finish what is queued, then stop (after the last commit)."""
        self._queue.put(None)
        self._thread.join()
        with self._fd_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _run(self) -> None:
        while True:
            waiting, stop = take_all(self._queue)
            if waiting:
                error: BaseException | None = None
                try:
                    self.sync()  # one fsync for every batch that waited
                except OSError as failure:
                    error = failure
                for done in waiting:
                    done(error)
            if stop:
                return

    def _open(self) -> int | None:
        """The WAL file's descriptor, reopened if SQLite replaced the file; None if there is
        no WAL file (nothing written since every connection closed)."""
        try:
            inode = os.stat(self.wal).st_ino
        except FileNotFoundError:
            return None
        if self._fd is not None and inode == self._inode:
            return self._fd
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._inode = os.open(self.wal, os.O_RDONLY), inode
        folder = os.open(self.wal.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the WAL's entry in its folder
        finally:
            os.close(folder)
        return self._fd
