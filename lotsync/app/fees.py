"""`lotsync fees`: each shared cost of a year split by member (shared spreadsheet + configuration)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lotsync.adapters.config import Config
from lotsync.app.sync import default_backend, read_shared
from lotsync.core import french
from lotsync.core.books import Inputs, compute_books
from lotsync.core.model import Anomaly, Split


def shared_splits(config: Config, year: int | None) -> tuple[list[Split], list[Anomaly]]:
    problems: list[Anomaly] = []
    expenses, fee_rows, _ = read_shared(config, default_backend(config), problems)
    books = compute_books(Inputs({}, expenses, fee_rows, problems), config.rules(), date(year or 2000, 1, 1))
    splits = [s for s in books.splits if year is None or s.expense.year == year]
    problems = [a for a in books.anomalies if a.office is None]
    return splits, problems


def fees_json(
    config: Config, splits: list[Split], anomalies: list[Anomaly], year: int | None
) -> dict[str, Any]:
    from lotsync.cli.report import _split_json

    totals = {m: Decimal("0.00") for m in config.member_ids}
    for s in splits:
        for share in s.shares:
            totals[share.member] += share.amount
    return {
        "year": year,
        "splits": [_split_json(s) for s in splits],
        "totals": {m: f"{v:.2f}" for m, v in totals.items()},
        "anomalies": [
            {"kind": a.kind.value, "tab": a.where.tab, "row": a.where.row, "message": a.message}
            for a in anomalies
        ],
    }


def fees_text(config: Config, splits: list[Split], anomalies: list[Anomaly], year: int | None) -> str:
    names = {m.id: m.member().short for m in config.members}
    title = f"Répartition des frais communs {year}" if year else "Répartition des frais communs"
    lines = [title]
    totals = {m: Decimal("0.00") for m in config.member_ids}
    for s in splits:
        e = s.expense
        paid = "remboursé" if e.reimbursed else "à rembourser"
        lines.append(
            f"- {e.label} ({e.year or 's. d.'}) : {french.money(e.amount)}, payé par "
            f"{names[e.paid_by]}, clé « {e.key} », {paid}"
        )
        for share in s.shares:
            totals[share.member] += share.amount
            lines.append(f"    {names[share.member]:<28} {french.money(share.amount):>14}")
    lines.append("Total par office :")
    lines += [f"    {names[m]:<28} {french.money(v):>14}" for m, v in totals.items()]
    if anomalies:
        lines.append(f"{len(anomalies)} ligne(s) ignorée(s) : voir `lotsync sync` et l'onglet Anomalies.")
    return "\n".join(lines)
