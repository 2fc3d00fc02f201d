"""Reconciliation: each purchase against its sale, every status of DOMAIN.md."""

from datetime import date
from decimal import Decimal

from factories import MEMBERS, dossier, purchase, sale

from lotsync.core.model import ReconStatus as S
from lotsync.core.model import Status
from lotsync.core.reconcile import reconcile


def only(lines):
    assert len(lines) == 1, lines
    return lines[0]


def test_a_day_bought_by_dordogne_from_cahors_matches_by_reference():
    line = only(
        reconcile(
            [
                purchase("dordogne", "cahors", "D-101", partner_ref="C-7"),
                sale("cahors", "dordogne", "C-7", status=Status.INVOICED),
            ],
            MEMBERS,
        )
    )
    assert line.statuses == (S.OK,)
    assert (line.buyer, line.seller, line.paired_by) == ("dordogne", "cahors", "reference")
    assert line.owed == Decimal("1200.00")
    assert "OT Dordogne doit 1\u202f200,00\u00a0€ à OT Cahors" in line.explanation


def test_the_reference_may_be_on_the_seller_side_only():
    line = only(
        reconcile(
            [
                purchase("dordogne", "cahors", "D-101"),
                sale("cahors", "dordogne", "C-7", partner_ref="D-101", start=date(2026, 6, 11)),
            ],
            MEMBERS,
        )
    )
    assert line.paired_by == "reference"
    assert line.statuses == (S.DATE_MISMATCH,)


def test_without_references_pairs_by_date_then_nearest_pax_and_amount():
    lines = reconcile(
        [
            purchase("figeac", "cahors", "F-1", pax=30, amount="900.00"),
            purchase("figeac", "cahors", "F-2", pax=52, amount="1500.00"),
            sale("cahors", "figeac", "C-1", pax=50, amount="1500.00"),
            sale("cahors", "figeac", "C-2", pax=30, amount="900.00"),
        ],
        MEMBERS,
    )
    pairs = {(line.purchase.ref, line.sale.ref): line.statuses for line in lines}
    assert pairs == {("F-1", "C-2"): (S.OK,), ("F-2", "C-1"): (S.PAX_MISMATCH,)}
    assert all(line.paired_by == "date" for line in lines)


def test_every_discrepancy_is_listed_and_still_owed_at_the_sellers_amount():
    line = only(
        reconcile(
            [
                purchase(
                    "dordogne",
                    "figeac",
                    "D-9",
                    partner_ref="F-3",
                    amount="1000.00",
                    pax=40,
                    start=date(2026, 5, 2),
                    status=Status.OPTION,
                ),
                sale("figeac", "dordogne", "F-3", amount="1100.00", pax=42, start=date(2026, 5, 3)),
            ],
            MEMBERS,
        )
    )
    assert line.statuses == (S.AMOUNT_MISMATCH, S.PAX_MISMATCH, S.DATE_MISMATCH, S.STATUS_MISMATCH)
    assert line.owed == Decimal("1100.00")
    assert "1\u202f000,00\u00a0€" in line.explanation and "écart 100,00\u00a0€" in line.explanation


def test_statuses_agree_within_confirmed_invoiced_paid():
    line = only(
        reconcile(
            [
                purchase("dordogne", "cahors", "D-1", partner_ref="C-1", status=Status.CONFIRMED),
                sale("cahors", "dordogne", "C-1", status=Status.PAID),
            ],
            MEMBERS,
        )
    )
    assert line.statuses == (S.OK,)
    assert line.owed == 0, "soldé at the seller: paid, nothing owed"


def test_both_cancelled_or_both_option_agree_and_owe_nothing():
    for status in (Status.CANCELLED, Status.OPTION):
        line = only(
            reconcile(
                [
                    purchase("dordogne", "cahors", "D-1", partner_ref="C-1", status=status),
                    sale("cahors", "dordogne", "C-1", status=status),
                ],
                MEMBERS,
            )
        )
        assert line.statuses == (S.OK,) and line.owed == 0


def test_unpaired_rows_are_missing_and_owed_by_no_one():
    lines = reconcile(
        [
            purchase("dordogne", "cahors", "D-1", start=date(2026, 4, 1)),
            sale("figeac", "cahors", "F-1", start=date(2026, 4, 2)),
        ],
        MEMBERS,
    )
    assert [line.statuses for line in lines] == [(S.MISSING_SALE,), (S.MISSING_PURCHASE,)]
    assert all(line.owed == 0 for line in lines)
    assert "OT Cahors n'a aucune vente correspondante" in lines[0].explanation
    assert "OT Cahors n'a aucun achat correspondant" in lines[1].explanation


def test_quotes_are_not_reconciled_and_direct_clients_are_ignored():
    assert (
        reconcile(
            [
                purchase("dordogne", "cahors", "D-1", status=Status.QUOTE),
                dossier("cahors", "C-1"),
            ],
            MEMBERS,
        )
        == []
    )


def test_reselling_a_bought_day_above_its_price_is_a_margin():
    line = only(
        reconcile(
            [
                purchase("dordogne", "cahors", "D-1", partner_ref="C-1", amount="1200.00", resale="1350.00"),
                sale("cahors", "dordogne", "C-1", amount="1200.00"),
            ],
            MEMBERS,
        )
    )
    assert line.statuses == (S.MARGIN,)
    assert "pas de marge entre offices" in line.explanation


def test_duplicates_are_listed_and_owe_nothing():
    dup = purchase("dordogne", "cahors", "D-1")
    line = only(reconcile([], MEMBERS, duplicates=[dup]))
    assert line.statuses == (S.DUPLICATE,) and line.owed == 0


def test_one_sale_is_never_paired_twice():
    lines = reconcile(
        [
            purchase("dordogne", "cahors", "D-1", partner_ref="C-1"),
            purchase("dordogne", "cahors", "D-2", partner_ref="C-1"),
            sale("cahors", "dordogne", "C-1"),
        ],
        MEMBERS,
    )
    assert sorted(s for line in lines for s in line.statuses) == sorted([S.OK, S.MISSING_SALE])


def test_a_purchase_whose_sale_is_a_duplicate_says_so():
    dup = sale("cahors", "dordogne", "C-9", start=date(2026, 7, 1))
    lines = reconcile(
        [purchase("dordogne", "cahors", "D-1", partner_ref="C-9", start=date(2026, 7, 1))],
        MEMBERS,
        duplicates=[dup],
    )
    missing = next(line for line in lines if line.statuses == (S.MISSING_SALE,))
    assert "référence en double" in missing.explanation and "doit saisir" not in missing.explanation


def test_references_pair_without_regard_to_case_or_surrounding_spaces():
    """People type `cah-26-001` at one office and `CAH-26-001 ` at the other: it is the same day."""
    lines = reconcile(
        [
            purchase("dordogne", "cahors", "DOR-1", partner_ref=" cah-26-001 ", start=date(2026, 6, 10)),
            sale("cahors", "dordogne", "CAH-26-001", start=date(2026, 6, 11)),
            purchase("figeac", "cahors", "fig-9", start=date(2026, 7, 1)),
            sale("cahors", "figeac", "CAH-26-002", partner_ref="FIG-9 ", start=date(2026, 7, 2)),
        ],
        MEMBERS,
    )
    assert [(line.purchase.ref, line.sale.ref, line.paired_by) for line in lines] == [
        ("DOR-1", "CAH-26-001", "reference"),
        ("fig-9", "CAH-26-002", "reference"),
    ]
    assert all(line.statuses == (S.DATE_MISMATCH,) for line in lines)


def test_a_counterpart_left_out_as_duplicate_is_found_without_regard_to_case():
    dup = sale("cahors", "dordogne", "C-9", start=date(2026, 7, 1))
    lines = reconcile(
        [purchase("dordogne", "cahors", "D-1", partner_ref="c-9 ", start=date(2026, 7, 2))],
        MEMBERS,
        duplicates=[dup],
    )
    missing = next(line for line in lines if line.statuses == (S.MISSING_SALE,))
    assert "référence en double" in missing.explanation and "doit saisir" not in missing.explanation
