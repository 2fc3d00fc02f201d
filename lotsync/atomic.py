"""Files replaced in one step: a reader sees the old content or the new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temporary_copy(folder: Path, data: bytes, *, mode: int | None = None) -> Path:
    """`data` written and flushed to disk in a fresh hidden file of `folder` (0600 unless `mode`)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".lotsync-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
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
