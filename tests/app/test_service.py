"""`lotsync run`: the scheduler on the real clock (short intervals) and on simulated time."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from apscheduler.triggers.interval import IntervalTrigger

from app.test_lock import held_by_another_process
from lotsync.adapters.config import ConfigError, load_config
from lotsync.adapters.cron import cron_trigger as crontab
from lotsync.adapters.logs import setup_logging
from lotsync.app.demo import write_demo
from lotsync.app.lock import AlreadyRunning, ProcessLock, lock_is_held
from lotsync.app.schedule import fire_times
from lotsync.app.schedule import read_state as read_state_file
from lotsync.app.service import Service
from lotsync.tabs.results import OWNED_TABS

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo-master")).parent


@pytest.fixture
def demo(tmp_path: Path, demo_master: Path) -> Path:
    """A fresh copy of the demo books; returns the configuration file."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_master, folder)
    return folder / "lotsync.toml"


def interval_triggers(seconds: float = 1):
    def factory(name: str, cron: str, tz: ZoneInfo):
        if name == "sync":
            return IntervalTrigger(seconds=seconds, timezone=tz)
        return crontab(cron, tz)

    return factory


def background(config, **kwargs) -> Service:
    service = Service(config, scheduler=object(), **kwargs)
    service.scheduler = service.make_scheduler(blocking=False)
    return service


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def outcome(error: str | None = None):
    return SimpleNamespace(error=error, api_calls={})


def read_state(path) -> dict:
    """What the service noted in its state file (which must be readable)."""
    state, reason = read_state_file(path)
    assert reason is None, reason
    return state


def every_minute(config_path: Path) -> None:
    """`[schedule] sync = "* * * * *"`: a real cron expression, so that a sync is always due.

    At start-up the service then catches up at once a sync missed in the last minute (or a digest
    within its grace period, which syncs first), and every minute brings a scheduled one.
    """
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text + '\n[schedule]\nsync = "* * * * *"\n', encoding="utf-8")


# -- configuration -------------------------------------------------------------------------------


def test_schedule_defaults_beside_the_config(demo: Path) -> None:
    config = load_config(demo)
    assert config.schedule.sync == "0 8-19 * * 1-6"
    assert config.schedule.digest == "0 8 * * 1"
    assert config.schedule.digest_grace_days == 3
    assert config.schedule.failure_alert_after == 3
    assert Path(config.schedule.state_file) == demo.parent / "lotsync-state.json"
    assert Path(config.schedule.lock_file) == demo.parent / "lotsync.lock"


def test_the_example_documents_the_schedule_defaults() -> None:
    from lotsync.adapters.config import ScheduleConfig

    example = load_config(Path(__file__).parents[2] / "config" / "lotsync.example.toml")
    defaults = ScheduleConfig()
    for key in ("sync", "digest", "digest_grace_days", "failure_alert_after"):
        assert getattr(example.schedule, key) == getattr(defaults, key)


def test_bad_cron_is_reported_with_its_key(demo: Path) -> None:
    demo.write_text(
        demo.read_text(encoding="utf-8") + '\n[schedule]\nsync = "0 25 * * *"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(demo)
    assert any(line.startswith("schedule.sync : expression cron invalide") for line in caught.value.lines)


# -- the real clock ------------------------------------------------------------------------------


def test_a_sync_runs_on_the_real_clock_and_is_recorded(demo: Path) -> None:
    config = load_config(demo)
    service = background(config, trigger_factory=interval_triggers(1))
    service.start()
    try:
        assert wait_for(lambda: (read_state(config.schedule.state_file).get("sync") or {}).get("at"))
    finally:
        service.stop()
    state = read_state(config.schedule.state_file)
    assert state["sync"]["outcome"] == "ok"
    assert state["sync"]["error"] is None
    assert state["sync"]["seconds"] >= 0
    assert state["consecutive_failures"] == 0
    assert state["scheduler"]["pid"] is None and state["scheduler"]["stopped_at"]  # stopped
    assert state["sync"]["api_calls"] == 0  # local workbooks: no Google API call
    assert state["schedule"] == {"sync": "0 8-19 * * 1-6", "digest": "0 8 * * 1"}
    book = openpyxl.load_workbook(config.shared.source, read_only=True)
    assert set(OWNED_TABS) <= set(book.sheetnames)
    assert not lock_is_held(config.schedule.lock_file)


def test_overlapping_triggers_run_one_at_a_time(demo: Path) -> None:
    config = load_config(demo)
    running, most, runs = [0], [0], [0]
    guard = threading.Lock()

    def slow_sync(config, *, as_of, now):
        with guard:
            running[0] += 1
            runs[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(1.6)  # longer than the 1 s interval: the next triggers find it still running
        with guard:
            running[0] -= 1
        return outcome()

    def factory(name, cron, tz):  # both jobs every second: they would overlap without the single worker
        return IntervalTrigger(seconds=1, timezone=tz)

    service = background(config, trigger_factory=factory, sync_fn=slow_sync, digest_fn=lambda *a, **k: [])
    service.start()
    time.sleep(5)
    service.stop()
    assert most[0] == 1
    assert 1 <= runs[0] <= 5  # far fewer than the ~10 fire times of the two triggers


def test_coalesce_runs_a_backlog_once(demo: Path) -> None:
    config = load_config(demo)
    runs = []
    service = background(
        config, trigger_factory=interval_triggers(1), sync_fn=lambda c, **k: runs.append(1) or outcome()
    )
    service.start()
    assert wait_for(lambda: len(runs) >= 1)
    service.scheduler.pause()
    time.sleep(0.3)  # anything already handed to the worker is done
    before = len(runs)
    # Four fire times missed (-3.5 s … -0.5 s); the next one is 0.5 s ahead.
    service.scheduler.modify_job("sync", next_run_time=datetime.now(PARIS) - timedelta(seconds=3.5))
    service.scheduler.resume()
    time.sleep(0.3)
    service.stop()
    assert len(runs) - before == 1


# -- simulated time: missed runs -----------------------------------------------------------------


def test_a_missed_digest_is_caught_up_within_the_grace_period(demo: Path) -> None:
    config = load_config(demo)
    service = Service(config)
    # The process stopped on Saturday 2026-11-21 evening, after its last sync.
    service._update_state(sync={"at": datetime(2026, 11, 21, 19, 0, tzinfo=PARIS).isoformat()})
    service._update_state(last_successful_digest_at=datetime(2026, 11, 16, 8, 0, tzinfo=PARIS).isoformat())
    assert service.catch_up(datetime(2026, 11, 24, 9, 30, tzinfo=PARIS)) == "digest"  # Tuesday
    assert service.catch_up(datetime(2026, 11, 26, 7, 0, tzinfo=PARIS)) == "digest"  # Thursday, < 3 days
    assert service.catch_up(datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)) == "sync"  # Friday: too late
    # Once sent, not again.
    service._update_state(last_successful_digest_at=datetime(2026, 11, 24, 9, 31, tzinfo=PARIS).isoformat())
    assert service.catch_up(datetime(2026, 11, 24, 10, 30, tzinfo=PARIS)) == "sync"


def test_the_caught_up_digest_runs_once_at_start_up(demo: Path) -> None:
    config = load_config(demo)
    sent = []
    tuesday = datetime(2026, 11, 24, 9, 30, tzinfo=PARIS)

    def digests(config, *, week, now):
        sent.append(week.label)
        return [SimpleNamespace(status="sent", office="cahors", error=None)]

    service = background(config, now=lambda: tuesday, sync_fn=lambda c, **k: outcome(), digest_fn=digests)
    service.start()
    assert wait_for(lambda: read_state(config.schedule.state_file).get("digest"))
    service.stop()
    assert sent == ["2026-W48"]
    state = read_state(config.schedule.state_file)
    assert state["digest"]["sent"] == 1 and state["digest"]["week"] == "2026-W48"
    assert state["sync"]["outcome"] == "ok"  # the digest syncs first
    assert Service(config).catch_up(tuesday + timedelta(minutes=5)) is None


def test_missed_syncs_collapse_into_one(demo: Path) -> None:
    config = load_config(demo)
    service = Service(config)
    assert service.catch_up(datetime(2026, 11, 25, 10, 5, tzinfo=PARIS)) == "digest"  # never ran at all
    service._update_state(last_successful_digest_at=datetime(2026, 11, 23, 8, 0, tzinfo=PARIS).isoformat())
    assert service.catch_up(datetime(2026, 11, 25, 10, 5, tzinfo=PARIS)) == "sync"  # never synced
    service._update_state(sync={"at": datetime(2026, 11, 25, 10, 0, tzinfo=PARIS).isoformat()})
    assert service.catch_up(datetime(2026, 11, 25, 10, 30, tzinfo=PARIS)) is None
    # Down from Wednesday 10:00 to Thursday 16:30: fifteen syncs missed, one to run.
    assert service.catch_up(datetime(2026, 11, 26, 16, 30, tzinfo=PARIS)) == "sync"
    # Down only outside office hours: nothing missed.
    service._update_state(sync={"at": datetime(2026, 11, 25, 19, 0, tzinfo=PARIS).isoformat()})
    assert service.catch_up(datetime(2026, 11, 26, 7, 59, tzinfo=PARIS)) is None


@pytest.mark.parametrize("sunday", ["2027-03-28", "2026-10-25"])
def test_daylight_saving_weekends_fire_the_monday_digest_once(sunday: str) -> None:
    trigger = crontab("0 8 * * 1", PARIS)
    middle = datetime.fromisoformat(sunday).replace(tzinfo=PARIS)
    times = fire_times(trigger, middle - timedelta(days=14), middle + timedelta(days=14))
    assert [t.weekday() for t in times] == [0, 0, 0, 0]
    assert all((t.hour, t.minute) == (8, 0) for t in times)
    assert len({t.isocalendar()[:2] for t in times}) == 4  # one per week
    after = [t for t in times if t > middle]
    assert after[0].date() == (middle + timedelta(days=1)).date()
    # Every-hour syncs across the change: no hour doubled or lost in local time.
    hourly = fire_times(
        crontab("0 8-19 * * 1-6", PARIS), middle - timedelta(days=1), middle + timedelta(days=2)
    )
    assert [t.hour for t in hourly] == list(range(8, 20)) * 2  # Saturday and Monday, none on Sunday
    assert len(set(hourly)) == 24


def test_cron_days_of_week_count_from_sunday_like_crontab() -> None:
    monday = datetime(2026, 11, 23, tzinfo=PARIS)

    def weekdays(expression: str) -> list[int]:
        times = fire_times(crontab(expression, PARIS), monday, monday + timedelta(days=6, hours=23))
        return sorted({t.weekday() for t in times})

    assert weekdays("0 8 * * 1") == [0]  # Monday (APScheduler's from_crontab would say Tuesday)
    assert weekdays("0 8 * * 1-6") == [0, 1, 2, 3, 4, 5]
    assert weekdays("0 8 * * 0") == weekdays("0 8 * * 7") == [6]
    assert weekdays("0 8 * * */2") == [1, 3, 5, 6]  # Sunday, Tuesday, Thursday, Saturday
    assert weekdays("0 8 * * mon-fri") == [0, 1, 2, 3, 4]
    assert weekdays("0 8 * * 1,3,5") == [0, 2, 4]
    assert weekdays("0 8 * * 1/2") == weekdays("0 8 * * 1-6/2") == [0, 2, 4]  # not Sunday
    assert weekdays("0 8 * * 1-7/2") == [0, 2, 4, 6]
    assert weekdays("0 8 * * mon,3") == [0, 2]  # a name beside a number: each as cron means it
    with pytest.raises(ValueError):
        crontab("0 8 * * 8", PARIS)
    with pytest.raises(ValueError):
        crontab("0 8 * *", PARIS)


# -- one at a time -------------------------------------------------------------------------------


def test_a_second_service_on_the_same_lock_refuses(demo: Path) -> None:
    config = load_config(demo)
    first = background(config, sync_fn=lambda c, **k: outcome())
    first.start()
    try:
        assert lock_is_held(config.schedule.lock_file)
        second = background(config, sync_fn=lambda c, **k: outcome())
        with pytest.raises(AlreadyRunning, match="tourne déjà"):
            second.start()
    finally:
        first.stop()
    assert not lock_is_held(config.schedule.lock_file)
    third = ProcessLock(config.schedule.lock_file)
    third.acquire()  # free again
    third.release()


def test_a_second_lotsync_run_refuses_to_start(demo: Path) -> None:
    config = load_config(demo)
    lock = ProcessLock(config.schedule.lock_file)
    lock.acquire()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lotsync", "run", "--config", str(demo)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        lock.release()
    assert done.returncode == 1
    assert "Refus de démarrer" in done.stderr and "tourne déjà" in done.stderr


# -- failures ------------------------------------------------------------------------------------


class Outbox:
    def __init__(self) -> None:
        self.messages = []

    def send(self, message) -> str:
        self.messages.append(message)
        return "id"


def test_failing_syncs_send_one_alert_then_one_recovery_mail(demo: Path) -> None:
    config = load_config(demo)
    outbox = Outbox()
    service = Service(config, transport=outbox)
    excel_lock = Path(config.shared.source).with_name("~$collectif.xlsx")
    excel_lock.write_text("someone", encoding="utf-8")
    for _ in range(5):
        assert service.sync_job() is False
    state = read_state(config.schedule.state_file)
    assert state["consecutive_failures"] == 5
    assert state["sync"]["outcome"] == "failed" and state["sync"]["error"]
    assert state["alert_sent"] is True
    assert len(outbox.messages) == 1
    assert "échoue" in outbox.messages[0]["Subject"]
    assert outbox.messages[0]["To"] == "collectif.groupes@example.org"
    excel_lock.unlink()
    assert service.sync_job() is True
    assert service.sync_job() is True
    assert len(outbox.messages) == 2
    assert "refonctionne" in outbox.messages[1]["Subject"]
    state = read_state(config.schedule.state_file)
    assert state["consecutive_failures"] == 0 and state["alert_sent"] is False


def test_an_exception_in_a_job_is_recorded_and_does_not_stop_the_scheduler(demo: Path) -> None:
    config = load_config(demo)
    calls = []

    def broken(config, **kwargs):
        calls.append(1)
        raise RuntimeError("Google a mal au ventre")

    service = background(config, trigger_factory=interval_triggers(0.3), sync_fn=broken, transport=Outbox())
    service.start()
    assert wait_for(lambda: len(calls) >= 3)
    service.stop()
    state = read_state(config.schedule.state_file)
    assert "Google a mal au ventre" in state["sync"]["error"]
    assert state["consecutive_failures"] >= 3


# -- stopping ------------------------------------------------------------------------------------


def test_sigterm_during_a_sync_leaves_the_workbook_whole(demo: Path) -> None:
    every_minute(demo)
    config = load_config(demo)
    shared = Path(config.shared.source)
    original = shared.read_bytes()
    # Debug mode: APScheduler's own lines say when a job starts and ends.
    env = {**os.environ, "LOTSYNC_DEBUG": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lotsync", "run", "--config", str(demo)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        running = False
        for line in process.stderr:
            lines.append(line)
            # The start-up catch-up (a sync, or a digest and its sync) begins in the worker thread,
            # and the main thread, done handing it over, goes to wait for the next fire time.
            running = running or 'Running job "' in line
            if running and re.match(r"\d{4}-\d\d-\d\d .* Next wakeup is due", line):
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(60), "".join(lines)
        # Let the main thread finish writing that line: a signal handled while it still holds the
        # log's lock would wait for the job, which waits for that lock (a known hang, not this
        # test's subject). The job, a second or more, is still running.
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(5)
    finally:
        if process.poll() is None:
            process.kill()
    log = "".join(lines)
    assert process.returncode == 0, log
    assert "arrêt demandé" in log
    # Every job that started was let finish (the one under way when the signal came included).
    assert log.count("Running job") == log.count("executed successfully") >= 1, log
    assert not lock_is_held(config.schedule.lock_file)
    data = shared.read_bytes()
    assert data != original  # the start-up sync at least
    book = openpyxl.load_workbook(shared, read_only=True)
    assert set(OWNED_TABS) <= set(book.sheetnames)
    assert not [p for p in shared.parent.iterdir() if p.name.startswith(".") and "collectif" in p.name]
    assert read_state(config.schedule.state_file)["sync"]["outcome"] == "ok"


def test_the_default_log_is_french_lines_with_their_offset(demo: Path) -> None:
    every_minute(demo)
    env = {k: v for k, v in os.environ.items() if k != "LOTSYNC_DEBUG"}
    process = subprocess.Popen(
        [sys.executable, "-m", "lotsync", "run", "--config", str(demo)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    synced = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if "synchronisation réussie" in line:
                synced.set()  # the start-up sync, run by the scheduler's worker as any job

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert synced.wait(60), "\n".join(lines)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(5)
    finally:
        if process.poll() is None:
            process.kill()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d (INFO|WARNING|ERROR) "
    assert lines and all(re.match(stamp, line) for line in lines), "\n".join(lines)
    for english in ("Running job", "executed successfully", "Added job", "Scheduler started", "apscheduler"):
        assert not any(english in line for line in lines), "\n".join(lines)
    assert any("planificateur démarré" in line for line in lines)
    assert any("planificateur arrêté" in line for line in lines)


def test_a_job_that_finds_another_command_at_work_fails_in_one_french_line(demo: Path) -> None:
    demo.write_text(demo.read_text(encoding="utf-8") + "\n[schedule]\nlock_wait = 0\n", encoding="utf-8")
    config = load_config(demo)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    setup_logging(stream=stream, debug=False)
    try:
        service = Service(config, transport=Outbox())  # the real sync and digests
        with held_by_another_process(demo) as other:
            assert service.digest_job() is False  # its sync, then the digests themselves
        busy_state = read_state(config.schedule.state_file)
        assert service.digest_job() is True  # the other command is done: this one goes
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)

    busy = f"Une autre commande lotsync (processus {other.pid}) écrit ou envoie en ce moment"
    log = stream.getvalue()
    assert "Traceback" not in log
    failed = [line for line in log.splitlines() if busy in line]
    assert len(failed) == 2, log
    assert "ERROR synchronisation échouée" in failed[0]
    assert "ERROR récapitulatifs de la semaine" in failed[1] and " : échec : " in failed[1]
    assert busy in busy_state["sync"]["error"] and busy_state["sync"]["outcome"] == "failed"
    assert busy in busy_state["digest"]["error"] and busy_state["digest"]["outcome"] == "failed"
    assert busy_state["consecutive_failures"] == 1
    assert "last_successful_digest_at" not in busy_state, "a caught-up digest will be tried again"
    state = read_state(config.schedule.state_file)
    assert state["digest"]["outcome"] == "ok" and state["digest"]["sent"] == 4
    assert state["consecutive_failures"] == 0


def test_lotsync_status_reads_what_the_service_wrote(demo: Path) -> None:
    from click.testing import CliRunner

    from lotsync.cli.commands import cli

    config = load_config(demo)
    service = background(config, sync_fn=lambda c, **k: SimpleNamespace(error=None, api_calls={"get": 3}))
    service.start()
    try:
        assert wait_for(lambda: read_state(config.schedule.state_file).get("sync"))
        running = CliRunner().invoke(cli, ["status", "--config", str(demo)])
    finally:
        service.stop()
    assert running.exit_code == 0, running.output
    assert "un planificateur tourne" in running.output
    assert "Dernière synchronisation" in running.output and "réussie" in running.output
    assert "3 appel(s)" in running.output
    stopped = CliRunner().invoke(cli, ["status", "--config", str(demo), "--format", "json"])
    assert stopped.exit_code == 0
    assert '"running": false' in stopped.output


STOP_MID_LOG = r'''
import logging, signal, sys, threading, time
from types import SimpleNamespace
from apscheduler.triggers.date import DateTrigger
from lotsync.adapters.config import load_config
from lotsync.app.service import Service

job_running = threading.Event()


class SignalWhileEmitting(logging.Handler):
    """Raises SIGTERM in the main thread while it is writing a log line (this handler's lock held)."""

    sent = False

    def emit(self, record):
        if job_running.is_set() and not self.sent and threading.current_thread() is threading.main_thread():
            self.sent = True
            signal.raise_signal(signal.SIGTERM)  # lotsync's handler runs here, before emit returns


logging.getLogger().addHandler(SignalWhileEmitting())
logging.getLogger().setLevel(logging.DEBUG)
service = None


def sync(config, **kwargs):
    job_running.set()
    service.scheduler.wakeup()  # the main thread's loop wakes up and logs
    while not service.stopping.is_set():  # the job logs on until the stop is asked, as a sync does
        logging.getLogger("lotsync.test").info("job at work")
        time.sleep(0.01)
    logging.getLogger("lotsync.test").info("job done")  # needs the handler's lock again
    return SimpleNamespace(error=None, api_calls={})


def triggers(name, cron, tz):
    return DateTrigger(None if name == "sync" else "2999-01-01", timezone=tz)


service = Service(load_config(sys.argv[1]), trigger_factory=triggers, sync_fn=sync)
service.run()
print("stopped")
'''


def test_sigterm_while_the_main_thread_is_logging_stops_without_deadlock(demo: Path) -> None:
    """The signal handler runs in the main thread, here in the middle of a log line: if it waited for
    the job there, the job's next log line would wait for the handler's lock for ever."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_MID_LOG, str(demo)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "stopped"
