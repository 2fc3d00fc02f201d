"""lotsync.app.lock: one command at a time writes or sends for a configuration; one scheduler at a time.

The other side of every lock here is a real process (`held_by_another_process`), as another
`lotsync sync` or `lotsync digest` would be: flock is between open files, and a test that held
the lock in its own thread would prove less.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from lotsync.adapters.config import load_config
from lotsync.app.lock import (
    AlreadyRunning,
    Busy,
    LockError,
    LockUnavailable,
    ProcessLock,
    holder_of,
    lock_is_held,
    work_lock,
    work_lock_path,
)

CONFIG = """\
[collective]
timezone = "Europe/Paris"

[shared]
source = "partage.xlsx"

[[members]]
id = "cahors"
name = "Cahors"
source = "cahors.xlsx"

[[members]]
id = "figeac"
name = "Figeac"
source = "figeac.xlsx"
"""

HOLDER = """\
import sys
from lotsync.adapters.config import load_config
from lotsync.app.lock import work_lock

with work_lock(load_config(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or kills us)
"""


def write_config(folder: Path, schedule: str = "") -> Path:
    path = folder / "lotsync.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG + (f"\n[schedule]\n{schedule}\n" if schedule else ""), encoding="utf-8")
    return path


@contextmanager
def held_by_another_process(config_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the work lock of `config_path` until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(config_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        yield process
    finally:
        if process.poll() is None and process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=10)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "conf", "lock_wait = 0")


@pytest.fixture
def config(config_path: Path) -> Any:
    return load_config(config_path)


def test_the_work_lock_is_a_file_beside_the_schedulers_lock(config: Any, tmp_path: Path) -> None:
    assert Path(config.schedule.lock_file) == tmp_path / "conf" / "lotsync.lock"
    assert work_lock_path(config) == tmp_path / "conf" / "lotsync.lock.work"


def test_the_holder_writes_its_pid_and_lets_go_at_the_end(config: Any) -> None:
    with work_lock(config) as path:
        assert path == work_lock_path(config)
        assert holder_of(path) == os.getpid()
        assert lock_is_held(path)
    assert not lock_is_held(path)
    assert holder_of(path) is None  # the pid goes with the lock; the file stays (never deleted)
    assert path.exists()


def test_a_second_command_waits_for_the_first_then_proceeds(tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "conf", "lock_wait = 20")
    config = load_config(config_path)
    with held_by_another_process(config_path) as holder:
        assert holder_of(work_lock_path(config)) == holder.pid
        release = threading.Timer(1.0, holder.stdin.close)  # the first command ends in a second
        release.start()
        started = time.monotonic()
        with work_lock(config):
            waited = time.monotonic() - started
            assert holder_of(work_lock_path(config)) == os.getpid()
        release.join()
    assert 0.8 <= waited < 10


def test_busy_after_lock_wait_says_who_holds_it_in_french(tmp_path: Path) -> None:
    config_path = write_config(tmp_path / "conf", "lock_wait = 0.5")
    config = load_config(config_path)
    with held_by_another_process(config_path) as holder:
        started = time.monotonic()
        with pytest.raises(Busy) as caught, work_lock(config):
            pytest.fail("the lock was taken twice")
        waited = time.monotonic() - started
    assert 0.4 <= waited < 5
    message = str(caught.value)
    assert message.startswith(
        f"Une autre commande lotsync (processus {holder.pid}) écrit ou envoie en ce moment pour cette "
        "configuration ; réessayez dans un moment."
    )
    assert str(work_lock_path(config)) in message
    assert "attendu 0,5 s" in message
    assert (caught.value.holder, caught.value.path) == (holder.pid, work_lock_path(config))
    assert isinstance(caught.value, LockError)


def test_lock_wait_zero_does_not_wait(config_path: Path, config: Any) -> None:
    with held_by_another_process(config_path):
        started = time.monotonic()
        with pytest.raises(Busy, match="sans attendre"), work_lock(config):
            pass
        assert time.monotonic() - started < 0.5


def test_a_killed_holder_leaves_no_lock_behind(config_path: Path, config: Any) -> None:
    with held_by_another_process(config_path) as holder:
        holder.send_signal(signal.SIGKILL)  # no `finally`, no clean-up: the kernel lets go
        holder.wait(timeout=10)
        with work_lock(config):
            pass


def test_the_lock_folder_is_created(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "conf", 'lock_file = "var/run/lotsync.lock"'))
    with work_lock(config) as path:
        assert path == tmp_path / "conf" / "var" / "run" / "lotsync.lock.work"


@pytest.mark.parametrize(
    ("lock_file", "reason"),
    [
        ("fichier/sous-dossier/lotsync.lock", "un élément du chemin n'est pas un dossier"),
        ("dossier.lock", "c'est un dossier, pas un fichier"),
    ],
)
def test_a_lock_file_that_cannot_be_opened_is_a_french_error(
    tmp_path: Path, lock_file: str, reason: str
) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "fichier").write_text("pas un dossier", encoding="utf-8")
    (tmp_path / "conf" / "dossier.lock.work").mkdir()
    config = load_config(write_config(tmp_path / "conf", f'lock_file = "{lock_file}"'))
    with pytest.raises(LockUnavailable) as caught, work_lock(config):
        pass
    message = str(caught.value)
    assert message.startswith(f"Impossible de prendre le verrou : {reason} (")
    assert "Rien n'a été écrit ni envoyé" in message
    assert "Errno" not in message and "No such" not in message


def test_the_work_lock_must_not_be_nested(config: Any) -> None:
    with work_lock(config), pytest.raises(RuntimeError, match="imbriqu"), work_lock(config):
        pass
    with work_lock(config):  # and the outer one was let go properly
        pass


def test_a_running_scheduler_can_still_take_the_work_lock_for_its_jobs(config: Any) -> None:
    scheduler = ProcessLock(config.schedule.lock_file)
    scheduler.acquire()
    try:
        assert lock_is_held(config.schedule.lock_file)
        with work_lock(config):
            assert lock_is_held(config.schedule.lock_file)
    finally:
        scheduler.release()
    assert not lock_is_held(config.schedule.lock_file)


def test_a_second_scheduler_is_refused_with_the_first_ones_pid(config: Any) -> None:
    first = ProcessLock(config.schedule.lock_file)
    first.acquire()
    try:
        with pytest.raises(AlreadyRunning, match=rf"tourne déjà .*\(processus {os.getpid()}\)"):
            ProcessLock(config.schedule.lock_file).acquire()
    finally:
        first.release()
    again = ProcessLock(config.schedule.lock_file)
    again.acquire()
    again.release()
