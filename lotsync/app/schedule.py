"""What `lotsync run` and `lotsync status` share: when the jobs fire, the state file, where it is.

- When: the two jobs' cron expressions (`crons`, `[schedule]` or the defaults), their
  APScheduler triggers through the one crontab translation (`lotsync.adapters.cron`, which
  the configuration validates with), `fire_times` and `next_fire`.
- The state file (JSON) that the service writes and `lotsync status` reads: `read_state`
  (with why it cannot be used, if so) and `write_state` (replaced in one step).
- Where: `state_paths`, the state file and the scheduler's lock file (whose probe is
  `lotsync.app.lock.lock_is_held`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lotsync.adapters.atomic import replace_file
from lotsync.adapters.cron import DEFAULT_DIGEST, DEFAULT_SYNC, cron_trigger
from lotsync.app import french
from lotsync.app.lock import LOCK_FILE

STATE_FILE = "lotsync-state.json"
"""The state file's name beside the configuration when `[schedule] state_file` is not set."""


def crons(config: Any) -> dict[str, str]:
    """The cron expression of each job, "sync" and "digest": `[schedule]`, else the defaults."""
    schedule = getattr(config, "schedule", None)
    return {
        "sync": getattr(schedule, "sync", None) or DEFAULT_SYNC,
        "digest": getattr(schedule, "digest", None) or DEFAULT_DIGEST,
    }


def fire_times(trigger: Any, start: datetime, end: datetime) -> list[datetime]:
    """The trigger's fire times in [start, end]."""
    times: list[datetime] = []
    current = trigger.get_next_fire_time(None, start)
    while current is not None and current <= end:
        times.append(current)
        current = trigger.get_next_fire_time(current, current + timedelta(microseconds=1))
    return times


def next_fire(expression: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """When a cron expression fires next after `now`, with the trigger `lotsync run` uses."""
    return cron_trigger(expression, tz).get_next_fire_time(None, now)


def state_paths(config: Any, config_dir: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
    """(state file, lock file): from `[schedule]` when set (made absolute on load), else beside the
    configuration file (`config_dir`; the current directory when unknown)."""
    base = Path(config_dir) if config_dir is not None else Path.cwd()
    schedule = getattr(config, "schedule", None)
    state = getattr(schedule, "state_file", None) or STATE_FILE
    lock = getattr(schedule, "lock_file", None) or LOCK_FILE
    return base / Path(state).expanduser(), base / Path(lock).expanduser()


def read_state(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str | None]:
    """The state file's contents ({} when there is none yet) and, if it cannot be used, why."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as error:  # ValueError: not JSON, not UTF-8
        return {}, str(error)
    if not isinstance(data, dict):
        return {}, french.STATE_NOT_AN_OBJECT
    return data, None


def write_state(path: str | os.PathLike[str], state: dict[str, Any]) -> None:
    """Replace the file in one step: a reader sees the old state or the new one, never half."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(state, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    replace_file(target, data)
