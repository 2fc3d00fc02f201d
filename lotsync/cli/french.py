"""The French the command line shows: its messages, the summary of `lotsync sync` and `lotsync fees`.

The rule of docs/architecture.md ("French text"): a text lives in the French module of the lowest
layer that uses it; these are used by `lotsync/cli` only. French money and dates are written by
`lotsync/core/french.py`.
"""

from __future__ import annotations

# -- errors of any command ------------------------------------------------------

CONFIG_ERROR = "Configuration invalide ({path}) :"
CLI_INTERRUPTED = "Interrompu : ce qui était en cours d'écriture n'a pas été écrit."
_AFTER_AN_ERROR = (
    "Ce qui est annoncé plus haut comme écrit ou envoyé l'a été, rien d'autre : lotsync écrit ses "
    "onglets tous ou aucun."
)
"""An error may come after a write (a mail, the summary): claiming nothing was written would be false."""
CLI_OS_ERROR = "Erreur : {reason}. " + _AFTER_AN_ERROR
CLI_UNEXPECTED = (
    "Erreur inattendue de lotsync ({kind}{detail}). " + _AFTER_AN_ERROR + " Relancez avec --debug "
    "pour le détail technique, et signalez-la à qui maintient lotsync."
)
LOG_OS_ERROR = "erreur du système"
"""The debug log line above the trace of an OS error."""
LOG_UNEXPECTED = "erreur inattendue"
"""The debug log line above the trace of an unexpected error."""
FAILED = "ÉCHEC : {error}"

# -- lotsync sync -----------------------------------------------------------------

SYNC_TITLE = "lotsync — synchronisation au {day}"
SYNC_ROWS_READ = "Lignes lues : {read} ; {dossiers} retenus."
SYNC_DOSSIER = "dossier"
"""The word counted by `plural` in SYNC_ROWS_READ."""
SYNC_RECONCILIATION = "Rapprochement : {days} entre offices ({detail})."
SYNC_DAY = "journée"
"""The word counted by `plural` in SYNC_RECONCILIATION."""
SYNC_NO_RECONCILIATION = "aucune"
PARTIAL_KEPT = (
    "Onglets gardés tels qu'ils étaient (derniers chiffres complets) : {tabs}. Soldes et virements "
    "non recalculés."
)
SYNC_BALANCES = "Soldes (positif : à recevoir, négatif : à payer) :"
SYNC_TRANSFERS = {
    "gross": "Virements à faire (un par office débiteur et créancier, sans compensation) :",
    "pair": "Virements à faire (dettes réciproques compensées, un par paire d'offices) :",
    "minimal": "Virements suggérés (le moins possible ; l'un peut payer la dette d'un autre office) :",
}
"""By `[settlement] mode`."""
SYNC_ANOMALIES = "Anomalies : {count}."
SYNC_ANOMALIES_DETAIL = "Anomalies : {count} (détail dans l'onglet « {tab} »)."
SYNC_DRY_RUN = "Simulation (--dry-run) : rien n'a été écrit."
SYNC_NOTHING_REWRITTEN = "aucun onglet à réécrire (déjà à jour)"
SYNC_WRITTEN = "Écrit dans {shared} : {rewritten} ; ligne ajoutée au {journal}."
SYNC_API_CALLS = "Appels à Google : {total} ({detail})."

# -- lotsync fees -----------------------------------------------------------------

FEES_TITLE = "Répartition des frais communs"
FEES_TITLE_YEAR = "Répartition des frais communs {year}"
FEES_REIMBURSED = "remboursé"
FEES_TO_REIMBURSE = "à rembourser"
FEES_NO_YEAR = "s. d."
"""« sans date »: an expense without a year."""
FEES_EXPENSE = "- {label} ({year}) : {amount}, payé par {paid_by}, clé « {key} », {paid}"
FEES_TOTAL = "Total par office :"
FEES_IGNORED = "{count} ligne(s) ignorée(s) : voir `lotsync sync` et l'onglet Anomalies."

# -- lotsync login and logout -----------------------------------------------------

ACCOUNT_METAVAR = "ADRESSE"
"""What `lotsync login --help` shows in place of the value of `--account`."""
LOGIN_OPEN_URL = "Ouvrez cette adresse dans votre navigateur et autorisez lotsync :"
LOGIN_BROWSER_OPENING = "Le navigateur va s'ouvrir ; sinon, ouvrez cette adresse et autorisez lotsync :"
LOGIN_WAITING = "En attente de la réponse de Google…"
LOGIN_FAILED = "Connexion impossible : {error}"
LOGIN_INTERRUPTED = "Connexion interrompue : aucun jeton enregistré."
LOGIN_DONE = "Connecté. Jeton enregistré dans {path} (lisible par vous seul)."
LOGIN_SCOPES = "Accès accordés : {scopes}."
LOGIN_YOUR_ADDRESS = "votre adresse Google"
"""Who to share the workbooks with, when Google did not say which account was connected."""
LOGIN_SHARE = (
    "Partagez chaque classeur avec {who} : Lecteur pour ceux des offices, Éditeur pour le "
    "classeur partagé. Puis : lotsync check."
)
LOGIN_KEY_FIRST = (
    "Attention : la clé de compte de service {key} est configurée ([google] credentials ou "
    "GOOGLE_APPLICATION_CREDENTIALS) ; elle passe avant ce jeton. Retirez-la pour utiliser votre "
    "compte."
)
LOGOUT_NO_TOKEN = "Aucun jeton enregistré ({path})."
LOGOUT_DONE = "Jeton supprimé : {path}."
LOGOUT_REVOKE = "Pour retirer aussi l'accès de lotsync chez Google : https://myaccount.google.com/permissions"

# -- lotsync digest ---------------------------------------------------------------

DIGEST_STATUS = {
    "sent": "envoyé",
    "already_sent": "déjà envoyé cette semaine",
    "dry_run": "prêt (simulation, rien n'est envoyé)",
    "preview": "aperçu écrit",
    "no_recipient": "aucun destinataire configuré",
    "failed": "ÉCHEC",
    "sent_unrecorded": "envoyé, mais pas noté au registre (repartira avec le même identifiant)",
}
"""What became of each digest, by the status `lotsync.app.digests` gives it."""
DIGEST_UNKNOWN_OFFICE = "office inconnu : {office} ({known})"
DIGEST_WEEK = "Récapitulatifs de la semaine {week} :"

# -- lotsync statement ------------------------------------------------------------

STATEMENT_UNKNOWN_OFFICE = "{option} : office inconnu « {office} » (offices du collectif : {known})."
STATEMENT_SAME_OFFICE = (
    "--partner : « {office} » est l'office du relevé ; choisissez un autre office ({known})."
)
STATEMENT_XLSX_NEEDS_OUTPUT = (
    "--format xlsx écrit un classeur : dites dans quel fichier avec --output (par exemple "
    "--output releve.xlsx)."
)
STATEMENT_WRITTEN = "Écrit dans {path} : {count}."
STATEMENT_LINE = "ligne"
"""The word counted by `plural` in STATEMENT_WRITTEN."""

# -- lotsync demo and run ---------------------------------------------------------

DEMO_CONFIG = "Démonstration : {path}"
DEMO_OUTBOX = "Boîte d'envoi de la démonstration : {path}"
DEMO_GOOGLE = "Émulateur Google : {url} ; classeurs importés en Google Sheets."
RUN_REFUSED = "Refus de démarrer : {error}"

# -- lotsync requests -----------------------------------------------------------

UNKNOWN_OFFICE_OPTION = "« {office} » n'est pas un office de la configuration ({ids})."
NO_REQUESTS_TAB = (
    "Aucun onglet « {tab} » : pas de demandes à suivre. Créez-le dans le classeur partagé (voir "
    "docs/requests.md), ou indiquez où il est dans [requests] source et tab."
)
REQUESTS_TITLE = (
    "{count} demande(s) en cours au {as_of}, dont {late} en retard (réponse attendue sous {days} "
    "jours ouvrés) :"
)
REQUESTS_LINE = (
    "- ligne {row}, reçue le {received} ({age} jour(s) ouvré(s)){late} : {who}, {pax} pers. ; "
    "{office} ; {status} ; {why}"
)
REQUESTS_LATE = ", EN RETARD"
REQUESTS_NONE = "Aucune."
REQUESTS_EXPIRED = (
    "{count} demande(s) close(s) depuis plus de {months} mois sont à supprimer de l'onglet des "
    "demandes (lignes {rows})."
)
SYNC_NOTIFICATIONS = "Notifications des demandes — {counts}."
SYNC_NOTIFICATION_COUNT = "{status} : {count}"
SYNC_NOTIFICATION_SEPARATOR = " ; "
SYNC_NOTIFICATION_FAILED = "  courriel pour {office} non envoyé : {error}"
