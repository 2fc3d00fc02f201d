"""Working days in France (`lotsync/core/working_days.py`): weekends and the eleven public holidays."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lotsync.core.working_days import (
    add_working_days,
    easter,
    is_working_day,
    public_holidays,
    working_days_between,
)


def test_easter_sundays_as_the_calendar_gives_them() -> None:
    assert [easter(y) for y in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2038, 4, 25),
    ]


def test_the_eleven_public_holidays_of_2026() -> None:
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


def test_received_on_monday_and_answered_on_wednesday_is_two_working_days() -> None:
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 25)) == 2
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0  # the same day


def test_a_weekend_does_not_count() -> None:
    friday, monday = date(2026, 11, 20), date(2026, 11, 23)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, monday - timedelta(days=1)) == 0  # Saturday, Sunday


def test_a_weekend_and_easter_monday_do_not_count() -> None:
    """Received on the Friday before Easter 2026: Monday 6 April is a holiday."""
    assert working_days_between(date(2026, 4, 3), date(2026, 4, 7)) == 1
    assert working_days_between(date(2026, 4, 3), date(2026, 4, 8)) == 2


def test_a_holiday_on_a_weekend_is_not_taken_off_twice() -> None:
    """1 November 2026 is a Sunday, 11 November a Wednesday."""
    assert working_days_between(date(2026, 10, 30), date(2026, 11, 2)) == 1
    assert working_days_between(date(2026, 11, 10), date(2026, 11, 12)) == 1


def test_across_the_new_year() -> None:
    """24 Dec 2026 (Thursday) to 4 Jan 2027: 25 Dec and 1 Jan are holidays."""
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 800))
def test_the_count_is_the_number_of_working_days_one_by_one(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    assert working_days_between(start, end) == sum(
        is_working_day(start + timedelta(days=n)) for n in range(1, days + 1)
    )


def test_the_second_working_day_after_a_friday_before_easter_monday_is_the_wednesday() -> None:
    assert add_working_days(date(2026, 4, 3), 2) == date(2026, 4, 8)
    assert add_working_days(date(2026, 11, 23), 2) == date(2026, 11, 25)
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 300))
def test_adding_working_days_is_what_counting_them_counts(start: date, count: int) -> None:
    assert working_days_between(start, add_working_days(start, count)) == count
