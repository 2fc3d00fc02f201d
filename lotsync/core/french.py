"""Every French word lotsync shows to people, and how it writes money and dates.

Kept in one place so that the rest of the code stays in English and a second
language stays possible. Money and dates follow Babel's `fr_FR` rules.
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

# -- anomalies ----------------------------------------------------------------

ANOMALY_KINDS = {
    "source_unreadable": "Classeur illisible",
    "missing_tab": "Onglet introuvable",
    "missing_header": "Ligne d'en-tête introuvable",
    "missing_column": "Colonne obligatoire absente",
    "missing_value": "Valeur obligatoire manquante",
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
}

SOURCE_UNREADABLE = "Impossible d'ouvrir ce classeur : {reason}. Vérifiez le chemin dans la configuration."
SOURCE_MISSING = "le fichier n'existe pas ({path})"
SOURCE_NOT_XLSX = "ce n'est pas un classeur .xlsx valide"
SOURCE_INVALID = "Impossible de lire ce classeur : {reason}."
"""A file was found but its content is not a workbook lotsync can read (the path is right)."""
SOURCE_DANGLING_LINK = "le lien symbolique {path} pointe vers {target}, qui n'existe pas"
SOURCE_NOT_A_FILE = "{path} est {kind}, pas un fichier"
SOURCE_BAD_PATH = "le chemin {path!r} contient un caractère nul, impossible dans un nom de fichier"
SOURCE_FILE_KINDS = {
    "directory": "un dossier",
    "fifo": "un tube nommé (FIFO)",
    "device": "un périphérique",
    "socket": "une socket",
    "other": "un fichier spécial",
}
SOURCE_TOO_LARGE = (
    "le fichier {path} fait {size}, plus que les {limit} que lotsync accepte : "
    "est-ce bien le classeur d'un office ?"
)
SOURCE_TOO_LARGE_UNPACKED = (
    "une fois décompressé, il ferait {size}, plus que les {limit} que lotsync accepte "
    "(un classeur ordinaire fait quelques mégaoctets)"
)
SOURCE_EMPTY = (
    "le fichier est vide (0 octet) : une copie interrompue ? Reprenez le classeur d'origine ou une sauvegarde"
)
SOURCE_CSV = (
    "c'est un fichier CSV (du texte) nommé comme un classeur : ouvrez-le dans Excel ou LibreOffice "
    "et enregistrez-le au format Classeur Excel (.xlsx)"
)
SOURCE_TEXT = (
    "c'est un fichier texte, pas un classeur : ouvrez-le dans Excel ou LibreOffice "
    "et enregistrez-le au format Classeur Excel (.xlsx)"
)
SOURCE_ODS = (
    "c'est un classeur LibreOffice (.ods), que lotsync ne lit pas : dans LibreOffice, "
    "Fichier > Enregistrer sous > Classeur Excel 2007-365, "
    "puis indiquez le fichier .xlsx dans la configuration"
)
SOURCE_XLS = (
    "c'est un ancien classeur Excel 97-2003 (.xls), que lotsync ne lit pas : ouvrez-le et enregistrez-le "
    "au format .xlsx (Excel : Fichier > Enregistrer sous > Classeur Excel ; LibreOffice : "
    "Fichier > Enregistrer sous > Classeur Excel 2007-365)"
)
SOURCE_XLSB = (
    "c'est un classeur Excel binaire (.xlsb), que lotsync ne lit pas : dans Excel, "
    "Fichier > Enregistrer sous > Classeur Excel (.xlsx)"
)
SOURCE_ENCRYPTED = (
    "le classeur est protégé par un mot de passe (chiffré) et lotsync ne peut pas l'ouvrir : "
    "enregistrez-le sans mot de passe (Excel : Fichier > Informations > Protéger le classeur > "
    "Chiffrer avec mot de passe, videz le mot de passe ; LibreOffice : Fichier > Enregistrer sous, "
    "décochez « Enregistrer avec mot de passe »)"
)
SOURCE_ZIP_NOT_WORKBOOK = "c'est une archive zip qui ne contient pas de classeur Excel"
SOURCE_DAMAGED = (
    "le fichier est abîmé ({problem}) : rouvrez-le dans Excel ou LibreOffice et enregistrez-le "
    "de nouveau, ou reprenez une sauvegarde"
)
SOURCE_DAMAGED_TAB = (
    "l'onglet « {tab} » est abîmé ({problem}, {where}) : ouvrez le classeur dans Excel ou LibreOffice, "
    "vérifiez cet onglet et enregistrez-le de nouveau"
)
SOURCE_AFTER_ROW = "après la ligne {row}"
SOURCE_FIRST_ROWS = "dès ses premières lignes"
SOURCE_PROBLEMS = {
    "zip": "archive zip incomplète ou corrompue : copie ou téléchargement interrompu ?",
    "compression": "méthode de compression inconnue",
    "xml": "contenu XML illisible",
    "part": "une partie du classeur manque",
    "value": "une valeur est illisible",
    "cell": "une cellule est illisible",
    "shared": "une cellule renvoie à un texte partagé qui n'existe pas",
    "memory": "trop gros pour la mémoire disponible",
    "other": "erreur inattendue de lecture ({kind})",
}
"""What went wrong inside a damaged workbook, in words (never openpyxl's English message)."""
MISSING_TAB = "L'onglet « {tab} » n'existe pas dans ce classeur (onglets présents : {tabs})."
MISSING_HEADER = (
    "Aucune ligne d'en-tête reconnue dans les {rows} premières lignes : il faut au moins "
    "les colonnes {columns}."
)
MISSING_COLUMN = (
    "La colonne « {column} » est obligatoire et introuvable sur la ligne d'en-tête "
    "(intitulés acceptés : {accepted})."
)
MISSING_VALUE = "La colonne « {column} » doit être remplie ; cette ligne est ignorée tant qu'elle est vide."
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
INVALID_FLAG = "« {value} » : répondez « oui » une fois remboursé, « non » ou rien sinon."
FOREIGN_TAB = (
    "L'onglet « {tab} » porte un nom réservé aux résultats de lotsync mais n'a pas été créé par "
    "lotsync : il n'est pas écrasé. Renommez-le pour que lotsync puisse écrire ses résultats."
)

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
}

RECON_OK = "Achat et vente concordent."
RECON_AMOUNT = "Montant {buyer} : {purchase}, montant {seller} : {sale} (écart {gap})."
RECON_PAX = "Pax {buyer} : {purchase}, pax {seller} : {sale}."
RECON_DATE = "Date {buyer} : {purchase}, date {seller} : {sale}."
RECON_STATUS = "Statut {buyer} : {purchase}, statut {seller} : {sale}."
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

# -- output tabs --------------------------------------------------------------

MARKER = "Généré par lotsync"
"""Start of the first line of every tab lotsync owns: how it knows the tab is its own."""
MARKER_LINE = MARKER + " le {when}. Ne pas modifier : cet onglet est réécrit à chaque synchronisation."

TAB_RECONCILIATION = "Rapprochement"
TAB_BALANCES = "Soldes"
TAB_SPLITS = "Répartition"
TAB_DASHBOARD = "Tableau de bord"
TAB_ANOMALIES = "Anomalies"
TAB_JOURNAL = "Journal"

# -- incomplete books -----------------------------------------------------------

GAP_OFFICE = "le tableur de {office}"
GAP_SHARED = "l'onglet « {tab} » du classeur partagé"
GAP_UNREADABLE = "{what} n'a pas pu être lu"
GAP_MISSING_TAB = "{what} n'a pas d'onglet « {tab} »"
GAP_MISSING_HEADER = "{what} n'a pas de ligne d'en-tête reconnue (onglet « {tab} »)"
GAP_MISSING_COLUMN = "{what} n'a pas de colonne « {column} » (onglet « {tab} »)"
STALE = "NON MIS À JOUR"
"""In the first line of a tab whose figures are the last complete ones, not recomputed."""
STALE_MARKER = (
    MARKER + " le {since}. " + STALE + " depuis le {since} : {reasons}. Ces chiffres sont les "
    "derniers complets ; ils seront recalculés dès que ce sera corrigé (voir l'onglet Anomalies)."
)
NEVER_COMPLETE = (
    "Pas encore de chiffres complets : {reasons}. lotsync les calculera dès que ce sera corrigé "
    "(voir l'onglet Anomalies)."
)
PARTIAL_SUMMARY = "INCOMPLET : {reasons}."
PARTIAL_KEPT = (
    "Onglets gardés tels qu'ils étaient (derniers chiffres complets) : {tabs}. Soldes et virements "
    "non recalculés."
)
JOURNAL_PARTIAL = "partielle"
UNKNOWN_DATE = "(date inconnue)"

SECTION_BALANCES = "Soldes par office"
SECTION_TRANSFERS = "Virements suggérés pour tout solder"
SECTION_DEBTS = "Détail : qui doit quoi à qui"
SECTION_NO_TRANSFER = "Aucun virement nécessaire : les comptes sont à l'équilibre."
SECTION_YTD = "Chiffre d'affaires depuis le {start} (au {as_of}) comparé à la même période de {previous}"
SECTION_MONTHLY = "Chiffre d'affaires par mois (hors achats aux offices partenaires)"
SECTION_KIND = "Par type de prestation, depuis le début de l'exercice"

SOURCE_LABELS = {"day": "Journées", "expense": "Dépenses communes", "fee": "Cotisations"}

# -- journal ------------------------------------------------------------------

JOURNAL_OK = "réussie"
JOURNAL_NOTHING_REWRITTEN = "aucun (déjà à jour)"
JOURNAL_DRY = "simulation"
JOURNAL_FAILED = "échec"

# -- the command line ---------------------------------------------------------

CONFIG_ERROR = "Configuration invalide ({path}) :"
CLI_INTERRUPTED = "Interrompu : ce qui était en cours d'écriture n'a pas été écrit."
CLI_OS_ERROR = "Erreur : {reason}. Rien n'a été écrit."
CLI_UNEXPECTED = (
    "Erreur inattendue de lotsync ({kind}{detail}). Rien n'a été écrit. Relancez avec --debug pour "
    "le détail technique, et signalez-la à qui maintient lotsync."
)
WRITE_REFUSED_LOCKED = (
    "Le classeur {path} est ouvert dans un tableur ({lock} existe) : fermez-le puis relancez. "
    "Rien n'a été écrit."
)
WRITE_REFUSED_CHANGED = (
    "Le classeur {path} a été modifié pendant la synchronisation : rien n'a été écrit. "
    "Relancez la synchronisation."
)
WRITE_REFUSED_FOREIGN = "Rien n'a été écrit dans {path} : {tabs} {verb} été créé(s) à la main."
WRITE_FAILED = "Écriture impossible dans {path} : {reason}. Rien n'a été écrit."
HAND_EDIT_REFUSED = (
    "Rien n'a été écrit dans {path} : des onglets de lotsync ont été modifiés à la main depuis la "
    "dernière synchronisation : {tabs}{who}. lotsync réécrit entièrement ses onglets et effacerait "
    "ce qui y a été tapé. Pour le garder, copiez-le dans un onglet à vous (par exemple « Notes ») puis "
    "effacez-le de l'onglet de lotsync ; pour laisser lotsync réécrire l'onglet (et perdre la "
    "modification), supprimez l'onglet « {tab} » : il sera recréé. Puis relancez la synchronisation."
)
HAND_EDIT_WHO = " (classeur enregistré en dernier par {who} : voyez avec cette personne)"

# -- the weekly digest --------------------------------------------------------
# The mail's body lives in lotsync/templates/digest_*.j2; here are the words code needs.

DIGEST_STALE = (
    "Attention : les soldes n'ont pas pu être recalculés cette semaine, car {reasons}. Voici les "
    "derniers chiffres complets, du {since}."
)
DIGEST_NO_FIGURES = (
    "Attention : les soldes n'ont pas pu être calculés cette semaine, car {reasons}. Aucun chiffre "
    "complet n'est encore disponible : rien n'est dû tant que ce n'est pas corrigé."
)
DIGEST_TURNOVER_UNREAD = "Non calculé cette semaine, car {reason}."
DIGEST_SUBJECT = "[{collective}] {office} — récapitulatif de la semaine {span}"
DIGEST_ALL_OFFICES = "Tous les offices"
DIGEST_SOURCES = {"day": "Journées entre offices", "expense": "Dépenses communes", "fee": "Cotisations"}
DIGEST_ROWS = ("Journées", "Visites de groupe", "Autres prestations", "Total")
DIGEST_YEAR_START = "début de l'année"
DIGEST_THIS_YEAR = "Cette année"
DIGEST_LAST_YEAR = "L'an dernier"
DIGEST_YOU = "vous"
DIGEST_TO_CHECK = "À vérifier"
CHART_ALT = (
    "Graphique : chiffre d'affaires depuis le {start}, {year} comparé à {previous} "
    "(journées, visites de groupe, total)"
)
CHART_BARS = ("Journées", "Visites", "Total")
CHART_NOW = "{year} (au {day})"
CHART_THEN = "{year} (même période)"


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


# -- locks and the send log ---------------------------------------------------
# lotsync/lock.py and lotsync/ledger.py; `{reason}` is `os_error(error, path)` or a sentence.

LOCK_HOLDER = " (processus {pid})"
LOCK_BUSY = (
    "Une autre commande lotsync{holder} écrit ou envoie en ce moment pour cette configuration ; "
    "réessayez dans un moment. Verrou : {path} ({waited})."
)
LOCK_WAITED = "attendu {seconds} s, [schedule] lock_wait"
LOCK_NO_WAIT = "sans attendre : [schedule] lock_wait = 0"
LOCK_WAITING = "attente du verrou {path}, tenu par une autre commande lotsync{holder} (au plus {seconds} s)"
LOCK_UNAVAILABLE = (
    "Impossible de prendre le verrou : {reason}. Rien n'a été écrit ni envoyé ; vérifiez "
    "[schedule] lock_file et les droits sur son dossier."
)
ALREADY_RUNNING = (
    "lotsync run tourne déjà pour cette configuration{holder} : verrou {path}. "
    "Arrêtez-le d'abord (un seul planificateur à la fois)."
)

LEDGER_UNREADABLE = (
    "Registre des récapitulatifs illisible ({where}) : {reason}. Rien n'est envoyé : sans ce registre, "
    "lotsync ne sait pas ce qui est déjà parti et enverrait tout une seconde fois. Restaurez-le "
    "(ou, pour vraiment tout renvoyer, supprimez-le), puis relancez."
)
LEDGER_NOT_JSON = "ce n'est pas du JSON valide (ligne {line}, colonne {column})"
LEDGER_NOT_TEXT = "ce n'est pas du texte UTF-8"
LEDGER_BAD_SHAPE = "ce n'est pas un registre de lotsync (il faut un objet JSON avec une liste « sent »)"
LEDGER_BAD_ENTRY = "l'entrée n° {number} de « {key} » est incomplète ou mal formée"
LEDGER_BAD_LINE = "la ligne {row} du Journal est marquée « {outcome} » mais son détail ne se lit pas"
LEDGER_JOURNAL = "onglet {tab} du classeur partagé"
LEDGER_INTENT_FAILED = (
    "Pas envoyé : impossible de noter au registre, avant de l'envoyer, que ce courriel part "
    "({reason}). Libérez de la place ou corrigez les droits, puis relancez."
)
LEDGER_SENT_UNRECORDED = (
    "Parti, mais impossible de le noter au registre ({reason}). Au prochain passage il repartira "
    "avec le même identifiant de message {message_id}, que les logiciels de messagerie reconnaissent "
    "pour n'en montrer qu'un."
)
DIGEST_JOURNAL_SENDING = "récapitulatif en cours d'envoi"
DIGEST_JOURNAL_SENT = "récapitulatif envoyé"

# -- schedule and login

CRON_FIELD_COUNT = "il faut 5 champs, pas {count}"
CRON_DAY_OF_WEEK = "jour de la semaine invalide : {part!r} (0 ou 7 = dimanche, 1 = lundi … 6)"
STATE_UNREADABLE = "fichier d'état illisible ({path}) : {reason}"
STATE_STARTS_AFRESH = "fichier d'état illisible {path} ({reason}) : on repart de zéro"
STATE_NOT_AN_OBJECT = "ce n'est pas un objet JSON"

SCOPE_SHEETS = "Google Sheets (lecture et écriture des classeurs)"
SCOPE_DRIVE_READONLY = "Google Drive (lecture seule, pour les fichiers Excel)"
SCOPE_GMAIL_SEND = "Gmail (envoi des récapitulatifs seulement)"
TOKEN_LACKS_SCOPES = (
    "Le jeton de `lotsync login` ({path}) ne donne pas l'accès {missing}, dont cette configuration "
    "a besoin : relancez `lotsync login`, qui le demande maintenant, et acceptez chaque accès."
)
GMAIL_SCOPE_MISSING_LOGIN = (
    "Gmail a refusé le message pour {to} : le compte Google connecté par `lotsync login` n'a pas donné "
    'l\'accès « {scope} ». Relancez `lotsync login` (avec [mail] transport = "gmail", il demande cet '
    "accès) et acceptez-le."
)
GMAIL_SCOPE_MISSING_KEY = (
    "Gmail a refusé le message pour {to} : les identifiants Google utilisés n'ont pas l'accès « {scope} » "
    '(portée {url}). Donnez-leur cette portée, ou envoyez par SMTP ([mail] transport = "smtp").'
)
