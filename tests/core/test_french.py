"""Every value lotsync shows people has its French label (lotsync.core.french)."""

from __future__ import annotations

from lotsync.adapters import french as adapters_french
from lotsync.core import french as core_french
from lotsync.core.model import AnomalyKind, Direction, Kind, ReconStatus, Status


def test_every_reconciliation_status_and_anomaly_kind_has_a_french_label() -> None:
    assert set(core_french.RECON_STATUSES) == {s.value for s in ReconStatus}
    assert set(core_french.ANOMALY_KINDS) == {k.value for k in AnomalyKind}
    assert all(
        label and label[0].isupper()
        for label in (*core_french.RECON_STATUSES.values(), *core_french.ANOMALY_KINDS.values())
    )


def test_statuses_kinds_and_directions_are_french_words_themselves() -> None:
    assert [s.value for s in Status] == ["devis", "option", "confirmé", "facturé", "soldé", "annulé"]
    assert [k.value for k in Kind] == ["journée", "visite", "séjour", "affaires", "autre"]
    assert [d.value for d in Direction] == ["achat", "vente"]


def test_every_kind_of_debt_has_its_label_in_the_tabs_and_in_the_digests() -> None:
    from lotsync.core.balances import SOURCES

    kinds = {"day", "expense", "fee", "refund"}
    assert set(SOURCES) == set(core_french.SOURCE_LABELS) == set(adapters_french.DIGEST_SOURCES) == kinds
    assert set(core_french.ITEM_SOURCES) == kinds


def test_every_digest_result_has_its_french_label_on_the_command_line() -> None:
    from lotsync.app.send_log import FAILED_STATUSES
    from lotsync.cli.french import DIGEST_STATUS

    statuses = {"sent", "already_sent", "dry_run", "preview", "no_recipient", *FAILED_STATUSES}
    assert set(DIGEST_STATUS) == statuses
