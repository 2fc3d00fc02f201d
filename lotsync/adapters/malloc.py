"""The C allocator, told to keep one pool of memory for the whole process.

glibc's malloc gives each thread that allocates its own arena. The threads that read the offices'
workbooks (`app/sync.py`) allocate calamine's cells and their rows there; once they are done, what
they freed stays in their arenas, where the main thread's compute cannot reuse it, and the process
holds both. With one arena, the same sync of 100,000 rows peaks at about 240 MB instead of 320 to
350 MB, at the same speed (`bench/sync.py`): lotsync's threads mostly wait on files and the network,
so they seldom contend for the allocator. Elsewhere than glibc (musl, macOS) nothing is done.
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8
"""`mallopt`'s parameter for the most arenas, from glibc's <malloc.h>."""


def one_arena() -> bool:
    """Ask glibc for a single malloc arena; whether it was done. Call it before starting threads:
    arenas that exist stay."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc: musl has no mallopt
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))
