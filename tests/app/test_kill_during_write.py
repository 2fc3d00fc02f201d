"""A sync killed with SIGKILL at any moment: the workbook is the old one or the new one, and the
temporary files a killed process leaves behind are removed by the next write in that folder.

Real processes, really killed: `lotsync sync` subprocesses on the demo, and small Python
processes that leave a temporary file through `lotsync.adapters.atomic` and are killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from lotsync.adapters.atomic import LEFTOVER, remove_leftovers, replace_file, temporary_copy, temporary_path
from lotsync.app.demo import SHARED_FILE, write_demo
from lotsync.tabs.results import OWNED_TABS

AS_OF = "2026-11-26"
MARKER = "Généré par lotsync le "


def lotsync(*args: str) -> list[str]:
    """The `lotsync` command of this virtual environment."""
    script = Path(sys.executable).with_name("lotsync")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "lotsync", *args]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "lotsync-" in p.name and p.name.endswith(".tmp"))


def journal_lines(workbook: Path) -> int:
    """Lines of the shared workbook's Journal (0 before the first sync); it must open and be whole."""
    from openpyxl import load_workbook

    book = load_workbook(workbook, read_only=True)
    try:
        if "Journal" not in book.sheetnames:
            return 0
        for name in OWNED_TABS:
            first = next(book[name].iter_rows(max_row=1, values_only=True))
            assert str(first[0]).startswith(MARKER), name
        rows = [row for row in book["Journal"].iter_rows(min_row=3, values_only=True) if any(row)]
        return len(rows)
    finally:
        book.close()


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that ran and is gone (and reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A Python process that made a temporary file with `adapters.atomic` and sleeps in the middle of its
    write; its first line of output is that file's path. Killed (if still alive) after the test."""
    program = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from lotsync.adapters.atomic import temporary_copy\n"
        "print(temporary_copy(Path(sys.argv[1]), b'half of it'), flush=True)\n"
        "time.sleep(120)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", program, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()


def started(child: subprocess.Popen[str]) -> Path:
    assert child.stdout is not None
    return Path(child.stdout.readline().strip())


# -- leftovers ---------------------------------------------------------------------------


def test_temporary_names_carry_the_writing_process_s_pid(tmp_path: Path) -> None:
    workbook = temporary_path(tmp_path / "collectif.xlsx")
    copy = temporary_copy(tmp_path, b"data")

    assert workbook.name == f".collectif.xlsx.lotsync-{os.getpid()}.tmp"
    assert copy.name.startswith(f".lotsync-{os.getpid()}-")
    for name in (workbook.name, copy.name):
        match = LEFTOVER.match(name)
        assert match is not None
        assert int(match["pid"]) == os.getpid()
    copy.unlink()


def test_the_file_of_a_process_killed_mid_write_is_removed(
    tmp_path: Path, writer: subprocess.Popen[str]
) -> None:
    left = started(writer)
    assert left.read_bytes() == b"half of it"

    writer.send_signal(signal.SIGKILL)
    writer.wait()

    assert remove_leftovers(tmp_path) == [left]
    assert not left.exists()


def test_the_file_of_a_killed_process_not_yet_reaped_is_removed(
    tmp_path: Path, writer: subprocess.Popen[str]
) -> None:
    left = started(writer)
    os.kill(writer.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{writer.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)  # a zombie: dead, but its parent has not collected it yet

    assert remove_leftovers(tmp_path) == [left]


def test_a_live_process_s_file_is_never_touched(tmp_path: Path, writer: subprocess.Popen[str]) -> None:
    being_written = started(writer)

    assert remove_leftovers(tmp_path) == []
    assert being_written.exists()


def test_nothing_but_lotsync_s_temporary_files_is_removed(tmp_path: Path, dead_pid: int) -> None:
    kept = [
        "collectif.xlsx",
        "notes.tmp",
        f"lotsync-{dead_pid}.tmp",  # not hidden
        ".lotsync-abcdefgh.tmp",  # no pid (named so before lotsync put pids in names)
        f".lotsync-{dead_pid}.tmp.bak",
        ".~lock.collectif.xlsx#",
        "~$collectif.xlsx",
        f".collectif.xlsx.lotsync-{dead_pid}.tmp.xlsx",
    ]
    for name in kept:
        (tmp_path / name).write_text("à garder", encoding="utf-8")
    (tmp_path / f".lotsync-{dead_pid}-dossier.tmp").mkdir()  # not a regular file
    (tmp_path / f".lotsync-{dead_pid}-lien.tmp").symlink_to(tmp_path / "collectif.xlsx")
    removed = [f".collectif.xlsx.lotsync-{dead_pid}.tmp", f".lotsync-{dead_pid}-k3j_x9q2.tmp"]
    for name in removed:
        (tmp_path / name).write_bytes(b"PK\x03\x04 half")

    assert sorted(p.name for p in remove_leftovers(tmp_path)) == sorted(removed)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*kept, f".lotsync-{dead_pid}-dossier.tmp", f".lotsync-{dead_pid}-lien.tmp"]
    )


def test_a_file_with_our_pid_that_we_did_not_make_is_an_earlier_process_s(tmp_path: Path) -> None:
    """In a container every run can be pid 1: a file named with our pid may be a killed run's."""
    ours = temporary_copy(tmp_path, b"being written")
    earlier = tmp_path / f".lotsync-{os.getpid()}-earlier1.tmp"
    earlier.write_bytes(b"left by a process that had our pid")

    assert remove_leftovers(tmp_path) == [earlier]
    assert ours.exists()
    ours.unlink()


def test_a_folder_that_cannot_be_listed_is_left_alone(tmp_path: Path) -> None:
    assert remove_leftovers(tmp_path / "absent") == []
    assert remove_leftovers(Path("/dev/null")) == []


def test_replace_file_clears_its_folder_first(tmp_path: Path, dead_pid: int) -> None:
    left = tmp_path / f".lotsync-{dead_pid}-abc.tmp"
    left.write_bytes(b"{")

    replace_file(tmp_path / "lotsync-state.json", b"{}")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["lotsync-state.json"]


def test_a_sync_clears_the_shared_workbook_s_folder(tmp_path: Path, dead_pid: int) -> None:
    config = write_demo(tmp_path / "demo")
    left = config.parent / f".{SHARED_FILE}.lotsync-{dead_pid}.tmp"
    left.write_bytes(b"PK\x03\x04 half a workbook")

    done = subprocess.run(
        lotsync("sync", "--config", str(config), "--as-of", AS_OF), capture_output=True, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert leftovers(config.parent) == []


# -- kill -9 during a real sync ---------------------------------------------------------------


def test_a_sync_killed_at_any_moment_leaves_the_old_or_the_new_workbook(tmp_path: Path) -> None:
    """8 kills: 3 at fractions of a sync's duration, 5 at delays after the temporary workbook appears
    (so that most land while it is being written), and more at once after it appears until one has
    landed mid-write (the package writer takes milliseconds: a kill can come too late). After each:
    the workbook opens and is the old one (same bytes) or the new one (whole, one more Journal line);
    the next sync succeeds and leaves no temporary file."""
    config = write_demo(tmp_path / "demo")
    folder, shared = config.parent, config.parent / SHARED_FILE
    command = lotsync("sync", "--config", str(config), "--as-of", AS_OF)
    began = time.monotonic()
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    duration = time.monotonic() - began
    plan = [("start", 0.3), ("start", 0.6), ("start", 0.9)] + [
        ("write", d) for d in (0, 0.005, 0.02, 0.08, 0.25)
    ]
    outcomes: Counter[str] = Counter()
    left_behind = 0

    extra = 20
    while plan:
        when, delay = plan.pop(0)
        before, lines = shared.read_bytes(), journal_lines(shared)
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        temporary = folder / f".{SHARED_FILE}.lotsync-{child.pid}.tmp"
        if when == "start":
            time.sleep(delay * duration)
        else:
            deadline = time.monotonic() + 10 * duration + 10
            while not temporary.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(delay)
        writing = temporary.exists()
        child.send_signal(signal.SIGKILL)
        child.wait()

        now = journal_lines(shared)  # opens with openpyxl, owned tabs all marked
        if shared.read_bytes() == before:
            outcomes["ancien"] += 1
        else:
            assert now == lines + 1
            outcomes["nouveau"] += 1
        outcomes["pendant l'écriture" if writing else "hors écriture"] += 1
        left_behind += bool(leftovers(folder))

        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert leftovers(folder) == []
        assert journal_lines(shared) == now + 1
        if not plan and not left_behind and extra:
            plan.append(("write", 0))
            extra -= 1

    print(f"\nkill -9 : {dict(outcomes)}, {left_behind} fichier(s) temporaire(s) laissé(s) puis supprimé(s)")
    assert outcomes["ancien"] + outcomes["nouveau"] == 8 + 20 - extra
    assert left_behind >= 1  # at least one kill landed mid-write, and its leftover was cleared
