"""The French text of the adapters: configuration errors, spreadsheets, Google, mail, digests, logs.

Every French word the modules of `lotsync/adapters/` (and its `backends/` and `google/`) show to
people lives here, as `str.format` templates with named fields or tables of labels. Money, dates
and operating-system errors are written by `lotsync.core.french`; the body of the weekly digest
lives in the Jinja templates of `lotsync/adapters/templates/`.
"""

from __future__ import annotations

# -- the configuration: its defaults ------------------------------------------

DEFAULT_COLLECTIVE = "Collectif des offices de tourisme du Lot"
DEFAULT_DOSSIER_TAB = "Dossiers"
DEFAULT_FEE_NAME = "Cotisation Club Destination Groupes ADN Tourisme"

OFFICE_PREFIXES = (
    "office de tourisme de ",
    "office de tourisme du ",
    "office de tourisme ",
    "office du tourisme ",
    "ot de ",
    "ot du ",
    "ot ",
)
"""How a sheet may write a member before its name (normalized): "OT de Cahors" is Cahors."""

# -- the configuration: what is wrong with it -----------------------------------

CONFIG_UNKNOWN_ZONE = "fuseau horaire inconnu : {value!r} (exemple : Europe/Paris)"
CONFIG_EMPTY_TAB = 'nom d\'onglet vide (exemple : "Dossiers")'
CONFIG_BAD_CRON = (
    "expression cron invalide {value!r} : {error} "
    '(cinq champs : minute heure jour mois jour-de-semaine, exemple : "0 8 * * 1")'
)
CONFIG_DUPLICATE_ID = "members : identifiant en double {twice} (membres : {ids})"
CONFIG_UNKNOWN_FIELD = "{section}.{key} : champ inconnu (champs : {known})"
CONFIG_SPLIT_UNKNOWN_MEMBER = "split_keys.{name}.{member} : membre inconnu ({ids})"
CONFIG_SPLIT_WEIGHT = "split_keys.{name}.{member} : poids hors limites (de 0 à {limit})"
CONFIG_SPLIT_ALL_ZERO = "split_keys.{name} : tous les poids sont nuls"
CONFIG_FEE_TOO_LARGE = "fees.{i}.amount : {amount} € dépasse la limite de {limit} € ([limits] max_amount)"
CONFIG_FEE_UNKNOWN_PAYER = "fees.{i}.paid_by : membre inconnu {payer!r} ({ids})"
CONFIG_FEE_BAD_KEY = (
    "fees.{i}.key : répartition {key!r} illisible (« égale », des poids comme "
    "« {first}:2; {second}:1 » ou une clé de split_keys : {keys})"
)
CONFIG_NO_SPLIT_KEY = "aucune"
"""In CONFIG_FEE_BAD_KEY, when the configuration has no split key."""
CONFIG_UNKNOWN_WORD = "words.{field}.{key} : valeur inconnue ({canonical})"
CONFIG_SHARED_ON_DRIVE = (
    "shared.source : lotsync n'écrit jamais dans un fichier Excel stocké sur Drive ; "
    "convertissez le classeur partagé en Google Sheets "
    "(Fichier > Enregistrer au format Google Sheets)"
)
CONFIG_AMBIGUOUS_NAME = (
    "members.{i}.{field} : « {word} » désigne aussi le membre {other} "
    "(« {other_word} ») : chaque identifiant, nom ou alias doit désigner un seul office"
)
CONFIG_PLACE_UNKNOWN_MEMBER = (
    "[requests.places] « {place} » = « {member} » : « {member} » n'est pas l'identifiant d'un membre ({ids})."
)
CONFIG_RESERVED_TAB = (
    "shared.{field} : « {tab} » est le nom d'un onglet que lotsync écrit ; choisissez un autre onglet"
)
CONFIG_RESERVED_REQUESTS_TAB = (
    "requests.tab : « {tab} » est le nom d'un onglet que lotsync écrit ; choisissez un autre onglet"
)
CONFIG_SAME_SHARED_TAB = "shared.{field} : même onglet que shared.{first}"
CONFIG_OFFICE_IS_SHARED = (
    "members.{i}.source : c'est le classeur partagé ; chaque office a son propre classeur"
)
CONFIG_TAB_READ_TWICE = "members.{i}.tab : le membre {other} lit déjà l'onglet « {tab} » de ce classeur"

CONFIG_ERRORS = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "string_type": "doit être un texte entre guillemets",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "decimal_parsing": 'doit être un montant (exemple : "3000.00")',
    "decimal_type": 'doit être un montant (exemple : "3000.00")',
    "decimal_max_places": "au plus deux décimales",
    "finite_number": "doit être un nombre fini",
    "greater_than": "doit être strictement positif",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "too_short": "liste trop courte (il faut au moins deux membres)",
    "string_pattern_mismatch": "lettres minuscules, chiffres, - et _ seulement",
    "literal_error": "valeur non prise en charge",
    "bool_type": "doit être true ou false",
    "bool_parsing": "doit être true ou false",
    "list_type": "doit être une liste [ ... ]",
    "dict_type": "doit être une table",
    "date_from_datetime_parsing": "doit être une date AAAA-MM-JJ",
    "date_type": "doit être une date AAAA-MM-JJ",
}
"""What pydantic's error types mean, in French (by `type`; pydantic's English `msg` otherwise)."""

CONFIG_TOML_INVALID = "TOML invalide : {text}"
CONFIG_TOML_INVALID_AT = "TOML invalide à la ligne {line}, colonne {column} (détail : {detail})"
CONFIG_IS_A_FOLDER = "lecture impossible : c'est un dossier, pas un fichier"
CONFIG_NOT_A_FILE = "lecture impossible : ce n'est pas un fichier ordinaire"
CONFIG_NOT_FOUND = "fichier introuvable (option --config ou variable LOTSYNC_CONFIG)"
CONFIG_UNREADABLE = "lecture impossible : {reason}"
CONFIG_NOT_UTF8 = "lecture impossible : le fichier n'est pas en UTF-8 (octet {position})"

# -- the schedule -------------------------------------------------------------

CRON_FIELD_COUNT = "il faut 5 champs, pas {count}"
CRON_DAY_OF_WEEK = "jour de la semaine invalide : {part!r} (0 ou 7 = dimanche, 1 = lundi … 6)"

# -- files and logs -----------------------------------------------------------

LEFTOVER_REMOVED = "fichier temporaire abandonné supprimé : {path}"
LOG_UNKNOWN_FORMAT = "format de journal inconnu : {fmt!r} ({formats})"

# -- reading a workbook ---------------------------------------------------------

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
MEGABYTES = "{count} Mo"

# -- writing lotsync's tabs -----------------------------------------------------

WRITE_REFUSED_LOCKED = (
    "Le classeur {path} est ouvert dans un tableur ({lock} existe) : fermez-le puis relancez. "
    "Rien n'a été écrit."
)
WRITE_REFUSED_CHANGED = (
    "Le classeur {path} a été modifié pendant la synchronisation : rien n'a été écrit. "
    "Relancez la synchronisation."
)
WRITE_FAILED = "Écriture impossible dans {path} : {reason}. Rien n'a été écrit."
WRITE_NOT_XLSX = (
    "Rien n'a été écrit dans {path} : malgré son nom, ce fichier est un {kind}, où lotsync ne sait pas "
    "écrire ses onglets. Enregistrez-le au format .xlsx (LibreOffice : Fichier > Enregistrer sous > "
    "Classeur Excel 2007-365 ; Excel : Fichier > Enregistrer sous > Classeur Excel (.xlsx))."
)
"""`kind`: CONFIG_SHARED_KINDS of what the bytes are (an .ods or .xls saved under an .xlsx name)."""

# -- Google Sheets and Drive ------------------------------------------------------

GOOGLE_GAVE_UP = (
    "Google n'a pas répondu correctement après {tries} essais pour {url} ({status}) : {explanation} "
    "Réessayez plus tard."
)
ROLE_READER, ROLE_EDITOR = "Lecteur", "Éditeur"
"""The roles of Google's « Partager » dialog, as people see them in French."""
GOOGLE_DEFAULT_IDENTITY = "le compte de service de lotsync"
"""Whom to share a spreadsheet with, when the credentials do not say."""
GOOGLE_BOOK = "« {name} » ({url})"
GOOGLE_ACCESS_DENIED = (
    "Accès refusé au classeur {label} : partagez-le avec {who} comme {role} "
    "(bouton « Partager » ; Lecteur suffit pour le classeur d'un office, Éditeur pour le classeur partagé)."
)
GOOGLE_NOT_FOUND = (
    "Classeur introuvable : {url}. Vérifiez l'identifiant dans la configuration ; s'il est juste, "
    "partagez le classeur avec {who} comme {role}."
)
GOOGLE_API_DISABLED = (
    "L'API « {service} » n'est pas activée dans le projet Google Cloud {project} de lotsync : activez-la "
    "ici : {link} (bouton « Activer »), attendez quelques minutes, puis relancez."
)
GOOGLE_THE_API = "Google nécessaire"
GOOGLE_CONSOLE = "https://console.cloud.google.com/apis/library"
GOOGLE_SCOPE_MISSING = (
    "lotsync n'a pas l'autorisation Google qu'il faut pour {label} : le jeton ne couvre pas cet "
    "accès. Relancez « lotsync login » (ou, pour un compte de service, vérifiez les accès accordés "
    "dans la délégation)."
)
GOOGLE_RATE_LIMITED = (
    "Google limite le nombre d'appels par minute, et la limite est atteinte pour {label} : "
    "réessayez dans quelques minutes, ou espacez les synchronisations ([schedule] sync)."
)
GOOGLE_NATIVE_SHEET_AS_DRIVE = (
    "{label} est un classeur Google Sheets, pas un fichier Excel : donnez-le dans la configuration "
    "par son adresse docs.google.com/spreadsheets/… (ou sheets:ID), pas par drive:ID."
)
GOOGLE_EXCEL_THROUGH_SHEETS = (
    "{label} est un fichier Excel stocké sur Drive, que l'API Google Sheets ne lit pas : donnez-le "
    "par drive:ID (lotsync le lit comme fichier Excel), ou enregistrez-le au format Google Sheets "
    "(Fichier > Enregistrer au format Google Sheets)."
)
GOOGLE_ERROR = "Erreur de Google pour {url} : {status}."
GOOGLE_SAYS = " Google dit : « {message} »"
"""Google's own message, appended to every French explanation of a Google error."""
GOOGLE_NO_CONNECTION = "connexion impossible : {kind}"
GOOGLE_EDITED = (
    "Rien n'a été écrit dans « {name} » : des onglets de lotsync ont été modifiés "
    "à la main pendant la synchronisation ({cells}). Relancez la synchronisation."
)
GOOGLE_NOT_A_SHEET = "ce n'est pas un Google Sheets"
PROTECTION_DESCRIPTION = "Onglet de lotsync : réécrit à chaque synchronisation, ne pas modifier"
"""The warning-only protection of lotsync's tabs on Google (Google asks before a person edits)."""
STAGING_TAB = "lotsync-préparation-"
"""The start of the name of the hidden tabs a write larger than 2 MB is prepared in."""
GOOGLE_NOTHING_WRITTEN = " Rien n'a été écrit."
"""Added to a Google error that stopped a write."""

# -- Google credentials and `lotsync login` ------------------------------------------

SCOPE_SHEETS = "Google Sheets (lecture et écriture des classeurs)"
SCOPE_DRIVE_READONLY = "Google Drive (lecture seule, pour les fichiers Excel)"
SCOPE_GMAIL_SEND = "Gmail (envoi des récapitulatifs seulement)"
TOKEN_LACKS_SCOPES = (
    "Le jeton de `lotsync login` ({path}) ne donne pas l'accès {missing}, dont cette configuration "
    "a besoin : relancez `lotsync login`, qui le demande maintenant, et acceptez chaque accès."
)
SCOPE_QUOTED = "« {scope} »"
"""A scope's name in TOKEN_LACKS_SCOPES."""
NO_CREDENTIALS = (
    "Aucun identifiant Google : indiquez la clé du compte de service dans [google] credentials "
    "(ou la variable {variable}), ou connectez-vous avec `lotsync login`."
)
KEY_NOT_FOUND = "Clé de compte de service introuvable : {path}"
KEY_UNREADABLE = "Clé de compte de service illisible : {path} ({reason})."
KEY_INVALID = (
    "{path} n'est pas une clé de compte de service Google valide (fichier JSON téléchargé "
    "depuis la console Google Cloud, section « Clés » du compte de service)."
)
TOKEN_UNREADABLE = "Le jeton {path} est illisible : relancez `lotsync login`."
DEFAULT_ACCOUNT = "votre compte Google"
"""Whom to share a spreadsheet with, when a login's token does not name the account."""

LOGIN_SUCCESS_PAGE = "lotsync est autorisé à accéder à vos classeurs. Vous pouvez fermer cette fenêtre."
"""What the browser shows once Google has answered."""
LOGIN_NO_CLIENT_FILE = (
    "Aucun fichier d'identifiants OAuth : téléchargez-le depuis la console Google Cloud "
    "(API et services > Identifiants > ID client OAuth de type « Application de bureau » > "
    "Télécharger le JSON), puis indiquez son chemin avec --client-secrets ou dans "
    "[google] client_secrets."
)
LOGIN_CLIENT_FILE_MISSING = "Fichier d'identifiants OAuth introuvable : {path}"
LOGIN_CLIENT_FILE_UNREADABLE = "{path} n'est pas un fichier d'identifiants OAuth lisible (JSON)."
LOGIN_SERVICE_ACCOUNT_KEY = (
    "{path} est la clé d'un compte de service, pas un identifiant OAuth : indiquez-la dans "
    "[google] credentials (pas besoin de `lotsync login`)."
)
LOGIN_WRONG_CLIENT = (
    "{path} est un identifiant OAuth {kind} : créez un ID client OAuth de type "
    "« Application de bureau » et téléchargez son JSON."
)
LOGIN_CLIENT_KINDS = {"web": "d'application Web", "other": "inconnu"}
"""The `{kind}` of LOGIN_WRONG_CLIENT."""
LOGIN_CLIENT_FIELDS_MISSING = "{path} : champs absents ({fields})."
LOGIN_TIMED_OUT = (
    "Pas de réponse de Google à temps : relancez `lotsync login` et autorisez lotsync dans le navigateur."
)
LOGIN_SCOPES_DECLINED = (
    "Vous n'avez pas accordé tous les accès demandés : relancez `lotsync login` et cochez chaque "
    "case ({scopes})."
)
"""oauthlib's warning: the person did not grant every scope asked for (`{scopes}`: all of them)."""
LOGIN_SCOPES_MISSING = (
    "Vous n'avez pas accordé tous les accès demandés : relancez `lotsync login` et cochez {scopes}."
)
"""Google's answer lacks scopes (`{scopes}`: the missing ones)."""
LOGIN_ACCESS_DENIED = "vous avez refusé l'accès"
LOGIN_ERROR_CODE = "« {error} »"
LOGIN_REFUSED = "Google a refusé la connexion ({reason}). Relancez `lotsync login`."
LOGIN_UNREACHABLE = "Connexion à Google impossible ({kind}). Vérifiez le réseau et relancez `lotsync login`."
LOGIN_NO_REFRESH_TOKEN = (
    "Google n'a pas donné de jeton durable (refresh token) : retirez l'accès de lotsync sur "
    "https://myaccount.google.com/permissions puis relancez `lotsync login`."
)

# -- composing a mail -------------------------------------------------------------

CHART_FILENAME = "graphique.png"
"""The file name of the chart attached to a digest."""
MAIL_NO_RECIPIENT = "Aucun destinataire : indiquez au moins une adresse e-mail."
MAIL_NOT_AN_ADDRESS = (
    "Aucune adresse e-mail parmi les destinataires ({recipients}) : les courriels partent par {channel}, "
    "indiquez une adresse e-mail (exemple : « Nom <nom@exemple.fr> ») dans emails de la configuration."
)
MAIL_CHANNELS = {"outbox": "la boîte d'envoi", "smtp": "SMTP"}
MAIL_RECIPIENT = "destinataire"
MAIL_SENDER = "expéditeur"
MAIL_ADDRESS = "adresse"
"""The `{role}` of MAIL_BAD_ADDRESS: which address is wrong."""
MAIL_BAD_ADDRESS = "Adresse e-mail invalide ({role}) : {text!r} (exemple : « Nom <nom@exemple.fr> »)."
MAIL_BAD_DOMAIN = "Domaine d'identifiant de message invalide : {domain!r}."
MAIL_BAD_MESSAGE_ID = "Identifiant de message invalide : {value!r} (exemple : <1234.5678@lotsync.local>)."
MAIL_BAD_IMAGE_ID = "Identifiant d'image invalide : {cid!r} (exemple : graphique@lotsync)."

# -- sending a mail ---------------------------------------------------------------

OUTBOX_WRITE_FAILED = "Écriture impossible dans la boîte d'envoi {folder} (message pour {to}) : {reason}."
OUTBOX_WRITTEN = "message pour {to} écrit dans {path}"
OUTBOX_TOO_MANY = "trop de messages nommés {stem}"
MAIL_UNKNOWN_TRANSPORT = "Transport de courrier inconnu : {transport!r} (outbox, smtp ou gmail)."

SMTP_UNKNOWN_SECURITY = "Sécurité SMTP inconnue : {security!r} (starttls, ssl ou none)."
SMTP_HALF_LOGIN = "SMTP : il faut l'identifiant et le mot de passe, ou ni l'un ni l'autre."
SMTP_PASSWORD_IN_CLEAR = (
    "SMTP {where} : le mot de passe ne part pas en clair (message pour {to}) ; "
    'choisissez smtp_security = "starttls" ou "ssl".'
)
SMTP_STEPS = {"connect": "connexion", "login": "authentification", "send": "envoi"}
"""The `{step}` of the SMTP errors: what lotsync was doing."""
SMTP_ALL_REFUSED = "SMTP {where} a refusé tous les destinataires ({replies})."
SMTP_LOGIN_REFUSED = (
    "SMTP {where} a refusé l'identifiant {user!r} (message pour {to}) : "
    "{reply}. Vérifiez les variables d'environnement de l'identifiant et du mot de passe."
)
SMTP_NOT_SUPPORTED = (
    "SMTP {where} ({step}, message pour {to}) : le serveur ne le permet pas "
    "({detail}) ; vérifiez smtp_security et smtp_port."
)
SMTP_FAILED = "SMTP {where} ({step}, message pour {to}) : {detail}."
SMTP_TLS_FAILED = "SMTP {where} ({step}, message pour {to}) : échec TLS ({detail})."
SMTP_BAD_CHARACTERS = "SMTP {where} ({step}, message pour {to}) : caractères non pris en charge ({kind})."
SMTP_SOME_REFUSED = "SMTP {where} a refusé {refused} ({replies}) ; message remis à {accepted}."
SMTP_NO_AUTH_PLAIN = "identifiant ou mot de passe non ASCII, et le serveur ne propose pas AUTH PLAIN"
SMTP_SENT = "message {message_id} envoyé par {where} à {to}"
SMTP_NO_PASSWORD = (
    "SMTP : la variable d'environnement {password_env} (mot de passe) est vide "
    "alors que {user_env} (identifiant) est définie."
)
SMTP_NO_USER = (
    "SMTP : la variable d'environnement {user_env} (identifiant) est vide "
    "alors que {password_env} (mot de passe) est définie."
)

GMAIL_REFUSED = "Gmail a refusé le message pour {to} : {status} {reason}"
"""Followed by a full stop once trailing spaces are cut (Google may give no reason)."""
GMAIL_CREDENTIALS_REFUSED = (
    "Gmail : identifiants Google refusés (message pour {to}) : {detail}. "
    "Vérifiez la clé du compte de service ou relancez `lotsync login`."
)
GMAIL_NEEDS_DELEGATION = (
    "Gmail refuse le message pour {to} : un compte de service ne peut envoyer qu'au nom d'un "
    "utilisateur Google Workspace, par délégation au niveau du domaine. Indiquez cet utilisateur dans "
    "[google] send_as, et autorisez le compte de service à envoyer pour lui (console "
    "d'administration : Sécurité > Accès et contrôle des données > Commandes des API > Délégation "
    "au niveau du domaine ; voir docs/google.md), ou connectez-vous avec « lotsync login »."
)
GMAIL_NEEDS_SEND_AS = (
    "[mail] transport = \"gmail\" avec un compte de service : Gmail n'accepte d'un compte de service "
    "que des messages envoyés au nom d'un utilisateur Google Workspace. Indiquez-le dans [google] "
    "send_as et autorisez la délégation au niveau du domaine (voir docs/google.md), ou connectez-vous "
    "avec « lotsync login »."
)
GMAIL_DELEGATION_REFUSED = (
    "Gmail refuse le message pour {to} : le compte de service n'a pas le droit d'envoyer au nom de "
    "{user}. Vérifiez la délégation au niveau du domaine (l'identifiant client du compte de service "
    "et l'accès https://www.googleapis.com/auth/gmail.send ; voir docs/google.md)."
)
GMAIL_UNREACHABLE = "Gmail injoignable (message pour {to}) : {detail}."
GMAIL_SENT = "message {gmail_id} envoyé par Gmail à {to}"
GMAIL_NEEDS_CONFIG = "Gmail : il faut la configuration complète pour trouver les identifiants."
GMAIL_SCOPE_MISSING_LOGIN = (
    "Gmail a refusé le message pour {to} : le compte Google connecté par `lotsync login` n'a pas donné "
    'l\'accès « {scope} ». Relancez `lotsync login` (avec [mail] transport = "gmail", il demande cet '
    "accès) et acceptez-le."
)
GMAIL_SCOPE_MISSING_KEY = (
    "Gmail a refusé le message pour {to} : les identifiants Google utilisés n'ont pas l'accès « {scope} » "
    '(portée {url}). Donnez-leur cette portée, ou envoyez par SMTP ([mail] transport = "smtp").'
)

# -- the weekly digest --------------------------------------------------------
# The mail's body lives in lotsync/adapters/templates/digest_*.j2; here are the words code needs.

DIGEST_TURNOVER_UNREAD = "Non calculé cette semaine, car {reason}."
DIGEST_SUBJECT = "[{collective}] {office} — récapitulatif de la semaine {span}"
DIGEST_ALL_OFFICES = "Tous les offices"
DIGEST_SOURCES = {
    "day": "Journées entre offices",
    "expense": "Dépenses communes",
    "fee": "Cotisations",
    "refund": "Trop-perçus à rembourser",
}
DIGEST_INVOICE = "facture {invoice}"
DIGEST_INVOICES = "facture {invoice} (l'acheteur indique {other})"
DIGEST_YOUR_REF = "votre réf. {ref}"
DIGEST_THEIR_REF = "réf. {office} {ref}"
DIGEST_MODE_NOTES = {
    "gross": (
        "Rien n'est compensé : chaque office paie à chaque autre ce qu'il lui doit, élément par "
        "élément, comme le veut la comptabilité publique (un titre, un mandat par élément)."
    ),
    "pair": (
        "Entre deux offices, ce que chacun doit à l'autre est compensé, avec l'accord de leurs deux "
        "comptables : au plus un virement par paire d'offices, qui règle les éléments d'un sens et "
        "compense ceux de l'autre."
    ),
    "minimal": (
        "Ces virements soldent tous les comptes du collectif avec le moins de virements possible : "
        "dans ce mode, un virement peut payer les dettes d'autres offices (ce qu'un office doit à un "
        "troisième). À ne choisir que si les règles comptables de chaque office le permettent."
    ),
}
"""What the transfers of each settlement mode are, said under them."""
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

# -- office workbooks of every format (.xlsx, .xlsm, .xls, .ods), read through calamine ----------

SOURCE_PROBLEM_STRUCTURE = "sa structure interne est illisible"
"""What is damaged in an .xls or .ods that calamine cannot read (beside `SOURCE_PROBLEMS`)."""
SOURCE_DAMAGED_TAB_SOMEWHERE = (
    "l'onglet « {tab} » est abîmé ({problem}) : ouvrez le classeur dans Excel ou LibreOffice, "
    "vérifiez cet onglet et enregistrez-le de nouveau"
)
"""A damaged tab of an .ods or .xls: calamine does not say after which row."""
SOURCE_OLE_NOT_WORKBOOK = (
    "c'est un fichier Office (Word, PowerPoint…) qui ne contient pas de classeur : "
    "vérifiez le chemin dans la configuration"
)
SOURCE_TOO_MANY_CELLS = (
    "l'onglet « {tab} » s'étend jusqu'à la cellule {cell}, soit {count} cellules depuis A1, plus que "
    "les {limit} que lotsync accepte : supprimez les lignes et les colonnes vides au-delà du tableau "
    "(ou ce qui a été saisi par erreur tout en bas ou tout à droite), puis enregistrez"
)
FORMULA_ERRORS = {
    "#NULL!": "#NUL!",
    "#DIV/0!": "#DIV/0!",
    "#VALUE!": "#VALEUR!",
    "#REF!": "#REF!",
    "#NAME?": "#NOM?",
    "#NUM!": "#NOMBRE!",
    "#N/A": "#N/A",
    "#SPILL!": "#PROPAGATION!",
}
"""A formula's error as a French spreadsheet shows it; files store it in English (`#VALUE!`)."""
CONFIG_SHARED_NOT_XLSX = (
    "shared.source : le classeur partagé est un {kind}, où lotsync ne sait pas écrire ses onglets ; "
    "enregistrez-le au format .xlsx (LibreOffice : Fichier > Enregistrer sous > Classeur Excel "
    "2007-365 ; Excel : Fichier > Enregistrer sous > Classeur Excel (.xlsx)), puis indiquez le "
    "fichier .xlsx dans shared.source (les classeurs des offices, eux, peuvent rester en .ods ou .xls)"
)
CONFIG_SHARED_KINDS = {".ods": "classeur LibreOffice (.ods)", ".xls": "ancien classeur Excel 97-2003 (.xls)"}

# -- requests: the offices' territories ---
# `lotsync.adapters.territories`: the intercommunalities and places the configuration names.

TERRITORY_UNKNOWN = (
    "intercommunalité « {name} » inconnue : donnez son nom ou son numéro SIREN "
    "(par exemple « Grand Cahors » ou « 200023737 »)"
)
TERRITORY_UNKNOWN_CLOSE = "intercommunalité « {name} » inconnue ; noms proches : {close}"
TERRITORY_AMBIGUOUS = "« {name} » désigne plusieurs intercommunalités ({names}) : donnez son numéro SIREN"
TERRITORY_OF_MEMBER = "territoire de {member} : {reason}"
TERRITORY_TWICE = (
    "l'intercommunalité {name} est dans deux territoires : celui de {other} et celui de {member}"
)
TERRITORY_PLACE_MEMBER = "lieu « {place} » donné à « {member} », qui n'est pas un membre ({ids})"

# -- requests: notification mails ---
# `lotsync.adapters.request_render`: the subjects of the mails that tell an office of a request and
# the words it puts in them; the rest of the words is in the templates `request_*.j2`.

REQUEST_ASSIGNED_SUBJECT = "[{collective}] Nouvelle demande pour vous : {what}"
REQUEST_LATE_SUBJECT = "[{collective}] Demande en retard ({age}) : {what}"
REQUEST_UNASSIGNED_SUBJECT = "[{collective}] Demande en retard, à attribuer ({age}) : {what}"
REQUEST_PAX = "{pax} pers."
REQUEST_RECEIVED = "demande du {day}"
"""What a subject names when the request gives neither a structure nor a type of group (never the
requester's name: subjects end up in file names and logs)."""
REQUEST_WORKING_DAYS = ("jour ouvré", "jours ouvrés")
"""Counted with `plural`: "1 jour ouvré", "3 jours ouvrés"."""
REQUEST_SUBJECT_SEPARATOR = ", "

# -- requests: digests ---
# `lotsync.adapters.digest_render`: what stands for a contact detail in a request's text; the rest
# of the words of the digests' request sections is in the templates `digest_*.j2`.

DIGEST_CONTACT_HIDDEN = "[coordonnées masquées]"
"""In place of an e-mail address or a phone number typed in a request's shown text: digests are
forwarded around, and only the notification mail carries contact details."""
