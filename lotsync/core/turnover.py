"""Turnover: by office, month and kind; year to date against the same period last year.

An office's turnover is its live rows (confirmé, facturé, soldé) except its
purchases from partners (those are costs), by start date. Sums run on integer
cents in pandas, so they are exact and fast, and come back as `Decimal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from lotsync.core.model import LIVE_STATUSES, Direction, Dossier, Kind


class Period(NamedTuple):
    start: date
    end: date
    """Inclusive."""


class OfficeYear(NamedTuple):
    """One office's figures over a period, by kind."""

    office: str
    turnover: Decimal
    previous: Decimal
    by_kind: dict[str, Decimal]
    previous_by_kind: dict[str, Decimal]
    dossiers: int
    previous_dossiers: int
    pax: int
    previous_pax: int

    @property
    def change(self) -> Decimal | None:
        """Relative change against last year (0.125 = +12,5 %), None when last year is 0."""
        if not self.previous:
            return None
        return ((self.turnover - self.previous) / self.previous).quantize(Decimal("0.0001"))


class MonthRow(NamedTuple):
    office: str
    year: int
    month: int
    turnover: Decimal
    days: Decimal
    visits: Decimal
    dossiers: int
    pax: int


class Dashboard(NamedTuple):
    as_of: date
    current: Period
    previous: Period
    offices: list[OfficeYear]
    total: OfficeYear
    months: list[MonthRow]


def financial_year_start(as_of: date, start_month: int = 1) -> date:
    year = as_of.year if as_of.month >= start_month else as_of.year - 1
    return date(year, start_month, 1)


def one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def periods(as_of: date, start_month: int = 1) -> tuple[Period, Period]:
    start = financial_year_start(as_of, start_month)
    return Period(start, as_of), Period(one_year_earlier(start), one_year_earlier(as_of))


def turnover_rows(dossiers: Iterable[Dossier]) -> list[Dossier]:
    return [d for d in dossiers if d.status in LIVE_STATUSES and d.direction is not Direction.PURCHASE]


def dashboard(
    dossiers: Iterable[Dossier], offices: Sequence[str], as_of: date, start_month: int = 1
) -> Dashboard:
    import pandas as pd

    current, previous = periods(as_of, start_month)
    rows = turnover_rows(dossiers)
    frame = pd.DataFrame(
        {
            "office": [d.office for d in rows],
            "start": pd.to_datetime([d.start for d in rows]),
            "kind": [d.kind.value for d in rows],
            "cents": [int(d.amount * 100) if d.amount is not None else 0 for d in rows],
            "pax": [d.pax or 0 for d in rows],
        }
    )
    kinds = [k.value for k in Kind]

    def in_period(period: Period) -> pd.DataFrame:
        mask = (frame["start"] >= pd.Timestamp(period.start)) & (frame["start"] <= pd.Timestamp(period.end))
        return frame[mask]

    def figures(part: pd.DataFrame) -> tuple[dict, dict, dict, dict]:
        grouped = part.groupby(["office", "kind"])["cents"].sum()
        by_kind = {o: dict.fromkeys(kinds, 0) for o in offices}
        for (office, kind), cents in grouped.items():
            if office in by_kind:
                by_kind[office][kind] = int(cents)
        counts = part.groupby("office").agg(dossiers=("cents", "size"), pax=("pax", "sum"))
        dossiers_n = {o: int(counts["dossiers"].get(o, 0)) for o in offices}
        pax = {o: int(counts["pax"].get(o, 0)) for o in offices}
        totals = {o: sum(by_kind[o].values()) for o in offices}
        return by_kind, totals, dossiers_n, pax

    now_kind, now_total, now_n, now_pax = figures(in_period(current))
    was_kind, was_total, was_n, was_pax = figures(in_period(previous))

    def office_year(o: str) -> OfficeYear:
        return OfficeYear(
            o,
            _euros(now_total[o]),
            _euros(was_total[o]),
            {k: _euros(v) for k, v in now_kind[o].items()},
            {k: _euros(v) for k, v in was_kind[o].items()},
            now_n[o],
            was_n[o],
            now_pax[o],
            was_pax[o],
        )

    per_office = [office_year(o) for o in offices]
    total = OfficeYear(
        "",
        sum((y.turnover for y in per_office), Decimal("0.00")),
        sum((y.previous for y in per_office), Decimal("0.00")),
        {k: sum((y.by_kind[k] for y in per_office), Decimal("0.00")) for k in kinds},
        {k: sum((y.previous_by_kind[k] for y in per_office), Decimal("0.00")) for k in kinds},
        sum(y.dossiers for y in per_office),
        sum(y.previous_dossiers for y in per_office),
        sum(y.pax for y in per_office),
        sum(y.previous_pax for y in per_office),
    )
    return Dashboard(as_of, current, previous, per_office, total, _months(frame, offices, current, previous))


def _months(frame, offices: Sequence[str], current: Period, previous: Period) -> list[MonthRow]:
    """Every month of the previous and current financial years, per office, zeros included."""
    import pandas as pd

    start = pd.Timestamp(previous.start)
    end = pd.Timestamp(current.start + timedelta(days=366)).replace(day=1) - pd.Timedelta(days=1)
    part = frame[(frame["start"] >= start) & (frame["start"] <= end)]
    part = part.assign(
        year=part["start"].dt.year,
        month=part["start"].dt.month,
        days=part["cents"].where(part["kind"] == Kind.DAY.value, 0),
        visits=part["cents"].where(part["kind"] == Kind.VISIT.value, 0),
    )
    grouped = part.groupby(["office", "year", "month"]).agg(
        cents=("cents", "sum"),
        days=("days", "sum"),
        visits=("visits", "sum"),
        dossiers=("cents", "size"),
        pax=("pax", "sum"),
    )
    index = {key: row for key, row in zip(grouped.index, grouped.itertuples(index=False), strict=True)}
    months: list[MonthRow] = []
    first = previous.start
    for step in range(24):
        month_index = first.month - 1 + step
        year, month = first.year + month_index // 12, month_index % 12 + 1
        for office in offices:
            row = index.get((office, year, month))
            if row is None:
                months.append(MonthRow(office, year, month, _euros(0), _euros(0), _euros(0), 0, 0))
            else:
                months.append(
                    MonthRow(
                        office,
                        year,
                        month,
                        _euros(row.cents),
                        _euros(row.days),
                        _euros(row.visits),
                        int(row.dossiers),
                        int(row.pax),
                    )
                )
    return months


def _euros(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
