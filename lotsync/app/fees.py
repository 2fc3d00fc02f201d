"""`lotsync fees`: each shared cost of a year split by member (shared spreadsheet + configuration)."""

from __future__ import annotations

from datetime import date

from lotsync.adapters.config import Config
from lotsync.app.sync import default_backend, read_shared
from lotsync.core.books import Inputs, compute_books
from lotsync.core.model import Anomaly, Split


def shared_splits(config: Config, year: int | None, today: date) -> tuple[list[Split], list[Anomaly]]:
    """The year's shared costs split by member, and the rows left out; every year when `year` is None.

    The books are read as of `today`, or 31 December of a past `year`, so that the plausible dates
    (`[limits]`) are those of the costs asked for.
    """
    problems: list[Anomaly] = []
    sheets, _ = read_shared(config, default_backend(config), problems)
    as_of = min(today, date(year, 12, 31)) if year else today
    books = compute_books(Inputs({}, sheets, problems), config.rules(requests=False), as_of)
    splits = [s for s in books.splits if year is None or s.expense.year == year]
    problems = [a for a in books.anomalies if a.office is None]
    return splits, problems
