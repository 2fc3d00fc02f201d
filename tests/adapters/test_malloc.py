"""One malloc arena for the whole process (`lotsync/adapters/malloc.py`), seen in glibc's own report.

Each case runs in a new interpreter: threads allocate and free, then `malloc_info` says how many
arenas (`<heap nr=…>`) the process holds.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap

import pytest

from lotsync.adapters.malloc import one_arena

glibc_only = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")

PROBE = textwrap.dedent(
    """
    import ctypes, os, sys, tempfile, threading

    {setup}

    def work():
        kept = [b"x" * 1000 + bytes([i % 256]) for i in range(20000)]  # malloc's, not pymalloc's
        del kept

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc = ctypes.CDLL(None)
    libc.fdopen.restype, libc.fdopen.argtypes = ctypes.c_void_p, (ctypes.c_int, ctypes.c_char_p)
    libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.fflush.argtypes = (ctypes.c_void_p,)
    fd, path = tempfile.mkstemp()
    stream = libc.fdopen(fd, b"w")
    libc.malloc_info(0, stream)
    libc.fflush(stream)
    print(open(path).read().count("<heap nr="))
    os.unlink(path)
    """
)


def arenas(setup: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])  # the last line: what --version printed comes first


@glibc_only
def test_threads_that_allocate_get_arenas_of_their_own_by_default() -> None:
    assert arenas("") > 1


@glibc_only
def test_after_one_arena_every_thread_allocates_from_the_same_one() -> None:
    assert arenas("from lotsync.adapters.malloc import one_arena\nassert one_arena()") == 1


@glibc_only
def test_the_lotsync_command_asks_for_one_arena_before_anything_else() -> None:
    setup = textwrap.dedent(
        """
        from lotsync.cli.commands import main
        sys.argv = ["lotsync", "--version"]
        try:
            main()
        except SystemExit:
            pass
        """
    )
    assert arenas(setup) == 1


def test_asking_twice_is_harmless() -> None:
    assert one_arena() == one_arena()
