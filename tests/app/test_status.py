"""lotsync.app.status (and lotsync.app.schedule): the last runs from the state file, the next ones
from cron, the lock."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lotsync.adapters.config import load_config
from lotsync.adapters.cron import cron_day_of_week, cron_trigger
from lotsync.app.lock import lock_is_held
from lotsync.app.schedule import state_paths
from lotsync.app.status import status_data, status_text

PARIS = ZoneInfo("Europe/Paris")
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
STATE = {
    "sync": {
        "at": "2026-11-27T08:00:01+01:00",
        "outcome": "ok",
        "seconds": 1.23,
        "api_calls": 7,
        "error": None,
    },
    "digest": {"at": "2026-11-23T08:00:40+01:00", "outcome": "ok", "week": "2026-W48", "sent": 4},
    "consecutive_failures": 0,
    "alert_sent": False,
    "scheduler": {"pid": 4242, "started_at": "2026-11-20T07:30:00+01:00"},
}


def _config(tmp_path: Path, schedule: str = "") -> Any:
    path = tmp_path / "conf" / "lotsync.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(CONFIG + schedule, encoding="utf-8")
    return load_config(path)


@pytest.fixture
def config(tmp_path: Path) -> Any:
    return _config(tmp_path)


def test_paths_default_beside_the_configuration_file(config: Any, tmp_path: Path) -> None:
    state, lock = state_paths(config)
    assert state == tmp_path / "conf" / "lotsync-state.json"
    assert lock == tmp_path / "conf" / "lotsync.lock"


def test_paths_without_schedule_section_use_config_dir(tmp_path: Path) -> None:
    class Bare:  # a configuration from before [schedule] existed
        pass

    assert state_paths(Bare(), tmp_path) == (tmp_path / "lotsync-state.json", tmp_path / "lotsync.lock")


def test_paths_from_schedule_section(tmp_path: Path) -> None:
    config = _config(tmp_path, '\n[schedule]\nstate_file = "var/état.json"\nlock_file = "/run/x.lock"\n')
    assert state_paths(config) == (tmp_path / "conf" / "var" / "état.json", Path("/run/x.lock"))


def test_no_state_file_yet(config: Any) -> None:
    now = datetime(2026, 11, 27, 10, 30, tzinfo=PARIS)  # a Friday
    data = status_data(config, now=now)
    assert data["sync"] is None and data["digest"] is None and data["state_error"] is None
    assert data["scheduler"]["running"] is False
    assert data["next"]["sync"]["at"] == "2026-11-27T11:00:00+01:00"
    assert data["next"]["digest"]["at"] == "2026-11-30T08:00:00+01:00"
    text = status_text(config, now)
    assert "aucun planificateur ne tourne" in text
    assert "Dernière synchronisation : aucune" in text
    assert "Prochaine synchronisation : vendredi 27/11/2026 11:00" in text
    assert "Prochain récapitulatif : lundi 30/11/2026 08:00" in text


def test_state_file_present(config: Any) -> None:
    state, _ = state_paths(config)
    state.write_text(json.dumps(STATE), encoding="utf-8")
    now = datetime(2026, 11, 28, 19, 30, tzinfo=PARIS)  # Saturday evening: next sync is Monday
    data = status_data(config, now=now)
    assert data["sync"]["api_calls"] == 7 and data["digest"]["week"] == "2026-W48"
    assert data["next"]["sync"]["at"] == "2026-11-30T08:00:00+01:00"
    text = status_text(config, now)
    assert "Dernière synchronisation : 27/11/2026 08:00, réussie en 1,2 s, 7 appel(s) à l'API Google." in text
    assert "Dernier récapitulatif : 23/11/2026 08:00, réussi, semaine 2026-W48, 4 envoyé(s)." in text
    assert "Prochaine synchronisation : lundi 30/11/2026 08:00" in text
    assert "aucun planificateur ne tourne" in text  # a pid in the state file is not a running scheduler


def test_failed_sync_shows_cause_and_failures(config: Any) -> None:
    state, _ = state_paths(config)
    failed = {
        **STATE,
        "sync": {"at": "2026-11-27T09:00:02+01:00", "outcome": "failed", "seconds": 30.0, "api_calls": 12,
                 "error": "Google indisponible (503)"},
        "consecutive_failures": 3,
        "alert_sent": True,
    }  # fmt: skip
    state.write_text(json.dumps(failed), encoding="utf-8")
    text = status_text(config, datetime(2026, 11, 27, 9, 5, tzinfo=PARIS))
    assert "échec en 30,0 s" in text
    assert "cause : Google indisponible (503)" in text
    assert "Échecs consécutifs de la synchronisation : 3 ; alerte envoyée au collectif." in text


def test_unreadable_state_file_is_reported(config: Any) -> None:
    state, _ = state_paths(config)
    state.write_text("{pas du json", encoding="utf-8")
    data = status_data(config, now=datetime(2026, 11, 27, 9, 5, tzinfo=PARIS))
    assert data["sync"] is None and "illisible" in data["state_error"]
    assert "Attention : fichier d'état illisible" in status_text(config)


def test_next_digest_across_october_dst_change(config: Any) -> None:
    # Summer time ends on Sunday 25 October 2026 at 3:00 (→ 2:00): Monday 26 is in winter time.
    now = datetime(2026, 10, 24, 20, 0, tzinfo=PARIS)  # Saturday, UTC+2
    data = status_data(config, now=now)
    digest = datetime.fromisoformat(data["next"]["digest"]["at"])
    assert digest == datetime(2026, 10, 26, 8, 0, tzinfo=PARIS)
    assert digest.utcoffset().total_seconds() == 3600  # 8:00 winter time, 7:00 UTC
    assert data["next"]["digest"]["at"] == "2026-10-26T08:00:00+01:00"
    assert data["next"]["sync"]["at"] == "2026-10-26T08:00:00+01:00"  # no sync on Sunday


def test_next_fire_across_dst_with_utc_now(tmp_path: Path) -> None:
    # A nightly job at 2:30, which does not exist on 29 March 2026 (spring forward) but fires on
    # the October night that has it twice — once.
    config = _config(tmp_path, '\n[schedule]\nsync = "30 2 * * *"\n')
    now = datetime(2026, 10, 24, 23, 0, tzinfo=ZoneInfo("UTC"))  # Sunday 25 at 1:00 in Paris
    fire = datetime.fromisoformat(status_data(config, now=now)["next"]["sync"]["at"])
    assert fire.astimezone(PARIS).replace(tzinfo=None) == datetime(2026, 10, 25, 2, 30)


@pytest.fixture
def held_lock(config: Any) -> Iterator[Path]:
    _, lock = state_paths(config)
    with open(lock, "w") as handle:  # another open file description, as another process would have
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield lock


def test_lock_held_by_a_scheduler(config: Any, held_lock: Path) -> None:
    state, _ = state_paths(config)
    state.write_text(json.dumps(STATE), encoding="utf-8")
    assert lock_is_held(held_lock) is True
    data = status_data(config)
    assert data["scheduler"] == {"running": True, "pid": 4242, "started_at": "2026-11-20T07:30:00+01:00"}
    assert "un planificateur tourne (pid 4242, démarré le 20/11/2026 07:30)" in status_text(config)
    assert lock_is_held(held_lock) is True  # status released its own try at once


def test_lock_file_left_by_a_stopped_scheduler(config: Any) -> None:
    _, lock = state_paths(config)
    lock.write_text("4242\n")
    assert lock_is_held(lock) is False
    assert "aucun planificateur ne tourne" in status_text(config)
    # Checking must not take the lock for itself.
    with open(lock) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_missing_lock_file_means_no_scheduler(tmp_path: Path) -> None:
    assert lock_is_held(tmp_path / "absent.lock") is False
    assert not (tmp_path / "absent.lock").exists()


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-6", "mon,tue,wed,thu,fri,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("1/2", "mon,wed,fri"),  # from Monday to the end of the week, as 1-6/2; not Sunday
        ("*/2", "sun,tue,thu,sat"),
        ("1-7/2", "mon,wed,fri,sun"),
        ("0,6", "sun,sat"),
        ("*", "*"),
        ("mon-fri", "mon-fri"),
    ],
)
def test_cron_days_of_week_as_cron_means_them(field: str, words: str) -> None:
    # APScheduler 3's from_crontab would read "1" as Tuesday (its Monday is 0).
    assert cron_day_of_week(field) == words


def test_status_reads_a_step_of_days_as_the_service_fires_it(tmp_path: Path) -> None:
    config = _config(tmp_path, '\n[schedule]\nsync = "0 8 * * 1/2"\n')  # Monday, Wednesday, Friday
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)
    data = status_data(config, now=friday)
    assert data["next"]["sync"]["at"] == "2026-11-30T08:00:00+01:00"  # Monday, not Sunday the 29th
    from lotsync.app.service import Service

    service = Service(config, scheduler=object())
    assert service.trigger_factory("sync", config.schedule.sync, PARIS).get_next_fire_time(
        None, friday
    ) == datetime.fromisoformat(data["next"]["sync"]["at"])


def test_monday_digest_fires_on_monday() -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)  # Friday
    fire = cron_trigger("0 8 * * 1", PARIS).get_next_fire_time(None, now)
    assert fire == datetime(2026, 11, 30, 8, 0, tzinfo=PARIS) and fire.weekday() == 0


def test_api_calls_by_endpoint_are_summed(config: Any) -> None:
    state, _ = state_paths(config)
    calls = {"sheets.spreadsheets.get": 4, "sheets.values.batchGet": 2, "sheets.spreadsheets.batchUpdate": 1}
    state.write_text(json.dumps({**STATE, "sync": {**STATE["sync"], "api_calls": calls}}), encoding="utf-8")
    data = status_data(config, now=datetime(2026, 11, 27, 9, 5, tzinfo=PARIS))
    assert data["sync"]["api_calls"] == 7 and data["sync"]["api_calls_by_endpoint"] == calls
