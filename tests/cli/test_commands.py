"""The command line: `lotsync sync | check | fees | demo`, their help, output and exit codes.

Exit codes: 0 done, 1 the sync failed and nothing was written (or `check` found a
problem, or another command holds the lock), 2 configuration or usage error, 3 partial.
No traceback ever reaches the person who ran the command.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, OWNED_TABS

from lotsync.cli.commands import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# -- help and usage -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["sync", "check", "fees", "demo", "statement"]),
        (["sync"], ["--dry-run", "--format", "--as-of", "--config"]),
        (["check"], ["--config", "--format"]),
        (["fees"], ["--year", "--format"]),
        (["demo"], ["--dir", "--as-of"]),
        (["statement"], ["--office", "--partner", "--year", "--format", "--output", "--margins"]),
    ],
    ids=["lotsync", "sync", "check", "fees", "demo", "statement"],
)
def test_help_works_on_every_command(command: list[str], mentions: list[str]) -> None:
    result = run(*command, "--help")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    for option in mentions:
        assert option in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["sync", "--frobnicate"],
        ["sync", "--format", "xml"],
        ["sync", "--as-of", "30/06/2026"],
        ["fees", "--year", "deux-mille"],
        ["synchronise", "--dry-run"],
    ],
    ids=["unknown-option", "bad-format", "bad-date", "bad-year", "unknown-command"],
)
def test_usage_errors_exit_2(books: Path, shared: Path, args: list[str]) -> None:
    before = shared.read_bytes()

    result = run(*args, "--config", str(books))

    assert result.exit_code == 2
    assert "Usage:" in result.stderr
    assert shared.read_bytes() == before


def test_version() -> None:
    result = run("--version")

    assert result.exit_code == 0
    assert result.stdout.startswith("lotsync, version ")


# -- sync -----------------------------------------------------------------------------


def test_sync_prints_a_short_french_summary(books: Path) -> None:
    result = run("sync", "--config", str(books), "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "lotsync — synchronisation au mardi 30 juin 2026"
    assert (
        "Rapprochement : 4 journées entre offices (concordant 2, montants différents 1, achat manquant 1)."
        in lines
    )
    assert "Virements à faire (un par office débiteur et créancier, sans compensation) :" in lines
    # French typography, as Babel writes it: narrow no-break space between thousands, no-break before €
    assert "  Figeac → Dordogne : 1\u202f000,00\u00a0€" in lines
    assert "  Dordogne → Cahors : 783,33\u00a0€" in lines  # gross: Cahors owes Dordogne 1 000 € too
    assert "Anomalies : 4 (détail dans l'onglet « Anomalies »)." in lines
    assert lines[-1].startswith("Écrit dans collectif.xlsx : Rapprochement, Soldes, Répartition")


def test_as_of_makes_the_result_reproducible(books: Path) -> None:
    def report(as_of: str) -> dict:
        result = run("sync", "-c", str(books), "--as-of", as_of, "--dry-run", "--format", "json")
        assert result.exit_code == 0, result.output
        return {k: v for k, v in json.loads(result.stdout).items() if k != "seconds"}

    first, again = report("2026-06-30"), report("2026-06-30")
    later = report("2026-12-31")

    assert first == again
    assert first["turnover"]["current"]["end"] == "2026-06-30"
    assert later["turnover"]["current"]["end"] == "2026-12-31"
    # D-002 (20 June) now falls within the year to date, and 2025's stay is in last year's period
    assert later["turnover"] != first["turnover"]
    assert later["balances"] == first["balances"]  # who owes whom does not depend on the date


def test_without_as_of_the_collectives_today_is_used(books: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    result = run("sync", "-c", str(books), "--dry-run", "--format", "json")

    assert result.exit_code == 0, result.output
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    assert json.loads(result.stdout)["as_of"] == today


# -- check ------------------------------------------------------------------------------


def test_check_exits_0_on_good_books(books: Path) -> None:
    result = run("check", "--config", str(books))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("lotsync check — configuration valide.")
    assert "en-tête ligne 4 : ref='Référence'" in result.stdout  # under Cahors' title block
    assert "ref='Réf', client='Groupe'" in result.stdout  # Dordogne's own wording
    assert "Tout est lisible. 4 anomalie(s) de saisie à corriger" in result.stdout  # conftest's 4 bad cells


def test_check_reports_the_same_anomalies_as_a_sync(books: Path) -> None:
    from openpyxl import load_workbook

    office = books.parent / "offices" / "figeac.xlsx"
    workbook = load_workbook(office)
    workbook["Dossiers"]["H4"] = 1e308  # F-003's amount: a number no office ever invoiced
    workbook.save(office)

    checked = json.loads(run("check", "--config", str(books), "--format", "json").stdout)
    synced = json.loads(
        run("sync", "--config", str(books), "--as-of", AS_OF, "--dry-run", "--format", "json").stdout
    )

    from_check = sorted(
        (a["tab"], a["row"], a["column"], a["message"]) for s in checked["sources"] for a in s["anomalies"]
    )
    from_sync = sorted((a["tab"], a["row"], a["column"], a["message"]) for a in synced["anomalies"])
    assert from_check == from_sync
    assert any(row == 4 and column == "Montant TTC" for _, row, column, _ in from_check)


def test_check_json_lists_every_source(books: Path) -> None:
    result = run("check", "--config", str(books), "--format", "json")

    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert [(s["id"], s["role"], s["header_row"]) for s in report["sources"]] == [
        ("cahors", "office", 4),
        ("dordogne", "office", 1),
        ("figeac", "office", 1),
        ("collectif", "shared", 1),
    ]


def test_check_exits_1_when_a_source_is_missing(books: Path) -> None:
    (books.parent / "offices" / "dordogne.xlsx").unlink()

    result = run("check", "--config", str(books))

    assert result.exit_code == 1
    assert "!! dordogne" in result.stdout
    assert "problème : Impossible d'ouvrir ce classeur : le fichier n'existe pas" in result.stdout
    assert "1 source(s) à corriger." in result.stdout


def test_check_exits_1_when_a_tab_or_a_required_column_is_missing(books: Path) -> None:
    from openpyxl import load_workbook

    office = books.parent / "offices" / "figeac.xlsx"
    workbook = load_workbook(office)
    workbook["Dossiers"]["A1"] = "Numéro"  # the reference column is no longer recognised
    workbook.save(office)
    books.write_text(
        books.read_text(encoding="utf-8").replace(
            'source = "offices/dordogne.xlsx"', 'source = "offices/dordogne.xlsx"\ntab = "Groupes"'
        ),
        encoding="utf-8",
    )

    result = run("check", "--config", str(books), "--format", "json")

    assert result.exit_code == 1
    problems = {s["id"]: s["problems"] for s in json.loads(result.stdout)["sources"]}
    assert problems["dordogne"] == ["onglet « Groupes » introuvable"]
    assert problems["figeac"] == ["colonnes obligatoires absentes : Référence"]
    assert problems["cahors"] == []


# -- fees -------------------------------------------------------------------------------


def test_fees_json_shares_add_up_to_the_total(books: Path) -> None:
    result = run("fees", "--config", str(books), "--year", "2026", "--format", "json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["year"] == 2026
    splits = {s["label"]: s for s in report["splits"]}
    assert splits["Salon Rendez-vous en France"]["amount"] == "1000.00"
    assert splits["Salon Rendez-vous en France"]["shares"] == {
        "cahors": "333.34",
        "dordogne": "333.33",
        "figeac": "333.33",
    }
    adn = splits["Cotisation Club Destination Groupes ADN Tourisme"]
    assert (adn["amount"], adn["paid_by"], adn["reimbursed"]) == ("3000.00", "dordogne", False)
    assert adn["shares"] == dict.fromkeys(("cahors", "dordogne", "figeac"), "1000.00")
    for split in report["splits"]:
        assert sum(Decimal(v) for v in split["shares"].values()) == Decimal(split["amount"])
    total = sum(Decimal(s["amount"]) for s in report["splits"])
    assert total == Decimal("4740.00")
    assert sum(Decimal(v) for v in report["totals"].values()) == total
    assert report["anomalies"] == []


def test_fees_of_a_year_without_costs_is_empty(books: Path) -> None:
    result = run("fees", "--config", str(books), "--year", "2025", "--format", "json")

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["splits"] == []
    assert set(report["totals"].values()) == {"0.00"}


def test_fees_text_lists_each_share(books: Path) -> None:
    result = run("fees", "--config", str(books), "--year", "2026")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Répartition des frais communs 2026")
    assert "payé par Cahors, clé « égale », à rembourser" in result.stdout
    assert "333,34\u00a0€" in result.stdout


# -- statement -------------------------------------------------------------------------
# conftest's books, and one payment: Dordogne pays Cahors 450.00 for C-001 on 15/05/2026. Cahors
# pays Dordogne its 1,000.00 fee share and Figeac its 330.00 brochure share (marked paid); it
# collects the fair's 333.33 from each, C-001's 450.00 (now paid) and C-002's 320.00.


@pytest.fixture
def paid(books: Path, shared: Path) -> Path:
    """conftest's books with a `Règlements` tab holding one payment."""
    from openpyxl import load_workbook

    workbook = load_workbook(shared)
    payments = workbook.create_sheet("Règlements")
    payments.append(["Date", "De", "À", "Montant", "Références", "Mode"])
    payments.append([date(2026, 5, 15), "dordogne", "cahors", 450, "C-001", "virement"])
    payments["A2"].number_format = "DD/MM/YYYY"
    workbook.save(shared)
    return books


def test_statement_text_lists_what_cahors_pays_and_collects(paid: Path) -> None:
    result = run("statement", "--config", str(paid), "--office", "cahors", "--as-of", AS_OF)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Relevé de compte de Cahors au 30/06/2026"
    assert [line for line in lines if line.startswith("À ")] == [
        "À payer à Dordogne (1 élément)",
        "À payer à Figeac (1 élément)",
        "À encaisser de Dordogne (2 éléments)",
        "À encaisser de Figeac (2 éléments)",
    ]
    assert "      réglé : 450,00\u00a0€ le 15/05/2026 (virement, ligne 2)" in lines
    assert lines[-1] == (
        "Total à encaisser : reste dû 986,66\u00a0€ (montant 1\u202f436,66\u00a0€, réglé 450,00\u00a0€)"
    )


def test_statement_csv_has_the_documented_columns(paid: Path) -> None:
    result = run(
        "statement", "-c", str(paid), "--office", "cahors", "--partner", "dordogne", "--format", "csv",
        "--as-of", AS_OF,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    rows = [line.split(";") for line in result.stdout_bytes.decode("utf-8-sig").splitlines()]
    assert rows[0] == [
        "Office", "Partenaire", "Nom du partenaire", "Sens", "Nature", "Date", "Notre référence",
        "Référence du partenaire", "N° facture", "Autre n° facture", "Libellé", "Montant", "Réglé",
        "Reste dû", "Règlements",
    ]  # fmt: skip
    assert [(r[3], r[4], r[5], r[6], r[11], r[13]) for r in rows[1:]] == [
        ("payer", "Cotisation", "01/01/2026", "", "1000,00", "1000,00"),
        ("encaisser", "Dépense commune", "01/02/2026", "", "333,33", "333,33"),
        ("encaisser", "Journée", "10/03/2026", "C-001", "450,00", "0,00"),
    ]


def test_statement_xlsx_goes_to_the_file_given(paid: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "releve.xlsx"
    result = run(
        "statement", "-c", str(paid), "--office", "figeac", "--format", "xlsx", "--output", str(target),
        "--as-of", AS_OF,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Écrit dans {target} : 6 lignes.\n"
    sheet = load_workbook(target).active
    assert sheet is not None and sheet.title == "Relevé"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[1], r[3], r[4], r[13]) for r in rows] == [
        ("cahors", "payer", "Dépense commune", 333.33),
        ("cahors", "payer", "Journée", 320),
        ("dordogne", "payer", "Cotisation", 1000),
        ("cahors", "encaisser", "Dépense commune", 0),
        ("dordogne", "encaisser", "Dépense commune", 0),
        ("dordogne", "encaisser", "Journée", 0),  # F-002, `soldé`
    ]


def test_statement_margins_json(paid: Path) -> None:
    result = run("statement", "-c", str(paid), "--office", "cahors", "--margins", "--format", "json")

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["office"] == "cahors" and doc["margins"] == []  # conftest's books resell nothing
    assert "TVA" in doc["note"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--office", "nimes"],
         "--office : office inconnu « nimes » (offices du collectif : cahors, dordogne, figeac)."),
        (["--office", "cahors", "--partner", "lot"], "--partner : office inconnu « lot »"),
        (["--office", "cahors", "--partner", "cahors"], "--partner : « cahors » est l'office du relevé"),
        (["--office", "cahors", "--format", "xlsx"], "--format xlsx écrit un classeur : dites dans quel"),
    ],
    ids=["unknown-office", "unknown-partner", "same-office", "xlsx-without-output"],
)  # fmt: skip
def test_statement_usage_errors_are_one_french_line_and_exit_2(
    paid: Path, args: list[str], message: str
) -> None:
    result = run("statement", "-c", str(paid), *args)

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_statement_into_a_missing_folder_fails_in_french(paid: Path, tmp_path: Path) -> None:
    target = tmp_path / "absent" / "releve.csv"
    result = run("statement", "-c", str(paid), "--office", "cahors", "--format", "csv", "-o", str(target))

    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : ")
    assert "Traceback" not in result.output


def test_statement_of_incomplete_books_says_so_and_exits_3(paid: Path, tmp_path: Path) -> None:
    (paid.parent / "offices" / "dordogne.xlsx").write_bytes(b"Reference;Date\n")
    base = ("statement", "-c", str(paid), "--office", "cahors", "--as-of", AS_OF)

    text = run(*base)
    as_json = run(*base, "--format", "json")
    with_figeac = run(*base, "--partner", "figeac")

    assert text.exit_code == 3
    assert text.stdout.splitlines()[2].startswith("INCOMPLET : le tableur de Dordogne n'a pas pu être lu.")
    assert as_json.exit_code == 3
    doc = json.loads(as_json.stdout)
    assert doc["complete"] is False and doc["gaps"] == ["le tableur de Dordogne n'a pas pu être lu"]
    assert as_json.stderr.startswith("INCOMPLET : le tableur de Dordogne")
    assert doc["lines"]  # nothing refused: what could be read is there
    assert with_figeac.exit_code == 0, with_figeac.output  # Cahors–Figeac needs nothing of Dordogne


def test_statement_of_the_demo_as_a_workbook_and_as_csv(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from lotsync.app import french as app_french
    from lotsync.app.demo import write_demo

    config = str(write_demo(tmp_path / "demo"))
    workbook, table = tmp_path / "releve.xlsx", tmp_path / "releve.csv"
    base = ("statement", "-c", config, "--office", "cahors", "--as-of", "2026-11-26")

    assert run(*base, "--format", "xlsx", "-o", str(workbook)).exit_code == 0
    assert run(*base, "--format", "csv", "-o", str(table)).exit_code == 0

    sheet = load_workbook(workbook).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(app_french.STATEMENT_COLUMNS)
    with open(table, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == list(app_french.STATEMENT_COLUMNS)
    assert len(rows) == sheet.max_row > 10


# -- demo -------------------------------------------------------------------------------


def test_the_demo_as_of_a_day_sends_the_digests_of_that_days_week(tmp_path: Path) -> None:
    result = run("demo", "--dir", str(tmp_path / "demo"), "--as-of", "2026-11-26")

    assert result.exit_code == 0, result.output
    assert "Récapitulatifs de la semaine 2026-W48 :" in result.stdout, "the week of --as-of, not today's"


def test_demo_creates_the_books_and_syncs_them(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from lotsync.adapters.config import load_config

    folder = tmp_path / "demo"
    first = run("demo", "--dir", str(folder), "--as-of", "2026-11-30")

    assert first.exit_code == 0, first.output
    assert "synchronisation au lundi 30 novembre 2026" in first.stdout
    config_file = first.stdout.splitlines()[0].removeprefix("Démonstration : ")
    shared = Path(load_config(config_file).shared.source)
    before = load_workbook(shared, read_only=True)
    assert set(OWNED_TABS) <= set(before.sheetnames)
    values = {n: list(before[n].iter_rows(values_only=True)) for n in before.sheetnames}
    before.close()

    again = run("demo", "--dir", str(folder), "--as-of", "2026-11-30")

    assert again.exit_code == 0, again.output
    after = load_workbook(shared, read_only=True)
    for name in after.sheetnames:
        rows = list(after[name].iter_rows(values_only=True))
        if name == "Journal":
            assert len(rows) == len(values[name]) + 1
        else:
            assert rows == values[name], name
    after.close()


def test_the_google_demo_leaves_soldes_in_french_frozen_marked_and_protected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lotsync demo --google` as a person runs it; what its spreadsheet shows is read back, as
    Google renders it, by a person's unmodified gspread just before the demo's emulator stops."""
    from fake_google import FakeGoogle
    from lotsync.adapters.config import load_config
    from lotsync.adapters.sources import classify
    from lotsync.app import emulator_clients as clients

    seen: dict[str, object] = {}
    stop = FakeGoogle.stop

    def look_then_stop(google: FakeGoogle) -> None:
        config = load_config(tmp_path / "demo" / "lotsync-google.toml")
        shared_id = classify(config.shared.source).ref
        with google.store.lock:
            google.store.files[shared_id].shared["claire@example.org"] = "reader"
        person = clients.gspread_client(
            google.base_url, clients.user_credentials(google.base_url, "claire@example.org")
        )
        book = person.open_by_key(shared_id)
        seen["locale"] = book.locale
        seen["soldes"] = book.worksheet("Soldes").get_all_values(value_render_option="FORMATTED_VALUE")
        fields = "sheets(properties(title,gridProperties),developerMetadata,protectedRanges)"
        seen["sheets"] = book.fetch_sheet_metadata(params={"fields": fields})["sheets"]
        stop(google)

    monkeypatch.setattr(FakeGoogle, "stop", look_then_stop)
    result = run("demo", "--dir", str(tmp_path / "demo"), "--google", "--as-of", "2026-11-26")

    assert result.exit_code == 0, result.output
    assert seen["locale"] == "fr_FR"
    soldes = seen["soldes"]
    assert isinstance(soldes, list)
    euros = [cell for row in soldes for cell in row if cell.endswith(" €")]
    assert len(euros) > 10 and all("," in cell and "." not in cell for cell in euros), euros[:5]
    assert any(cell.startswith("-") and cell[1].isdigit() for cell in euros), "a debtor's balance"
    sheets = seen["sheets"]
    assert isinstance(sheets, list)
    owned = {s["properties"]["title"]: s for s in sheets if s["properties"]["title"] in OWNED_TABS}
    assert set(owned) == set(OWNED_TABS)
    for title, sheet in owned.items():
        assert sheet["properties"]["gridProperties"]["frozenRowCount"] >= 1, title
        assert [m["metadataKey"] for m in sheet["developerMetadata"]] == ["lotsync"], title
        [protection] = sheet["protectedRanges"]
        assert protection["warningOnly"] is True, title


# -- the installed command, in a real process ------------------------------------------


@pytest.fixture(scope="module")
def lotsync_command() -> str:
    command = shutil.which("lotsync", path=str(Path(sys.executable).parent))
    assert command, "the `lotsync` console script is installed beside this Python (pip install -e .)"
    return command


def test_installed_command_exit_codes(lotsync_command: str, books: Path) -> None:
    def exit_code(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [lotsync_command, *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=books.parent,
            check=False,
        )

    done = exit_code("sync", "--config", str(books), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert "Écrit dans collectif.xlsx" in done.stdout

    lock = books.parent / ".~lock.collectif.xlsx#"
    lock.write_text("", encoding="utf-8")
    refused = exit_code("sync", "--as-of", AS_OF)  # ./lotsync.toml is found in the working directory
    assert refused.returncode == 1
    assert "est ouvert dans un tableur" in refused.stdout
    lock.unlink()

    books.write_text(books.read_text(encoding="utf-8").replace("[shared]", "[partage]"), encoding="utf-8")
    bad = exit_code("sync", "--config", str(books))
    assert bad.returncode == 2
    assert "partage : clé inconnue" in bad.stderr
    assert bad.stdout == ""

    assert exit_code("--help").returncode == 0
    assert exit_code("sync", "--nope").returncode == 2


def test_installed_command_exit_code_3_when_an_office_cannot_be_read(
    lotsync_command: str, books: Path
) -> None:
    (books.parent / "offices" / "dordogne.xlsx").write_bytes(b"Reference;Date\n")

    partial = subprocess.run(
        [lotsync_command, "sync", "--config", str(books), "--as-of", AS_OF],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert partial.returncode == 3, partial.stderr
    assert "INCOMPLET : le tableur de Dordogne n'a pas pu être lu." in partial.stdout
    assert "Traceback" not in partial.stdout + partial.stderr


# -- no traceback reaches a user ---------------------------------------------------------------


def test_an_unexpected_error_is_one_french_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from lotsync.cli.commands import Commands

    group = Commands("essai")

    @group.command()
    def boom() -> None:
        raise RuntimeError("quelque chose\nsur deux lignes")

    result = CliRunner().invoke(group, ["boom"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Erreur inattendue de lotsync (RuntimeError : quelque chose)" in result.output
    assert "--debug" in result.output
    assert "Traceback" not in result.output


def test_an_unexpected_error_after_a_write_does_not_say_nothing_was_written() -> None:
    from lotsync.cli.commands import Commands

    group = Commands("essai")

    @group.command()
    def late() -> None:
        click.echo("Écrit dans collectif : Soldes ; ligne ajoutée au Journal.")
        raise RuntimeError("en envoyant les courriels")

    result = CliRunner().invoke(group, ["late"])

    assert result.exit_code == 1
    assert "Rien n'a été écrit" not in result.output
    assert "annoncé plus haut comme écrit ou envoyé l'a été, rien d'autre" in result.output


def test_an_os_error_is_translated_with_its_path() -> None:
    import errno

    from lotsync.cli.commands import Commands

    group = Commands("essai")

    @group.command()
    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/lotsync/collectif.xlsx")

    result = CliRunner().invoke(group, ["full"])

    assert result.exit_code == 1
    assert "Erreur : disque plein (/srv/lotsync/collectif.xlsx)" in result.output
    assert "No space left" not in result.output


HOLD_THE_LOCK = """
import sys
from lotsync.adapters.config import load_config
from lotsync.app.lock import work_lock
with work_lock(load_config(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_sync_while_another_command_holds_the_lock_says_so_in_french(books: Path) -> None:
    books.write_text(books.read_text(encoding="utf-8") + "\n[schedule]\nlock_wait = 0\n", encoding="utf-8")
    holder = subprocess.Popen(  # another lotsync command, in another process, holding the lock
        [sys.executable, "-c", HOLD_THE_LOCK, str(books)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = run("sync", "--config", str(books), "--as-of", AS_OF)
    finally:
        holder.communicate("", timeout=30)

    assert result.exit_code == 1
    assert "Une autre commande lotsync" in result.output
    assert "Traceback" not in result.output
    assert run("sync", "--config", str(books), "--as-of", AS_OF).exit_code == 0  # once it is free


def test_fees_of_every_year_leaves_out_no_dated_expense(books: Path) -> None:
    every = json.loads(run("fees", "--config", str(books), "--format", "json").stdout)

    assert every["anomalies"] == []  # read as of today, not as of 2000: 2026's costs are plausible
    assert {s["label"] for s in every["splits"]} >= {"Salon Rendez-vous en France", "Brochure collective"}
