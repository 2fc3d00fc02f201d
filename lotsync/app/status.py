"""`lotsync status`: what the service did last, what it will do next, and whether it runs.

Reads only: the service's state file (JSON, written by `lotsync.app.service`), the
configuration's cron expressions (both through `lotsync.app.schedule`, as the service),
and the lock file, which `lotsync.app.lock.lock_is_held` tries with a shared
non-blocking `flock` and releases at once (a scheduler holds it exclusively while it
runs; a crashed one holds nothing). Never writes.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lotsync.app import french
from lotsync.app.lock import lock_is_held
from lotsync.app.schedule import crons, next_fire, read_state, state_paths


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
    state, reason = read_state(state_path)
    error = None if reason is None else french.STATE_UNREADABLE.format(path=state_path, reason=reason)
    upcoming = {}
    for job, expr in crons(config).items():
        fire = next_fire(expr, tz, now)
        upcoming[job] = {"cron": expr, "at": fire.isoformat() if fire else None}
    scheduler = state["scheduler"] if isinstance(state.get("scheduler"), dict) else state
    return {
        "now": now.isoformat(),
        "timezone": config.collective.timezone,
        "state_file": str(state_path),
        "state_error": error,
        "lock_file": str(lock_path),
        "scheduler": {
            "running": lock_is_held(lock_path),
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
    return f"{french.WEEKDAYS[moment.weekday()]} {text}" if weekday else text


def _seconds(value: Any) -> str:
    try:
        return f"{float(value):.1f}".replace(".", ",") + " s"
    except (TypeError, ValueError):
        return "?"


def _sync_line(sync: dict[str, Any] | None, tz: ZoneInfo) -> list[str]:
    if not sync:
        return [french.STATUS_NO_SYNC]
    outcome = french.RUN_OUTCOMES.get(str(sync.get("outcome")), str(sync.get("outcome") or "?"))
    parts = [french.STATUS_LAST_SYNC.format(when=_when(sync.get("at"), tz), outcome=outcome)]
    if sync.get("seconds") is not None:
        parts.append(french.STATUS_SYNC_SECONDS.format(seconds=_seconds(sync["seconds"])))
    if sync.get("api_calls") is not None:
        parts.append(french.STATUS_SYNC_API_CALLS.format(calls=sync["api_calls"]))
    lines = ["".join(parts) + "."]
    if sync.get("error"):
        lines.append(french.STATUS_CAUSE.format(error=sync["error"]))
    return lines


def _digest_line(digest: dict[str, Any] | None, tz: ZoneInfo) -> list[str]:
    if not digest:
        return [french.STATUS_NO_DIGEST]
    outcome = french.RUN_OUTCOMES.get(str(digest.get("outcome")), str(digest.get("outcome") or "?"))
    if outcome.endswith("e") and outcome not in (french.OUTCOME_FAILED,):
        outcome = outcome[:-1]  # réussie → réussi : « le récapitulatif » est masculin
    line = french.STATUS_LAST_DIGEST.format(when=_when(digest.get("at"), tz), outcome=outcome)
    if digest.get("week"):
        line += french.STATUS_DIGEST_WEEK.format(week=digest["week"])
    if digest.get("sent") is not None:
        line += french.STATUS_DIGEST_SENT.format(sent=digest["sent"])
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
            detail.append(french.STATUS_PID.format(pid=scheduler["pid"]))
        if scheduler["started_at"]:
            detail.append(french.STATUS_STARTED.format(when=_when(scheduler["started_at"], tz)))
        lines.append(french.STATUS_RUNNING.format(detail=f" ({', '.join(detail)})" if detail else ""))
    else:
        lines.append(french.STATUS_NOT_RUNNING.format(lock=data["lock_file"]))
    if data["state_error"]:
        lines.append(french.STATUS_WARNING.format(error=data["state_error"]))
    lines += _sync_line(data["sync"], tz)
    lines += _digest_line(data["digest"], tz)
    failures = data["consecutive_failures"]
    if failures:
        alert = french.STATUS_ALERT_SENT if data["alert_sent"] else ""
        lines.append(french.STATUS_FAILURES.format(failures=failures, alert=alert))
    for job, label in (("sync", french.STATUS_NEXT_SYNC), ("digest", french.STATUS_NEXT_DIGEST)):
        upcoming = data["next"][job]
        at = _when(upcoming["at"], tz, weekday=True) if upcoming["at"] else french.STATUS_NEVER
        lines.append(
            french.STATUS_NEXT.format(label=label, at=at, timezone=data["timezone"], cron=upcoming["cron"])
        )
    lines.append(french.STATUS_STATE_FILE.format(path=data["state_file"]))
    return "\n".join(lines)
