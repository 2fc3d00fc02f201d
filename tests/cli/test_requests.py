"""The website's requests through the command line: `lotsync sync` writes `Suivi des demandes`,
`lotsync requests` lists them (issue 14). Real workbooks (the collective of tests/conftest.py with a
`Demandes` tab added as a person or a form plugin would), the real CLI.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from conftest import AS_OF

HEADER = (
    "Reçue le", "Demandeur", "Structure", "E-mail", "Téléphone", "Pax", "Lieux souhaités",
    "Lieu de séjour", "Attribuée à", "Statut", "Motif", "Répondu le", "Réf. dossier",
)  # fmt: skip
REQUESTS = [  # as of 30 June 2026, a Tuesday
    (date(2026, 6, 25), "Marie Dupont", "Club des aînés de Brive", "m.dupont@example.org", "01 99 00 12 34",
     32, "Rocamadour, Figeac", None, "Dordogne", "transmise", None, None, None),  # 3 working days: late
    (datetime(2026, 6, 29, 14, 32), "Paul Martin", "Lycée Champollion", "p.martin@example.com", None,
     45, "Saint-Cirq-Lapopie", None, None, None, None, None, None),  # yesterday, no office yet
    ("03/03/2026", "Jeanne Roux", "Comité d'entreprise", "j.roux@example.org", None,
     30, "Cahors", None, "Cahors", "confirmée", None, "05/03/2026", "C-001"),  # became a dossier
    (date(2026, 5, 4), "Luc Petit", "Amicale des pompiers", None, None,
     20, "Sarlat-la-Canéda", None, "Figeac", "perdue", "prix", date(2026, 5, 6), None),
]  # fmt: skip


def run(config: Path, *args: str) -> Result:
    from lotsync.cli.commands import cli

    as_of = [] if args[0] == "check" else ["--as-of", AS_OF]  # check reads as of today
    return CliRunner().invoke(cli, [*args, "--config", str(config), *as_of])


def add_requests(shared: Path, rows: list[tuple[Any, ...]] = REQUESTS, tab: str = "Demandes") -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    sheet = workbook.create_sheet(tab)
    sheet.append(("Demandes reçues par groupes-lot.com",))
    sheet.append(())
    for row in (HEADER, *rows):
        sheet.append(row)
    workbook.save(shared)


def tab_values(shared: Path, tab: str) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    return [tuple(r) for r in load_workbook(shared)[tab].iter_rows(values_only=True)]


def test_a_sync_with_a_requests_tab_writes_their_follow_up_without_contact_details(
    books: Path, shared: Path
) -> None:
    add_requests(shared)
    before = tab_values(shared, "Demandes")

    result = run(books, "sync")

    assert result.exit_code == 0, result.output
    assert tab_values(shared, "Demandes") == before, "the requests tab is people's: never written"
    rows = tab_values(shared, "Suivi des demandes")
    text = repr(rows)
    assert "example.org" not in text and "01 99 00" not in text
    assert rows[1][0].startswith("Demandes en cours au 30/06/2026 : 2, dont 1 en retard")
    first, second = rows[3], rows[4]
    assert (first[0], first[2], first[10], first[13], first[15], first[16]) == (
        4, "Marie Dupont", "Dordogne", "Dordogne", 3, "oui",
    )  # fmt: skip
    assert first[12] == "Figeac"  # a day to buy from the Figeac office
    assert (second[2], second[10], second[13]) == ("Paul Martin", "Cahors", "à attribuer")


def test_without_a_requests_tab_nothing_changes(books: Path, shared: Path) -> None:
    from openpyxl import load_workbook

    result = run(books, "sync", "--format", "json")

    assert result.exit_code == 0, result.output
    assert "requests" not in json.loads(result.stdout)
    assert "Suivi des demandes" not in load_workbook(shared).sheetnames
    assert not [a for a in json.loads(result.stdout)["anomalies"] if a["tab"] == "Demandes"]


def test_a_configured_requests_tab_that_is_missing_is_a_gap_not_a_silence(books: Path) -> None:
    books.write_text(books.read_text(encoding="utf-8") + '\n[requests]\ntab = "Demandes"\n', encoding="utf-8")

    result = run(books, "sync", "--format", "json")

    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    assert [g["tabs"] for g in report["gaps"]] == [["Suivi des demandes"]]
    assert any(a["kind"] == "missing_tab" and a["tab"] == "Demandes" for a in report["anomalies"])


def test_sync_json_gives_each_request_routed_and_the_funnel(books: Path, shared: Path) -> None:
    add_requests(shared)

    report = json.loads(run(books, "sync", "--dry-run", "--format", "json").stdout)

    lines = {line["row"]: line for line in report["requests"]["lines"]}
    assert (lines[4]["suggested"], lines[4]["partners"], lines[4]["late"]) == ("dordogne", ["figeac"], True)
    assert (lines[5]["suggested"], lines[5]["assigned"], lines[5]["received"]) == (
        "cahors",
        None,
        "2026-06-29",
    )
    assert (lines[6]["dossier"], lines[6]["reply_working_days"]) == ("C-001", 2)
    assert lines[7]["suggested"] is None and "hors du collectif" in lines[7]["suggested_because"]
    assert "m.dupont@example.org" not in json.dumps(report)
    cahors = next(f for f in report["requests"]["funnel"] if f["office"] == "cahors")
    assert (cahors["received"], cahors["confirmed"], cahors["conversion"]) == (1, 1, "1.0000")


def test_lotsync_requests_lists_the_open_ones_late_first(books: Path, shared: Path) -> None:
    add_requests(shared)

    result = run(books, "requests")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "2 demande(s) en cours au 30/06/2026, dont 1 en retard (réponse attendue sous 2 jours ouvrés) :"
    )
    assert lines[1].startswith(
        "- ligne 4, reçue le 25/06/2026 (3 jour(s) ouvré(s)), EN RETARD : Club des aînés"
    )
    assert lines[2].startswith("- ligne 5, reçue le 29/06/2026 (1 jour(s) ouvré(s)) : Lycée Champollion")
    assert "example" not in result.output


def test_lotsync_requests_by_office_and_late_in_json(books: Path, shared: Path) -> None:
    add_requests(shared)

    by_office = json.loads(run(books, "requests", "--office", "dordogne", "--format", "json").stdout)
    late = json.loads(run(books, "requests", "--late", "--format", "json").stdout)

    assert [line["row"] for line in by_office["lines"]] == [4]
    assert [f["office"] for f in by_office["funnel"]] == ["dordogne"]
    assert [line["row"] for line in late["lines"]] == [4]


def test_lotsync_requests_refuses_an_unknown_office_and_says_when_there_is_no_tab(books: Path) -> None:
    unknown = run(books, "requests", "--office", "gourdon")
    absent = run(books, "requests")

    assert unknown.exit_code == 2 and "cahors, dordogne, figeac" in unknown.output
    assert absent.exit_code == 1 and "Aucun onglet « Demandes »" in absent.output
    assert "Traceback" not in unknown.output + absent.output


def test_check_lists_the_requests_closed_long_ago_for_a_person_to_delete(books: Path, shared: Path) -> None:
    old = (date(2023, 2, 1), "Ancien Client", "Club ancien", "ancien@example.org", None,
           10, "Cahors", None, "Cahors", "perdue", "prix", date(2023, 2, 3), None)  # fmt: skip
    add_requests(shared, [*REQUESTS, old])

    result = run(books, "check", "--format", "json")
    text = run(books, "check").output

    shared_entry = next(s for s in json.loads(result.stdout)["sources"] if s["role"] == "shared")
    assert shared_entry["due_for_deletion"] == [
        {"tab": "Demandes", "row": 8, "received": "2023-02-01", "status": "perdue"}
    ]
    assert {"tab": "Demandes", "present": True, "optional": True} in shared_entry["inputs"]
    assert "à supprimer de l'onglet « Demandes » (lignes 8)" in " ".join(text.split())
    assert "ancien@example.org" not in result.stdout + text
    sync = json.loads(run(books, "sync", "--dry-run", "--format", "json").stdout)
    assert 8 not in [line["row"] for line in sync["requests"]["lines"]]
    assert sync["requests"]["due_for_deletion"] == [8]


def test_check_reads_a_requests_tab_kept_in_a_spreadsheet_of_its_own(books: Path) -> None:
    """`[requests] source` names another workbook, relative to the configuration like every source."""
    from openpyxl import Workbook

    old = (date(2023, 2, 1), "Ancien Client", "Club ancien", "ancien@example.org", None,
           10, "Cahors", None, "Cahors", "perdue", "prix", date(2023, 2, 3), None)  # fmt: skip
    other = books.parent / "demandes.xlsx"
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = "Lisez-moi"
    workbook.save(other)
    add_requests(other, [*REQUESTS, old, (date(2026, 6, 1), "X", "Y", None, None, "beaucoup")])
    books.write_text(
        books.read_text(encoding="utf-8") + '\n[requests]\nsource = "demandes.xlsx"\n', encoding="utf-8"
    )

    report = json.loads(run(books, "check", "--format", "json").stdout)
    text = " ".join(run(books, "check").output.split())

    [entry] = [s for s in report["sources"] if s["role"] == "requests"]
    assert entry["ok"] and entry["tab"] == "Demandes" and entry["header_row"] == 3, entry["problems"]
    assert entry["due_for_deletion"] == [
        {"tab": "Demandes", "row": 8, "received": "2023-02-01", "status": "perdue"}
    ]
    assert [a["column"] for a in entry["anomalies"]] == ["Pax"], "its bad cells named under it"
    shared = next(s for s in report["sources"] if s["role"] == "shared")
    assert "due_for_deletion" not in shared and not [i for i in shared["inputs"] if i["tab"] == "Demandes"]
    assert "demandes" in text and "à supprimer de l'onglet « Demandes » (lignes 8)" in text
    sync = json.loads(run(books, "sync", "--dry-run", "--format", "json").stdout)
    assert sync["requests"]["lines"], "found beside the configuration, wherever lotsync runs from"

    other.unlink()
    missing = json.loads(run(books, "check", "--format", "json").stdout)
    [gone] = [s for s in missing["sources"] if s["role"] == "requests"]
    assert not gone["ok"] and gone["problems"]


def test_the_demo_shows_its_requests_and_a_second_sync_changes_nothing_and_tells_nobody_twice(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    from lotsync.cli.commands import cli

    demo = tmp_path / "demo"
    first = CliRunner().invoke(cli, ["demo", "--dir", str(demo), "--as-of", "2026-11-26", "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert "Suivi des demandes" in report["tabs_rewritten"]
    sent = [n for n in report["notifications"] if n["status"] == "sent"]
    assert sent and {n["kind"] for n in sent} == {"assigned", "late"}
    mails = sorted((demo / "outbox").iterdir())
    assert "Suivi des demandes" in load_workbook(demo / "collectif.xlsx").sheetnames

    again = CliRunner().invoke(
        cli, ["sync", "--config", str(demo / "lotsync.toml"), "--as-of", "2026-11-26", "--format", "json"]
    )

    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert second["tabs_rewritten"] == []
    assert {n["status"] for n in second["notifications"]} == {"already_sent"}
    assert len(second["notifications"]) == len(sent)
    assert sorted((demo / "outbox").iterdir()) == mails, "no mail twice"
