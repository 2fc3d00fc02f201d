"""Crontab expressions as APScheduler 3 triggers: the one translation of `[schedule]`.

The configuration validates `[schedule] sync` and `digest` with it, `lotsync run` fires its
jobs with it and `lotsync status` says when they fire next with it (`lotsync.app.schedule`),
so the three never disagree. It lives among the adapters because the configuration needs it.

Five fields, minute hour day-of-month month day-of-week, days of the week counted as cron
counts them: 0 or 7 = Sunday, 1 = Monday … 6 = Saturday. APScheduler 3 counts from
Monday = 0 (and its `CronTrigger.from_crontab` passes the numbers through unchanged), so
"0 8 * * 1" would fire on Tuesdays: numbers, ranges and steps are spelt out as day names
here ("1-5/2" → "mon,wed,fri"); names ("mon-fri") and "*" are APScheduler's own syntax.

A step after a single number, `N/S`, is not in Vixie cron (cronie refuses it); lotsync reads
it as the common extension does (crontab.guru, croniter, APScheduler for its own fields):
from N to the end of the week, Saturday. So "1/2" is Monday, Wednesday, Friday, like
"1-6/2"; "*/2" is Sunday, Tuesday, Thursday, Saturday, as in cronie; "1-7/2" reaches Sunday.
"""

from __future__ import annotations

import re
from typing import Any

from lotsync.adapters import french

DEFAULT_SYNC = "0 8-19 * * 1-6"
"""Every hour from 8:00 to 19:00, Monday to Saturday."""
DEFAULT_DIGEST = "0 8 * * 1"
"""Monday 8:00 (a sync runs first)."""

CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NUMERIC = re.compile(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?")


def cron_day_of_week(field: str) -> str:
    """A crontab day-of-week field in APScheduler's day names; ValueError (French) if out of range."""
    parts: list[str] = []
    for token in (t.strip() for t in field.split(",")):
        found = _NUMERIC.fullmatch(token)
        if not found or found[0] == "*":
            parts.append(token)  # names, "*", anything else: APScheduler's syntax and errors
            continue
        body, step = found[1], int(found[2] or 1)
        if body == "*":
            first, last = 0, 6
        elif "-" in body:
            first, last = (int(n) for n in body.split("-"))
        else:
            first = int(body)
            last = max(first, 6) if found[2] else first  # N/S: from N to the end of the week
        if not (0 <= first <= last <= 7 and step >= 1):
            raise ValueError(french.CRON_DAY_OF_WEEK.format(part=token))
        parts.extend(CRON_DAYS[day % 7] for day in range(first, last + 1, step))
    return ",".join(dict.fromkeys(parts))


def cron_trigger(expression: str, timezone: Any) -> Any:
    """An APScheduler 3 `CronTrigger` for a five-field crontab expression; ValueError if invalid."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(french.CRON_FIELD_COUNT.format(count=len(fields)))
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=cron_day_of_week(day_of_week),
        timezone=timezone,
    )
