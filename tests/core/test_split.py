"""Splits to the cent: shares always add up to the total."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotsync.core.split import SplitKeyError, resolve_key, split_amount

MEMBERS = ["cahors", "dordogne", "figeac"]
EQUAL = dict.fromkeys(MEMBERS, Decimal(1))
ALIASES = {"cahors": "cahors", "dordogne": "dordogne", "figeac": "figeac", "ot cahors": "cahors"}


def amounts(shares):
    return [s.amount for s in shares]


def test_the_adn_club_fee_splits_into_three_thousands():
    assert amounts(split_amount(Decimal("3000.00"), EQUAL, MEMBERS)) == [Decimal("1000.00")] * 3


def test_the_extra_cent_goes_to_the_first_member_in_configuration_order():
    shares = split_amount(Decimal("1000.00"), EQUAL, MEMBERS)
    assert amounts(shares) == [Decimal("333.34"), Decimal("333.33"), Decimal("333.33")]
    reordered = split_amount(Decimal("1000.00"), EQUAL, ["figeac", "cahors", "dordogne"])
    assert reordered[0].member == "figeac" and reordered[0].amount == Decimal("333.34")


def test_weighted_by_staff_goes_to_the_largest_remainders():
    weights = {"cahors": Decimal(33), "dordogne": Decimal(30), "figeac": Decimal(11)}
    shares = split_amount(Decimal("1000.00"), weights, MEMBERS)
    # exact cents: 44594.59, 40540.54, 14864.86 → the two cents left go to figeac (.86) and cahors (.59)
    assert amounts(shares) == [Decimal("445.95"), Decimal("405.40"), Decimal("148.65")]
    assert sum(amounts(shares)) == Decimal("1000.00")


def test_a_refund_splits_like_a_cost_with_the_sign_kept():
    assert amounts(split_amount(Decimal("-1000.00"), EQUAL, MEMBERS)) == [
        Decimal("-333.34"),
        Decimal("-333.33"),
        Decimal("-333.33"),
    ]


def test_members_without_weight_get_nothing():
    shares = split_amount(Decimal("100.00"), {"cahors": Decimal(1), "figeac": Decimal(1)}, MEMBERS)
    assert [s.member for s in shares] == ["cahors", "figeac"]


def test_keys_as_written_in_the_repartition_column():
    named = {"effectifs": {"cahors": Decimal(33), "dordogne": Decimal(30), "figeac": Decimal(11)}}
    assert resolve_key("égale", MEMBERS, named, ALIASES) == EQUAL
    assert resolve_key("", MEMBERS, named, ALIASES) == EQUAL
    assert resolve_key("Effectifs", MEMBERS, named, ALIASES) == named["effectifs"]
    assert resolve_key("OT Cahors: 2 ; figeac=1", MEMBERS, named, ALIASES) == {
        "cahors": Decimal(2),
        "figeac": Decimal(1),
    }
    assert resolve_key("cahors:33,5; dordogne:30", MEMBERS, named, ALIASES)["cahors"] == Decimal("33.5")


@pytest.mark.parametrize("text", ["moitié-moitié", "cahors:x", "lyon:3; cahors:1", "cahors:0"])
def test_unreadable_keys(text):
    with pytest.raises(SplitKeyError):
        resolve_key(text, MEMBERS, {}, ALIASES)


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(any),
)
def test_shares_always_add_up_to_the_total(cents, weights):
    members = [f"m{i}" for i in range(len(weights))]
    total = Decimal(cents) / 100
    shares = split_amount(total, {m: Decimal(w) for m, w in zip(members, weights, strict=True)}, members)
    assert sum(amounts(shares)) == total
    assert all(s.amount == s.amount.quantize(Decimal("0.01")) for s in shares)
    exact_total = sum(weights)
    for s in shares:
        exact = total * Decimal(weights[members.index(s.member)]) / exact_total
        assert abs(s.amount - exact) < Decimal("0.01")
