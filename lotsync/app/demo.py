"""Demo data: three offices' dossier sheets, the shared workbook and a configuration.

Everything is drawn from fixed seeds and a fixed "today", so `write_demo` always
writes the same cells. The sheets look like the offices' real ones (places and
groups of the Lot, each office's own header wording, French amounts and dates,
a few typos), and they exercise every reconciliation status and every row-level
anomaly lotsync reports: the demo doubles as a realistic test fixture.

The shared workbook's `Règlements` tab records the transfers the offices' accountants made in
2026, one for each way lotsync matches a payment to what it pays (an invoice number, a dossier
reference of either side, a cost's label, several items, nothing named, a partial payment, an
overpayment), and one for each slip a payment row can carry. Its `Demandes` tab holds about forty
group requests from the collective's website (2025 and 2026, and three closed in 2023 that are due
for deletion), fixed data rather than drawn: every status, late and on-time ones, the places lotsync
routes by (accents, case, `St-`, a named site, an Aveyron commune, places outside the collective),
and the dossiers the confirmed ones became, read off the generated sheets.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import permutations
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

SEED = 2026
YEARS = (2025, 2026)
DEMO_TODAY = date(2026, 11, 26)
"""The demo's fixed "today": rows carry the statuses the offices would show on that day."""
DIRECT_ROWS_PER_YEAR = 110
"""Dossiers of an office's own clients, per year (inter-office days come on top)."""
DAYS_PER_PAIR_PER_YEAR = 10
"""Days each office buys from each other office, per year."""
TEXT_DATE_RATE = 0.06
TEXT_AMOUNT_RATE = 0.08
SELLER_INVOICE_RATE = 0.92
"""Share of invoiced (`facturé`, `soldé`) rows whose seller typed the invoice number."""
BUYER_INVOICE_RATE = 0.8
"""Share of bought days whose buyer typed the number of the invoice it received."""

CONFIG_FILE = "lotsync.toml"
SHARED_FILE = "collectif.xlsx"
DOSSIERS_TAB = "Dossiers"
EXPENSES_TAB = "Dépenses communes"
PAYMENTS_TAB = "Règlements"
MONEY_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
CREATED = datetime(2025, 1, 6, 9, 0)
"""Fixed creation time in the workbooks' properties (openpyxl stamps "modified" itself)."""

# fmt: off
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)
MONTH_WEIGHTS = (2, 3, 5, 8, 10, 10, 9, 8, 10, 8, 3, 2)
"""Group travel peaks in spring and early autumn."""

COLUMN_WIDTHS = {
    "ref": 14, "client": 36, "notes": 40, "kind": 16, "start": 14, "end": 14, "pax": 10,
    "status": 14, "amount": 14, "partner": 26, "direction": 12, "partner_ref": 15, "resale": 14,
    "invoice": 14,
}
# fmt: on


# -- the offices ----------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """An office of the collective, and how its own sheet is written."""

    id: str
    name: str
    aliases: tuple[str, ...]
    emails: tuple[str, ...]
    ref_format: str
    """How its references look; `yy` is the year on two digits, `n` a counter."""
    invoice_format: str
    """How its invoice numbers look (same fields): each office numbers its own invoices."""
    columns: tuple[tuple[str, str], ...]
    """(field, header as typed) in sheet order; the field "notes" is a column lotsync ignores."""
    places: tuple[str, ...]
    kind_words: Mapping[str, tuple[str, ...]]
    status_words: Mapping[str, tuple[str, ...]]
    direction_words: Mapping[str, str]
    partner_words: Mapping[str, str]
    """How this office names each other office in its `partner` column."""
    header_fill: str
    fills_end: bool
    """Whether it types an end date on one-day rows too."""
    title: tuple[str, ...] = ()
    """Lines above the header row ("" for a blank line)."""


# fmt: off
CAHORS = Office(
    id="cahors",
    name="Office de tourisme Cahors – Vallée du Lot",
    aliases=("OT Cahors", "Cahors", "Cahors Vallée du Lot"),
    emails=("florence.cahors@example.org", "claire.cahors@example.org"),
    ref_format="CAH-{yy}-{n:03d}",
    invoice_format="FA-{year}-{n:04d}",
    columns=(
        ("ref", "Référence"), ("client", "Client"), ("notes", "Programme"), ("kind", "Prestation"),
        ("start", "Date"), ("end", "Date fin"), ("pax", "Pax"), ("status", "Statut"),
        ("amount", "Montant TTC"), ("invoice", "N° facture"), ("partner", "OT partenaire"),
        ("direction", "Sens"), ("partner_ref", "Réf. partenaire"), ("resale", "Prix revente"),
    ),
    places=(
        "Cahors, pont Valentré et vieille ville", "Saint-Cirq-Lapopie", "Grotte du Pech Merle",
        "Luzech et l'oppidum de l'Impernal", "Château de Cènevières", "Bouziès, chemin de halage",
        "Croisière sur le Lot", "Vignoble de Cahors, dégustation au château", "Puy-l'Évêque",
        "Marché aux truffes de Lalbenque",
    ),
    kind_words={
        "journée": ("journée",), "visite": ("visite",), "séjour": ("séjour",),
        "affaires": ("affaires", "séminaire", "congrès"),
        "autre": ("billetterie", "location de salle", "transfert gare"),
    },
    status_words={
        "devis": ("devis",), "option": ("option",), "confirmé": ("confirmé",),
        "facturé": ("facturé",), "soldé": ("soldé",), "annulé": ("annulé",),
    },
    direction_words={"achat": "achat", "vente": "vente"},
    partner_words={"dordogne": "Vallée de la Dordogne", "figeac": "Figeac"},
    header_fill="1F4E78",
    fills_end=False,
)

DORDOGNE = Office(
    id="dordogne",
    name="Office de tourisme Vallée de la Dordogne",
    aliases=("OT Vallée de la Dordogne", "Vallée de la Dordogne", "Dordogne"),
    emails=("marine.dordogne@example.org",),
    ref_format="VD{year}-{n:04d}",
    invoice_format="F{yy}-{n:03d}",
    columns=(
        ("ref", "N° dossier"), ("client", "Groupe"), ("kind", "Type"), ("start", "Date d'arrivée"),
        ("end", "Date de départ"), ("notes", "Descriptif"), ("pax", "Nb pax"), ("status", "État"),
        ("invoice", "Facture"), ("amount", "Montant"), ("partner", "Partenaire"),
        ("direction", "Achat/Vente"), ("partner_ref", "Réf. OT"), ("resale", "Prix client"),
    ),
    places=(
        "Rocamadour", "Gouffre de Padirac", "Collonges-la-Rouge", "Autoire", "Loubressac",
        "Martel et le train du Haut-Quercy", "Souillac", "Grottes de Lacave", "Carennac",
        "Château de Castelnau-Bretenoux", "Turenne", "Curemonte",
    ),
    kind_words={
        "journée": ("Journée", "Excursion"), "visite": ("Visite guidée",), "séjour": ("Séjour", "Circuit"),
        "affaires": ("Séminaire",), "autre": ("Repas spectacle", "Croisière gabare"),
    },
    status_words={
        "devis": ("Devis",), "option": ("Option",), "confirmé": ("OK", "Confirmé"),
        "facturé": ("Facturé",), "soldé": ("Payé", "payé"), "annulé": ("Annulé",),
    },
    direction_words={"achat": "Achat", "vente": "Vente"},
    partner_words={"cahors": "OT Cahors", "figeac": "OT Grand Figeac"},
    header_fill="548235",
    fills_end=True,
)

FIGEAC = Office(
    id="figeac",
    name="Office de tourisme Grand Figeac",
    aliases=("OT Grand Figeac", "Grand Figeac", "Figeac"),
    emails=("isabelle.figeac@example.org",),
    ref_format="GF/{yy}/{n:03d}",
    invoice_format="T{yy}-{n:04d}",
    columns=(
        ("start", " date début "), ("end", "DATE FIN"), ("ref", "  RÉF "), ("client", "Agence"),
        ("kind", "Produit"), ("notes", "Programme / observations"), ("pax", "Participants"),
        ("amount", "Total"), ("status", "statut "), ("partner", "partenaire"), ("direction", "SENS"),
        ("partner_ref", "Réf partenaire"), ("resale", "Prix  revente"), ("invoice", "N° titre"),
    ),
    places=(
        "Figeac, musée Champollion", "Capdenac-le-Haut", "Écomusée de Cuzals", "Marcilhac-sur-Célé",
        "Cardaillac", "Espagnac-Sainte-Eulalie", "Assier", "Grotte de Foissac", "Peyrusse-le-Roc",
        "Vallée du Célé à vélo",
    ),
    kind_words={
        "journée": ("journée groupe", "excursion"), "visite": ("visite groupe",),
        "séjour": ("week-end", "séjour"), "affaires": ("congrès",), "autre": ("atelier scolaire",),
    },
    status_words={
        "devis": ("devis",), "option": ("en option",), "confirmé": ("validé", "CONFIRMÉ", "Validée"),
        "facturé": ("facture envoyée", "facturé"), "soldé": ("soldé", "réglé", "SOLDE"),
        "annulé": ("ANNULÉ", "annulée"),
    },
    direction_words={"achat": "acheté", "vente": "vendu"},
    partner_words={"cahors": "cahors", "dordogne": "Dordogne"},
    header_fill="C55A11",
    fills_end=False,
    title=("Office de tourisme Grand Figeac — suivi des dossiers groupes", "Mis à jour par Isabelle", ""),
)

OFFICES = (CAHORS, DORDOGNE, FIGEAC)
BY_ID = {o.id: o for o in OFFICES}

GROUPS = (
    "Club des aînés de Brive", "Autocars Delmas", "Amicale des retraités de Rodez",
    "Générations Mouvement du Cantal", "Association Les Amis du Vieux Montauban",
    "Club de randonnée de Villefranche-de-Rouergue", "Chorale À Cœur Joie de Tulle",
    "Lycée Champollion – voyage scolaire", "Agence Quercy Voyages", "Occitanie Découverte",
    "Voyages Cantal Évasion", "Comité des fêtes d'Aurillac", "Université du temps libre d'Agen",
    "Association culturelle de Périgueux", "Autocars Verdié", "Club photo de Castres",
    "Amicale laïque de Gourdon", "Anciens de la SNCF de Limoges", "Agence Terres d'Oc Voyages",
    "Club Léo Lagrange de Toulouse",
)
BUSINESS_CLIENTS = (
    "Séminaire CCI du Lot", "Congrès régional des notaires", "Assemblée générale Groupama d'Oc",
    "Convention Ratier-Figeac", "Journée d'étude du CAUE du Lot", "Séminaire Crédit Agricole",
)
KIND_MIX = {"journée": 35, "visite": 30, "séjour": 15, "affaires": 10, "autre": 10}
# fmt: on


# -- the rows -------------------------------------------------------------------


@dataclass(eq=False)
class Row:
    """One dossier row as the demo means it; `raw` holds cells typed by hand (typos)."""

    office: str
    client: str
    programme: str
    kind: str
    start: date
    end: date | None
    pax: int
    status: str
    amount: Decimal
    partner: str | None = None
    direction: str | None = None
    cites: Row | None = None
    """The partner's row whose reference this row writes in its `partner_ref` column."""
    resale: Decimal | None = None
    same_ref_as: Row | None = None
    """A copy-paste slip: this row repeats another row's reference."""
    raw: dict[str, Any] = field(default_factory=dict)
    ref: str = ""
    bought_from: Row | None = None
    """On the buyer's row of a day: the seller's row (whose invoice the buyer receives)."""
    invoice: str | None = None
    """`N° facture`: the invoice issued (a sale, a direct dossier) or received (a purchase)."""
    always_invoiced: bool = False
    """A row a payment cites: it carries its invoice number whatever the draw."""
    invoice_slip: bool = False
    """The buyer keyed the invoice number it received with two digits swapped."""


class Ledger:
    """Every office's rows, and the (buyer, seller, day) slots already used by a day.

    Days paired without references are matched on the office pair and the date:
    keeping those slots unique makes every pairing the intended one.
    """

    def __init__(self) -> None:
        self.rows: dict[str, list[Row]] = {o.id: [] for o in OFFICES}
        self.taken: set[tuple[str, str, date]] = set()
        self.cases: dict[str, tuple[Row, Row]] = {}
        """Hand-made days by the case they show, for the payments that cite them."""
        self.payments: list[PaymentLine] = []
        """The rows of the `Règlements` tab, in sheet order."""

    def add(self, *rows: Row) -> None:
        for row in rows:
            self.rows[row.office].append(row)
            if row.partner and row.direction:
                buyer, seller = (
                    (row.office, row.partner) if row.direction == "achat" else (row.partner, row.office)
                )
                self.taken.add((buyer, seller, row.start))

    def free_day(self, rng: random.Random, buyer: str, seller: str, year: int) -> date:
        while True:
            day = pick_day(rng, year)
            if (buyer, seller, day) not in self.taken:
                return day


def pick_day(rng: random.Random, year: int) -> date:
    month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
    return date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def status_on(rng: random.Random, day: date) -> str:
    """What an office's sheet says of a dossier on `DEMO_TODAY`, given when it takes place."""
    if day < date(2026, 9, 1):
        options = {"soldé": 80, "facturé": 5, "confirmé": 5, "annulé": 10}
    elif day <= DEMO_TODAY:
        options = {"facturé": 45, "confirmé": 30, "soldé": 20, "annulé": 5}
    else:
        options = {"confirmé": 50, "option": 27, "devis": 15, "annulé": 8}
    return rng.choices(list(options), weights=list(options.values()))[0]


def price(rng: random.Random, kind: str, pax: int, nights: int) -> Decimal:
    """A plausible price incl. VAT: per head for days and stays, flat for visits and the rest."""
    if kind == "journée":
        return Decimal(pax) * Decimal(rng.randint(48, 130)) / 2
    if kind == "séjour":
        return Decimal(pax * max(nights, 1) * rng.randint(85, 140))
    if kind == "affaires":
        return Decimal(rng.randrange(1500, 9000, 50)) + Decimal(rng.choice((0, 50))) / 100
    if kind == "visite":
        return Decimal(rng.randrange(160, 420, 5))
    return Decimal(rng.randrange(80, 900, 5))


def direct_row(rng: random.Random, office: Office, year: int) -> Row:
    """A dossier of the office's own client: no partner."""
    kind = rng.choices(list(KIND_MIX), weights=list(KIND_MIX.values()))[0]
    day = pick_day(rng, year)
    nights = rng.randint(1, 4) if kind == "séjour" else rng.choice((0, 0, 1)) if kind == "affaires" else 0
    pax = rng.randint(20, 180) if kind == "affaires" else rng.randint(12, 55)
    client = rng.choice(BUSINESS_CLIENTS if kind == "affaires" else GROUPS)
    programme = rng.choice(office.places)
    if kind in ("journée", "séjour") and rng.random() < 0.5:
        programme += " + " + rng.choice([p for p in office.places if p != programme])
    end = day + timedelta(days=nights) if nights or office.fills_end else None
    return Row(
        office.id, client, programme, kind, day, end, pax, status_on(rng, day), price(rng, kind, pax, nights)
    )


def day_pair(
    buyer: Office,
    seller: Office,
    day: date,
    client: str,
    programme: str,
    *,
    kind: str = "journée",
    pax: int,
    amount: Decimal,
    status: str,
    refs: str = "both",
) -> tuple[Row, Row]:
    """The buyer's `achat` row and the seller's `vente` row for one day, agreeing on everything.

    `refs` says who writes the other's reference: "both", "buyer", "seller" or "none".
    The buyer calls an invoice it received "confirmé": only the seller invoices.
    """

    def side(office: Office, other: Office, who: str, direction: str, row_status: str) -> Row:
        end = day if office.fills_end else None
        row = Row(office.id, who, programme, kind, day, end, pax, row_status, amount)
        row.partner, row.direction = other.id, direction
        return row

    purchase = side(buyer, seller, client, "achat", {"facturé": "confirmé"}.get(status, status))
    sale = side(seller, buyer, f"{buyer.aliases[0]} – {client}", "vente", status)
    purchase.bought_from = sale
    if refs in ("both", "buyer"):
        purchase.cites = sale
    if refs in ("both", "seller"):
        sale.cites = purchase
    return purchase, sale


def random_pair(rng: random.Random, buyer: Office, seller: Office, year: int, ledger: Ledger) -> None:
    """A day the buyer's group spends in the seller's territory, recorded alike on both sides."""
    day = ledger.free_day(rng, buyer.id, seller.id, year)
    kind = "visite" if rng.random() < 0.2 else "journée"
    pax = rng.randint(18, 52)
    purchase, sale = day_pair(
        buyer,
        seller,
        day,
        rng.choice(GROUPS),
        rng.choice(seller.places),
        kind=kind,
        pax=pax,
        amount=price(rng, kind, pax, 0),
        status=status_on(rng, day),
        refs=rng.choices(("both", "buyer", "seller", "none"), weights=(4, 3, 2, 2))[0],
    )
    if rng.random() < 0.35:
        purchase.resale = purchase.amount
    ledger.add(purchase, sale)


# -- hand-made cases: every reconciliation status and every row-level anomaly ---------


def euros(text: str) -> Decimal:
    return Decimal(text)


def add_reconciliation_cases(ledger: Ledger) -> None:
    """One day per discrepancy lotsync must explain (the random days all agree)."""
    # fmt: off
    # amount_mismatch: Vallée de la Dordogne still uses last year's rate.
    purchase, sale = day_pair(DORDOGNE, CAHORS, date(2026, 5, 12), "Club des aînés de Brive",
                              "Saint-Cirq-Lapopie", pax=42, amount=euros("1512.00"), status="facturé")
    purchase.amount = euros("1470.00")
    ledger.add(purchase, sale)
    ledger.cases["amount_mismatch"] = purchase, sale
    # pax_mismatch: three more participants announced to Figeac's partner only.
    purchase, sale = day_pair(FIGEAC, DORDOGNE, date(2026, 6, 18), "Amicale des retraités de Rodez",
                              "Gouffre de Padirac", kind="visite", pax=38, amount=euros("320.00"),
                              status="soldé", refs="buyer")
    sale.pax = 35
    ledger.add(purchase, sale)
    ledger.cases["pax_mismatch"] = purchase, sale
    # invoice_mismatch: Figeac keyed the number of the invoice it received with two digits swapped.
    purchase, sale = day_pair(FIGEAC, DORDOGNE, date(2026, 10, 1), "Autocars Delmas",
                              "Loubressac + Autoire", pax=39, amount=euros("1248.00"), status="facturé")
    purchase.invoice_slip = True
    ledger.add(purchase, sale)
    ledger.cases["invoice_mismatch"] = purchase, sale
    # date_mismatch: the day was moved at Figeac, not at Cahors.
    purchase, sale = day_pair(CAHORS, FIGEAC, date(2026, 9, 3), "Agence Quercy Voyages",
                              "Figeac, musée Champollion", pax=30, amount=euros("1020.00"), status="facturé")
    sale.start = date(2026, 9, 4)
    ledger.add(purchase, sale)
    # status_mismatch: cancelled by the buyer, still confirmed by the seller.
    purchase, sale = day_pair(DORDOGNE, FIGEAC, date(2026, 10, 8), "Générations Mouvement du Cantal",
                              "Écomusée de Cuzals", pax=46, amount=euros("1288.00"), status="confirmé",
                              refs="seller")
    purchase.status = "annulé"
    ledger.add(purchase, sale)
    # status_mismatch: still an option at Cahors, confirmed at Vallée de la Dordogne.
    purchase, sale = day_pair(CAHORS, DORDOGNE, date(2026, 12, 5), "Club photo de Castres", "Rocamadour",
                              pax=25, amount=euros("862.50"), status="confirmé", refs="none")
    purchase.status = "option"
    ledger.add(purchase, sale)
    # margin: Cahors resells a bought day 10 % above its price.
    purchase, sale = day_pair(CAHORS, DORDOGNE, date(2026, 4, 16), "Association culturelle de Périgueux",
                              "Rocamadour", pax=38, amount=euros("1140.00"), status="soldé")
    purchase.resale = euros("1254.00")
    ledger.add(purchase, sale)
    # missing_sale: Cahors never recorded the day Figeac bought.
    purchase, _ = day_pair(FIGEAC, CAHORS, date(2026, 7, 22), "Amicale laïque de Gourdon",
                           "Saint-Cirq-Lapopie", pax=48, amount=euros("1560.00"), status="confirmé",
                           refs="none")
    ledger.add(purchase)
    # missing_purchase: Cahors never recorded the day it bought at Padirac.
    _, sale = day_pair(CAHORS, DORDOGNE, date(2026, 8, 27), "Université du temps libre d'Agen",
                       "Gouffre de Padirac", pax=33, amount=euros("1006.50"), status="facturé", refs="none")
    ledger.add(sale)
    # duplicate: two days sold to Vallée de la Dordogne, the second row copied with its reference.
    first = day_pair(DORDOGNE, CAHORS, date(2026, 6, 23), "Voyages Cantal Évasion",
                     "Cahors, pont Valentré et vieille ville", pax=36, amount=euros("1134.00"),
                     status="facturé")
    second = day_pair(DORDOGNE, CAHORS, date(2026, 6, 24), "Voyages Cantal Évasion", "Saint-Cirq-Lapopie",
                      pax=36, amount=euros("1206.00"), status="facturé", refs="buyer")
    # fmt: on
    second[1].same_ref_as = first[1]
    ledger.add(*first, *second)


def own_row(
    office: Office, day: date, client: str, programme: str, kind: str, pax: int, status: str, amount: str
) -> Row:
    """A dossier of the office's own client, as a slip below starts from."""
    end = day if office.fills_end else None
    return Row(office.id, client, programme, kind, day, end, pax, status, euros(amount))


def add_anomaly_cases(ledger: Ledger) -> None:
    """A few realistic slips per office, one for each problem a row can have."""
    # fmt: off
    # cahors: its own office as partner, a letter O in an amount, a partner without direction.
    row = own_row(CAHORS, date(2026, 5, 28), "Autocars Delmas", "Cahors, pont Valentré et vieille ville",
                  "journée", 44, "confirmé", "1386.00")
    row.direction, row.raw["partner"] = "vente", "OT Cahors"
    ledger.add(row)
    row = own_row(CAHORS, date(2026, 3, 19), "Club de randonnée de Villefranche-de-Rouergue",
                  "Grotte du Pech Merle", "journée", 40, "soldé", "1205.00")
    row.raw["amount"] = "1 2O5,00 €"
    ledger.add(row)
    purchase, sale = day_pair(CAHORS, FIGEAC, date(2026, 6, 4), "Chorale À Cœur Joie de Tulle",
                              "Figeac, musée Champollion", pax=28, amount=euros("812.00"), status="soldé",
                              refs="none")
    purchase.direction = None
    ledger.add(purchase, sale)
    # dordogne: a 31 June, a status of its own, a place instead of an office, swapped dates.
    row = own_row(DORDOGNE, date(2026, 6, 30), "Anciens de la SNCF de Limoges",
                  "Rocamadour + Gouffre de Padirac", "séjour", 41, "confirmé", "9840.00")
    row.end, row.raw["start"] = date(2026, 7, 2), "31/06/2026"
    ledger.add(row)
    row = own_row(DORDOGNE, date(2026, 12, 12), "Comité des fêtes d'Aurillac", "Collonges-la-Rouge",
                  "visite", 30, "option", "240.00")
    row.raw["status"] = "à relancer"
    ledger.add(row)
    purchase, sale = day_pair(DORDOGNE, CAHORS, date(2026, 9, 17), "Autocars Verdié", "Saint-Cirq-Lapopie",
                              pax=50, amount=euros("1625.00"), status="facturé", refs="seller")
    purchase.partner, purchase.raw["partner"] = None, "Saint-Cirq-Lapopie"
    ledger.add(purchase, sale)
    row = own_row(DORDOGNE, date(2026, 5, 14), "Club Léo Lagrange de Toulouse",
                  "Souillac + Grottes de Lacave", "séjour", 34, "soldé", "6936.00")
    row.end, row.raw["end"] = date(2026, 5, 16), date(2026, 5, 12)
    ledger.add(row)
    # figeac: a new row not numbered yet, a head count given as a range, an abbreviated direction.
    row = own_row(FIGEAC, date(2026, 12, 15), "Agence Terres d'Oc Voyages", "Cardaillac + Assier",
                  "journée", 26, "option", "910.00")
    row.raw["ref"] = None
    ledger.add(row)
    row = own_row(FIGEAC, date(2026, 10, 21), "Club des aînés de Brive", "Capdenac-le-Haut", "visite", 38,
                  "facturé", "210.00")
    row.raw["pax"] = "35 à 40"
    ledger.add(row)
    purchase, sale = day_pair(CAHORS, FIGEAC, date(2026, 11, 5), "Occitanie Découverte",
                              "Marcilhac-sur-Célé", pax=22, amount=euros("594.00"), status="facturé",
                              refs="buyer")
    sale.raw["direction"] = "Vte"
    ledger.add(purchase, sale)
    # fmt: on


# -- the payments of `Règlements`: every matching case and every slip of a payment row ---------


@dataclass(frozen=True)
class Cite:
    """A reference a payment names, read off a demo row once numbers are assigned."""

    row: Row
    what: str = "invoice"
    """"invoice" (the row's `N° facture`) or "ref" (its own dossier reference)."""

    def text(self) -> str:
        value = getattr(self.row, self.what)
        if not value:
            raise ValueError(f"demo row of {self.row.office} on {self.row.start} has no {self.what}")
        return str(value)


@dataclass(frozen=True)
class PaymentLine:
    """One row of `Règlements` as an accountant typed it, and what it shows (the comment)."""

    on: date | str
    """The date cell (a string is a date typed as text)."""
    payer: str
    payee: str
    """The offices as the accountant names them: id, name or alias."""
    amount: Decimal | str
    """A number cell, or an amount typed as text."""
    references: tuple[Cite | str, ...]
    mode: str
    comment: str
    """A column lotsync ignores: what the accountant noted, and what lotsync makes of the row."""
    separator: str = "; "


def add_settlement_cases(ledger: Ledger) -> None:
    """Days invoiced in 2026, and the `Règlements` rows that pay them, in the order typed.

    Payments are applied in date order: each comment says what lotsync makes of its row. One
    row per way a payment is matched (an invoice number, either side's dossier reference, a
    cost's or a fee's label, several items, nothing named: the oldest items first), a partial
    payment, an overpayment (a refund owed back), an unknown reference, two references to what
    was already settled (a `soldé` day, a day an earlier payment paid), and the three slips that
    leave a payment row out (an office outside the collective, no amount, an impossible date).
    """

    def invoiced(
        buyer: Office, seller: Office, day: date, client: str, programme: str, pax: int, amount: str
    ) -> tuple[Row, Row]:
        purchase, sale = day_pair(
            buyer, seller, day, client, programme, pax=pax, amount=euros(amount), status="facturé"
        )
        ledger.add(purchase, sale)
        return purchase, sale

    # fmt: off
    _, d1 = invoiced(CAHORS, DORDOGNE, date(2026, 4, 9), "Amicale des retraités de Rodez",
                     "Rocamadour", 40, "1380.00")
    _, d2 = invoiced(DORDOGNE, FIGEAC, date(2026, 5, 7), "Club des aînés de Brive",
                     "Figeac, musée Champollion", 32, "960.00")
    d3, _ = invoiced(FIGEAC, DORDOGNE, date(2026, 6, 11), "Association Les Amis du Vieux Montauban",
                     "Collonges-la-Rouge", 45, "1102.50")
    _, d4 = invoiced(CAHORS, FIGEAC, date(2026, 7, 9), "Lycée Champollion – voyage scolaire",
                     "Vallée du Célé à vélo", 35, "1150.00")
    _, d5 = invoiced(DORDOGNE, CAHORS, date(2026, 7, 16), "Autocars Verdié", "Croisière sur le Lot",
                     44, "1254.00")
    _, d6 = invoiced(DORDOGNE, CAHORS, date(2026, 8, 6), "Université du temps libre d'Agen",
                     "Puy-l'Évêque", 28, "798.00")
    _, d7 = invoiced(FIGEAC, CAHORS, date(2026, 9, 24), "Chorale À Cœur Joie de Tulle",
                     "Saint-Cirq-Lapopie", 42, "1764.00")
    partial = ledger.cases["amount_mismatch"][1]
    settled = ledger.cases["pax_mismatch"][1]
    slip = ledger.cases["invoice_mismatch"][0]
    for row in (d1, d2, d3, d4, d5, d6, d7, partial, settled, slip, slip.bought_from):
        if row is not None:
            row.always_invoiced = True
    eductour = "eductour de printemps (3 jours) – hébergement, repas, transport"
    fee = "cotisation Club Destination Groupes ADN Tourisme 2026"
    ledger.payments.extend((
        PaymentLine(date(2026, 2, 16), "OT Cahors", "OT Vallée de la Dordogne", euros("1091.67"),
                    (eductour,), "mandat administratif",
                    "La part de Cahors de l'éductour de printemps 2025, nommée par le libellé de la "
                    "dépense."),
        PaymentLine(date(2026, 3, 5), "Grand Figeac", "Dordogne", euros("1000.00"), (fee,), "mandat",
                    "La part de Figeac de la cotisation 2026, nommée par son libellé (la casse ne compte "
                    "pas)."),
        PaymentLine(date(2026, 4, 15), "Lot Tourisme", "OT Cahors", euros("520.00"),
                    ("Salon des seniors de Lyon – stand",), "virement",
                    "Lot Tourisme n'est pas membre du collectif : la ligne est signalée et laissée de côté."),
        PaymentLine(date(2026, 5, 20), "cahors", "dordogne", d1.amount, (Cite(d1),), "mandat administratif",
                    "La journée du 9 avril à Rocamadour, nommée par le numéro de la facture de Dordogne."),
        PaymentLine(date(2026, 6, 2), "Vallée de la Dordogne", "OT Grand Figeac", d2.amount,
                    (Cite(d2, "ref"),), "virement",
                    "La journée du 7 mai à Figeac, nommée par la référence du dossier de Figeac."),
        PaymentLine(date(2026, 6, 22), "Figeac", "Dordogne", d3.amount, (Cite(d3, "ref"),), "mandat",
                    "La journée du 11 juin à Collonges-la-Rouge, nommée par la référence du dossier de "
                    "Figeac, l'acheteur."),
        PaymentLine(date(2026, 6, 30), "Dordogne", "Cahors", "1 470,00 €", (Cite(partial),), "virement",
                    "Payé au prix du tableur de Dordogne (1 470,00 €) quand Cahors a facturé 1 512,00 € : "
                    "42,00 € restent dus."),
        PaymentLine(date(2026, 7, 1), "OT Cahors", "OT Vallée de la Dordogne", d1.amount, (Cite(d1),),
                    "virement",
                    "La facture du 9 avril payée une seconde fois : signalée, et imputée sur les plus "
                    "anciens éléments que Cahors doit à Dordogne."),
        PaymentLine(date(2026, 7, 8), "Grand Figeac", "Vallée de la Dordogne", settled.amount,
                    (Cite(settled),), "mandat",
                    "Une facture déjà soldée chez Dordogne : signalée, et imputée sur les plus anciens "
                    "éléments que Figeac doit à Dordogne."),
        PaymentLine(date(2026, 8, 25), "Cahors", "Figeac", d4.amount, (Cite(d4), "mandat n° 2026-457"),
                    "mandat administratif",
                    "Le titre de Figeac et le numéro de mandat de Cahors, que lotsync ne connaît pas "
                    "(signalé).", separator="\n"),
        PaymentLine(date(2026, 9, 10), "Dordogne", "OT Cahors", d5.amount + d6.amount, (Cite(d5), Cite(d6)),
                    "virement", "Deux factures de Cahors en un seul virement."),
        PaymentLine(date(2026, 9, 15), "Figeac", "Dordogne", euros("2500.00"), (), "virement",
                    "Un acompte sans référence : imputé sur les plus anciens éléments que Figeac doit à "
                    "Dordogne."),
        PaymentLine("31/09/2026", "Cahors", "Grand Figeac", euros("640.00"), (), "virement",
                    "Une date qui n'existe pas : la ligne est signalée et laissée de côté."),
        PaymentLine(date(2026, 10, 20), "Figeac", "Cahors", d7.amount * 10, (Cite(d7),), "virement",
                    "Un zéro de trop (17 640,00 € pour une facture de 1 764,00 €) : ce qui dépasse tout ce "
                    "que Figeac devait à Cahors est un trop-perçu, que Cahors doit rembourser."),
        PaymentLine(date(2026, 10, 30), "Vallée de la Dordogne", "Grand Figeac", "0,00 €", (), "mandat",
                    "Saisi avant que le mandat soit connu, montant à zéro : la ligne est signalée et "
                    "laissée de côté."),
        PaymentLine(date(2026, 11, 10), "Figeac", "Dordogne", slip.amount, (Cite(slip),), "mandat",
                    "La facture du 1er octobre, nommée par le numéro tel que Figeac l'a saisi (deux "
                    "chiffres inversés) : reconnue quand même."),
    ))
    # fmt: on


# -- the requests of `Demandes`: what the website's form and the offices' e-mails bring in ---------


@dataclass(frozen=True)
class DossierOf:
    """The dossier a request became: an office's row found by its client and date, once numbered.

    Read off the generated ledger, so that the reference is one the office's sheet really holds;
    `lower` types it in lower case, as people do (references compare regardless of case)."""

    office: str
    client: str
    on: date
    lower: bool = False

    def text(self, ledger: Ledger) -> str:
        found = [r for r in ledger.rows[self.office] if r.client == self.client and r.start == self.on]
        if len(found) != 1 or not found[0].ref:
            raise ValueError(f"{len(found)} demo rows of {self.office} for {self.client} on {self.on}")
        return found[0].ref.lower() if self.lower else found[0].ref


@dataclass(frozen=True)
class Contact:
    """Who asks: fictitious people, e-mails at example.org/example.com, phones in 01 99 00 xx xx."""

    name: str
    structure: str
    email: str
    phone: str
    group_type: str


@dataclass(frozen=True, kw_only=True)
class RequestCase:
    """One row of `Demandes` as the form plugin or a person typed it; `comment` is a column lotsync
    does not read (what the office noted, or what the row shows)."""

    received: date | datetime | str
    """A date cell, a Google Form's `Horodateur` (a date and time), or a form plugin's text."""
    who: Contact
    number: str = ""
    wanted: date | str = ""
    duration: str = ""
    pax: int | None = None
    budget: float | str | None = None
    places: str = ""
    stay: str = ""
    message: str = ""
    assigned: str = ""
    status: str = ""
    reason: str = ""
    answered: date | str | None = None
    dossier: DossierOf | str | None = None
    comment: str = ""


REQUESTS_TAB = "Demandes"
# fmt: off
REQUEST_HEADER = (
    "N° demande", "Reçue le", "Demandeur", "Structure", "E-mail", "Téléphone", "Type de groupe",
    "Date souhaitée", "Durée", "Pax", "Budget", "Lieux souhaités", "Lieu de séjour", "Message",
    "Attribuée à", "Statut", "Motif", "Répondu le", "Réf. dossier", "Commentaire",
)
"""The default headers, in their default order, then a column of notes lotsync does not read."""
REQUEST_WIDTHS = (12, 17, 20, 34, 32, 15, 20, 17, 17, 7, 13, 40, 22, 60, 20, 14, 22, 13, 14, 70)
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"

BRIVE = Contact("Monique Lacombe", "Club des aînés de Brive", "m.lacombe@example.org", "01 99 00 12 41",
                "seniors")
CHAMPOLLION = Contact("Sylvie Delpech", "Lycée Champollion", "s.delpech@example.org", "01 99 00 23 17",
                      "scolaire")
AIRBUS = Contact("Éric Marty", "Comité d'entreprise Airbus", "ce.voyages@example.com", "01 99 00 31 08",
                 "comité d'entreprise")
RODEZ = Contact("Bernard Cayla", "Amicale des retraités de Rodez", "bernard.cayla@example.org",
                "01 99 00 44 62", "seniors")
TULLE = Contact("Nathalie Roques", "Chorale À Cœur Joie de Tulle", "choeur.tulle@example.org",
                "01 99 00 52 90", "association")
VERDIE = Contact("Alain Bousquet", "Autocars Verdié", "groupes.verdie@example.com", "01 99 00 60 13",
                 "autocariste")
PERIGUEUX = Contact("Catherine Lafon", "Association culturelle de Périgueux", "c.lafon@example.org",
                    "01 99 00 67 25", "association")
LEO = Contact("Philippe Castagné", "Club Léo Lagrange de Toulouse", "p.castagne@example.org",
              "01 99 00 71 34", "association")
CASTRES = Contact("Martine Soulié", "Club photo de Castres", "martine.soulie@example.org", "01 99 00 78 56",
                  "club")
AGEN = Contact("Josiane Couderc", "Université du temps libre d'Agen", "utl.agen@example.org",
               "01 99 00 83 47", "seniors")
CANTAL = Contact("Hervé Lagarrigue", "Voyages Cantal Évasion", "h.lagarrigue@example.com", "01 99 00 86 02",
                 "agence de voyages")
MONTAUBAN = Contact("Christine Rouquette", "Association Les Amis du Vieux Montauban",
                    "amis.vieux.montauban@example.org", "01 99 00 14 88", "association")
VILLEFRANCHE = Contact("Thierry Lacoste", "Club de randonnée de Villefranche-de-Rouergue",
                       "rando.villefranche@example.org", "01 99 00 19 70", "club sportif")
GOURDON = Contact("Brigitte Lavergne", "Amicale laïque de Gourdon", "b.lavergne@example.org",
                  "01 99 00 27 39", "association")
LIMOGES = Contact("Yves Salgues", "Anciens de la SNCF de Limoges", "yves.salgues@example.org",
                  "01 99 00 35 51", "seniors")
AURILLAC = Contact("Jacques Pradel", "Comité des fêtes d'Aurillac", "comite.fetes.aurillac@example.org",
                   "01 99 00 39 64", "association")
DELMAS = Contact("Colette Magnac", "Autocars Delmas", "c.magnac@example.com", "01 99 00 48 20",
                 "autocariste")
QUERCY = Contact("Pascal Rigal", "Agence Quercy Voyages", "p.rigal@example.com", "01 99 00 56 73",
                 "tour-opérateur")
RHONE = Contact("Laurent Cassagnes", "Rhône Évasion", "l.cassagnes@example.com", "01 99 00 63 09",
                "tour-opérateur")
NOTARIES = Contact("Michel Andrieu", "Chambre interdépartementale des notaires", "m.andrieu@example.com",
                   "01 99 00 69 44", "entreprise / séminaire")
PILGRIMS = Contact("Danielle Fournié", "Service des pèlerinages du diocèse d'Agen",
                   "pelerinages.agen@example.org", "01 99 00 74 18", "paroisse")
ENERGIES = Contact("Marc Vialard", "CSE Occitanie Énergies", "cse.voyages@example.com", "01 99 00 81 66",
                   "comité d'entreprise")
MILLAU = Contact("Françoise Bonnet", "CCAS de Saint-Affrique", "ccas.saint-affrique@example.org",
                 "01 99 00 88 21", "seniors")
FRIENDS = Contact("Gérard Maury", "", "gerard.maury@example.com", "01 99 00 92 05", "famille / amis")
BIRTHDAY = Contact("Odile Teulière", "", "odile.teuliere@example.com", "01 99 00 95 37", "famille / amis")
BACH = Contact("Henri Bach", "", "henri.bach@example.com", "", "")
TARN = Contact("Sophie Malbec", "Cercle généalogique du Tarn", "s.malbec@example.org", "01 99 00 17 93",
               "association")
ALBI = Contact("Roland Cantagrel", "Club de bridge d'Albi", "bridge.albi@example.org", "01 99 00 26 58",
               "club")
VILLENEUVE = Contact("Patrick Fabre", "Club des aînés de Villeneuve-sur-Lot", "patrick.fabre@example.org",
                     "01 99 00 33 12", "seniors")
BRIVE_2023 = Contact("Claude Granier", "Club des aînés de Brive", "claude.granier@example.org",
                     "01 99 00 41 77", "seniors")
MONTLUCON = Contact("Serge Lapeyre", "Amicale des sapeurs-pompiers de Montluçon", "s.lapeyre@example.org",
                    "01 99 00 54 30", "association")
COLLEGE = Contact("Élodie Marcouly", "Collège Jean-Moulin de Brive", "e.marcouly@example.org",
                  "01 99 00 61 85", "scolaire")

REQUEST_CASES: tuple[RequestCase, ...] = (
    # -- 2023: closed and answered more than 36 months before 26 November 2026: due for deletion --
    # confirmed with Cahors (its 2023 dossier is not in the demo's sheets: no matter, it is past keeping)
    RequestCase(received=date(2023, 1, 16), who=BRIVE_2023, number="GL-23-003", wanted="avril 2023",
                duration="1 jour", pax=40, places="Saint-Cirq-Lapopie, Pech Merle", stay="Cahors",
                message="Sortie annuelle du club, déjeuner compris.", assigned="Cahors", status="confirmée",
                answered=date(2023, 1, 18), dossier="CAH-23-014",
                comment="Close depuis plus de 36 mois : à supprimer (durée de conservation)."),
    # lost to Dordogne on price
    RequestCase(received=date(2023, 2, 6), who=MONTLUCON, number="GL-23-007", wanted="juin 2023",
                duration="2 jours / 1 nuit", pax=32, places="Rocamadour, Gouffre de Padirac", stay="Souillac",
                message="Voyage de l'amicale, hébergement en hôtel 2 étoiles.", assigned="Dordogne",
                status="perdue", reason="prix", answered=date(2023, 2, 8),
                comment="Close depuis plus de 36 mois : à supprimer (durée de conservation)."),
    # dropped at Figeac
    RequestCase(received=date(2023, 3, 13), who=COLLEGE, number="GL-23-011", wanted="mai 2023",
                duration="1 jour", pax=56, places="Figeac", message="Deux classes de 5e, musée Champollion.",
                assigned="Figeac", status="sans suite", answered=date(2023, 3, 20),
                comment="Close depuis plus de 36 mois : à supprimer (durée de conservation)."),
    # -- 2025 --
    # a named site of Cahors (Pech Merle), confirmed: the dossier of Cahors of 15 April 2025
    RequestCase(received=date(2025, 1, 21), who=LEO, number="GL-25-002", wanted=date(2025, 4, 15),
                duration="1 jour", pax=25, budget="1 000 €", places="Pech Merle",
                message="Visite de la grotte et déjeuner dans la vallée du Célé.", assigned="Cahors",
                status="confirmée", answered=date(2025, 1, 22),
                dossier=DossierOf("cahors", "Club Léo Lagrange de Toulouse", date(2025, 4, 15))),
    # a stay at Martel, Padirac and Collonges-la-Rouge (Corrèze, outside the collective's territories)
    # wanted: confirmed with Dordogne
    RequestCase(received=date(2025, 2, 12), who=BRIVE, number="GL-25-005", wanted=date(2025, 4, 26),
                duration="4 jours / 3 nuits", pax=37, budget=13500.0,
                places="Gouffre de Padirac, Collonges-la-Rouge", stay="Martel",
                message="Séjour de printemps du club, en pension complète.", assigned="Dordogne",
                status="confirmée", answered=date(2025, 2, 13),
                dossier=DossierOf("dordogne", "Club des aînés de Brive", date(2025, 4, 26))),
    # lost: price
    RequestCase(received=date(2025, 3, 4), who=CASTRES, number="GL-25-009", wanted="mai 2025",
                duration="1 jour", pax=20, budget=700.0, places="Rocamadour, Autoire, Loubressac",
                message="Sortie photo dans les plus beaux villages.", assigned="Dordogne", status="perdue",
                reason="prix", answered=date(2025, 3, 5)),
    # lost: dates
    RequestCase(received=date(2025, 3, 20), who=MONTAUBAN, number="GL-25-012", wanted="fin mai 2025",
                duration="1 jour", pax=28, places="Cahors, Luzech", message="Patrimoine médiéval, guide.",
                assigned="OT Cahors", status="perdue", reason="dates", answered=date(2025, 3, 21)),
    # lost: a competitor
    RequestCase(received=date(2025, 4, 8), who=AIRBUS, number="GL-25-015", wanted="septembre 2025",
                duration="2 jours / 1 nuit", pax=60, budget=9000.0,
                places="Figeac, Cajarc, Saint-Cirq-Lapopie", stay="Figeac",
                message="Week-end des salariés, activités et soirée.", assigned="Grand Figeac",
                status="perdue", reason="concurrent", answered=date(2025, 4, 10)),
    # a place of stay in capitals (ROCAMADOUR); dropped, with the office's note
    RequestCase(received=date(2025, 5, 14), who=PILGRIMS, number="GL-25-019", wanted="septembre 2025",
                duration="3 jours / 2 nuits", pax=45, stay="ROCAMADOUR",
                message="Pèlerinage diocésain, messe au sanctuaire.", assigned="Dordogne",
                status="sans suite", answered=date(2025, 5, 15),
                comment="Le diocèse a choisi Lourdes cette année."),
    # confirmed with Figeac, the reference typed in lower case: the dossier of 10 October 2025
    RequestCase(received=date(2025, 6, 17), who=CHAMPOLLION, number="GL-25-024", wanted=date(2025, 10, 10),
                duration="1 jour", pax=47, budget="25 €/pers", places="Cardaillac, Espagnac-Sainte-Eulalie",
                message="Sortie de rentrée de deux classes de seconde.", assigned="Figeac",
                status="confirmée", answered=date(2025, 6, 18),
                dossier=DossierOf("figeac", "Lycée Champollion – voyage scolaire", date(2025, 10, 10),
                                  lower=True)),
    # a request taken by phone and typed by hand (no number); dropped
    RequestCase(received=date(2025, 7, 9), who=FRIENDS, wanted="août 2025", duration="1 jour", pax=14,
                places="Saint-Cirq-Lapopie", message="Appel : anniversaire de mariage, 14 personnes.",
                assigned="Cahors", status="sans suite", answered=date(2025, 7, 9),
                comment="Moins de 15 personnes : orientée vers l'accueil individuel."),
    # lost: no availability
    RequestCase(received=date(2025, 9, 2), who=VILLEFRANCHE, number="GL-25-031", wanted="octobre 2025",
                duration="3 jours / 2 nuits", pax=24, places="Cajarc, Marcilhac-sur-Célé", stay="Cajarc",
                message="Randonnée sur le GR 651, gîte d'étape.", assigned="Figeac", status="perdue",
                reason="pas de disponibilité", answered=date(2025, 9, 4)),
    # lost, no reason given
    RequestCase(received=date(2025, 9, 25), who=AGEN, number="GL-25-034", wanted="mars 2026",
                duration="1 jour", pax=33, places="Lalbenque, Montcuq-en-Quercy-Blanc",
                message="Marché aux truffes et déjeuner.", assigned="Cahors", status="perdue",
                answered=date(2025, 9, 26)),
    # a quote sent a year ago, never closed
    RequestCase(received=date(2025, 10, 14), who=AURILLAC, number="GL-25-038", wanted="printemps 2026",
                duration="2 jours / 1 nuit", pax=30, budget="1 500 €", places="Saint-Céré, Carennac",
                stay="Saint-Céré", message="Sortie des bénévoles du comité.", assigned="Dordogne",
                status="devis envoyé", answered=date(2025, 10, 15)),
    # received the day before 11 November 2025, answered on the 13th: 2 working days, on time; confirmed,
    # the dossier reference not typed yet
    RequestCase(received=date(2025, 11, 10), who=CANTAL, number="GL-25-041", wanted="avril 2026",
                duration="3 jours / 2 nuits", pax=38, places="Puy-l'Évêque, Montcuq-en-Quercy-Blanc",
                stay="Puy-l'Évêque", message="Circuit vins et villages pour notre clientèle.",
                assigned="Cahors", status="confirmée", answered=date(2025, 11, 13),
                comment="Réf. dossier à reporter."),
    # lost: a competitor
    RequestCase(received=date(2025, 12, 16), who=NOTARIES, number="GL-25-044", wanted="juin 2026",
                duration="2 jours / 1 nuit", pax=80, budget="12 000 €", places="Cahors", stay="Cahors",
                message="Séminaire annuel : salle de 80 places, dîner.", assigned="Cahors", status="perdue",
                reason="concurrent", answered=date(2025, 12, 18)),
    # -- 2026 --
    # a stay at Figeac with a day at the Gouffre de Padirac (Dordogne: a partner); confirmed with Figeac
    RequestCase(received=date(2026, 1, 13), who=RODEZ, number="GL-26-001", wanted=date(2026, 6, 18),
                duration="1 jour", pax=38, budget=320.0,
                places="Gouffre de Padirac, Capdenac-le-Haut", stay="Figeac",
                message="Visite guidée du gouffre, puis Capdenac.", assigned="Figeac", status="confirmée",
                answered=date(2026, 1, 14),
                dossier=DossierOf("figeac", "Amicale des retraités de Rodez", date(2026, 6, 18))),
    # stay at Cahors, ROCAMADOUR wanted (Dordogne: a partner); confirmed with Cahors
    RequestCase(received=date(2026, 1, 21), who=PERIGUEUX, number="GL-26-003", wanted=date(2026, 4, 16),
                duration="1 jour", pax=38, budget="30 €/pers", places="ROCAMADOUR", stay="Cahors",
                message="Journée à Rocamadour depuis notre hôtel de Cahors.", assigned="Cahors",
                status="confirmée", answered=date(2026, 1, 22),
                dossier=DossierOf("cahors", "Association culturelle de Périgueux", date(2026, 4, 16))),
    # stay at Souillac, "st cirq lapopie" wanted (Cahors: a partner); confirmed with Dordogne
    RequestCase(received=date(2026, 2, 3), who=BRIVE, number="GL-26-006", wanted=date(2026, 5, 12),
                duration="3 jours / 2 nuits", pax=42, budget="45 €/pers",
                places="st cirq lapopie, Rocamadour", stay="Souillac",
                message="Comme l'an dernier, mais avec une journée dans la vallée du Lot.",
                assigned="Dordogne", status="confirmée", answered=date(2026, 2, 4),
                dossier=DossierOf("dordogne", "Club des aînés de Brive", date(2026, 5, 12))),
    # stay at Gramat, Cahors and Saint-Cirq-Lapopie wanted; confirmed with Dordogne
    RequestCase(received=date(2026, 2, 18), who=VERDIE, number="GL-26-008", wanted=date(2026, 7, 16),
                duration="2 jours / 1 nuit", pax=44, places="Cahors, Saint-Cirq-Lapopie", stay="Gramat",
                message="Autocar complet, croisière sur le Lot souhaitée.",
                assigned="Vallée de la Dordogne", status="confirmée", answered=date(2026, 2, 19),
                dossier=DossierOf("dordogne", "Autocars Verdié", date(2026, 7, 16))),
    # stay at Capdenac-Gare (Aveyron, Grand-Figeac); confirmed with Figeac, but the reference typed is
    # Cahors's (the day Figeac bought), not one of Figeac's dossiers: an anomaly
    RequestCase(received=date(2026, 3, 5), who=TULLE, number="GL-26-011", wanted=date(2026, 9, 24),
                duration="2 jours / 1 nuit", pax=42, places="Figeac, Saint-Cirq-Lapopie",
                stay="Capdenac-Gare", message="Concert le soir à Figeac, visite de Saint-Cirq le lendemain.",
                assigned="Figeac", status="confirmée", answered=date(2026, 3, 6),
                dossier=DossierOf("cahors", "OT Grand Figeac – Chorale À Cœur Joie de Tulle",
                                  date(2026, 9, 24)),
                comment="Référence du dossier de Cahors saisie au lieu de celle de Figeac."),
    # lost: price
    RequestCase(received=date(2026, 3, 17), who=AIRBUS, number="GL-26-013", wanted="octobre 2026",
                duration="2 jours / 1 nuit", pax=55, budget="8 500 €",
                places="Figeac, Cajarc, Lacapelle-Marival", stay="Figeac",
                message="Nouvelle demande pour le week-end des salariés.", assigned="Figeac",
                status="perdue", reason="prix", answered=date(2026, 3, 19)),
    # received the Friday before Easter Monday, answered the Wednesday after: 2 working days; lost: dates
    RequestCase(received=date(2026, 4, 3), who=GOURDON, number="GL-26-017", wanted="juin 2026",
                duration="1 jour", pax=46, places="Lacapelle-Marival, Assier",
                message="Sortie de fin d'année de l'amicale.", assigned="Figeac", status="perdue",
                reason="dates", answered=date(2026, 4, 8)),
    # an option on a day in December, with its dossier at Cahors (still an option there too)
    RequestCase(received=date(2026, 4, 21), who=CASTRES, number="GL-26-020", wanted=date(2026, 12, 5),
                duration="1 jour", pax=25, places="Rocamadour", stay="Luzech",
                message="Rocamadour illuminé pour Noël, hébergement à Luzech.", assigned="Cahors",
                status="option", answered=date(2026, 4, 22),
                dossier=DossierOf("cahors", "Club photo de Castres", date(2026, 12, 5))),
    # Padirac the commune; dropped after two reminders
    RequestCase(received=date(2026, 5, 19), who=LIMOGES, number="GL-26-024", wanted="septembre 2026",
                duration="1 jour", pax=50, places="Souillac, Martel, Padirac",
                message="Train du Haut-Quercy et déjeuner.", assigned="Dordogne", status="sans suite",
                answered=date(2026, 5, 20), comment="Plus de nouvelles après deux relances."),
    # a tour across the three territories, no place of stay: the first place wanted decides
    RequestCase(received=date(2026, 6, 9), who=QUERCY, number="GL-26-028", wanted="printemps 2027",
                duration="4 jours / 3 nuits", pax=35, places="Cahors, Saint-Cirq-Lapopie, Figeac, Rocamadour",
                message="Circuit « Lot essentiel » pour notre brochure 2027.", assigned="Cahors",
                status="devis envoyé", answered=date(2026, 6, 10)),
    # places outside the collective only (Sarlat-la-Canéda, Domme): never assigned, redirected
    RequestCase(received=date(2026, 6, 24), who=RHONE, number="GL-26-031", wanted="mai 2027",
                duration="3 jours / 2 nuits", pax=40, places="Sarlat-la-Canéda, Domme",
                stay="Sarlat-la-Canéda", message="Périgord noir et ses bastides.", status="sans suite",
                answered=date(2026, 6, 25),
                comment="Hors du territoire du collectif : réorientée vers l'office de Sarlat."),
    RequestCase(received=date(2026, 9, 8), who=CHAMPOLLION, number="GL-26-037", wanted="mars 2027",
                duration="1 jour", pax=52, budget="950 €", places="Cahors, Luzech",
                message="Sortie histoire : pont Valentré, oppidum de l'Impernal.", assigned="Cahors",
                status="devis envoyé", answered=date(2026, 9, 9)),
    # reassigned: first sent to Figeac (Assier), then to Dordogne (the group stays at Gramat)
    RequestCase(received=date(2026, 9, 14), who=CANTAL, number="GL-26-039", wanted="mai 2027",
                duration="3 jours / 2 nuits", pax=36, places="Assier, Gramat", stay="Gramat",
                message="Causses et châteaux.", assigned="Dordogne", status="devis envoyé",
                answered=date(2026, 9, 17),
                comment="Transmise d'abord à Figeac, réattribuée à Dordogne le 16/09/2026 : le groupe loge à "
                        "Gramat."),
    # "St-Céré"; lost: no availability
    RequestCase(received=date(2026, 10, 6), who=DELMAS, number="GL-26-043", wanted="juin 2027",
                duration="3 jours / 2 nuits", pax=48, places="St-Céré, Carennac, Autoire", stay="St-Céré",
                message="Séjour découverte pour nos clients seniors.", assigned="Dordogne", status="perdue",
                reason="pas de disponibilité", answered=date(2026, 10, 7)),
    # copied by hand from an e-mail, naming no known place, no status (new), no office: late
    RequestCase(received=date(2026, 10, 19), who=BACH, wanted="été 2027", pax=30,
                places="un joli village au bord de l'eau, des grottes",
                message="Bonjour, nous cherchons une idée de sortie pour notre association."),
    # an unreadable budget ("beaucoup": an anomaly); answered after 5 working days
    RequestCase(received=date(2026, 11, 3), who=BIRTHDAY, number="GL-26-047", wanted=date(2027, 6, 12),
                duration="1 jour", pax=22, budget="beaucoup", places="Saint-Cirq-Lapopie, Cahors",
                message="Les 60 ans de mon mari, avec toute la famille.", assigned="Cahors",
                status="devis envoyé", answered=date(2026, 11, 10)),
    # Pech Merle (a named site) wanted from Cahors
    RequestCase(received=date(2026, 11, 9), who=ENERGIES, number="GL-26-049", wanted="avril 2027",
                duration="1 jour", pax=70, budget="6 000 €", places="Pech Merle, Cahors", stay="Cahors",
                message="Journée des retraités du CSE.", assigned="OT Cahors", status="devis envoyé",
                answered=date(2026, 11, 10)),
    # received the day before 11 November 2026, forwarded to Figeac, not answered: late
    RequestCase(received=date(2026, 11, 10), who=MILLAU, number="GL-26-050", wanted="mai 2027",
                duration="1 jour", pax=35, places="Figeac, Capdenac-Le-Haut",
                message="Sortie des aînés de la commune.", assigned="Figeac", status="transmise",
                comment="Transmise à Figeac le 10/11 par Florence."),
    # received the day before 11 November 2026, answered on the 13th: 2 working days, on time
    RequestCase(received=date(2026, 11, 10), who=VILLEFRANCHE, number="GL-26-051", wanted="avril 2027",
                duration="2 jours / 1 nuit", pax=26, places="Cajarc, Saint-Cirq-Lapopie", stay="Cajarc",
                message="Randonnée entre Lot et Célé.", assigned="Figeac", status="devis envoyé",
                answered="13/11/2026"),
    # received on a Friday, answered the Tuesday after: 2 working days, on time
    RequestCase(received="20/11/2026 10:41", who=AGEN, number="GL-26-053", wanted="septembre 2027",
                duration="1 jour", pax=40, places="Martel, Carennac",
                message="Train à vapeur et bords de Dordogne.", assigned="Dordogne", status="devis envoyé",
                answered=date(2026, 11, 24)),
    # received on a Friday by the form plugin (a date as text), new, no office: late by Thursday
    RequestCase(received="20/11/2026 16:05", who=MONTAUBAN, number="GL-26-054", wanted="mi-juin 2027",
                duration="1 jour", pax=30, places="Saint-Cirq-Lapopie, Cahors",
                message="Nouvelle sortie de l'association.", status="nouvelle"),
    # received Monday, forwarded, not answered on Thursday: 3 working days, late
    RequestCase(received=date(2026, 11, 23), who=LEO, number="GL-26-055", wanted="mai 2027",
                duration="3 jours / 2 nuits", pax=32, places="Puy l'Eveque, Rocamadour",
                stay="Puy l'Eveque", message="Séjour vins et patrimoine.", assigned="Cahors",
                status="transmise"),
    # received Tuesday by the form plugin: 2 working days on Thursday, not late yet
    RequestCase(received="24/11/2026 14:32", who=TARN, number="GL-26-056", wanted="avril 2027",
                duration="1 jour", pax=25, places="Figeac, Cajarc",
                message="Archives et musée Champollion.", status="nouvelle"),
    # places outside the collective only (Conques, Laguiole, in the Aveyron), new, on time
    RequestCase(received="25/11/2026 09:12", who=ALBI, number="GL-26-057", wanted="octobre 2027",
                duration="2 jours / 1 nuit", pax=24, places="Conques, Laguiole",
                message="Week-end du club en Aveyron, tournoi et visites."),
    # an e-mail copied by hand the day it came, forwarded to Cahors: on time
    RequestCase(received=date(2026, 11, 25), who=AIRBUS, wanted="septembre 2027", duration="1 jour",
                pax=50, places="Montcuq-en-Quercy-Blanc, Castelnau-Montratier-Sainte-Alauzie",
                message="Courriel : sortie Quercy Blanc pour les retraités.", assigned="Cahors",
                status="transmise", comment="Courriel reçu par Florence, saisi à la main."),
    # a Google Form answer this morning (Horodateur: a date and time), the Gouffre de Padirac named
    RequestCase(received=datetime(2026, 11, 26, 8, 47, 13), who=VILLENEUVE, wanted="juin 2027",
                duration="1 jour", pax=45, places="Gouffre de Padirac",
                message="Visite du gouffre et déjeuner à proximité."),
)
"""About forty requests of 2025 and 2026 (and three closed in 2023, due for deletion): every
status, late and on-time ones, assigned and unassigned, the places lotsync must route."""
# fmt: on


def request_cells(case: RequestCase, ledger: Ledger) -> tuple[Any, ...]:
    """A `Demandes` row as typed, in `REQUEST_HEADER` order; a dossier read off the ledger."""
    dossier = case.dossier.text(ledger) if isinstance(case.dossier, DossierOf) else case.dossier
    who = case.who

    def blank(value: Any) -> Any:
        return None if value == "" else value

    values = (
        case.number, case.received, who.name, who.structure, who.email, who.phone, who.group_type,
        case.wanted, case.duration, case.pax, case.budget, case.places, case.stay, case.message,
        case.assigned, case.status, case.reason, case.answered, dossier, case.comment,
    )  # fmt: skip
    return tuple(blank(v) for v in values)


# -- references and invoice numbers --------------------------------------------------


def assign_refs(ledger: Ledger) -> None:
    """Number each office's rows by date, as its sheet is kept, then copy the slips."""
    for office in OFFICES:
        rows = sorted(ledger.rows[office.id], key=lambda r: r.start)
        ledger.rows[office.id] = rows
        counters = dict.fromkeys(YEARS, 0)
        for row in rows:
            if row.same_ref_as is None and "ref" not in row.raw:
                counters[row.start.year] += 1
                row.ref = office.ref_format.format(
                    yy=row.start.year % 100, year=row.start.year, n=counters[row.start.year]
                )
        for row in rows:
            if row.same_ref_as is not None:
                row.ref = row.same_ref_as.ref


def swapped_digits(number: str) -> str:
    """`F26-118` → `F26-181`: the last two different neighbouring digits swapped, a typing slip."""
    chars = list(number)
    for i in range(len(chars) - 1, 0, -1):
        if chars[i].isdigit() and chars[i - 1].isdigit() and chars[i] != chars[i - 1]:
            chars[i - 1], chars[i] = chars[i], chars[i - 1]
            return "".join(chars)
    return number + "1"


def assign_invoices(ledger: Ledger) -> None:
    """Number each office's invoices by date, then let most buyers copy the number they received.

    An office invoices its own dossiers and the days it sells once they are `facturé` or
    `soldé`; now and then the number is not typed (the column is optional). Drawn from a seed of
    their own, so that the rest of the demo stays as it was.
    """
    rng = random.Random(f"{SEED}-invoices")
    for office in OFFICES:
        counters = dict.fromkeys(YEARS, 0)
        for row in ledger.rows[office.id]:
            if row.bought_from is not None or row.status not in ("facturé", "soldé"):
                continue
            if row.always_invoiced or rng.random() < SELLER_INVOICE_RATE:
                counters[row.start.year] += 1
                row.invoice = office.invoice_format.format(
                    yy=row.start.year % 100, year=row.start.year, n=counters[row.start.year]
                )
    for office in OFFICES:
        for row in ledger.rows[office.id]:
            sale = row.bought_from
            if sale is None or sale.invoice is None:
                continue
            if row.always_invoiced or rng.random() < BUYER_INVOICE_RATE:
                row.invoice = swapped_digits(sale.invoice) if row.invoice_slip else sale.invoice


def generate() -> Ledger:
    """Every office's rows, in sheet order, references and invoice numbers assigned; the payments."""
    rng = random.Random(SEED)
    ledger = Ledger()
    add_reconciliation_cases(ledger)
    add_anomaly_cases(ledger)
    add_settlement_cases(ledger)
    for year in YEARS:
        for office in OFFICES:
            for _ in range(DIRECT_ROWS_PER_YEAR):
                ledger.add(direct_row(rng, office, year))
        for buyer, seller in permutations(OFFICES, 2):
            for _ in range(DAYS_PER_PAIR_PER_YEAR):
                random_pair(rng, buyer, seller, year, ledger)
    assign_refs(ledger)
    assign_invoices(ledger)
    return ledger


# -- cells as people type them ---------------------------------------------------------


def french_date(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def date_cell(rng: random.Random, day: date) -> date | str:
    """Mostly a date cell; now and then the date typed as text, in one of the usual ways."""
    if rng.random() >= TEXT_DATE_RATE:
        return day
    style = rng.randrange(4)
    if style == 0:
        return day.strftime("%d/%m/%Y")
    if style == 1:
        return day.strftime("%d/%m/%y")
    if style == 2:
        return day.isoformat()
    return french_date(day)


def amount_cell(rng: random.Random, amount: Decimal) -> float | str:
    """Mostly a number cell; now and then typed as text: `1 234,50 €`, `1.234,50` or `1234.5`."""
    if rng.random() >= TEXT_AMOUNT_RATE:
        return float(amount)
    grouped = f"{amount:,.2f}"
    style = rng.randrange(3)
    if style == 0:
        return grouped.replace(",", " ").replace(".", ",") + " €"
    if style == 1:
        return grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def row_cells(rng: random.Random, office: Office, row: Row) -> dict[str, Any]:
    """Field → cell value, in the office's own words."""
    values: dict[str, Any] = {
        "ref": row.ref,
        "client": row.client,
        "notes": row.programme,
        "kind": rng.choice(office.kind_words[row.kind]),
        "start": date_cell(rng, row.start),
        "end": date_cell(rng, row.end) if row.end else None,
        "pax": row.pax,
        "status": rng.choice(office.status_words[row.status]),
        "amount": amount_cell(rng, row.amount),
        "partner": office.partner_words[row.partner] if row.partner else None,
        "direction": office.direction_words[row.direction] if row.direction else None,
        "partner_ref": row.cites.ref if row.cites else None,
        "resale": float(row.resale) if row.resale is not None else None,
        "invoice": row.invoice,
    }
    values.update(row.raw)
    return values


def sheet_lines(office: Office, rows: Sequence[Row]) -> Iterator[dict[str, Any] | None]:
    """The office's data lines, with the blank lines people leave (None): between the
    years, and here and there in the middle."""
    rng = random.Random(f"{SEED}-{office.id}")
    previous_year = None
    for index, row in enumerate(rows):
        if previous_year is not None and row.start.year != previous_year:
            yield None
        if index % 97 == 60:
            yield None
        previous_year = row.start.year
        yield row_cells(rng, office, row)


# -- workbooks ---------------------------------------------------------------------


def style_header(ws: Worksheet, row: int, fill: str, widths: Sequence[int]) -> None:
    """Bold white on colour, frozen under the header, sensible widths: styles to preserve."""
    for column, width in enumerate(widths, start=1):
        header = ws.cell(row=row, column=column)
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", start_color=fill, end_color=fill)
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def format_cell(ws: Worksheet, row: int, column: int, value: Any, money: bool) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif money and isinstance(value, int | float):
        cell.number_format = MONEY_FORMAT


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    workbook.properties.creator = "lotsync (démonstration)"
    workbook.properties.created = CREATED
    sheet = workbook.active
    sheet.title = title
    return workbook, sheet


def office_workbook(office: Office, rows: Sequence[Row]) -> Workbook:
    workbook, ws = new_workbook(DOSSIERS_TAB)
    for number, title_line in enumerate(office.title, start=1):
        if title_line:
            title = number == 1
            ws.cell(row=number, column=1, value=title_line).font = Font(
                bold=title, italic=not title, size=14 if title else 10
            )
    header_row = len(office.title) + 1
    fields = [f for f, _ in office.columns]
    for column, (_, text) in enumerate(office.columns, start=1):
        ws.cell(row=header_row, column=column, value=text)
    style_header(ws, header_row, office.header_fill, [COLUMN_WIDTHS[f] for f in fields])
    number = header_row
    for line in sheet_lines(office, rows):
        number += 1
        if line is None:
            continue
        for column, name in enumerate(fields, start=1):
            format_cell(ws, number, column, line[name], money=name in ("amount", "resale"))
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(fields))}{number}"
    return workbook


# fmt: off
EXPENSE_HEADER = ("Date", "Libellé", "Montant", "Payé par", "Répartition", "Catégorie", "Remboursé")
EXPENSE_WIDTHS = (13, 62, 14, 26, 36, 14, 12)
EXPENSE_ROWS: tuple[tuple[Any, ...], ...] = (
    (date(2025, 2, 14), "Brochure collective « Le Lot en groupes » 2025 – conception et impression",
     4860.00, "OT Cahors", "égale", "Brochure", "oui"),
    (date(2025, 3, 10), "Fichier de 700 adresses de tour-opérateurs français", "1 450,00 €",
     "Figeac", "effectifs", "Prospection", "oui"),
    (date(2025, 4, 2), "Pochettes et cartes de visite du collectif", 980.40, "dordogne",
     "cahors:33; dordogne:30; figeac:11", "Supports", "oui"),
    (date(2025, 5, 20), "Eductour de printemps (3 jours) – hébergement, repas, transport", 3275.00,
     "OT Vallée de la Dordogne", "égale", "Eductour", "non"),
    ("15/10/2025", "Salon des comités d'entreprise de Toulouse – stand partagé", 1200.00, "cahors",
     "égale", "Salon", None),
    (date(2025, 11, 18), "Eductour d'automne (3 jours) – tour-opérateurs et autocaristes", 2980.00,
     "figeac", "effectifs", "Eductour", "en partie"),
    (date(2026, 1, 20), "Brochure collective 2026 – mise à jour et réimpression", 2940.00, "cahors",
     "effectifs", "Brochure", "figeac"),
    (date(2026, 3, 12), "Workshop autocaristes Occitanie – inscription", 850.00, "Dordogne",
     "Cahors 40 % – Dordogne 40 % – Figeac 20 %", "Salon", "non"),
    (date(2026, 4, 7), "Salon des seniors de Lyon – stand", 1560.00, "Lot Tourisme", "égale",
     "Salon", None),
    (date(2026, 6, 9), "Pochettes et cartes 2026 – réassort", "412,80", "Grand Figeac",
     "cahors:33; dordogne:30; figeac:11", "Supports", "non"),
    (date(2026, 9, 22), "Envoi postal aux 700 tour-opérateurs – routage", 1130.00, "dordogne",
     "égale", "Prospection", "cahors; figeac"),
)
"""Shared costs of the 3-year action plan; one bad split, one payer outside the collective,
one unreadable Remboursé, two that name the offices whose share is paid (one of two, both)."""

PAYMENT_HEADER = ("Date", "De", "À", "Montant", "Références", "Mode", "Commentaire")
PAYMENT_WIDTHS = (13, 26, 26, 14, 30, 22, 90)
# fmt: on


def payment_cells(line: PaymentLine) -> tuple[Any, ...]:
    """A `Règlements` row as typed: references joined as the accountant separates them."""
    references = line.separator.join(r.text() if isinstance(r, Cite) else r for r in line.references)
    amount = float(line.amount) if isinstance(line.amount, Decimal) else line.amount
    return (line.on, line.payer, line.payee, amount, references or None, line.mode, line.comment)


def shared_workbook(payments: Sequence[PaymentLine], requests: Sequence[Sequence[Any]] = ()) -> Workbook:
    """`Dépenses communes`, `Règlements` and `Demandes`, the collective's input tabs typed by people
    (the last one also by the website's form)."""
    workbook, ws = new_workbook(EXPENSES_TAB)
    for column, text in enumerate(EXPENSE_HEADER, start=1):
        ws.cell(row=1, column=column, value=text)
    style_header(ws, 1, "7030A0", EXPENSE_WIDTHS)
    for number, values in enumerate(EXPENSE_ROWS, start=2):
        for column, value in enumerate(values, start=1):
            format_cell(ws, number, column, value, money=column == 3)
    ws = workbook.create_sheet(PAYMENTS_TAB)
    for column, text in enumerate(PAYMENT_HEADER, start=1):
        ws.cell(row=1, column=column, value=text)
    style_header(ws, 1, "305496", PAYMENT_WIDTHS)
    references = PAYMENT_HEADER.index("Références") + 1
    for number, line in enumerate(payments, start=2):
        for column, value in enumerate(payment_cells(line), start=1):
            format_cell(ws, number, column, value, money=column == 4)
        ws.cell(row=number, column=references).alignment = Alignment(wrap_text=True, vertical="top")
    ws = workbook.create_sheet(REQUESTS_TAB)
    for column, text in enumerate(REQUEST_HEADER, start=1):
        ws.cell(row=1, column=column, value=text)
    style_header(ws, 1, "806000", REQUEST_WIDTHS)
    budget = REQUEST_HEADER.index("Budget") + 1
    wrapped = {REQUEST_HEADER.index(h) + 1 for h in ("Message", "Commentaire")}
    for number, cells in enumerate(requests, start=2):
        for column, value in enumerate(cells, start=1):
            format_cell(ws, number, column, value, money=column == budget)
            if isinstance(value, datetime):
                ws.cell(row=number, column=column).number_format = DATETIME_FORMAT
            if column in wrapped:
                ws.cell(row=number, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(REQUEST_HEADER))}{len(requests) + 1}"
    return workbook


def config_text() -> str:
    """A configuration `load_config` accepts; sources are relative to the file."""
    members = "\n".join(member_toml(o) for o in OFFICES)
    return f"""\
# Configuration de démonstration de lotsync (écrite par « lotsync demo »).
# Les chemins des classeurs sont relatifs à ce fichier.

backend = "local"

[collective]
name = "Collectif des offices de tourisme du Lot"
timezone = "Europe/Paris"
financial_year_start_month = 1
emails = ["collectif.groupes@example.org"]

[shared]
source = "{SHARED_FILE}"
expenses_tab = "{EXPENSES_TAB}"
payments_tab = "{PAYMENTS_TAB}"

# Règlement : « gross », rien n'est compensé, chaque office paie à chaque autre ce qu'il lui doit,
# élément par élément (ce que permet le comptable public d'un office établissement public).
[settlement]
mode = "gross"

{members}
# Les demandes du site groupes-lot.com : l'onglet « Demandes » du classeur partagé.
[requests]
reply_within_working_days = 2
retention_months = 36

# Des sites nommés et une commune hors des trois territoires, confiés chacun à un office.
[requests.places]
"Gouffre de Padirac" = "dordogne"
"Pech Merle" = "cahors"
"Collonges-la-Rouge" = "dordogne"

# Clés de répartition nommées, utilisables dans la colonne « Répartition ».
[split_keys]
effectifs = {{ cahors = 33, dordogne = 30, figeac = 11 }}

# Cotisation annuelle au Club Destination Groupes d'ADN Tourisme, répartie à parts égales.
[[fees]]
name = "Cotisation Club Destination Groupes ADN Tourisme 2025"
year = 2025
amount = "3000.00"
paid_by = "cahors"
reimbursed = true

[[fees]]
name = "Cotisation Club Destination Groupes ADN Tourisme 2026"
year = 2026
amount = "3000.00"
paid_by = "dordogne"
reimbursed = false
"""


def member_toml(office: Office) -> str:
    def strings(values: Sequence[str]) -> str:
        return ", ".join(f'"{v}"' for v in values)

    return f"""\
[[members]]
id = "{office.id}"
name = "{office.name}"
aliases = [{strings(office.aliases)}]
source = "{office.id}.xlsx"
tab = "{DOSSIERS_TAB}"
emails = [{strings(office.emails)}]
"""


def write_demo(directory: Path, *, overwrite: bool = False) -> Path:
    """Write the demo files missing from `directory` (all of them with `overwrite`).

    Returns the configuration file's path, ready for `lotsync --config`.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    def wanted(name: str) -> Path | None:
        path = directory / name
        return path if overwrite or not path.exists() else None

    ledger = None
    for office in OFFICES:
        if path := wanted(f"{office.id}.xlsx"):
            ledger = ledger or generate()
            office_workbook(office, ledger.rows[office.id]).save(path)
    if path := wanted(SHARED_FILE):
        ledger = ledger or generate()
        requests = [request_cells(case, ledger) for case in REQUEST_CASES]
        shared_workbook(ledger.payments, requests).save(path)
    config = directory / CONFIG_FILE
    if wanted(CONFIG_FILE):
        config.write_text(config_text(), encoding="utf-8")
    return config
