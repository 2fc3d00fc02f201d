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

from lotsync.app.lock import lock_is_held
from lotsync.app.schedule import crons, next_fire, read_state, state_paths
from lotsync.core import french

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
