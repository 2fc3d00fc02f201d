"""Benchmark of lotsync's core: raw sheets → books (parse, reconcile, settle, dashboard).

    .venv/bin/python bench/core.py [--sizes 1000,10000,100000] [--format text|json]

For each size, a fresh subprocess (hidden flag `--one SIZE`) builds synthetic
dossier sheets for three offices (deterministic, not timed), then times
`compute_books` three times with lotsync's caches cleared before each call, and
measures memory: the process's peak RSS (`ru_maxrss`) before building the rows,
once they are built and after computing, and the tracemalloc peak of one
compute call alone.
Finally `lotsync --help` is timed (best of 5). Targets are reported as
PASS/FAIL; a missed target does not change the exit status (0). The status is
1 only when a measurement could not be made (lotsync raised, for instance).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import random
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

SEED = 20261126
AS_OF = date(2026, 11, 26)
DEFAULT_SIZES = (1_000, 10_000, 100_000)
RUNS = 3
HELP_RUNS = 5
TARGET_ROWS = 100_000
TARGET_SECONDS = 2.0
TARGET_MB = 400.0
TARGET_HELP_SECONDS = 0.3
SERIAL_EPOCH = date(1899, 12, 30)
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2026, 12, 31)

# -- the offices, and how each one lays out its sheet ----------------------------


class Office(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...]
    prefix: str
    weight: float
    """Share of the collective's rows (Cahors and Dordogne are the large offices)."""
    title: tuple[tuple[Any, ...], ...]
    """Rows above the header (a title block)."""
    headers: dict[str, str]
    """Field → the header as written in this office's sheet, in column order."""
    trim: bool
    """Rows come back without their trailing empty cells (as the Google Sheets API does)."""


OFFICES = (
    Office(
        "cahors", "Office de tourisme Cahors – Vallée du Lot", ("Cahors", "OT Cahors"), "CAH",
        0.45, (("Dossiers groupes — OT Cahors Vallée du Lot",), ()),
        {
            "ref": "Référence", "client": "Client", "kind": "Prestation", "start": "Date",
            "end": "Date fin", "pax": "Pax", "status": "Statut", "amount": "Montant TTC",
            "partner": "OT partenaire", "direction": "Sens", "partner_ref": "Réf. partenaire",
            "resale": "Prix revente",
        },
        False,
    ),
    Office(
        "dordogne", "Office de tourisme Vallée de la Dordogne",
        ("Vallée de la Dordogne", "OT Dordogne", "Dordogne"), "DOR",
        0.38, (),
        {
            "ref": "N° dossier", "start": "Date d'arrivée", "end": "Date de départ",
            "client": "Groupe", "kind": "Type", "pax": "Nb pax", "status": "État",
            "amount": "Montant", "partner": "Partenaire", "direction": "Achat/Vente",
            "partner_ref": "Réf. OT", "resale": "Prix client", "note": "Commentaire",
        },
        False,
    ),
    Office(
        "figeac", "Office de tourisme Grand Figeac", ("Figeac", "Grand Figeac"), "FIG",
        0.17, (("OT Grand Figeac",), ("Suivi des groupes", None, None, "mis à jour le 20/11"), ()),
        {
            "ref": "Réf", "client": "Agence", "kind": "Produit", "start": "Date début",
            "end": "Date fin", "pax": "Participants", "status": "Statut", "amount": "Prix",
            "partner": "OT partenaire", "direction": "Sens", "partner_ref": "Réf. partenaire",
            "resale": "Prix revente",
        },
        True,
    ),
)  # fmt: skip

CLIENTS = (
    "Club des aînés de Brive", "Autocars Faure", "Lycée Champollion", "Amicale laïque de Gourdon",
    "Voyages Lacombe", "Comité d'entreprise Ratier", "Association Quercy Patrimoine",
    "Agence Terres d'Oc", "Chorale de Souillac", "Rotary Club Montauban", "Salaün Holidays",
    "Club Léo Lagrange", "Les Randonneurs du Causse", "CE Andros", "Groupama d'Oc",
)  # fmt: skip
KIND_TEXT = {
    "journée": ("journée", "Journée", "Journée groupe", "excursion"),
    "visite": ("visite", "Visite guidée", "visite de groupe"),
    "séjour": ("séjour", "Circuit", "week-end"),
    "affaires": ("séminaire", "Affaires", "congrès"),
    "autre": ("Croisière sur le Lot", "Spectacle", ""),
}
STATUS_TEXT = {
    "devis": ("devis", "Devis", "proposition"),
    "option": ("option", "Option", "en option"),
    "confirmé": ("confirmé", "Confirmé", "OK", "validé", "réservé"),
    "facturé": ("facturé", "Facturé", "facture envoyée"),
    "soldé": ("soldé", "Soldé", "payé", "réglé"),
    "annulé": ("annulé", "Annulé", "annulation"),
}
DIRECTION_TEXT = {
    "achat": ("achat", "Achat", "A", "acheté"),
    "vente": ("vente", "Vente", "V", "vendu"),
}
BROKEN = {
    "start": ("31/02/2026", "à définir", "fin mars"),
    "amount": ("environ 300 €", "300 € + 50 €", "gratuit ?"),
    "status": ("à voir", "en attente client"),
    "partner": ("Rocamadour", "OT Souillac"),
    "pax": ("une trentaine", "-5"),
}


@dataclass
class Entry:
    """One dossier row before it is written as cells (None-able fields as in the sheet)."""

    office: str
    kind: str
    start: date
    pax: int | None
    status: str
    amount: Decimal | None
    client: str = ""
    end: date | None = None
    partner: str | None = None
    direction: str | None = None
    resale: Decimal | None = None
    counterpart: Entry | None = None
    show_partner_ref: bool = False
    """Whether this row's `Réf. partenaire` holds the counterpart's reference."""
    ref: str = ""
    broken: str | None = None
    """A field written unreadably on purpose (the row is then an anomaly)."""


class Mix(NamedTuple):
    """What a generated book holds, to check that the figures exercise every path."""

    rows: int
    direct: int
    pairs: int
    pairs_by_date: int
    pairs_mismatched: int
    orphans: int
    blank: int
    broken: int
    duplicated: int


# -- generating the books (deterministic, never timed) ------------------------------


def _day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def _status(rng: random.Random, start: date) -> str:
    """Past dossiers are mostly paid or invoiced, future ones confirmed or in option."""
    if start < AS_OF - timedelta(days=45):
        return rng.choices(("soldé", "facturé", "confirmé", "annulé"), (70, 15, 8, 7))[0]
    return rng.choices(("confirmé", "option", "devis", "facturé", "annulé"), (50, 20, 15, 10, 5))[0]


def _amount(rng: random.Random, kind: str, pax: int) -> Decimal:
    per_pax = {"journée": (35, 75), "visite": (6, 14), "séjour": (180, 420), "affaires": (60, 140)}
    low, high = per_pax.get(kind, (10, 40))
    return (Decimal(pax) * Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(Decimal("0.01"))


def _direct(rng: random.Random, office: str) -> Entry:
    kind = rng.choices(tuple(KIND_TEXT), (45, 30, 12, 8, 5))[0]
    start = _day(rng)
    pax = rng.randint(8, 55)
    entry = Entry(office, kind, start, pax, _status(rng, start), _amount(rng, kind, pax))
    if kind in ("séjour", "affaires") or rng.random() < 0.05:
        entry.end = start + timedelta(days=rng.randint(0 if kind != "séjour" else 1, 4))
    if entry.status in ("devis", "annulé") and rng.random() < 0.3:
        entry.amount = None
    if rng.random() < 0.02:
        entry.pax = None
    return entry


def _pair(rng: random.Random, buyer: str, seller: str) -> tuple[Entry, Entry, str, bool]:
    """A day bought by `buyer` from `seller`: the purchase row, the sale row, how they can be
    paired ("reference" or "date") and whether they disagree on purpose."""
    kind = rng.choices(("journée", "visite"), (80, 20))[0]
    start = _day(rng)
    pax = rng.randint(10, 50)
    status = _status(rng, start)
    if status == "devis" and rng.random() < 0.5:
        status = "confirmé"
    seller_status = status
    if status in ("confirmé", "facturé", "soldé"):  # each side advances at its own pace
        seller_status = rng.choice(("confirmé", "facturé", "soldé") if start < AS_OF else ("confirmé",))
    amount = _amount(rng, kind, pax)
    purchase = Entry(buyer, kind, start, pax, status, amount, partner=seller, direction="achat")
    sale = Entry(seller, kind, start, pax, seller_status, amount, partner=buyer, direction="vente")
    purchase.counterpart, sale.counterpart = sale, purchase
    mode = rng.choices(("both", "buyer", "seller", "none"), (45, 20, 10, 25))[0]
    purchase.show_partner_ref = mode in ("both", "buyer")
    sale.show_partner_ref = mode in ("both", "seller")
    if rng.random() < 0.4:
        purchase.resale = amount if rng.random() < 0.9 else amount + Decimal("25.00")  # margin
    mismatched = rng.random() < 0.05
    if mismatched:
        what = rng.choice(("amount", "pax", "status") + (("date",) if mode != "none" else ()))
        if what == "amount":
            sale.amount = amount + Decimal(rng.choice(("10.00", "25.50", "-40.00")))
        elif what == "pax":
            sale.pax = pax + rng.choice((-2, -1, 1, 3))
        elif what == "date":
            sale.start = start + timedelta(days=1)
        else:
            purchase.status, sale.status = "option", "confirmé"
    return purchase, sale, "date" if mode == "none" else "reference", mismatched


def _orphan(rng: random.Random, office: str, partner: str) -> Entry:
    """One side of an inter-office day that the other office never recorded."""
    start = _day(rng)
    pax = rng.randint(10, 50)
    return Entry(
        office,
        "journée",
        start,
        pax,
        _status(rng, start),
        _amount(rng, "journée", pax),
        partner=partner,
        direction=rng.choice(("achat", "vente")),
    )


def generate(size: int, seed: int = SEED) -> tuple[dict[str, list[Entry | None]], Mix]:
    """`size` rows in all (blank rows included) over the offices; None is a blank row."""
    rng = random.Random(seed)
    ids = [o.id for o in OFFICES]
    weights = [o.weight for o in OFFICES]
    blank = max(1, round(size * 0.005))
    orphans = max(1, round(size * 0.003))
    pairs = round(size * 0.25 / 2)
    direct = size - blank - orphans - 2 * pairs
    books: dict[str, list[Entry]] = {o: [] for o in ids}
    for _ in range(direct):
        entry = _direct(rng, rng.choices(ids, weights)[0])
        books[entry.office].append(entry)
    by_date = mismatched = 0
    for _ in range(pairs):
        buyer = rng.choices(ids, weights)[0]
        others = [i for i in ids if i != buyer]
        seller = rng.choices(others, [w for i, w in zip(ids, weights, strict=True) if i != buyer])[0]
        purchase, sale, how, odd = _pair(rng, buyer, seller)
        books[buyer].append(purchase)
        books[seller].append(sale)
        by_date += how == "date"
        mismatched += odd
    for _ in range(orphans):
        office, partner = rng.sample(ids, 2)
        books[office].append(_orphan(rng, office, partner))

    broken = duplicated = 0
    sheets: dict[str, list[Entry | None]] = {}
    for office in OFFICES:
        entries = sorted(books[office.id], key=lambda e: e.start)  # roughly as typed
        for number, entry in enumerate(entries, 1):
            entry.ref = f"{office.prefix}-{entry.start.year}-{number:05d}"
            entry.client = f"{rng.choice(CLIENTS)} ({number % 97 + 1})"
        for index, entry in enumerate(entries):
            if entry.partner is not None or rng.random() >= 0.004:
                continue
            if rng.random() < 0.2 and index > 0:  # the same reference typed twice
                entry.ref = entries[index - 1].ref
                duplicated += 1
            else:
                entry.broken = rng.choice(tuple(BROKEN))
                broken += 1
        sheets[office.id] = list(entries)
    for _ in range(blank):
        rows = sheets[rng.choices(ids, weights)[0]]
        rows.insert(rng.randrange(len(rows) + 1), None)
    mix = Mix(size, direct, pairs, by_date, mismatched, orphans, blank, broken, duplicated)
    return sheets, mix


# -- writing entries as raw cells -------------------------------------------------


def _date_cell(rng: random.Random, day: date) -> Any:
    """70 % date cells, 15 % text (several spellings), 15 % spreadsheet serial numbers."""
    roll = rng.random()
    if roll < 0.70:
        return day
    if roll < 0.85:
        return rng.choices(
            (
                f"{day:%d/%m/%Y}",
                f"{day:%d/%m/%y}",
                day.isoformat(),
                f"{day.day} {_month(day)} {day.year}",
            ),
            (70, 10, 10, 10),
        )[0]
    serial = (day - SERIAL_EPOCH).days
    return serial if rng.random() < 0.5 else float(serial)


def _month(day: date) -> str:
    return (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    )[day.month - 1]


def _amount_cell(rng: random.Random, amount: Decimal | None) -> Any:
    """80 % number cells, 20 % French text such as `1 234,50 €`."""
    if amount is None:
        return None
    if rng.random() < 0.80:
        return int(amount) if amount == amount.to_integral_value() else float(amount)
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return rng.choice((f"{text} €", f"{text}\u00a0€", text.replace(" ", "\u202f") + " €", text))


def _pax_cell(rng: random.Random, pax: int | None) -> Any:
    if pax is None:
        return None
    roll = rng.random()
    return pax if roll < 0.85 else float(pax) if roll < 0.95 else f"{pax} pax"


def _partner_cell(rng: random.Random, partner: str | None) -> Any:
    if partner is None:
        return None
    office = next(o for o in OFFICES if o.id == partner)
    return rng.choice((office.id, office.id.capitalize(), office.name, *office.aliases))


def render(entry: Entry | None, office: Office, rng: random.Random) -> list[Any]:
    """The row's cells in `office`'s column order, as a backend would return them."""
    width = len(office.headers)
    if entry is None:
        return [] if office.trim else rng.choice(([None] * width, [""] * width))
    partner_ref = entry.counterpart.ref if entry.counterpart and entry.show_partner_ref else None
    values: dict[str, Any] = {
        "ref": entry.ref,
        "client": entry.client,
        "kind": rng.choice(KIND_TEXT[entry.kind]),
        "start": _date_cell(rng, entry.start),
        "end": _date_cell(rng, entry.end) if entry.end else None,
        "pax": _pax_cell(rng, entry.pax),
        "status": rng.choice(STATUS_TEXT[entry.status]),
        "amount": _amount_cell(rng, entry.amount),
        "partner": _partner_cell(rng, entry.partner),
        "direction": rng.choice(DIRECTION_TEXT[entry.direction]) if entry.direction else None,
        "partner_ref": partner_ref,
        "resale": _amount_cell(rng, entry.resale),
        "note": "acompte reçu" if rng.random() < 0.05 else None,
    }
    if entry.broken:
        values[entry.broken] = rng.choice(BROKEN[entry.broken])
    row = [values[field] for field in office.headers]
    if office.trim:
        while row and row[-1] in (None, ""):
            row.pop()
    return row


PAYMENT_SHARE = 0.1
"""Payment rows per inter-office day: one transfer for about ten days sold (1,250 at 100,000 rows)."""


def payment_rows(sheets: dict[str, list[Entry | None]], rng: random.Random) -> list[list[Any]]:
    """The `Règlements` tab: buyers paying sellers, as offices do: mostly one day at a time naming
    its reference, sometimes several days unnamed, sometimes a part, now and then too much or a
    reference that names nothing."""
    sales = [
        e
        for office in OFFICES
        for e in sheets[office.id]
        if e is not None and e.direction == "vente" and e.counterpart is not None and e.amount
    ]
    rows: list[list[Any]] = [["Date", "De", "À", "Montant", "Références", "Mode"]]
    for sale in rng.sample(sales, round(len(sales) * PAYMENT_SHARE)):
        assert sale.partner is not None and sale.amount is not None
        on = min(sale.start + timedelta(days=rng.randint(5, 60)), AS_OF)
        how = rng.choices(("named", "unnamed", "part", "too much", "unknown"), (60, 20, 10, 5, 5))[0]
        amount = {"part": sale.amount / 2, "too much": sale.amount + 100, "unnamed": sale.amount * 2}.get(
            how, sale.amount
        )
        reference = {"named": sale.ref, "part": sale.ref, "unknown": "FACT-INCONNUE"}.get(how, "")
        rows.append([on, sale.partner, sale.office, amount.quantize(Decimal("0.01")), reference, "virement"])
    return rows


def build_inputs(size: int) -> tuple[dict[str, Any], dict[str, Any], Mix]:
    """Each office's `Sheet` and the shared spreadsheet's `Règlements`, exactly as a backend returns
    them, and what the book holds."""
    from lotsync.core.dossiers import Sheet

    sheets, mix = generate(size)
    rng = random.Random(SEED + 1)
    offices: dict[str, Any] = {}
    for office in OFFICES:
        rows: list[list[Any]] = [list(r) for r in office.title]
        rows.append(list(office.headers.values()))
        rows.extend(render(entry, office, rng) for entry in sheets[office.id])
        offices[office.id] = Sheet(f"{office.id}-dossiers.xlsx", "Dossiers", rows)
    shared = {"payments": Sheet("collectif.xlsx", "Règlements", payment_rows(sheets, rng))}
    return offices, shared, mix


def build_config() -> Any:
    from lotsync.adapters.config import Config

    return Config.model_validate(
        {
            "shared": {"source": "collectif.xlsx"},
            "members": [
                {"id": o.id, "name": o.name, "aliases": list(o.aliases), "source": f"{o.id}.xlsx"}
                for o in OFFICES
            ],
            "fees": [{"year": 2026, "amount": Decimal("3000.00"), "paid_by": "cahors"}],
        }
    )


# -- one size, in its own process ---------------------------------------------------


def _rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _clear_caches() -> None:
    """Empty every functools cache in lotsync, so each timed call starts as a new process."""
    for name, module in list(sys.modules.items()):
        if name == "lotsync" or name.startswith("lotsync."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def measure_one(size: int) -> dict[str, Any]:
    """Build the books of `size` rows, then time and measure `compute_books`."""
    from lotsync.core.books import Inputs, compute_books

    config = build_config()
    gc.collect()
    rss_before = _rss_mb()
    started = time.perf_counter()
    offices, shared, mix = build_inputs(size)
    build_s = time.perf_counter() - started
    inputs = Inputs(offices=offices, shared=shared)
    rss_rows = _rss_mb()

    rules = config.rules()
    times: list[float] = []
    for _ in range(RUNS):
        _clear_caches()
        gc.collect()
        gc.disable()  # as `lotsync sync` calls it (lotsync.app.sync): the core itself leaves GC alone
        started = time.perf_counter()
        books = compute_books(inputs, rules, AS_OF)
        times.append(time.perf_counter() - started)
        gc.enable()
        summary = _summary(books)
        del books
    rss_after = _rss_mb()
    _clear_caches()
    gc.collect()
    started = time.perf_counter()
    del_me = compute_books(inputs, rules, AS_OF)  # the cyclic GC left on: what turning it off saves
    gc_on_s = time.perf_counter() - started
    del del_me

    _clear_caches()
    gc.collect()
    tracemalloc.start()
    books = compute_books(inputs, rules, AS_OF)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    del books
    return {
        "rows": size,
        "mix": mix._asdict(),
        "build_s": build_s,
        "times_s": times,
        "best_s": min(times),
        "first_s": times[0],
        "gc_on_s": gc_on_s,
        "rss_before_rows_mb": rss_before,
        "rss_after_rows_mb": rss_rows,
        "rss_after_compute_mb": rss_after,
        "tracemalloc_peak_mb": traced_peak,
        "books": summary,
    }


def _summary(books: Any) -> dict[str, Any]:
    statuses = Counter(s.value for line in books.reconciliation for s in line.statuses)
    return {
        "dossiers": len(books.dossiers),
        "anomalies": len(books.anomalies),
        "recon_lines": len(books.reconciliation),
        "paired_by": dict(Counter(str(line.paired_by) for line in books.reconciliation)),
        "recon_statuses": dict(statuses),
        "transfers": len(books.transfers),
        "payments": len(books.settlement.payments),
        "items": len(books.settlement.items),
        "turnover_ytd": str(books.dashboard.total.turnover),
    }


# -- lotsync --help --------------------------------------------------------------------


def measure_help() -> dict[str, Any]:
    script = Path(sys.executable).parent / "lotsync"
    found = str(script) if script.exists() else shutil.which("lotsync")
    if found is None or importlib.util.find_spec("lotsync.cli.commands") is None:
        return {"available": False}
    times: list[float] = []
    for _ in range(HELP_RUNS):
        started = time.perf_counter()
        done = subprocess.run([found, "--help"], capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [""])[-1]
            return {"available": True, "error": f"exit {done.returncode}: {last}"}
    return {"available": True, "best_s": min(times), "times_s": times}


# -- the report ----------------------------------------------------------------------


def run_sizes(sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    for size in sizes:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(size)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            results.append({"rows": size, "error": f"exit {done.returncode}: {last}"})
        else:
            results.append(json.loads(done.stdout))
    return results


def targets(results: list[dict[str, Any]], help_: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    big = next((r for r in results if r["rows"] == TARGET_ROWS), None)
    if big is not None:
        ok = "error" not in big
        checks.append(
            {
                "target": f"{TARGET_ROWS:,} rows: compute ≤ {TARGET_SECONDS:g} s (best of {RUNS})",
                "value": f"{big['best_s']:.3f} s" if ok else big["error"],
                "pass": ok and big["best_s"] <= TARGET_SECONDS,
            }
        )
        checks.append(
            {
                "target": f"{TARGET_ROWS:,} rows: peak RSS ≤ {TARGET_MB:g} MB",
                "value": f"{big['rss_after_compute_mb']:.0f} MB" if ok else big["error"],
                "pass": ok and big["rss_after_compute_mb"] <= TARGET_MB,
            }
        )
    if help_["available"]:
        ok = "error" not in help_
        checks.append(
            {
                "target": f"lotsync --help ≤ {TARGET_HELP_SECONDS:g} s (best of {HELP_RUNS})",
                "value": f"{help_['best_s']:.3f} s" if ok else help_["error"],
                "pass": ok and help_["best_s"] <= TARGET_HELP_SECONDS,
            }
        )
    return checks


def print_text(results: list[dict[str, Any]], help_: dict[str, Any], checks: list[dict]) -> None:
    print(f"lotsync core benchmark — compute_books(as_of={AS_OF}), {len(OFFICES)} offices, seed {SEED}")
    print("time: best and first of 3 calls, lotsync caches cleared before each call;")
    print("  the first call also pays lotsync's lazy imports (pandas, babel).")
    print("RSS: ru_maxrss (peak) of a fresh process: before building rows, with the rows built,")
    print("  and after computing (the figure checked against the target);")
    print("  tracemalloc: peak Python allocations of one compute call alone.\n")
    head = (
        f"{'rows':>8} {'best s':>8} {'first s':>8} {'rows/s':>9} {'RSS before':>11} "
        f"{'RSS rows':>9} {'RSS peak':>9} {'traced':>8}   {'dossiers':>8} {'anomal.':>7} {'recon':>6} "
        f"{'ok':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        if "error" in r:
            print(f"{r['rows']:>8,} failed: {r['error']}")
            continue
        b = r["books"]
        print(
            f"{r['rows']:>8,} {r['best_s']:>8.3f} {r['first_s']:>8.3f} "
            f"{r['rows'] / r['best_s']:>9,.0f} {r['rss_before_rows_mb']:>8.0f} MB "
            f"{r['rss_after_rows_mb']:>6.0f} MB "
            f"{r['rss_after_compute_mb']:>6.0f} MB {r['tracemalloc_peak_mb']:>5.0f} MB   "
            f"{b['dossiers']:>8,} {b['anomalies']:>7,} {b['recon_lines']:>6,} "
            f"{b['recon_statuses'].get('ok', 0):>6,}"
        )
    for r in results:
        if "error" not in r:
            m, b = r["mix"], r["books"]
            print(
                f"\n{r['rows']:,} rows generated in {r['build_s']:.2f} s (not timed): "
                f"{m['direct']:,} direct, {m['pairs']:,} inter-office pairs "
                f"({m['pairs_by_date']:,} without refs, {m['pairs_mismatched']:,} mismatched), "
                f"{m['orphans']} orphans, {m['blank']} blank, {m['broken']} broken, "
                f"{m['duplicated']} duplicated refs"
            )
            print(f"  reconciliation: {b['recon_statuses']}; paired by {b['paired_by']}")
            print(
                f"  settlement: {b['payments']:,} payment rows matched against {b['items']:,} items; "
                f"{b['transfers']} transfers (gross mode)"
            )
            print(
                f"  with the cyclic GC left on: {r['gc_on_s']:.3f} s, "
                f"{r['gc_on_s'] / r['best_s']:.2f}× the best GC-off call (caches cleared alike)"
            )
    if help_["available"]:
        value = help_.get("error") or f"{help_['best_s']:.3f} s (best of {HELP_RUNS})"
        print(f"\nlotsync --help: {value}")
    else:
        print("\nlotsync --help: not available yet")
    print("\nTargets:")
    for c in checks:
        print(f"  {'PASS' if c['pass'] else 'FAIL'}  {c['target']}: {c['value']}")
    if not any(r["rows"] == TARGET_ROWS for r in results):
        print(f"  (no {TARGET_ROWS:,}-row size run: compute targets not checked)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated row counts (default: %(default)s)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure_one(args.one)))
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 10:
        parser.error("--sizes: each size must be at least 10 rows")
    results = run_sizes(sizes)
    help_ = measure_help()
    checks = targets(results, help_)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "as_of": AS_OF.isoformat(),
                    "seed": SEED,
                    "sizes": results,
                    "help": help_,
                    "targets": checks,
                },
                indent=2,
            )
        )
    else:
        print_text(results, help_, checks)
    failed = any("error" in r for r in results) or "error" in help_
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
