"""Every French word of the tabs lotsync writes into the shared spreadsheet.

Their names, headers, titles and labels, the first line that marks a tab as lotsync's, and why
lotsync refuses to overwrite one. Kept in one place so that the rest of the code stays in English;
how money and dates are written lives in `lotsync.core.french`.
"""

from __future__ import annotations

# -- output tabs --------------------------------------------------------------

MARKER = "Généré par lotsync"
"""Start of the first line of every tab lotsync owns: how it knows the tab is its own."""
MARKER_LINE = MARKER + " le {when}. Ne pas modifier : cet onglet est réécrit à chaque synchronisation."

TAB_ANOMALIES = "Anomalies"
TAB_JOURNAL = "Journal"

STALE = "NON MIS À JOUR"
"""In the first line of a tab whose figures are the last complete ones, not recomputed."""
NEVER_COMPLETE = (
    "Pas encore de chiffres complets : {reasons}. lotsync les calculera dès que ce sera corrigé "
    "(voir l'onglet Anomalies)."
)
UNKNOWN_DATE = "(date inconnue)"

SECTION_BALANCES = "Soldes par office"
SECTION_TRANSFERS = {
    "gross": "Virements à faire : un par office débiteur et créancier, sans compensation",
    "pair": "Virements à faire : un par paire d'offices, les dettes réciproques compensées",
    "minimal": "Virements suggérés pour tout solder (le moins de virements possible)",
}
"""By `[settlement] mode` (docs/domain.md, « Règlements »)."""
SECTION_NO_TRANSFER = "Aucun virement nécessaire : les comptes sont à l'équilibre."
SECTION_YTD = "Chiffre d'affaires depuis le {start} (au {as_of}) comparé à la même période de {previous}"
SECTION_MONTHLY = "Chiffre d'affaires par mois (hors achats aux offices partenaires)"
SECTION_KIND = "Par type de prestation, depuis le début de l'exercice"

# -- words of several tabs ----------------------------------------------------

OFFICE = "Office"
COLLECTIVE = "Collectif"
"""Who a shared cost's row belongs to, in `Anomalies`."""
MONTH = "Mois"
TOTAL = "Total"
YES, NO = "oui", "non"
WHERE_CONFIGURATION = "configuration"
"""Where a fee of the configuration comes from, in the spreadsheet column of `Répartition`."""

# -- Rapprochement ------------------------------------------------------------

RECON_HEADER = (
    "Statut", "Codes", "Acheteur", "Vendeur", "Date", "Client", "Réf. acheteur", "Réf. vendeur",
    "Facture acheteur", "Facture vendeur",
    "Pax acheteur", "Pax vendeur", "Montant acheteur", "Montant vendeur",
    "Statut acheteur", "Statut vendeur", "Reste dû", "Explication",
    "Classeur achat", "Onglet achat", "Ligne achat", "Classeur vente", "Onglet vente", "Ligne vente",
)  # fmt: skip

# -- Soldes -------------------------------------------------------------------

BALANCES_HEADER = (OFFICE, "À recevoir", "À payer", "Solde net")
"""The first columns of the balances; one column per kind of debt follows (`BALANCES_SOURCE`)."""
BALANCES_SOURCE = "dont {source}"
TRANSFERS_HEADER = ("De", "À", "Montant")
TRANSFER_PAYS = "Ce que ce virement paie"
TRANSFER_PAYS_ITEMS = "{items}"
TRANSFER_OFFSETS = " ; compensé par ce que {creditor} doit : {items}"
TRANSFER_PAYS_NETTED = (
    "le solde net, pas des factures : en mode « minimal », un virement peut payer la dette d'un autre office"
)
ITEM_NAMED = "{name} ({amount})"
ITEM_LIST_SEPARATOR = ", "
SECTION_STATEMENTS = "Relevés de compte entre offices (l'exercice, et ce qui reste dû d'avant)"
NO_STATEMENT = "Aucun élément dû entre offices."
STATEMENT_TITLE = "{debtor} doit à {creditor}"
STATEMENT_HEADER = (
    "Date", "Nature", "Référence", "Réf. partenaire", "N° facture", "Libellé",
    "Montant", "Réglé", "Reste dû", "Solde cumulé",
)  # fmt: skip
STATEMENT_OWED = "Reste dû"
SECTION_PAYMENTS = "Règlements pris en compte (onglet Règlements)"
PAYMENTS_HEADER = (
    "Date", "De", "À", "Montant", "Références", "Imputé sur", "Trop-perçu", "Mode", "Ligne",
)  # fmt: skip

# -- Répartition --------------------------------------------------------------

SPLITS_HEADER = ("Libellé", "Catégorie", "Date", "Année", "Montant", "Payé par", "Répartition")
"""The columns before the members' shares."""
SPLITS_HEADER_END = ("Remboursé", "Classeur", "Onglet", "Ligne")
"""The columns after the members' shares."""

# -- Tableau de bord ----------------------------------------------------------

DASHBOARD_HEADER = (
    OFFICE, "Chiffre d'affaires", "Même période N-1", "Évolution", "Journées", "Journées N-1",
    "Visites de groupe", "Visites N-1", "Dossiers", "Dossiers N-1", "Pax", "Pax N-1",
)  # fmt: skip
MONTHLY_HEADER_END = (TOTAL, "dont journées", "dont visites")
"""The columns after the offices' turnover, month by month."""

# -- Anomalies ----------------------------------------------------------------

ANOMALY_HEADER = ("Classeur", "Onglet", "Ligne", "Colonne", "Valeur", "Problème", "Que faire", "Office")

# -- Journal ------------------------------------------------------------------

JOURNAL_HEADER = (
    "Date et heure", "Résultat", "Date de référence", "Classeurs lus", "Lignes lues", "Anomalies",
    "Lignes de rapprochement", "Onglets réécrits", "Durée (s)", "Détail",
)  # fmt: skip

# -- refusing to overwrite ------------------------------------------------------

WRITE_REFUSED_FOREIGN = "Rien n'a été écrit dans {path} : {tabs} {verb} été créé(s) à la main."
FOREIGN_VERB_ONE, FOREIGN_VERB_MANY = "a", "ont"
"""The verb of `WRITE_REFUSED_FOREIGN`, for one tab or several."""
HAND_EDIT_REFUSED = (
    "Rien n'a été écrit dans {path} : des onglets de lotsync ont été modifiés à la main depuis la "
    "dernière synchronisation : {tabs}{who}. lotsync réécrit entièrement ses onglets et effacerait "
    "ce qui y a été tapé. Pour le garder, copiez-le dans un onglet à vous (par exemple « Notes ») puis "
    "effacez-le de l'onglet de lotsync ; pour laisser lotsync réécrire l'onglet (et perdre la "
    "modification), supprimez l'onglet « {tab} » : il sera recréé. Puis relancez la synchronisation."
)
HAND_EDIT_WHO = " (classeur enregistré en dernier par {who} : voyez avec cette personne)"
HAND_EDIT_TAB = "« {tab} » ({cells})"
"""A tab changed by hand and its cells, in `HAND_EDIT_REFUSED`."""
HAND_EDIT_TABS_SEPARATOR = " ; "
HAND_EDIT_ROW = "ligne {row}"
"""A row changed by hand, when no single cell can be named (a row deleted or moved)."""
HAND_EDIT_ROWS = "lignes {first} à {last}"
"""Rows among which one changed by hand, when the fingerprint kept only their block (Google)."""

# -- Suivi des demandes -------------------------------------------------------

SECTION_OPEN_REQUESTS = (
    "Demandes en cours au {as_of} : {count}, dont {late} en retard (réponse attendue sous {days} "
    "jours ouvrés)"
)
OPEN_REQUESTS_HEADER = (
    "Ligne", "Reçue le", "Demandeur", "Structure", "Type de groupe", "Pax", "Date souhaitée", "Durée",
    "Lieu de séjour", "Lieux souhaités", "Office suggéré", "Pourquoi", "Offices partenaires",
    "Attribuée à", "Statut", "Âge (jours ouvrés)", "En retard", "Dossier",
)  # fmt: skip
NO_OPEN_REQUEST = "Aucune demande en cours."
BY_SUGGESTION = "{office} (suggestion)"
NO_OFFICE = "à attribuer"
SECTION_FUNNEL = "Demandes reçues par office et par année : de la demande au dossier"
FUNNEL_HEADER = (
    "Office", "Année", "Reçues", "Répondues", "Devis envoyés", "Confirmées", "Perdues",
    "Motifs de perte", "Sans suite", "Taux de conversion", "Délai médian de réponse (jours ouvrés)",
)  # fmt: skip
FUNNEL_REASON = "{reason} ({count})"
UNASSIGNED = "Sans office"
SECTION_EXPIRED = (
    "{count} demande(s) close(s) depuis plus de {months} mois ne figurent plus ici : supprimez-les de "
    "l'onglet des demandes (lignes {rows}) ; `lotsync check` les liste."
)
SECTION_DASHBOARD_REQUESTS = "Demandes du site reçues depuis le {start}, et devenues des dossiers"
DASHBOARD_REQUESTS_HEADER = ("Office", "Demandes reçues", "Devenues dossiers", "Taux de conversion")
