"""`lotsync status`: what the service did last, what it will do next, and whether it runs.

Reads only: the service's state file (JSON, written by `lotsync.app.service`), the
configuration's cron expressions, and the lock file, which is tried with a
shared non-blocking `flock` and released at once (a scheduler holds it
exclusively while it runs; a crashed one holds nothing). Never writes.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STATE_FILE = "lotsync-state.json"
LOCK_FILE = "lotsync.app.lock"
DEFAULT_SYNC = "0 8-19 * * 1-6"
DEFAULT_DIGEST = "0 8 * * 1"

OUTCOMES = {
    "ok": "réussie",
    "success": "réussie",
    "done": "réussie",
    "failed": "échec",
    "error": "échec",
    "skipped": "sautée",
    "interrupted": "interrompue",
}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def state_paths(config: Any, config_dir: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
    """(state file, lock file): from `[schedule]` when set (made absolute on load), else beside the
    configuration file (`config_dir`; the current directory when unknown)."""
    base = Path(config_dir) if config_dir is not None else Path.cwd()
    schedule = getattr(config, "schedule", None)
    state = getattr(schedule, "state_file", None) or STATE_FILE
    lock = getattr(schedule, "lock_file", None) or LOCK_FILE
    return base / Path(state).expanduser(), base / Path(lock).expanduser()


def read_state(path: Path) -> tuple[dict[str, Any], str | None]:
    """The state file's contents and, if it cannot be used, why (in French)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"fichier d'état illisible ({path}) : {exc}"
    if not isinstance(data, dict):
        return {}, f"fichier d'état illisible ({path}) : ce n'est pas un objet JSON"
    return data, None


def lock_held(path: Path) -> bool:
    """Whether another process holds the scheduler's lock. A missing file means no."""
    from lotsync.app.lock import lock_is_held

    return lock_is_held(path)


CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_day_of_week(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday, 1 = Monday) in APScheduler's words.

    APScheduler 3's `CronTrigger.from_crontab` passes the field through unchanged, and its numbers
    start at Monday = 0: "0 8 * * 1" would fire on Tuesdays. Numbers become day names here
    (ranges and steps expanded: "1-5/2" → "mon,wed,fri"); names and "*" are left as they are.
    """
    parts = []
    for token in field.split(","):
        match = re.fullmatch(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?", token.strip())
        if not match or (match[1] == "*" and not match[2]):
            parts.append(token.strip())
            continue
        if match[1] == "*":
            first, last = 0, 6
        else:
            first, _, end = match[1].partition("-")
            first, last = int(first), int(end) if end else (7 if match[2] else int(first))
        if not 0 <= first <= last <= 7:
            raise ValueError(f"jour de la semaine invalide : {token!r} (0 à 7, 0 et 7 = dimanche)")
        days = range(first, last + 1, int(match[2] or 1))
        parts.extend(dict.fromkeys(CRON_DAYS[day % 7] for day in days))
    return ",".join(dict.fromkeys(parts))


def cron_trigger(expr: str, tz: ZoneInfo | str) -> Any:
    """An APScheduler `CronTrigger` for a five-field crontab line, days of the week as cron means them."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"expression cron invalide {expr!r} : il faut cinq champs")
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=cron_day_of_week(day_of_week), timezone=tz
    )


def next_fire(expr: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The next fire time, with the very trigger `lotsync run` uses when `lotsync.adapters.config` has it."""
    try:
        from lotsync.adapters.config import cron_trigger as service_trigger
    except ImportError:
        service_trigger = cron_trigger
    return service_trigger(expr, tz).get_next_fire_time(None, now)


def _section(state: dict[str, Any], name: str) -> dict[str, Any] | None:
    """`sync` / `digest` (also read as `last_sync` / `last_digest`, the service's first drafts)."""
    for key in (name, f"last_{name}"):
        if isinstance(state.get(key), dict):
            section = dict(state[key])
            if isinstance(section.get("api_calls"), dict):  # calls by endpoint: the total is what we show
                section["api_calls_by_endpoint"] = section["api_calls"]
                section["api_calls"] = sum(section["api_calls"].values())
            return section
    return None


def status_data(
    config: Any, *, now: datetime | None = None, config_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """Everything `lotsync status --format json` prints."""
    tz = ZoneInfo(config.collective.timezone)
    now = datetime.now(tz) if now is None else (now.replace(tzinfo=tz) if now.tzinfo is None else now)
    state_path, lock_path = state_paths(config, config_dir)
    state, error = read_state(state_path)
    schedule = getattr(config, "schedule", None)
    crons = {
        "sync": getattr(schedule, "sync", None) or DEFAULT_SYNC,
        "digest": getattr(schedule, "digest", None) or DEFAULT_DIGEST,
    }
    upcoming = {}
    for job, expr in crons.items():
        fire = next_fire(expr, tz, now)
        upcoming[job] = {"cron": expr, "at": fire.isoformat() if fire else None}
    scheduler = state.get("scheduler") if isinstance(state.get("scheduler"), dict) else state
    return {
        "now": now.isoformat(),
        "timezone": config.collective.timezone,
        "state_file": str(state_path),
        "state_error": error,
        "lock_file": str(lock_path),
        "scheduler": {
            "running": lock_held(lock_path),
            "pid": scheduler.get("pid"),
            "started_at": scheduler.get("started_at"),
        },
        "sync": _section(state, "sync"),
        "digest": _section(state, "digest"),
        "consecutive_failures": state.get("consecutive_failures", 0),
        "alert_sent": bool(state.get("alert_sent", False)),
        "next": upcoming,
    }


def _when(value: Any, tz: ZoneInfo, *, weekday: bool = False) -> str:
    if not value:
        return "?"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    text = moment.strftime("%d/%m/%Y %H:%M")
    return f"{DAYS[moment.weekday()]} {text}" if weekday else text


def _seconds(value: Any) -> str:
    try:
        return f"{float(value):.1f}".replace(".", ",") + " s"
    except (TypeError, ValueError):
        return "?"


def _sync_line(sync: dict[str, Any] | None, tz: ZoneInfo) -> list[str]:
    if not sync:
        return ["Dernière synchronisation : aucune depuis que le service tient son état."]
    outcome = OUTCOMES.get(str(sync.get("outcome")), str(sync.get("outcome") or "?"))
    parts = [f"Dernière synchronisation : {_when(sync.get('at'), tz)}, {outcome}"]
    if sync.get("seconds") is not None:
        parts.append(f" en {_seconds(sync['seconds'])}")
    if sync.get("api_calls") is not None:
        parts.append(f", {sync['api_calls']} appel(s) à l'API Google")
    lines = ["".join(parts) + "."]
    if sync.get("error"):
        lines.append(f"  cause : {sync['error']}")
    return lines


def _digest_line(digest: dict[str, Any] | None, tz: ZoneInfo) -> list[str]:
    if not digest:
        return ["Dernier récapitulatif : aucun depuis que le service tient son état."]
    outcome = OUTCOMES.get(str(digest.get("outcome")), str(digest.get("outcome") or "?"))
    if outcome.endswith("e") and outcome not in ("échec",):
        outcome = outcome[:-1]  # réussie → réussi : « le récapitulatif » est masculin
    line = f"Dernier récapitulatif : {_when(digest.get('at'), tz)}, {outcome}"
    if digest.get("week"):
        line += f", semaine {digest['week']}"
    if digest.get("sent") is not None:
        line += f", {digest['sent']} envoyé(s)"
    return [line + "."]


def status_text(
    config: Any, now: datetime | None = None, *, config_dir: str | os.PathLike[str] | None = None
) -> str:
    """The French summary that `lotsync status` prints."""
    data = status_data(config, now=now, config_dir=config_dir)
    tz = ZoneInfo(data["timezone"])
    scheduler = data["scheduler"]
    lines = []
    if scheduler["running"]:
        detail = []
        if scheduler["pid"]:
            detail.append(f"pid {scheduler['pid']}")
        if scheduler["started_at"]:
            detail.append(f"démarré le {_when(scheduler['started_at'], tz)}")
        lines.append(
            "Service : un planificateur tourne" + (f" ({', '.join(detail)})" if detail else "") + "."
        )
    else:
        lines.append(f"Service : aucun planificateur ne tourne (verrou libre : {data['lock_file']}).")
    if data["state_error"]:
        lines.append(f"Attention : {data['state_error']}")
    lines += _sync_line(data["sync"], tz)
    lines += _digest_line(data["digest"], tz)
    failures = data["consecutive_failures"]
    if failures:
        alert = " ; alerte envoyée au collectif" if data["alert_sent"] else ""
        lines.append(f"Échecs consécutifs de la synchronisation : {failures}{alert}.")
    for job, label in (("sync", "Prochaine synchronisation"), ("digest", "Prochain récapitulatif")):
        upcoming = data["next"][job]
        at = _when(upcoming["at"], tz, weekday=True) if upcoming["at"] else "jamais"
        lines.append(f"{label} : {at} ({data['timezone']}, cron « {upcoming['cron']} »).")
    lines.append(f"État : {data['state_file']}")
    return "\n".join(lines)
