"""The layout of the sheets lotsync reads: fields, their default headers and words.

Every header and every word here is only a default: the configuration may
replace any list (see `config/lotsync.example.toml`).
"""

from __future__ import annotations

from typing import NamedTuple

from lotsync.core.model import Direction, Kind, Status

DOSSIER_HEADERS: dict[str, list[str]] = {
    "ref": ["Référence", "Réf", "N° dossier", "Dossier", "No dossier", "N° de dossier"],
    "client": ["Client", "Groupe", "Agence"],
    "kind": ["Prestation", "Type", "Produit"],
    "start": ["Date", "Date début", "Date d'arrivée"],
    "end": ["Date fin", "Date de départ"],
    "pax": ["Pax", "Nb pax", "Participants"],
    "status": ["Statut", "État"],
    "amount": ["Montant TTC", "Montant", "Prix", "Total"],
    "partner": ["OT partenaire", "Partenaire"],
    "direction": ["Sens", "Achat/Vente"],
    "partner_ref": ["Réf. partenaire", "Réf. OT"],
    "resale": ["Prix revente", "Prix client"],
    "invoice": ["N° facture", "Facture", "N° titre", "Numéro de facture"],
}
DOSSIER_REQUIRED = ("ref", "start")

EXPENSE_HEADERS: dict[str, list[str]] = {
    "on": ["Date"],
    "label": ["Libellé", "Objet"],
    "amount": ["Montant", "Montant TTC"],
    "paid_by": ["Payé par", "Payeur"],
    "key": ["Répartition", "Clé"],
    "category": ["Catégorie"],
    "reimbursed": ["Remboursé", "Remboursée"],
}
EXPENSE_REQUIRED = ("on", "label", "amount", "paid_by")

FEE_HEADERS: dict[str, list[str]] = {
    "year": ["Année", "Exercice"],
    "label": ["Libellé", "Cotisation"],
    "amount": ["Montant", "Montant TTC"],
    "paid_by": ["Payé par", "Payeur"],
    "key": ["Répartition", "Clé"],
    "reimbursed": ["Remboursé", "Remboursée"],
}
FEE_REQUIRED = ("year", "amount", "paid_by")

PAYMENT_HEADERS: dict[str, list[str]] = {
    "on": ["Date", "Date du règlement", "Date de paiement"],
    "payer": ["De", "Payé par", "Payeur"],
    "payee": ["À", "Bénéficiaire", "Payé à"],
    "amount": ["Montant", "Montant TTC"],
    "references": ["Références", "Référence", "Réf.", "Factures"],
    "mode": ["Mode", "Mode de règlement", "Moyen"],
}
PAYMENT_REQUIRED = ("on", "payer", "payee", "amount")


REQUEST_HEADERS: dict[str, list[str]] = {
    "number": ["N° demande", "Numéro de demande", "N°", "ID"],
    "received": ["Reçue le", "Reçu le", "Date de réception", "Date de la demande", "Horodateur", "Date"],
    "requester": ["Demandeur", "Nom", "Contact", "Nom et prénom", "Nom Prénom"],
    "structure": ["Structure", "Organisme", "Société", "Association", "Établissement"],
    "email": ["E-mail", "Email", "Courriel", "Adresse e-mail", "Adresse électronique"],
    "phone": ["Téléphone", "Tél.", "Tél", "Tel", "Portable"],
    "group_type": ["Type de groupe", "Type", "Public"],
    "wanted": ["Date souhaitée", "Dates souhaitées", "Date du séjour", "Période"],
    "duration": ["Durée"],
    "pax": ["Pax", "Nombre de personnes", "Nb de personnes", "Participants", "Nb pax"],
    "budget": ["Budget", "Budget par personne"],
    "places": ["Lieux souhaités", "Lieux", "Destinations", "Sites souhaités", "Lieux à visiter"],
    "stay": ["Lieu de séjour", "Hébergement", "Lieu d'hébergement", "Ville d'hébergement"],
    "message": ["Message", "Demande", "Votre message"],
    "assigned": ["Attribuée à", "Attribué à", "Transmise à", "Office"],
    "status": ["Statut", "État"],
    "reason": ["Motif", "Motif de perte", "Raison"],
    "answered": ["Répondu le", "Réponse le", "Date de réponse"],
    "dossier": ["Réf. dossier", "Dossier", "N° dossier"],
}
REQUEST_REQUIRED = ("received",)

REQUEST_STATUS_WORDS: dict[str, list[str]] = {
    "nouvelle": ["nouvelle", "nouveau", "à traiter", "reçue", "new"],
    "transmise": ["transmise", "transmis", "attribuée", "en cours", "à rappeler"],
    "devis envoyé": ["devis envoyé", "devis envoyée", "devis", "proposition envoyée", "proposition"],
    "option": ["option", "optionnée", "en option", "pré-réservation"],
    "confirmée": ["confirmée", "confirmé", "gagnée", "gagné", "réservée", "signée", "vendue"],
    "perdue": ["perdue", "perdu", "refusée", "refusé"],
    "sans suite": ["sans suite", "abandonnée", "annulée", "pas de réponse", "sans réponse"],
}
"""Keys are `requests.RequestStatus` values; a blank status is a new request."""


class InputTab(NamedTuple):
    """One input tab of the shared spreadsheet: what the registry below knows of it.

    The configuration names it in `[shared] <key>_tab` and may replace its headers in
    `[<headers_section>]`; the sync reads every registered tab; a gap in one makes the balances stale.
    """

    key: str
    """Its key in `Inputs.shared` and `Rules.shared_tabs`."""
    name: str
    """Its default name."""
    headers: dict[str, list[str]]
    """Its fields and their default headers."""
    required: tuple[str, ...]
    optional: bool
    """True when a shared spreadsheet without it is no anomaly."""
    headers_section: str
    """The configuration section that may replace its headers."""


SHARED_INPUTS: tuple[InputTab, ...] = (
    InputTab("expenses", "Dépenses communes", EXPENSE_HEADERS, EXPENSE_REQUIRED, False, "expense_headers"),
    InputTab("fees", "Cotisations", FEE_HEADERS, FEE_REQUIRED, True, "fee_headers"),
    InputTab("payments", "Règlements", PAYMENT_HEADERS, PAYMENT_REQUIRED, True, "payment_headers"),
)
"""The shared spreadsheet's input tabs, in the order they are read and checked."""


REQUESTS_INPUT = InputTab("requests", "Demandes", REQUEST_HEADERS, REQUEST_REQUIRED, True, "request_headers")
"""The requests tab: in the shared spreadsheet by default, or elsewhere (`[requests] source`). Not
one of `SHARED_INPUTS`: what it holds feeds no balance, and a gap in it makes no figure stale."""


def input_tab(key: str) -> InputTab:
    """The registered input tab of that key."""
    return next(t for t in SHARED_INPUTS if t.key == key)


STATUS_WORDS: dict[str, list[str]] = {
    Status.QUOTE: ["devis", "estimation", "proposition"],
    Status.OPTION: ["option", "optionné", "pré-réservation", "en option"],
    Status.CONFIRMED: ["confirmé", "confirmée", "ok", "validé", "validée", "réservé"],
    Status.INVOICED: ["facturé", "facturée", "facture envoyée"],
    Status.PAID: ["soldé", "soldée", "payé", "payée", "réglé", "réglée", "encaissé"],
    Status.CANCELLED: ["annulé", "annulée", "annulation"],
}

KIND_WORDS: dict[str, list[str]] = {
    Kind.DAY: ["journée", "journee", "jour", "journée groupe", "excursion"],
    Kind.VISIT: ["visite", "visite guidée", "visite de groupe", "visite groupe"],
    Kind.STAY: ["séjour", "circuit", "week-end"],
    Kind.BUSINESS: ["affaires", "tourisme d'affaires", "séminaire", "congrès"],
}

DIRECTION_WORDS: dict[str, list[str]] = {
    Direction.PURCHASE: ["achat", "acheté", "achète", "a"],
    Direction.SALE: ["vente", "vendu", "vend", "v"],
}

EQUAL_SPLIT_WORDS = ["égale", "egal", "égal", "parts égales", "équitable", ""]
