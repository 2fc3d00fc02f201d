"""One sync from Python (`run_sync`) and its JSON report (`lotsync sync --format json`).

The JSON schema is the one `lotsync.cli.report` builds and the README documents.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import AS_OF, RESULT_TABS

from lotsync.app.sync import run_sync
from lotsync.cli.commands import cli
from lotsync.cli.report import books_json, outcome_json, outcome_text

NOW = datetime(2026, 6, 30, 18, 5)
MONEY = re.compile(r"-?\d+\.\d\d")


def dry_json(config: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["sync", "--config", str(config), "--as-of", AS_OF, "--dry-run", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def money_strings(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every value under a key that holds an amount, with where it was found."""
    amount_keys = {"amount", "owed", "resale", "receivable", "payable", "net", "turnover", "previous",
                   "days", "visits"}  # fmt: skip
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key in amount_keys and not isinstance(value, dict | list):
                found.append((here, value))
            elif key in ("shares", "by_source", "by_kind", "previous_by_kind", "totals"):
                found += [(f"{here}.{k}", v) for k, v in value.items()]
            else:
                found += money_strings(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += money_strings(value, f"{path}[{i}]")
    return found


# -- run_sync ---------------------------------------------------------------------


def test_dry_run_computes_everything_and_writes_nothing(config: Any, shared: Path) -> None:
    before = shared.read_bytes()
    folder = sorted(p.name for p in shared.parent.iterdir())

    outcome = run_sync(config, as_of=date(2026, 6, 30), now=NOW, dry_run=True)

    assert outcome.dry_run and not outcome.written and not outcome.failed
    assert outcome.report is None
    assert [t.name for t in outcome.tabs] == list(RESULT_TABS)
    assert len(outcome.books.reconciliation) == 4
    assert shared.read_bytes() == before
    assert sorted(p.name for p in shared.parent.iterdir()) == folder
    assert "Simulation (--dry-run) : rien n'a été écrit." in outcome_text(outcome)


def test_run_sync_writes_and_reports_what_it_rewrote(config: Any, shared: Path) -> None:
    first = run_sync(config, as_of=date(2026, 6, 30), now=NOW)
    second = run_sync(config, as_of=date(2026, 6, 30), now=NOW)

    assert first.written and first.report is not None
    assert first.report.rewritten == list(RESULT_TABS)
    assert second.report is not None
    assert (second.report.rewritten, second.report.unchanged) == ([], list(RESULT_TABS))
    assert "Écrit dans collectif.xlsx" in outcome_text(first)
    assert "aucun onglet à réécrire (déjà à jour)" in outcome_text(second)


def test_the_books_follow_the_rules_of_the_domain(config: Any) -> None:
    books = run_sync(config, as_of=date(2026, 6, 30), now=NOW, dry_run=True).books

    assert books.status_counts() == {"ok": 2, "amount_mismatch": 1, "missing_purchase": 1}
    owed = {(line.buyer, line.seller, line.owed) for line in books.reconciliation}
    assert owed == {
        ("dordogne", "cahors", Decimal("450.00")),  # ok, sale confirmé
        ("figeac", "cahors", Decimal("320.00")),  # mismatch: owed at the seller's amount
        ("dordogne", "figeac", Decimal("0.00")),  # sale soldé
        ("figeac", "dordogne", Decimal("0.00")),  # unpaired: owed by no one
    }
    net = {b.member: b.net for b in books.balances}
    assert net == {"cahors": Decimal("436.66"), "dordogne": Decimal("1216.67"), "figeac": Decimal("-1653.33")}
    assert all(t.pays for t in books.transfers)  # gross, the default: each pays its items, no netting
    for transfer in books.transfers:
        net[transfer.debtor] += transfer.amount
        net[transfer.creditor] -= transfer.amount
    assert set(net.values()) == {Decimal("0.00")}


# -- the JSON document ------------------------------------------------------------


def test_dry_run_json_has_the_documented_keys(books: Path, shared: Path) -> None:
    before = shared.read_bytes()

    report = dry_json(books)

    assert shared.read_bytes() == before
    assert {
        "lotsync", "schema", "dry_run", "written", "error", "shared", "tabs_rewritten", "tabs_unchanged",
        "seconds", "as_of", "members", "rows_read", "dossiers", "reconciliation", "balances", "transfers",
        "debts", "splits", "turnover", "anomalies",
    } <= set(report)  # fmt: skip
    assert (report["schema"], report["dry_run"], report["written"], report["error"]) == (1, True, False, None)
    assert report["as_of"] == "2026-06-30"
    assert report["shared"] == "collectif.xlsx"
    assert [m["id"] for m in report["members"]] == ["cahors", "dordogne", "figeac"]
    assert report["rows_read"] == {"cahors": 5, "dordogne": 4, "figeac": 5}
    assert set(report["turnover"]) == {"current", "previous", "offices", "total", "months"}


def test_reconciliation_lines_carry_statuses_and_both_source_rows(books: Path) -> None:
    recon = dry_json(books)["reconciliation"]

    assert recon["counts"] == {"ok": 2, "amount_mismatch": 1, "missing_purchase": 1}
    by_purchase = {(line["purchase"] or {}).get("ref"): line for line in recon["lines"]}
    mismatch = by_purchase["F-001"]
    assert mismatch["statuses"] == ["amount_mismatch"]
    assert (mismatch["buyer"], mismatch["seller"], mismatch["paired_by"]) == ("figeac", "cahors", "reference")
    assert mismatch["owed"] == "320.00"
    assert "300,00" in mismatch["explanation"] and "320,00" in mismatch["explanation"]
    assert mismatch["purchase"]["source"] == {"spreadsheet": "figeac.xlsx", "tab": "Dossiers", "row": 2}
    assert mismatch["sale"]["source"] == {"spreadsheet": "cahors.xlsx", "tab": "Dossiers", "row": 6}
    assert mismatch["sale"] | {"source": None} == {
        "office": "cahors", "ref": "C-002", "client": "Club des aînés de Figeac", "kind": "journée",
        "start": "2026-04-12", "end": None, "pax": 20, "status": "facturé", "amount": "320.00",
        "partner": "figeac", "direction": "vente", "partner_ref": "F-001", "resale": None, "invoice": None,
        "source": None,
    }  # fmt: skip
    missing = by_purchase[None]
    assert missing["statuses"] == ["missing_purchase"]
    assert missing["sale"]["ref"] == "D-002"
    assert missing["paired_by"] is None


def test_balances_transfers_and_splits(books: Path) -> None:
    report = dry_json(books)

    balances = {b["member"]: b for b in report["balances"]}
    assert balances["figeac"] == {
        "member": "figeac",
        "receivable": "0.00",
        "payable": "1653.33",
        "net": "-1653.33",
        "by_source": {"day": "-320.00", "expense": "-333.33", "fee": "-1000.00", "refund": "0.00"},
    }
    assert sum(Decimal(b["net"]) for b in report["balances"]) == 0
    assert report["transfers"] == [  # gross, the default: each office pays each creditor its items
        {"from": "cahors", "to": "dordogne", "amount": "1000.00"},
        {"from": "dordogne", "to": "cahors", "amount": "783.33"},
        {"from": "figeac", "to": "cahors", "amount": "653.33"},
        {"from": "figeac", "to": "dordogne", "amount": "1000.00"},
    ]
    assert report["transfers"] == [
        {k: t[k] for k in ("from", "to", "amount")} for t in report["settlement"]["transfers"]
    ]
    splits = {s["label"]: s for s in report["splits"]}
    assert splits["Salon Rendez-vous en France"]["shares"] == {
        "cahors": "333.34",
        "dordogne": "333.33",
        "figeac": "333.33",
    }
    assert splits["Brochure collective"]["shares"] == {
        "cahors": "330.00",
        "dordogne": "300.00",
        "figeac": "110.00",
    }
    assert splits["Brochure collective"]["source"] == {
        "spreadsheet": "collectif.xlsx",
        "tab": "Dépenses communes",
        "row": 3,
    }
    fee = splits["Cotisation Club Destination Groupes ADN Tourisme"]
    assert fee["shares"] == dict.fromkeys(("cahors", "dordogne", "figeac"), "1000.00")
    assert fee["source"] is None  # it comes from the configuration
    for split in report["splits"]:
        assert sum(Decimal(v) for v in split["shares"].values()) == Decimal(split["amount"])


def test_turnover_counts_live_rows_except_purchases(books: Path) -> None:
    turnover = dry_json(books)["turnover"]

    assert turnover["current"] == {"start": "2026-01-01", "end": "2026-06-30"}
    assert turnover["previous"] == {"start": "2025-01-01", "end": "2025-06-30"}
    offices = {o["office"]: o for o in turnover["offices"]}
    # Cahors: C-001 450 + C-002 320 (days) + C-003 600 (visit); C-004 is last year's stay.
    assert offices["cahors"]["turnover"] == "1370.00"
    assert offices["cahors"]["by_kind"]["journée"] == "770.00"
    assert offices["cahors"]["by_kind"]["visite"] == "600.00"
    assert offices["cahors"]["previous"] == "1234.50"
    # Dordogne only bought days (costs) and sold one day to Figeac.
    assert offices["dordogne"]["turnover"] == "250.00"
    assert turnover["total"]["office"] is None
    assert Decimal(turnover["total"]["turnover"]) == sum(Decimal(o["turnover"]) for o in turnover["offices"])


def test_anomalies_say_where_and_what(books: Path) -> None:
    anomalies = dry_json(books)["anomalies"]

    assert {(a["kind"], a["spreadsheet"], a["row"], a["column"], a["value"]) for a in anomalies} == {
        ("invalid_pax", "cahors.xlsx", 10, "Pax", "+33 5 65"),
        ("invalid_amount", "dordogne.xlsx", 4, "Montant", "-x"),
        ("invalid_status", "figeac.xlsx", 5, "Statut", "@foo"),
        ("unknown_partner", "figeac.xlsx", 6, "OT partenaire", '=HYPERLINK("http://x")'),
    }
    for anomaly in anomalies:
        assert anomaly["tab"] == "Dossiers"
        assert anomaly["message"]


def test_every_amount_is_a_string_with_two_decimals(books: Path) -> None:
    amounts = money_strings(dry_json(books))

    assert len(amounts) > 50
    for where, value in amounts:
        assert value is None or (isinstance(value, str) and MONEY.fullmatch(value)), (where, value)


def test_books_json_round_trips_through_json(config: Any) -> None:
    outcome = run_sync(config, as_of=date(2026, 6, 30), now=NOW, dry_run=True)

    assert json.loads(json.dumps(outcome_json(outcome))) == outcome_json(outcome)
    assert books_json(outcome.books)["dossiers"] == len(outcome.books.dossiers) == 10


@pytest.mark.parametrize("as_of", ["2026-06-30", "2026-12-31"])
def test_the_same_books_and_date_give_the_same_result(books: Path, as_of: str) -> None:
    def run() -> dict[str, Any]:
        result = CliRunner().invoke(
            cli, ["sync", "-c", str(books), "--as-of", as_of, "--dry-run", "--format", "json"]
        )
        return {k: v for k, v in json.loads(result.stdout).items() if k != "seconds"}

    first, second = run(), run()

    assert first == second
    assert first["as_of"] == as_of


def test_a_missing_tab_is_an_anomaly_and_the_rest_goes_on(config: Any, books: Path) -> None:
    from openpyxl import load_workbook

    office = Path(config.members[1].source)
    workbook = load_workbook(office)
    workbook["Dossiers"].title = "Dossiers 2026"
    workbook.save(office)

    outcome = run_sync(config, as_of=date(2026, 11, 26), now=datetime(2026, 11, 26, 9, 0))

    [problem] = [a for a in outcome.books.anomalies if a.kind.value == "missing_tab"]
    assert (problem.where.spreadsheet, problem.where.tab, problem.office) == (
        office.name,
        "Dossiers",
        "dordogne",
    )
    assert "Dossiers 2026" in problem.message, "the message lists the tabs that are there"
    assert outcome.written and outcome.books.rows_read[config.members[1].id] == 0


def test_limits_from_the_configuration_make_implausible_values_anomalies(books: Path) -> None:
    text = books.read_text(encoding="utf-8").replace('amount = "3000.00"', 'amount = "2000.00"')
    books.write_text(
        text + '\n[limits]\nmax_amount = "2000"\nmax_pax = 45\nyears_back = 1\n', encoding="utf-8"
    )

    report = dry_json(books)

    found = {(a["spreadsheet"], a["row"], a["kind"]) for a in report["anomalies"]}
    assert ("figeac.xlsx", 4, "invalid_amount") in found  # F-003: 2 500 € > 2 000 €
    assert ("figeac.xlsx", 4, "invalid_pax") in found  # and 50 pax > 45
    assert (
        "cahors.xlsx",
        9,
        "invalid_date",
    ) in found  # C-004: May 2025, more than a year before the as-of date
