"""The locks of a configuration: one command at a time writes or sends, one scheduler at a time.

Two files, both held with an exclusive `flock` (the kernel lets go when the process dies,
however it dies, so a crash never leaves a lock behind):

- `work_lock(config)` holds `<lock_file>.work` (`[schedule] lock_file`, default `lotsync.lock`
  beside the configuration, so `lotsync.lock.work`) for as long as a command writes the shared
  workbook or sends digests: `lotsync sync`, `lotsync digest`, each job of `lotsync run`,
  `lotsync demo`. A second one waits up to `[schedule] lock_wait` seconds (0: not at all),
  then gives up with `Busy`. Without it, two commands could both read "not sent yet" and both
  send, or both read the Journal and write their line at the same row.
- `ProcessLock(lock_file)` is held by `lotsync run` for its whole life; `lotsync status`
  tries it (`lock_is_held`) to tell whether a scheduler runs.

They are two files because the scheduler holds the second for its lifetime while its jobs take
the first in turn. `work_lock` must not be nested: flock is per open file, so an inner one
would wait for the outer one, in the same process; it raises `RuntimeError` instead.

The holder writes its pid in the file, for the message of whoever has to wait. Lock files are
never deleted: removing a file that another process has just opened would let two processes
each hold a lock, on two different files of the same name.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lotsync.app import french
from lotsync.core import french as core_french
from lotsync.core.errors import LotsyncError

log = logging.getLogger(__name__)

LOCK_FILE = "lotsync.lock"
WORK_SUFFIX = ".work"
POLL_SECONDS = 0.1
"""How often a waiting command tries the lock again."""

_nested = threading.local()


class LockError(LotsyncError):
    """A lock could not be taken; the text is French, for the person who ran the command."""


class Busy(LockError):
    """Another command held the work lock for longer than `[schedule] lock_wait`."""

    def __init__(self, path: Path, holder: int | None, waited: float):
        self.path, self.holder, self.waited = path, holder, waited
        how = french.LOCK_WAITED.format(seconds=_seconds(waited)) if waited > 0 else french.LOCK_NO_WAIT
        super().__init__(french.LOCK_BUSY.format(holder=_holder(holder), path=path, waited=how))


class AlreadyRunning(LockError):
    """Another `lotsync run` holds the lock of this configuration."""


class LockUnavailable(LockError):
    """The lock file cannot be created or opened (permission, disk, a file where a folder should be)."""


class FileLock:
    """An exclusive `flock` on `path`, with the holder's pid written in the file."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; False if another open file holds it."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this FileLock")
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as error:  # ENOLCK on some network file systems
            os.close(fd)
            raise LockUnavailable(self._unavailable(error)) from None
        with contextlib.suppress(OSError):  # a full disk must not stop us: the pid is a courtesy
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return True

    def acquire(self, wait: float = 0) -> None:
        """Take the lock, trying again for up to `wait` seconds; `Busy` if it stays taken."""
        deadline = time.monotonic() + max(wait, 0)
        if self.try_acquire():
            return
        if wait > 0:
            holder = _holder(self.holder())
            log.info(french.LOCK_WAITING.format(path=self.path, holder=holder, seconds=_seconds(wait)))
        while time.monotonic() < deadline:
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0)))
            if self.try_acquire():
                return
        raise Busy(self.path, self.holder(), wait)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        with contextlib.suppress(OSError):
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def holder(self) -> int | None:
        """The pid written by whoever holds the lock (None if unknown)."""
        return holder_of(self.path)

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise LockUnavailable(self._unavailable(error)) from None

    def _unavailable(self, error: OSError) -> str:
        return french.LOCK_UNAVAILABLE.format(reason=core_french.os_error(error, self.path))


def work_lock_path(config: Any) -> Path:
    """`<[schedule] lock_file>.work`: `lotsync.lock.work` beside the configuration by default."""
    base = Path(getattr(getattr(config, "schedule", None), "lock_file", None) or LOCK_FILE)
    return base.with_name(base.name + WORK_SUFFIX)


@contextlib.contextmanager
def work_lock(config: Any, *, wait: float | None = None) -> Iterator[Path]:
    """Hold the configuration's work lock for the block; yields the lock file's path.

    Waits up to `wait` seconds (default `[schedule] lock_wait`), then raises `Busy`;
    `LockUnavailable` if the file cannot be opened. Not re-entrant: do not nest it.
    """
    path = work_lock_path(config)
    if wait is None:
        wait = float(getattr(getattr(config, "schedule", None), "lock_wait", 0) or 0)
    key = str(path.absolute())
    held: set[str] = _nested.__dict__.setdefault("paths", set())
    if key in held:
        raise RuntimeError(french.WORK_LOCK_NESTED.format(path=path))
    lock = FileLock(path)
    lock.acquire(wait)
    held.add(key)
    try:
        yield path
    finally:
        held.discard(key)
        lock.release()


class ProcessLock:
    """The scheduler's lock, held for the process lifetime; `AlreadyRunning` if taken."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._lock = FileLock(self.path)

    def acquire(self) -> None:
        if not self._lock.try_acquire():
            raise AlreadyRunning(
                french.ALREADY_RUNNING.format(holder=_holder(self._lock.holder()), path=self.path)
            )

    def release(self) -> None:
        self._lock.release()

    @property
    def held(self) -> bool:
        return self._lock.held


def lock_is_held(path: str | os.PathLike[str]) -> bool:
    """Whether some process holds the lock now. Tried with a shared lock, released at once."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def holder_of(path: str | os.PathLike[str]) -> int | None:
    """The pid the holder wrote in a lock file; None when free, unreadable or not written yet."""
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _holder(pid: int | None) -> str:
    return french.LOCK_HOLDER.format(pid=pid) if pid else ""


def _seconds(seconds: float) -> str:
    return f"{seconds:g}".replace(".", ",")
