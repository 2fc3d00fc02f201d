"""Working days in France: weekdays that are not one of the eleven public holidays.

A request's follow-up is counted in working days (issue 14): received on a Friday before Easter
Monday, its second working day is the Wednesday after. The holidays are those of the Code du travail
(art. L3133-1) for metropolitan France: eight on fixed dates, and Easter Monday, Ascension Day and
Whit Monday, found from Easter Sunday (the Gregorian computus of Meeus/Jones/Butcher). Whit Monday is
counted as a holiday, although an employer may make it the "journée de solidarité": offices are
closed to the public that day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
"""New Year's Day, Labour Day, Victory in Europe Day, Bastille Day, Assumption, All Saints' Day,
Armistice Day, Christmas Day."""


def easter(year: int) -> date:
    """Easter Sunday of a Gregorian year."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[date]:
    sunday = easter(year)
    movable = (sunday + timedelta(days=1), sunday + timedelta(days=39), sunday + timedelta(days=50))
    return frozenset({date(year, m, d) for m, d in FIXED_HOLIDAYS} | set(movable))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end` (0 when `end` is not after `start`):
    received on Monday and answered on Wednesday is 2 working days."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in public_holidays(year) if start < day <= end and day.weekday() < 5)
    return count


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (`start` itself for 0): received on a Friday, the
    second working day after is the Tuesday, or the Wednesday when Monday is Easter Monday."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
