"""The core's French: its messages and labels, and how lotsync writes money and dates.

Each layer keeps the French it shows in its own `french.py`; a text lives in the lowest layer that
uses it, and the French formatting of money and dates, which every layer uses, lives here
(docs/architecture.md, "French text"). Money and dates follow Babel's `fr_FR` rules.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

LOCALE = "fr_FR"

# -- formatting ---------------------------------------------------------------


@cache
def _number_symbols() -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_group_symbol(LOCALE), get_decimal_symbol(LOCALE)


@lru_cache(maxsize=16384)
def money(amount: Decimal | None) -> str:
    """`1 234,50 €` exactly as Babel writes it for fr_FR, but fast enough for 100,000 lines."""
    if amount is None:
        return "—"
    group, decimal_sep = _number_symbols()
    text = f"{abs(amount):,.2f}".replace(",", "\x00").replace(".", decimal_sep)
    sign = "-" if amount < 0 else ""
    return f"{sign}{text.replace(chr(0), group)}\u00a0€"


@lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """`lundi 30 novembre 2026`."""
    from babel.dates import format_date

    return format_date(day, format="full", locale=LOCALE)


def short_date(day: date | None) -> str:
    return "—" if day is None else day.strftime("%d/%m/%Y")


def timestamp(moment: datetime) -> str:
    """`jeudi 26 novembre 2026 à 23:10`."""
    return f"{long_date(moment.date())} à {moment:%H:%M}"


def month_name(month: int) -> str:
    return MONTHS[month - 1]


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def day_of_month(day: date) -> str:
    """`1er`, `2`, … as French writes the day of a month."""
    return "1er" if day.day == 1 else str(day.day)


def day_month(day: date, *, year: bool = True) -> str:
    """`1er janvier 2026`, or `23 novembre` without the year."""
    text = f"{day_of_month(day)} {month_name(day.month)}"
    return f"{text} {day.year}" if year else text


def span(first: date, last: date) -> str:
    """`du 23 au 29 novembre 2026`, `du 30 novembre au 6 décembre 2026`,
    `du 28 décembre 2026 au 3 janvier 2027`."""
    if first.year != last.year:
        return f"du {day_month(first)} au {day_month(last)}"
    if first.month != last.month:
        return f"du {day_month(first, year=False)} au {day_month(last)}"
    return f"du {day_of_month(first)} au {day_month(last)}"


def percent_change(change: Decimal | None) -> str:
    """`+12,5 %`, `-3,0 %`; `—` when there is nothing to compare with."""
    if change is None:
        return "—"
    points = (change * 100).quantize(Decimal("0.1"))
    sign = "+" if points > 0 else "-" if points < 0 else ""
    return f"{sign}{abs(points):.1f}".replace(".", ",") + "\u202f%"


def integer(count: int) -> str:
    """`4 402`."""
    group, _ = _number_symbols()
    return f"{count:,d}".replace(",", group)


def whole_euros(amount: Decimal | float) -> str:
    """`91 909 €`: an axis label, never a figure to act on."""
    group, _ = _number_symbols()
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,d}".replace(",", group) + "\u00a0€"


# -- the operating system -------------------------------------------------------

_OS_REASONS = {
    "ENOENT": "le fichier ou le dossier n'existe pas",
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "EISDIR": "c'est un dossier, pas un fichier",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "ELOOP": "lien symbolique en boucle",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota de disque dépassé",
    "EROFS": "système de fichiers en lecture seule",
    "EIO": "erreur d'entrée-sortie du disque",
    "ENAMETOOLONG": "nom de fichier trop long",
    "EMFILE": "trop de fichiers ouverts",
    "ENFILE": "trop de fichiers ouverts",
    "EBUSY": "fichier occupé",
    "ETXTBSY": "fichier occupé",
    "EEXIST": "le fichier existe déjà",
    "EXDEV": "déplacement entre deux disques impossible",
    "ENXIO": "périphérique absent",
    "ENODEV": "périphérique absent",
    "EAGAIN": "ressource momentanément indisponible",
    "ETIMEDOUT": "délai dépassé",
    "ECONNREFUSED": "connexion refusée",
    "ECONNRESET": "connexion coupée par l'autre côté",
    "EHOSTUNREACH": "machine injoignable",
    "ENETUNREACH": "réseau injoignable",
    "EPIPE": "connexion coupée",
    "EFBIG": "fichier trop gros",
    "ENOLCK": "verrous indisponibles sur ce système de fichiers",
    "ENOEXEC": "fichier non exécutable",
}


def os_reason(error: OSError) -> str:
    """What an OS error means, in French (never the system's English `strerror`)."""
    import errno

    name = errno.errorcode.get(error.errno or -1, "")
    if not name and isinstance(error, TimeoutError):
        name = "ETIMEDOUT"
    return _OS_REASONS.get(name, f"erreur du système ({name or type(error).__name__})")


def os_error(error: OSError, path: object = None) -> str:
    """`disque plein (/srv/lotsync/collectif.xlsx)`: the reason and the path concerned."""
    where = path if path is not None else (error.filename or "")
    return f"{os_reason(error)} ({where})" if where else os_reason(error)


# -- what a cell parser says is wrong ----------------------------------------

CELL_NOT_AN_AMOUNT = "ce n'est pas un montant en euros (exemple attendu : 1 234,50 €)"
CELL_TOO_MANY_DECIMALS = (
    "un montant en euros a au plus deux décimales, lotsync n'arrondit pas (exemple attendu : 1 234,50 €)"
)
CELL_NEGATIVE_AMOUNT = (
    "un montant ne peut pas être négatif : une journée annulée est une ligne au statut « annulé », "
    "pas un montant négatif"
)
CELL_AMOUNT_TOO_LARGE = (
    "montant invraisemblable : au-delà de {limit} (plafond fixé dans la section [limits] de la configuration)"
)
CELL_NOT_A_DATE = "ce n'est pas une date lisible (exemples : 31/03/2026, 31 mars 2026)"
CELL_WRONG_WEEKDAY = "le jour de la semaine ne correspond pas à la date (ce jour-là était un {day})"
CELL_NO_SUCH_DAY = "cette date n'existe pas dans le calendrier"
CELL_TIME_NOT_A_DATE = "c'est une heure, pas une date (exemples : 31/03/2026, 31 mars 2026)"
CELL_DURATION_NOT_A_DATE = "c'est une durée, pas une date (exemples : 31/03/2026, 31 mars 2026)"
CELL_SERIAL_TOO_EARLY = (
    "numéro de date ambigu : avant 61 (le 1er mars 1900), les tableurs ne comptent pas les jours de la "
    "même façon (Excel compte un 29 février 1900 qui n'a jamais existé) ; saisissez la date, "
    "par exemple 31/03/2026"
)
CELL_DATE_IMPLAUSIBLE = (
    "date invraisemblable : lotsync accepte les dates du {earliest} au {latest} "
    "(fenêtre fixée dans la section [limits] de la configuration)"
)
CELL_NOT_A_COUNT = "le nombre de participants doit être un nombre entier positif ou nul"
CELL_COUNT_TOO_LARGE = (
    "nombre de participants invraisemblable : au-delà de {limit} "
    "(plafond fixé dans la section [limits] de la configuration)"
)
CELL_NOT_A_FLAG = "répondez « oui » ou « non »"
CELL_HUGE_NUMBER = "nombre de {digits} chiffres"
"""How a number too long to show is shown (in anomalies, instead of its thousands of digits)."""
CELL_TRUE, CELL_FALSE = "VRAI", "FAUX"
"""A yes/no cell as a French spreadsheet shows it."""
CELL_NOT_A_YEAR = "une année comme 2026"
FEE_CATEGORY = "Cotisation"
"""The category of every fee (a row of `Cotisations` or a `[[fees]]` of the configuration)."""
QUOTED = "« {} »"
"""A name people typed, as the messages quote it."""
SPLIT_NO_WEIGHT = "aucun membre n'a de poids positif"
SPLIT_TOO_MANY_DECIMALS = "le montant a plus de deux décimales"
WEEK_UNREADABLE = "semaine illisible : {text!r} (exemple : 2026-W48)"
WEEK_NOT_IN_YEAR = "semaine illisible : {text!r} ({year} n'a pas de semaine {number})"

# -- anomalies ----------------------------------------------------------------

ANOMALY_KINDS = {
    "source_unreadable": "Classeur illisible",
    "missing_tab": "Onglet introuvable",
    "missing_header": "Ligne d'en-tête introuvable",
    "missing_column": "Colonne obligatoire absente",
    "missing_value": "Valeur manquante",
    "invalid_date": "Date illisible",
    "invalid_amount": "Montant illisible",
    "invalid_pax": "Nombre de participants illisible",
    "invalid_status": "Statut inconnu",
    "invalid_direction": "Sens inconnu",
    "missing_direction": "Sens manquant",
    "unknown_partner": "Office partenaire inconnu",
    "self_partner": "Office partenaire = soi-même",
    "end_before_start": "Date de fin avant la date de début",
    "duplicate": "Référence en double",
    "invalid_split": "Répartition illisible",
    "unknown_member": "Membre inconnu",
    "invalid_flag": "Oui/non illisible",
    "foreign_tab": "Onglet réservé à lotsync créé à la main",
    "overpayment": "Trop-perçu",
    "unknown_reference": "Référence de règlement inconnue",
    "already_settled": "Élément déjà réglé",
    "unknown_dossier": "Dossier inconnu",
}

# -- requests (the `Demandes` tab) ----------------------------------------------------------------

REQUEST_NO_DATE = (
    "La colonne « Reçue le » doit être remplie : sans elle la demande ne peut pas être suivie ; "
    "cette ligne est ignorée tant qu'elle est vide."
)
REQUEST_NO_ONE = (
    "Ni demandeur, ni e-mail, ni numéro de demande : on ne sait pas de qui vient cette demande ; "
    "cette ligne est ignorée tant qu'elle est vide."
)
REQUEST_STATUS_UNKNOWN = (
    "Statut « {value} » inconnu. Utilisez : nouvelle, transmise, devis envoyé, option, confirmée, "
    "perdue ou sans suite (vide : nouvelle). Cette ligne est ignorée tant qu'elle n'est pas corrigée."
)
REQUEST_UNKNOWN_OFFICE = (
    "« {value} » n'est pas un office du collectif ({members}) : la demande reste sans office attribué "
    "tant que ce n'est pas corrigé."
)
REQUEST_VALUE_IGNORED = "« {value} » : {reason}. Cette valeur est ignorée tant qu'elle n'est pas corrigée."
REQUEST_ANSWERED_BEFORE = (
    "« Répondu le » ({answered}) est avant « Reçue le » ({received}) : la date de réponse est ignorée "
    "tant qu'elle n'est pas corrigée."
)
REQUEST_DUPLICATE = "Cette demande figure déjà ligne {row} : elle n'est comptée qu'une fois."
REQUEST_DOSSIER_COLUMN = "Réf. dossier"
REQUEST_DOSSIER_NO_OFFICE = (
    "La demande n'est attribuée à aucun office : le dossier « {value} » ne peut pas être cherché. "
    "Remplissez « Attribuée à »."
)
REQUEST_UNKNOWN_DOSSIER = (
    "Aucun dossier « {value} » dans le tableur de l'office {office} : vérifiez la référence. La "
    "demande n'est pas comptée comme convertie tant que ce n'est pas corrigé."
)
REQUEST_REASON_UNKNOWN = "non précisé"

MISSING_HEADER = (
    "Aucune ligne d'en-tête reconnue dans les {rows} premières lignes : il faut au moins "
    "les colonnes {columns}."
)
MISSING_COLUMN = (
    "La colonne « {column} » est obligatoire et introuvable sur la ligne d'en-tête "
    "(intitulés acceptés : {accepted})."
)
MISSING_VALUE = "La colonne « {column} » doit être remplie ; cette ligne est ignorée tant qu'elle est vide."
FORMULA_ERROR = (
    "La colonne « {column} » affiche « {value} », une erreur de formule, au lieu d'une valeur : "
    "corrigez la formule ou tapez la valeur. Cette ligne est ignorée tant qu'elle n'est pas corrigée."
)
INVALID_CELL = "« {value} » : {reason}. Cette ligne est ignorée tant qu'elle n'est pas corrigée."
INVALID_STATUS = (
    "Statut « {value} » inconnu. Utilisez : devis, option, confirmé, facturé, soldé ou annulé. "
    "Cette ligne est ignorée tant qu'elle n'est pas corrigée."
)
INVALID_DIRECTION = (
    "Sens « {value} » inconnu : écrivez « achat » (nous achetons la journée au partenaire) "
    "ou « vente » (nous la vendons au partenaire)."
)
MISSING_DIRECTION = (
    "Un office partenaire est indiqué ({partner}) mais pas le sens : écrivez « achat » ou "
    "« vente » dans la colonne « {column} »."
)
DIRECTION_WITHOUT_PARTNER = (
    "Le sens « {value} » est indiqué mais pas l'office partenaire : complétez la colonne "
    "« {column} » ou videz le sens."
)
UNKNOWN_PARTNER = "Office partenaire « {value} » inconnu. Offices du collectif : {members}."
SELF_PARTNER = (
    "L'office partenaire « {value} » est votre propre office : videz la colonne pour un client direct."
)
END_BEFORE_START = "La date de fin ({end}) est avant la date de début ({start})."
DUPLICATE = (
    "La référence « {value} » figure aussi ligne{s} {others} : chaque dossier doit avoir sa propre "
    "référence. Ces lignes sont ignorées tant que le doublon n'est pas corrigé."
)
MISSING_AMOUNT = "Le montant est vide pour un dossier au statut « {status} » : indiquez le montant TTC."
INVALID_SPLIT = (
    "Répartition « {value} » illisible : écrivez « égale », des poids comme "
    "« cahors:33; dordogne:30 », ou le nom d'une clé de la configuration ({keys})."
)
UNKNOWN_MEMBER = "« {value} » n'est pas un membre du collectif ({members})."
INVALID_PAID_SHARES = (
    "« {value} » : répondez « oui » quand chaque part est remboursée, « non » ou rien sinon, ou "
    "nommez les offices qui ont payé leur part (exemple : « cahors; figeac » ; membres : {members})."
)
SELF_PAYMENT = "« {value} » paie et reçoit ce règlement : De et À doivent être deux offices différents."
NOT_POSITIVE_PAYMENT = (
    "« {value} » : un règlement a un montant positif ; un remboursement est un règlement dans l'autre sens."
)
OVERPAYMENT = (
    "Ce règlement de {amount} de {payer} à {payee} dépasse de {excess} ce que {payer} devait à "
    "{payee} : {payee} doit rembourser {excess} à {payer} (ou ce règlement est à corriger)."
)
UNKNOWN_REFERENCE = (
    "« {value} » ne désigne aucune facture, aucun dossier ni aucune dépense entre {payer} et "
    "{payee} : cette part du règlement est imputée sur les éléments les plus anciens."
)
ALREADY_SETTLED = (
    "« {value} » est déjà réglé ({what}) : peut-être un double paiement. Cette part du règlement "
    "est imputée sur les autres éléments ouverts, les plus anciens d'abord."
)
REFUND_LABEL = "Trop-perçu du règlement du {day} (ligne {row})"
ALREADY_SETTLED_BY_STATUS = "dossier soldé ou part marquée remboursée"
ALREADY_SETTLED_BY_PAYMENT = "par le règlement de la ligne {row}"

# -- reconciliation -----------------------------------------------------------

RECON_STATUSES = {
    "ok": "Concordant",
    "amount_mismatch": "Montants différents",
    "pax_mismatch": "Pax différents",
    "date_mismatch": "Dates différentes",
    "status_mismatch": "Statuts incompatibles",
    "missing_sale": "Vente manquante",
    "missing_purchase": "Achat manquant",
    "duplicate": "Référence en double",
    "margin": "Marge sur une journée achetée",
    "invoice_mismatch": "N° de facture différents",
}

RECON_OK = "Achat et vente concordent."
RECON_AMOUNT = "Montant {buyer} : {purchase}, montant {seller} : {sale} (écart {gap})."
RECON_PAX = "Pax {buyer} : {purchase}, pax {seller} : {sale}."
RECON_DATE = "Date {buyer} : {purchase}, date {seller} : {sale}."
RECON_STATUS = "Statut {buyer} : {purchase}, statut {seller} : {sale}."
RECON_INVOICE = "Facture {buyer} : {purchase}, facture {seller} : {sale}."
RECON_MARGIN = "Prix de revente {resale} supérieur au prix d'achat {amount} : pas de marge entre offices."
RECON_MISSING_SALE = (
    "{seller} n'a aucune vente correspondante : {seller} doit saisir la vente "
    "(réf. {buyer_ref}, {day}), ou {buyer} corriger la référence partenaire."
)
RECON_MISSING_PURCHASE = (
    "{buyer} n'a aucun achat correspondant : {buyer} doit saisir l'achat "
    "(réf. {seller_ref}, {day}), ou {seller} corriger la référence partenaire."
)
RECON_COUNTERPART_DUPLICATE = (
    "La ligne correspondante chez {office} (réf. « {ref} », ligne {row}) a une référence en double : "
    "{office} doit corriger le doublon pour que cette journée soit rapprochée."
)
RECON_DUPLICATE = "Référence « {ref} » en double chez {office} : ligne ignorée jusqu'à correction."
RECON_OWED = "{buyer} doit {amount} à {seller}."
RECON_PAID = "Réglé."

SOURCE_LABELS = {
    "day": "Journées",
    "expense": "Dépenses communes",
    "fee": "Cotisations",
    "refund": "Trop-perçus à rembourser",
}
"""What a debt is for (`Debt.source`), as the tabs and digests name it."""
ITEM_SOURCES = {
    "day": "Journée",
    "expense": "Dépense commune",
    "fee": "Cotisation",
    "refund": "Trop-perçu",
}
"""One item's kind (`Item.source`), in a statement."""

# -- the result tabs the core's gaps name ----------------------------------------

TAB_RECONCILIATION = "Rapprochement"
TAB_BALANCES = "Soldes"
TAB_SPLITS = "Répartition"
TAB_DASHBOARD = "Tableau de bord"
TAB_REQUESTS = "Suivi des demandes"

# -- incomplete books -----------------------------------------------------------

GAP_OFFICE = "le tableur de {office}"
GAP_SHARED = "l'onglet « {tab} » du classeur partagé"
GAP_UNREADABLE = "{what} n'a pas pu être lu"
GAP_MISSING_TAB = "{what} n'a pas d'onglet « {tab} »"
GAP_MISSING_HEADER = "{what} n'a pas de ligne d'en-tête reconnue (onglet « {tab} »)"
GAP_MISSING_COLUMN = "{what} n'a pas de colonne « {column} » (onglet « {tab} »)"

# -- the weekly digest --------------------------------------------------------
# The core's digest content (`lotsync.core.digest`); the mail itself is lotsync/adapters/templates/.

DIGEST_STALE = (
    "Attention : les soldes n'ont pas pu être recalculés cette semaine, car {reasons}. Voici les "
    "derniers chiffres complets, du {since}."
)
DIGEST_NO_FIGURES = (
    "Attention : les soldes n'ont pas pu être calculés cette semaine, car {reasons}. Aucun chiffre "
    "complet n'est encore disponible : rien n'est dû tant que ce n'est pas corrigé."
)

# -- requests: routing ---
# Why a request goes to an office (`lotsync.core.places`): short phrases joined by
# `ROUTING_SEPARATOR`. A pair is (one place, several places).

PLACE_CONJUNCTIONS = ("et", "puis", "ou")
"""The words that join place names in a request's place field: "Figeac et Rocamadour"."""
ROUTING_STAY = "lieu de séjour : {place}"
ROUTING_FIRST_PLACE = "premier lieu souhaité : {place}"
ROUTING_NO_KNOWN_PLACE = "aucun lieu connu du collectif"
ROUTING_AMBIGUOUS = "lieu ambigu : {place} ({members})"
ROUTING_OR = " ou "
"""Between the offices an ambiguous name may belong to: "dordogne ou figeac"."""
ROUTING_OUTSIDE = ("lieu hors du collectif : {places}", "lieux hors du collectif : {places}")
ROUTING_UNKNOWN = ("lieu inconnu : {places}", "lieux inconnus : {places}")
ROUTING_LIST = ", "
ROUTING_SEPARATOR = " ; "

# -- requests: digests ---
# How the digests write a request's figures (`lotsync.adapters.digest_render`): rates and counts
# that are not whole, the French way, like `money` and `percent_change` above.


def percent(rate: Decimal | None) -> str:
    """`20,0 %` for 0.2; `—` when there is no rate (nothing to divide by)."""
    if rate is None:
        return "—"
    _, decimal_sep = _number_symbols()
    return f"{(rate * 100).quantize(Decimal('0.1')):.1f}".replace(".", decimal_sep) + "\u202f%"


def decimal_number(value: Decimal | None) -> str:
    """`2`, `1,5`, `2,25`: no trailing zero, a decimal comma; `—` for None."""
    if value is None:
        return "—"
    _, decimal_sep = _number_symbols()
    text = f"{value.normalize():f}" if value != value.to_integral_value() else f"{value:.0f}"
    return text.replace(".", decimal_sep)
