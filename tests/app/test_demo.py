"""The demo files: deterministic, loadable, and covering every status and anomaly."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from lotsync.adapters.config import load_config
from lotsync.app.demo import OFFICES as DEMO_OFFICES
from lotsync.app.demo import write_demo
from lotsync.core.books import Books, Inputs, compute_books
from lotsync.core.cells import invoice_key
from lotsync.core.dossiers import Sheet
from lotsync.core.model import AnomalyKind, Direction, Item, Matched, ReconStatus, SettlementMode, Status
from lotsync.tabs.results import OWNED_TABS

AS_OF = date(2026, 11, 26)
OFFICES = ("cahors", "dordogne", "figeac")
WORKBOOKS = (*(f"{o}.xlsx" for o in OFFICES), "collectif.xlsx")
ALL_FILES = (*WORKBOOKS, "lotsync.toml")
WHOLE_FILE_KINDS = {
    AnomalyKind.SOURCE_UNREADABLE,
    AnomalyKind.MISSING_TAB,
    AnomalyKind.MISSING_HEADER,
    AnomalyKind.MISSING_COLUMN,
    AnomalyKind.FOREIGN_TAB,
}
ROW_KINDS = set(AnomalyKind) - WHOLE_FILE_KINDS


def read_sheet(path: Path, tab: str) -> Sheet:
    workbook = openpyxl.load_workbook(path)
    rows = [list(r) for r in workbook[tab].iter_rows(values_only=True)]
    return Sheet(spreadsheet=path.name, tab=tab, rows=rows)


def all_values(directory: Path) -> dict[tuple[str, str], list[tuple]]:
    values = {}
    for name in WORKBOOKS:
        workbook = openpyxl.load_workbook(directory / name)
        for ws in workbook.worksheets:
            values[(name, ws.title)] = list(ws.iter_rows(values_only=True))
    return values


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo")
    write_demo(directory)
    return directory


@pytest.fixture(scope="module")
def books(demo_dir: Path) -> Books:
    config = load_config(demo_dir / "lotsync.toml")
    offices = {o: read_sheet(demo_dir / f"{o}.xlsx", "Dossiers") for o in OFFICES}
    expenses = read_sheet(demo_dir / "collectif.xlsx", "Dépenses communes")
    payments = read_sheet(demo_dir / "collectif.xlsx", "Règlements")
    shared = {"expenses": expenses, "payments": payments}
    inputs = Inputs(offices=offices, shared=shared)
    if "requests" in Inputs._fields:  # the requests tab, where the core reads it (issue 14)
        inputs = inputs._replace(requests=read_sheet(demo_dir / "collectif.xlsx", "Demandes"))
    return compute_books(inputs, config.rules(), AS_OF)


def test_writes_every_file_and_returns_the_config(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "demo"
    config = write_demo(target)
    assert config == target / "lotsync.toml"
    assert sorted(p.name for p in target.iterdir()) == sorted(ALL_FILES)


def test_generating_twice_gives_the_same_cells(tmp_path: Path, demo_dir: Path) -> None:
    write_demo(tmp_path)
    first, second = all_values(demo_dir), all_values(tmp_path)
    assert first.keys() == second.keys()
    for key in first:
        assert first[key] == second[key], key
    assert (demo_dir / "lotsync.toml").read_text() == (tmp_path / "lotsync.toml").read_text()


def test_config_loads_with_members_keys_and_fees(demo_dir: Path) -> None:
    config = load_config(demo_dir / "lotsync.toml")
    assert config.member_ids == OFFICES
    assert [m.short for m in config.core_members()] == [
        "OT Cahors",
        "OT Vallée de la Dordogne",
        "OT Grand Figeac",
    ]
    for member in config.members:
        assert Path(member.source) == (demo_dir / f"{member.id}.xlsx").resolve()
        assert all(e.endswith("@example.org") for e in member.emails)
    assert Path(config.shared.source) == (demo_dir / "collectif.xlsx").resolve()
    assert {k: int(v) for k, v in config.split_keys["effectifs"].items()} == {
        "cahors": 33,
        "dordogne": 30,
        "figeac": 11,
    }
    fees = {f.year: (str(f.amount), f.paid_by, f.reimbursed) for f in config.fees}
    assert fees == {2025: ("3000.00", "cahors", True), 2026: ("3000.00", "dordogne", False)}
    assert config.shared.payments_tab == "Règlements"
    assert config.settlement.mode is SettlementMode.GROSS


def test_every_reconciliation_status_occurs(books: Books) -> None:
    counts = books.status_counts()
    assert set(counts) == {s.value for s in ReconStatus}
    assert counts[ReconStatus.OK] > 50


def test_some_days_are_owed_and_others_paid(books: Books) -> None:
    owed = [line for line in books.reconciliation if line.owed]
    paid = [line for line in books.reconciliation if line.sale and line.sale.status is Status.PAID]
    assert owed and paid
    paired = Counter(line.paired_by for line in books.reconciliation)
    assert paired["reference"] and paired["date"]


def test_every_row_level_anomaly_occurs_and_no_whole_file_one(books: Books) -> None:
    kinds = Counter(a.kind for a in books.anomalies)
    assert set(kinds) == ROW_KINDS
    per_office = Counter(a.office for a in books.anomalies if a.office)
    assert all(2 <= per_office[o] <= 5 for o in OFFICES), per_office


def test_about_150_rows_per_office_and_year(books: Books) -> None:
    per_office = Counter(d.office for d in books.dossiers)
    per_year = Counter((d.office, d.start.year) for d in books.dossiers)
    for office in OFFICES:
        assert 250 <= per_office[office] <= 400
        assert 250 <= books.rows_read[office] <= 400
        for year in (2025, 2026):
            assert 120 <= per_year[(office, year)] <= 200
    assert min(d.start for d in books.dossiers) < date(2025, 2, 1)
    assert max(d.start for d in books.dossiers) > date(2026, 12, 1)


def test_sheets_carry_the_quirks_of_real_ones(demo_dir: Path) -> None:
    figeac = read_sheet(demo_dir / "figeac.xlsx", "Dossiers").rows
    assert figeac[0][0].startswith("Office de tourisme Grand Figeac")
    assert " date début " in figeac[3]
    cahors = read_sheet(demo_dir / "cahors.xlsx", "Dossiers").rows
    texts = [v for row in cahors[1:] for v in row[4:9] if isinstance(v, str)]
    assert any("€" in v for v in texts)
    assert any(v.count("/") == 2 for v in texts)
    assert any(all(v is None for v in row) for row in cahors[1:])
    headers = {tuple(read_sheet(demo_dir / f"{o}.xlsx", "Dossiers").rows[0]) for o in ("cahors", "dordogne")}
    assert len(headers) == 2


@pytest.mark.parametrize(
    ("name", "header_row"), [("cahors.xlsx", 1), ("figeac.xlsx", 4), ("collectif.xlsx", 1)]
)
def test_header_rows_are_styled(demo_dir: Path, name: str, header_row: int) -> None:
    ws = openpyxl.load_workbook(demo_dir / name).worksheets[0]
    cell = ws.cell(row=header_row, column=1)
    assert cell.font.bold
    assert cell.fill.fill_type == "solid"
    assert ws.column_dimensions["B"].width > 10


def test_shared_workbook_has_only_the_input_tabs(demo_dir: Path) -> None:
    workbook = openpyxl.load_workbook(demo_dir / "collectif.xlsx")
    assert workbook.sheetnames == ["Dépenses communes", "Règlements", "Demandes"]
    assert not set(workbook.sheetnames) & set(OWNED_TABS)
    payments = workbook["Règlements"]
    assert [c.value for c in payments[1]][:6] == ["Date", "De", "À", "Montant", "Références", "Mode"]
    assert payments["A1"].font.bold


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path) -> None:
    (tmp_path / "lotsync.toml").write_text("# à moi\n", encoding="utf-8")
    (tmp_path / "cahors.xlsx").write_bytes(b"not a workbook")
    write_demo(tmp_path)
    assert (tmp_path / "lotsync.toml").read_text(encoding="utf-8") == "# à moi\n"
    assert (tmp_path / "cahors.xlsx").read_bytes() == b"not a workbook"
    assert openpyxl.load_workbook(tmp_path / "figeac.xlsx").sheetnames == ["Dossiers"]

    write_demo(tmp_path, overwrite=True)
    assert "[[members]]" in (tmp_path / "lotsync.toml").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(tmp_path / "cahors.xlsx").sheetnames == ["Dossiers"]


# -- invoice numbers and the settlement --------------------------------------------------------


def test_most_invoiced_rows_carry_their_invoice_number(books: Books) -> None:
    issued = [
        d
        for d in books.dossiers
        if d.status in (Status.INVOICED, Status.PAID) and d.direction is not Direction.PURCHASE
    ]
    assert sum(1 for d in issued if d.invoice) / len(issued) > 0.85
    both = [
        (line.purchase.invoice, line.sale.invoice, line)
        for line in books.reconciliation
        if line.purchase and line.sale and line.purchase.invoice and line.sale.invoice
    ]
    differ = [line for received, issued, line in both if received != issued]
    assert len(both) > 40
    assert len(differ) == 1 and ReconStatus.INVOICE_MISMATCH in differ[0].statuses


def how_named(reference: str, item: Item) -> str | None:
    """Which of the item's keys the reference gives, if any."""
    for key in ("invoice", "partner_invoice", "ref", "partner_ref", "label"):
        if getattr(item, key) and invoice_key(getattr(item, key)) == invoice_key(reference):
            return key
    return None


def named(payment: Matched) -> list[tuple[str, str | None]]:
    """Each applied item of a payment, as (its source, how a reference of the payment named it)."""
    return [
        (
            a.item.source,
            next((how for r in payment.payment.references if (how := how_named(r, a.item))), None),
        )
        for a in payment.applied
    ]


def test_payments_settle_what_they_name_by_every_key(books: Books) -> None:
    ways = {way for m in books.settlement.payments for way in named(m)}
    assert {
        ("day", "invoice"),
        ("day", "partner_invoice"),
        ("day", "ref"),
        ("day", "partner_ref"),
        ("expense", "label"),
        ("fee", "label"),
    } <= ways
    several = [m for m in books.settlement.payments if len(m.payment.references) == len(m.applied) == 2]
    assert any(all(how for _, how in named(m)) for m in several)


def test_an_unreferenced_payment_settles_the_oldest_items_first(books: Books) -> None:
    (unreferenced,) = [m for m in books.settlement.payments if not m.payment.references]
    dates = [a.item.on for a in unreferenced.applied]
    assert len(dates) >= 3 and dates == sorted(dates) and dates[0].year == 2025
    assert all(a.amount == a.item.open for a in unreferenced.applied[:-1])
    assert sum(a.amount for a in unreferenced.applied) == unreferenced.payment.amount


def test_a_partial_payment_leaves_the_rest_open(books: Books) -> None:
    (partial,) = [
        a
        for m in books.settlement.payments
        for a in m.applied
        if a.amount < a.item.open and any(how_named(r, a.item) for r in m.payment.references)
    ]
    after = next(i for i in books.settlement.items if i.order == partial.item.order)
    assert after.open == partial.item.open - partial.amount == Decimal("42.00")


def test_an_overpayment_becomes_a_refund_owed_back(books: Books) -> None:
    (over,) = [m for m in books.settlement.payments if m.excess]
    payer, payee = over.payment.payer, over.payment.payee
    refunds = [i for i in books.settlement.items if i.source == "refund"]
    assert [(r.debtor, r.creditor, r.amount, r.open) for r in refunds] == [
        (payee, payer, over.excess, over.excess)
    ]
    assert not any(i.open for i in books.settlement.items if (i.debtor, i.creditor) == (payer, payee))
    back = next(t for t in books.settlement.transfers if (t.debtor, t.creditor) == (payee, payer))
    assert refunds[0] in back.pays
    kinds = [a.kind for a in books.anomalies if a.where.row == over.payment.where.row]
    assert kinds == [AnomalyKind.OVERPAYMENT]


def test_unknown_and_already_settled_references_are_flagged(books: Books) -> None:
    flagged = [
        a for a in books.anomalies if a.kind in (AnomalyKind.UNKNOWN_REFERENCE, AnomalyKind.ALREADY_SETTLED)
    ]
    assert all(a.where.tab == "Règlements" and a.column == "Références" for a in flagged)
    (unknown,) = [a for a in flagged if a.kind is AnomalyKind.UNKNOWN_REFERENCE]
    assert "mandat" in unknown.value
    settled = [a for a in flagged if a.kind is AnomalyKind.ALREADY_SETTLED]
    paid_days = {d.invoice for d in books.dossiers if d.status is Status.PAID and d.invoice}
    twice = [
        a
        for a in settled
        if any(
            a.value in m.payment.references and m.payment.where.row < a.where.row
            for m in books.settlement.payments
        )
    ]
    assert len(settled) == 2
    assert [a.value in paid_days for a in settled].count(True) == 1 and len(twice) == 1
    rows = {m.payment.where.row for m in books.settlement.payments}
    assert {a.where.row for a in flagged} <= rows


def test_bad_payment_rows_are_flagged_and_left_out(books: Books) -> None:
    bad = {
        a.kind: a.where.row
        for a in books.anomalies
        if a.where.tab == "Règlements"
        and a.kind
        not in (AnomalyKind.UNKNOWN_REFERENCE, AnomalyKind.ALREADY_SETTLED, AnomalyKind.OVERPAYMENT)
    }
    assert set(bad) == {AnomalyKind.UNKNOWN_MEMBER, AnomalyKind.INVALID_AMOUNT, AnomalyKind.INVALID_DATE}
    assert not set(bad.values()) & {m.payment.where.row for m in books.settlement.payments}
    assert 10 <= len(books.settlement.payments) <= 15


def test_shares_marked_paid_office_by_office(books: Books) -> None:
    listed = {s.expense.label: s.expense.shares_paid for s in books.splits if s.expense.shares_paid}
    assert sorted(listed.values(), key=len) == [frozenset({"figeac"}), frozenset({"cahors", "figeac"})]
    brochure = next(label for label, paid in listed.items() if paid == {"figeac"})
    shares = {(i.debtor, i.open > 0) for i in books.settlement.items if i.label == brochure}
    assert shares == {("figeac", False), ("dordogne", True)}


def test_statements_and_transfers_are_gross(books: Books) -> None:
    settlement = books.settlement
    assert settlement.mode is SettlementMode.GROSS
    owed = [(s.debtor, s.creditor, s.owed) for s in settlement.statements if s.owed]
    assert [(t.debtor, t.creditor, t.amount) for t in settlement.transfers] == owed
    assert books.transfers == settlement.transfers
    pairs = {(t.debtor, t.creditor) for t in settlement.transfers}
    assert any((b, a) in pairs for a, b in pairs)
    assert len(settlement.transfers) > len(OFFICES) - 1
    assert len(settlement.statements) == 6
    assert sum(b.net for b in books.balances) == 0


# -- the requests of `Demandes` ----------------------------------------------------------------------

REQUEST_HEADERS = [
    "N° demande",
    "Reçue le",
    "Demandeur",
    "Structure",
    "E-mail",
    "Téléphone",
    "Type de groupe",
    "Date souhaitée",
    "Durée",
    "Pax",
    "Budget",
    "Lieux souhaités",
    "Lieu de séjour",
    "Message",
    "Attribuée à",
    "Statut",
    "Motif",
    "Répondu le",
    "Réf. dossier",
]
REQUEST_STATUSES = {"nouvelle", "transmise", "devis envoyé", "option", "confirmée", "perdue", "sans suite"}
AWAITING = {"nouvelle", "transmise"}
CLOSED = {"confirmée", "perdue", "sans suite"}
RETENTION_CUTOFF = date(2023, 11, 26)
"""36 months before the demo's as-of date: closed requests answered before it are due for deletion."""
OFFICE_OF = {
    name.casefold(): office.id
    for office in DEMO_OFFICES
    for name in (office.id, office.name, *office.aliases)
}


def requests_of(directory: Path) -> list[dict[str, object]]:
    """The rows of `Demandes`, each as header → cell."""
    ws = openpyxl.load_workbook(directory / "collectif.xlsx")["Demandes"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def moment(value: object) -> datetime:
    """`Reçue le` or `Répondu le` as typed: a date cell, a date and time, or a form plugin's text."""
    if isinstance(value, datetime):
        return value
    assert isinstance(value, str), value
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise AssertionError(value)


def status(row: dict[str, object]) -> str:
    return str(row["Statut"] or "nouvelle").strip().casefold()


def sheet_refs(directory: Path) -> dict[str, set[str]]:
    """Each office's dossier references, as its sheet holds them (compared regardless of case)."""
    refs = {}
    for office in DEMO_OFFICES:
        header = dict(office.columns)["ref"]
        rows = read_sheet(directory / f"{office.id}.xlsx", "Dossiers").rows
        column = rows[len(office.title)].index(header)
        refs[office.id] = {str(r[column]).casefold() for r in rows[len(office.title) + 1 :] if r[column]}
    return refs


def test_the_requests_tab_has_the_default_headers_in_order_and_styled(demo_dir: Path) -> None:
    ws = openpyxl.load_workbook(demo_dir / "collectif.xlsx")["Demandes"]
    headers = [c.value for c in ws[1]]
    assert headers == [*REQUEST_HEADERS, "Commentaire"]
    assert ws["A1"].font.bold and ws["A1"].fill.fill_type == "solid"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["N"].width >= 40  # Message


def test_about_forty_requests_over_2025_and_2026_and_three_due_for_deletion(demo_dir: Path) -> None:
    requests = requests_of(demo_dir)
    received = [moment(r["Reçue le"]) for r in requests]
    years = Counter(m.year for m in received)
    assert 35 <= len(requests) <= 45
    assert set(years) == {2023, 2025, 2026}
    assert years[2025] >= 10 and years[2026] >= 20
    days = [m.date() for m in received]
    assert days == sorted(days)  # in the order they came
    assert received[0] == datetime(2023, 1, 16) and received[-1] == datetime(2026, 11, 26, 8, 47, 13)
    expired = [
        r for r in requests if status(r) in CLOSED and moment(r["Répondu le"]).date() < RETENTION_CUTOFF
    ]
    assert 2 <= len(expired) <= 3
    assert all(moment(r["Reçue le"]).year == 2023 for r in expired)
    assert {status(r) for r in expired} == CLOSED


def test_every_request_status_occurs(demo_dir: Path) -> None:
    statuses = Counter(status(r) for r in requests_of(demo_dir))
    assert set(statuses) == REQUEST_STATUSES
    assert any(r["Statut"] is None for r in requests_of(demo_dir))  # blank: a new request


def test_confirmed_requests_name_a_dossier_of_their_office_but_one(demo_dir: Path) -> None:
    refs = sheet_refs(demo_dir)
    linked = [
        r
        for r in requests_of(demo_dir)
        if r["Réf. dossier"] and moment(r["Reçue le"]).date() >= RETENTION_CUTOFF
    ]
    missing = [
        r
        for r in linked
        if str(r["Réf. dossier"]).casefold() not in refs[OFFICE_OF[str(r["Attribuée à"]).casefold()]]
    ]
    confirmed = [r for r in linked if status(r) == "confirmée"]
    assert len(confirmed) >= 5
    assert {OFFICE_OF[str(r["Attribuée à"]).casefold()] for r in confirmed} == set(OFFICES)
    assert any(status(r) == "option" for r in linked)
    assert any(str(r["Réf. dossier"]).islower() for r in linked)  # typed in lower case
    (wrong,) = missing
    assert status(wrong) == "confirmée"
    assert any(str(wrong["Réf. dossier"]).casefold() in other for other in refs.values())  # another office's


def test_late_and_on_time_requests_as_of_the_demo_s_day(demo_dir: Path) -> None:
    awaiting = [
        moment(r["Reçue le"]) for r in requests_of(demo_dir) if status(r) in AWAITING and not r["Répondu le"]
    ]
    days = {m.date() for m in awaiting}
    late = {d for d in days if d <= date(2026, 11, 23)}  # more than 2 working days before Thursday 26
    assert len(late) >= 3 and days - late
    assert date(2026, 11, 20) in late and date(2026, 11, 20).weekday() == 4  # a Friday
    assert date(2026, 11, 10) in late  # the day before 11 November
    answered = [
        (moment(r["Reçue le"]).date(), moment(r["Répondu le"]).date())
        for r in requests_of(demo_dir)
        if r["Répondu le"]
    ]
    assert (date(2026, 11, 10), date(2026, 11, 13)) in answered  # 2 working days over the holiday
    assert (date(2026, 11, 20), date(2026, 11, 24)) in answered  # 2 working days over the weekend


def test_requests_are_typed_as_the_form_and_the_offices_type_them(demo_dir: Path) -> None:
    requests = requests_of(demo_dir)
    received = [r["Reçue le"] for r in requests]
    assert any(isinstance(v, str) and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", v) for v in received)
    assert any(isinstance(v, datetime) and v.time() != datetime.min.time() for v in received)
    assert any(not r["N° demande"] for r in requests)  # typed by hand
    assert not any(r["Attribuée à"] and str(r["Attribuée à"]).casefold() not in OFFICE_OF for r in requests)
    assert sum(1 for r in requests if not r["Attribuée à"]) >= 4
    budgets = [r["Budget"] for r in requests if isinstance(r["Budget"], str)]
    assert any("€/pers" in b for b in budgets) and "beaucoup" in budgets
    assert {"1 jour", "3 jours / 2 nuits"} <= {r["Durée"] for r in requests}
    lost = [r for r in requests if status(r) == "perdue"]
    assert {"prix", "concurrent", "dates", "pas de disponibilité"} <= {r["Motif"] for r in lost}
    assert sum(1 for r in lost if not r["Motif"]) == 1
    for r in requests:
        assert str(r["E-mail"]).endswith(("@example.org", "@example.com"))
        assert r["Téléphone"] is None or re.fullmatch(r"01 99 00 \d\d \d\d", str(r["Téléphone"]))
    assert any("réattribuée" in str(r["Commentaire"]) for r in requests)


def test_requests_name_every_kind_of_place(demo_dir: Path) -> None:
    places = [f"{r['Lieu de séjour'] or ''} | {r['Lieux souhaités'] or ''}" for r in requests_of(demo_dir)]
    text = "\n".join(places)
    for name in (
        "Gouffre de Padirac",
        "Pech Merle",
        "Capdenac-Gare",
        "st cirq lapopie",
        "ROCAMADOUR",
        "St-Céré",
    ):
        assert name in text, name
    assert any("Sarlat-la-Canéda" in p for p in places) and any("Conques, Laguiole" in p for p in places)
