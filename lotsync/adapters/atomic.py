"""Files replaced in one step: a reader sees the old content or the new one, never half of it.

A new content is first written to a hidden temporary file beside the target, then renamed over
it. Every temporary name carries the id of the process that writes it
(`.lotsync-PID-XXXXXXXX.tmp`, or `.NAME.lotsync-PID.tmp` for a workbook), so that one left behind
by a process killed mid-write (kill -9, out of memory, power cut) can be told from one being
written: the next write in the same folder removes those whose process is gone
(`remove_leftovers`).
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
import threading
from pathlib import Path

from lotsync.adapters import french

log = logging.getLogger(__name__)

LEFTOVER = re.compile(r"^\.(?:.+\.)?lotsync-(?P<pid>[0-9]{1,10})(?:-[a-z0-9_]+)?\.tmp$")
"""Names of lotsync's temporary files; nothing else is ever removed as a leftover."""

_ours: set[str] = set()
"""Temporary files this process made and may still be writing: with our own pid in their name but
not in here, a file comes from an earlier process that had the same pid (in a container every run
can be pid 1). Guarded by `_lock`, which is also held while one of them is created or removed.
Absolute paths; a few dozen bytes per temporary file not passed to `replace_file`."""
_lock = threading.Lock()


def temporary_path(target: Path) -> Path:
    """The name to write what will replace `target` under: hidden, beside it, with our pid."""
    path = target.with_name(f".{target.name}.lotsync-{os.getpid()}.tmp")
    with _lock:
        _ours.add(os.path.abspath(path))
    return path


def temporary_copy(folder: Path, data: bytes, *, mode: int | None = None) -> Path:
    """`data` written and flushed to disk in a fresh hidden file of `folder` (0600 unless `mode`).

    Leftovers of dead processes in `folder` are removed first (one `listdir`).
    """
    remove_leftovers(folder)
    with _lock:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".lotsync-{os.getpid()}-", suffix=".tmp")
        _ours.add(os.path.abspath(name))
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        _release(Path(name))
        raise
    return Path(name)


def replace_file(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `target` with `data` atomically (the folder must exist)."""
    temporary = temporary_copy(target.parent, data, mode=mode)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        _release(temporary)


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files that dead lotsync processes left in `folder`; return them.

    Only regular files named like lotsync's (`LEFTOVER`) whose process no longer runs are removed:
    never a live process's file, never anything else. Best effort: a folder that cannot be listed
    or a file that cannot be removed is left as it is (the write that follows says what is wrong).
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    me = os.getpid()
    removed = []
    for name in names:
        match = LEFTOVER.match(name)
        if match is None:
            continue
        path = Path(folder, name)
        pid = int(match["pid"])
        if pid != me and _alive(pid):
            continue
        with _lock:  # held so that a file of ours cannot be made under this name meanwhile
            if pid == me and os.path.abspath(path) in _ours:
                continue
            if _remove_regular(path):
                removed.append(path)
    for path in removed:
        log.info(french.LEFTOVER_REMOVED.format(path=path))
    return removed


def _remove_regular(path: Path) -> bool:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        os.unlink(path)
    except OSError:
        return False
    return True


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    if pid <= 0:
        return False  # no process writes as pid 0, and os.kill(0) would mean our process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OverflowError:
        return False  # beyond any pid the system can give
    except OSError:
        return True  # cannot tell: keep the file
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: trust os.kill
    return state not in (b"Z", b"X")


def _release(path: Path) -> None:
    with _lock:
        _ours.discard(os.path.abspath(path))
