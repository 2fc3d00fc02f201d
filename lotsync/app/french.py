"""Every French word the application layer (`lotsync/app/`) shows to people.

The sync's anomalies and Journal words, the locks, the send log, the service's logs and alert
mails, `lotsync check` and `lotsync status`. Money, dates and OS errors are written by the
functions of `lotsync/core/french.py`; the words of the lower layers live in their own modules.
"""

from __future__ import annotations

from lotsync.tabs import french as tabs_french

# -- reading the sources (lotsync/app/sync.py) ----------------------------------

MISSING_TAB = "L'onglet « {tab} » n'existe pas dans ce classeur (onglets présents : {tabs})."
FOREIGN_TAB = (
    "L'onglet « {tab} » porte un nom réservé aux résultats de lotsync mais n'a pas été créé par "
    "lotsync : il n'est pas écrasé. Renommez-le pour que lotsync puisse écrire ses résultats."
)

# -- incomplete books -----------------------------------------------------------

STALE_MARKER = (
    tabs_french.MARKER
    + " le {since}. "
    + tabs_french.STALE
    + " depuis le {since} : {reasons}. Ces chiffres sont les derniers complets ; ils seront "
    "recalculés dès que ce sera corrigé (voir l'onglet Anomalies)."
)
PARTIAL_SUMMARY = "INCOMPLET : {reasons}."
JOURNAL_PARTIAL = "partielle"

# -- journal ------------------------------------------------------------------

JOURNAL_OK = "réussie"
JOURNAL_NOTHING_REWRITTEN = "aucun (déjà à jour)"
JOURNAL_RUN = "{detail} · exécution {run}"
"""The detail of a sync's Journal line, ending with the run's id."""
STATUS_COUNT = "{status} : {count}"
"""One reconciliation status and how many days have it, in a Journal line's detail."""

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
WORK_LOCK_NESTED = (
    "work_lock({path}) imbriqué : ce fil le tient déjà (il attendrait sa propre fin). "
    "Prenez-le une seule fois, autour de tout le travail."
)
"""A programming error: the work lock taken again by the thread that holds it."""

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
LEDGER_WRITE_FAILED = "{where} : {error}"
"""The Journal tab could not be written: where the send log is, and why."""
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

STATE_UNREADABLE = "fichier d'état illisible ({path}) : {reason}"
STATE_STARTS_AFRESH = "fichier d'état illisible {path} ({reason}) : on repart de zéro"
STATE_NOT_AN_OBJECT = "ce n'est pas un objet JSON"

# -- the service's alert mails (lotsync/app/service.py) -------------------------

ALERT_SUBJECT = "lotsync : la synchronisation échoue ({collective})"
ALERT_TEXT = (
    "lotsync n'a pas pu synchroniser les comptes du collectif {failures} fois de suite.\n\n"
    "Dernière erreur : {error}\n\n"
    "Les onglets du classeur partagé n'ont pas été modifiés par ces tentatives. lotsync réessaie "
    "à chaque créneau prévu ; un autre courriel suivra quand la synchronisation refonctionnera.\n"
)
ALERT_ERROR_UNKNOWN = "inconnue"
"""The last error of an alert mail, when none was noted."""
RECOVERY_SUBJECT = "lotsync : la synchronisation refonctionne ({collective})"
RECOVERY_TEXT = (
    "La synchronisation de lotsync refonctionne, après {failures} échec(s) de suite. "
    "Les onglets du classeur partagé sont à jour.\n"
)
MAIL_ALERT = "alerte"
MAIL_RECOVERY = "rétablissement"
"""What a mail of the service is, in its log lines (`courriel d'alerte`, `courriel de …`)."""

# -- the service's log lines ----------------------------------------------------

LOG_SYNC_CRASHED = "synchronisation : erreur inattendue"
LOG_SYNC_OK = "synchronisation réussie en {seconds:.2f} s ({calls} appels API)"
LOG_SYNC_FAILED = "synchronisation échouée en {seconds:.2f} s : {error}"
DIGEST_OFFICE_FAILED = "{office} : {error}"
"""One digest that failed, in the error the state file keeps."""
LOG_DIGESTS_CRASHED = "récapitulatifs : erreur inattendue"
LOG_DIGESTS_OK = "récapitulatifs de la semaine {week} : {sent} envoyé(s)"
LOG_DIGESTS_FAILED = "récapitulatifs de la semaine {week} : échec : {error}"
LOG_MAIL_NO_RECIPIENT = "courriel d'{what} non envoyé : aucune adresse dans [collective] emails"
LOG_MAIL_FAILED = "courriel d'{what} non envoyé : {error}"
LOG_MAIL_SENT = "courriel d'{what} envoyé à {recipients}"
LOG_CATCH_UP = "démarrage : rattrapage ({job} manqué pendant l'arrêt)"
CATCH_UP_JOB = "rattrapage {job}"
"""The name of the scheduler's one-off catch-up job."""
LOG_STARTED = (
    "planificateur démarré (processus {pid}, fuseau {timezone}) : "
    "sync « {sync} », récapitulatifs « {digest} »"
)
LOG_STOPPING = "arrêt demandé : fin du travail en cours, puis arrêt"
LOG_STOPPED = "planificateur arrêté"

# -- lotsync status (lotsync/app/status.py) -------------------------------------

OUTCOME_FAILED = "échec"
RUN_OUTCOMES = {
    "ok": "réussie",
    "success": "réussie",
    "done": "réussie",
    "failed": OUTCOME_FAILED,
    "error": OUTCOME_FAILED,
    "skipped": "sautée",
    "interrupted": "interrompue",
}
"""A run's outcome as the state file notes it, in words (feminine: « la synchronisation »)."""
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

STATUS_RUNNING = "Service : un planificateur tourne{detail}."
STATUS_PID = "pid {pid}"
STATUS_STARTED = "démarré le {when}"
STATUS_NOT_RUNNING = "Service : aucun planificateur ne tourne (verrou libre : {lock})."
STATUS_WARNING = "Attention : {error}"
STATUS_NO_SYNC = "Dernière synchronisation : aucune depuis que le service tient son état."
STATUS_LAST_SYNC = "Dernière synchronisation : {when}, {outcome}"
STATUS_SYNC_SECONDS = " en {seconds}"
STATUS_SYNC_API_CALLS = ", {calls} appel(s) à l'API Google"
STATUS_CAUSE = "  cause : {error}"
STATUS_NO_DIGEST = "Dernier récapitulatif : aucun depuis que le service tient son état."
STATUS_LAST_DIGEST = "Dernier récapitulatif : {when}, {outcome}"
STATUS_DIGEST_WEEK = ", semaine {week}"
STATUS_DIGEST_SENT = ", {sent} envoyé(s)"
STATUS_FAILURES = "Échecs consécutifs de la synchronisation : {failures}{alert}."
STATUS_ALERT_SENT = " ; alerte envoyée au collectif"
STATUS_NEXT_SYNC = "Prochaine synchronisation"
STATUS_NEXT_DIGEST = "Prochain récapitulatif"
STATUS_NEVER = "jamais"
STATUS_NEXT = "{label} : {at} ({timezone}, cron « {cron} »)."
STATUS_STATE_FILE = "État : {path}"

# -- lotsync check (lotsync/app/check.py) ---------------------------------------

ACCESS_READ = "lecture"
"""The access `check` found on a Google spreadsheet it could read."""
LOTSYNC_IDENTITY = "l'identité de lotsync"
"""Who to share with, when the Google identity is not known."""

CHECK_MISSING_TAB = "onglet « {tab} » introuvable"
CHECK_NO_HEADER = "ligne d'en-tête introuvable"
CHECK_MISSING_COLUMNS = "colonnes obligatoires absentes : {columns}"
CHECK_FOREIGN_TAB = "l'onglet « {tab} » a été créé à la main : lotsync ne l'écrasera pas"
SHARE_REFUSED = "accès refusé : partagez {url} avec {who} comme {role} (bouton « Partager »)"
SHARE_NOT_FOUND = (
    "classeur introuvable : vérifiez l'identifiant dans la configuration ; s'il est juste, "
    "partagez {url} avec {who} comme {role} (bouton « Partager »)"
)

CHECK_HEADLINE = "lotsync check — configuration valide."
CHECK_SOURCE = "{mark}{id} : {where}, onglet « {tab} »"
CHECK_GOOGLE_ACCESS = "     Google : {access}"
CHECK_LOCALE = (
    "paramètres régionaux « {locale} » : Google y montre les montants et lit les dates tapées à la "
    "façon de ce pays (03/04/2026 y serait le 4 mars). Passez-les en France : Fichier > Paramètres > "
    "Paramètres régionaux : France, puis Enregistrer"
)
CHECK_GMAIL = "!! Gmail : {problem}"
CHECK_WARNING = "     attention : {warning}"
CHECK_OPTIONAL_ABSENT = "     onglet « {tab} » absent : il est facultatif, rien n'en est compté"
CHECK_REQUESTS_DUE = (
    "     {count} demande(s) close(s) depuis plus longtemps que [requests] retention_months : à "
    "supprimer de l'onglet « {tab} » (lignes {rows}) ; lotsync ne les montre plus nulle part"
)
CHECK_TABS_PRESENT = "     onglets présents : {tabs}"
CHECK_NO_TABS = "aucun"
CHECK_HEADER = "     en-tête ligne {row} : {columns}"
CHECK_PROBLEM = "     problème : {problem}"
CHECK_ANOMALIES = "     {count} anomalie(s) de saisie (la ligne est ignorée jusqu'à correction) :"
CHECK_ANOMALY = "       onglet « {tab} », ligne {row}{column} : {message}"
CHECK_ANOMALY_COLUMN = ", colonne « {column} »"
CHECK_MORE_ANOMALIES = "       … et {count} autre(s) : lotsync sync --dry-run"
CHECK_GOOGLE_IDENTITY = "Google : identité {identity}."
CHECK_IDENTITY_UNKNOWN = "inconnue"
CHECK_SCOPES = "  accès demandés : {scopes}"
CHECK_API_CALLS = "  appels à l'API pour cette vérification : {total}{detail}"
CHECK_API_CALL = "{endpoint} : {count}"
CHECK_ALL_READABLE = "Tout est lisible."
CHECK_SOURCES_TO_FIX = "{count} source(s) à corriger."
CHECK_ANOMALIES_TO_FIX = " {count} anomalie(s) de saisie à corriger (voir ci-dessus)."
ACCESS_SHARED = (
    "lecture OK ; lotsync écrit ses onglets ici : {who} doit y être {role} "
    "(check n'écrit rien, l'écriture n'est pas essayée)"
)
ACCESS_OFFICE = "lecture OK (partagé avec {who}, {role} suffit)"

# -- lotsync statement (lotsync/app/statement.py) -------------------------------
# The columns below are fixed (docs/commands.md): an accountant's import rules rely on them.

STATEMENT_COLUMNS = (
    "Office",
    "Partenaire",
    "Nom du partenaire",
    "Sens",
    "Nature",
    "Date",
    "Notre référence",
    "Référence du partenaire",
    "N° facture",
    "Autre n° facture",
    "Libellé",
    "Montant",
    "Réglé",
    "Reste dû",
    "Règlements",
)
"""The header row of the statement's CSV and workbook, in this order."""
MARGIN_COLUMNS = (
    "Office",
    "Dossier",
    "Date",
    "Client",
    "Partenaire",
    "Nom du partenaire",
    "Achat",
    "Revente",
    "Marge",
)
"""The header row of the margin statement's CSV and workbook, in this order."""
DIRECTIONS = {"pay": "payer", "collect": "encaisser"}
"""An item's direction for the office (its `Sens` column)."""
STATEMENT_SHEET = "Relevé"
MARGIN_SHEET = "Marges"
NOTES_SHEET = "À lire"
"""The workbook's second sheet, when there is something to read beside the figures."""

PAYMENT_PART = "{amount} le {day} ({detail})"
"""One payment of `Règlements` matched to an item, in its `Règlements` cell."""
PAYMENT_ROW = "ligne {row}"
PAYMENT_MODE_ROW = "{mode}, ligne {row}"
PAID_BY_SALE = "{amount} par la vente marquée « soldé »"
PAID_BY_SHARE = "{amount} par la part marquée « Remboursé »"
PARTS_SEPARATOR = " ; "

STATEMENT_TITLE = "Relevé de compte de {office}{partner} au {day}"
STATEMENT_WITH = " avec {partner}"
STATEMENT_SINCE = "Éléments datés depuis le {start}, et les plus anciens encore ouverts."
STATEMENT_YEAR = "Éléments de l'exercice du {start} au {end}."
STATEMENT_INCOMPLETE = (
    "INCOMPLET : {reasons}. Des éléments manquent peut-être à ce relevé : corrigez avant de payer "
    "ou d'encaisser sur ses chiffres."
)
STATEMENT_EMPTY = "Aucun élément à payer ni à encaisser."
STATEMENT_TO_PAY = "À payer à {partner} ({count})"
STATEMENT_TO_COLLECT = "À encaisser de {partner} ({count})"
STATEMENT_ITEM = "élément"
"""The word counted by `plural` in the section titles."""
STATEMENT_TEXT_COLUMNS = (
    "Date",
    "Nature",
    "Notre réf.",
    "Leur réf.",
    "N° facture",
    "Libellé",
    "Montant",
    "Réglé",
    "Reste dû",
)
"""The columns of the text statement (the CSV has them all)."""
STATEMENT_PAID_BY = "réglé : {parts}"
STATEMENT_SUBTOTAL = "Sous-total : {amount}, réglé {paid}, reste dû {open}"
STATEMENT_TOTAL_PAY = "Total à payer : reste dû {open} (montant {amount}, réglé {paid})"
STATEMENT_TOTAL_COLLECT = "Total à encaisser : reste dû {open} (montant {amount}, réglé {paid})"

MARGIN_TITLE = "Marges de {office}{partner} au {day}"
MARGIN_PERIOD = "Journées achetées avec un prix de revente, de l'exercice du {start} au {end}."
MARGIN_INCOMPLETE = "INCOMPLET : {reasons}. Des journées manquent peut-être à cet état."
MARGIN_EMPTY = "Aucune journée achetée avec un prix de revente."
MARGIN_TEXT_COLUMNS = ("Dossier", "Date", "Client", "Acheté à", "Achat", "Revente", "Marge")
MARGIN_NOT_ZERO = "marge non nulle : voir l'onglet Rapprochement"
MARGIN_TOTAL = "Total : achat {purchase}, revente {resale}, marge {margin}"
MARGIN_RULE = (
    "Entre offices, une journée se revend au prix où elle a été achetée (pas de marge) : c'est ce "
    "qui permet à l'office acheteur de présenter une marge nulle sur ces journées. lotsync donne "
    "les chiffres ; le traitement de la TVA (régime de la marge des agences de voyages ou autre) "
    "reste l'affaire du comptable de l'office."
)

# -- requests: notifications ---
# `lotsync.app.notifications` (issue 14): an office told of a request, a late request reminded, each
# once, through the send log of the digests. No requester's name, e-mail or phone in these texts.

NOTIFY_KEY_KINDS = {"assigned": "attribuée", "late": "retard"}
"""The last word of a notification's key in the send log: `demande:n:w-12:attribuée`."""
NOTIFY_JOURNAL_SENDING = "notification en cours d'envoi"
NOTIFY_JOURNAL_SENT = "notification envoyée"
"""Column B of a notification's Journal lines (the send log on Google)."""
NOTIFY_STATUSES = {
    "sent": "envoyée",
    "already_sent": "déjà envoyée",
    "no_recipient": "aucun destinataire configuré",
    "dry_run": "prête (simulation, rien n'est envoyé)",
    "failed": "ÉCHEC",
    "sent_unrecorded": "partie, mais pas notée au registre",
}
NOTIFY_LOG_RESULT = "notification {key} pour {office} : {status}"
NOTIFY_LOG_FAILED = "notification {key} pour {office} : {status} : {error}"
NOTIFY_LOG_COUNT = "{status} : {count}"
NOTIFY_LOG_SUMMARY = "notifications des demandes : {counts}"
NOTIFY_LOG_NONE = "notifications des demandes : aucune à envoyer"
