"""Routing a group request to an office by the places it names (issue 14).

The real gazetteer is built as lotsync builds it: the shipped communes, the collective's three
default territories, and a few configured sites. The pure rules use small hand-made gazetteers.
"""

from __future__ import annotations

import pytest

from lotsync.adapters.territories import DEFAULT_INTERCOMMUNALITIES, gazetteer
from lotsync.core.places import (
    Gazetteer,
    Place,
    Routing,
    RoutingReason,
    explain,
    find_places,
    place_key,
    route,
)

SITES = {"Gouffre de Padirac": "dordogne", "Pech Merle": "cahors", "Collonges-la-Rouge": "dordogne"}


@pytest.fixture(scope="module")
def lot() -> Gazetteer:
    return gazetteer(DEFAULT_INTERCOMMUNALITIES, SITES)


def names(found: list[tuple[str, tuple[Place, ...]]]) -> list[tuple[str, list[str | None]]]:
    """What `find_places` found, as (text as written, the members of its places)."""
    return [(written, [p.member for p in places]) for written, places in found]


# -- the comparison key -------------------------------------------------------------------------


def test_accents_case_hyphens_and_saint_abbreviations_do_not_matter() -> None:
    spellings = [
        "St-Cirq-Lapopie",
        "saint cirq lapopie",
        "SAINT-CIRQ-LAPOPIE",
        "Saint-Cirq-Lapopie",
        "St. Cirq Lapopie",
    ]

    assert {place_key(s) for s in spellings} == {"saint cirq lapopie"}
    assert place_key("Ste-Colombe") == place_key("Sainte Colombe") == "sainte colombe"
    assert (
        place_key("Puy-l’Évêque") == place_key("puy l'eveque") == place_key("PUY LʼÉVÊQUE") == "puy l eveque"
    )
    assert place_key("Cœur de Causse") == "coeur de causse"
    assert place_key("  Saint_Céré / ") == "saint cere"


def test_a_key_is_its_own_key() -> None:
    key = place_key("Sts-Côme-et-Maruéjols")

    assert key == "saints come et maruejols" == place_key(key)


# -- the places a field names -------------------------------------------------------------------


def test_the_pieces_of_a_field_in_the_order_they_appear(lot: Gazetteer) -> None:
    found = find_places("Figeac, Rocamadour et St-Cirq-Lapopie puis Cahors / Trucmuche", lot)

    assert names(found) == [
        ("Figeac", ["figeac"]),
        ("Rocamadour", ["dordogne"]),
        ("St-Cirq-Lapopie", ["cahors"]),
        ("Cahors", ["cahors"]),
        ("Trucmuche", []),
    ]


def test_a_name_inside_a_longer_piece_is_found_as_written(lot: Gazetteer) -> None:
    found = find_places("séjour à ROCAMADOUR avec visite du gouffre de padirac", lot)

    assert [(written, [p.name for p in places]) for written, places in found] == [
        ("ROCAMADOUR", ["Rocamadour"]),
        ("gouffre de padirac", ["Gouffre de Padirac"]),  # the site, longer than the commune Padirac
    ]


def test_only_whole_words_match(lot: Gazetteer) -> None:
    assert names(find_places("Bach", lot)) == [("Bach", ["cahors"])]
    assert names(find_places("Bachelier", lot)) == [("Bachelier", [])]
    assert names(find_places("chez M. Bachelier", lot)) == [("chez M. Bachelier", [])]


def test_the_longest_name_wins(lot: Gazetteer) -> None:
    # Capdenac (Lot) and Capdenac-Gare (Aveyron) are two communes of Grand-Figeac.
    (written, places), *_ = find_places("hôtel à Capdenac-Gare", lot)

    assert written == "Capdenac-Gare" and [p.name for p in places] == ["Capdenac-Gare"]


def test_a_conjunction_inside_a_known_name_does_not_cut_it(lot: Gazetteer) -> None:
    found = find_places("Saint Germain et Mons ou Cahors", lot)

    assert [written for written, _ in found] == ["Saint Germain et Mons", "Cahors"]


# -- ordinary words inside a longer piece --------------------------------------------------------


def test_a_commune_that_is_an_ordinary_word_needs_a_capital_inside_a_longer_piece(lot: Gazetteer) -> None:
    # Bio is a commune of the Dordogne's territory: "ferme bio" is not it.
    found = find_places("ferme bio à Figeac", lot)

    assert names(found) == [("Figeac", ["figeac"])]
    assert route(None, "ferme bio à Figeac", lot).suggested == "figeac"
    assert names(find_places("ferme à Bio", lot)) == [("Bio", ["dordogne"])]


def test_a_lowercase_ordinary_word_before_a_place_names_nothing(lot: Gazetteer) -> None:
    # Espère is a commune of Grand Cahors: "j'espère" is not it.
    routing = route(None, "j'espère voir Rocamadour", lot)

    assert (routing.suggested, routing.because, routing.partners) == (
        "dordogne",
        RoutingReason.FIRST_PLACE,
        (),
    )
    assert names(find_places("séjour à Espère", lot)) == [("Espère", ["cahors"])]


def test_an_accented_capital_is_a_capital(lot: Gazetteer) -> None:
    # Échourgnac (Dordogne department): the capital is read as typed, accent and all.
    assert [p.name for _, found in find_places("séjour à Échourgnac", lot) for p in found] == ["Échourgnac"]
    assert names(find_places("séjour à échourgnac", lot)) == [("séjour à échourgnac", [])]


def test_a_name_of_several_words_matches_inside_a_piece_in_lowercase(lot: Gazetteer) -> None:
    routing = route("séjour à saint cirq lapopie", None, lot)

    assert (routing.suggested, routing.because) == ("cahors", RoutingReason.STAY)
    assert names(find_places("séjour à saint cirq lapopie", lot)) == [("saint cirq lapopie", ["cahors"])]


@pytest.mark.parametrize("typed", ["ROCAMADOUR", "rocamadour", "Rocamadour", " rocamadour "])
def test_a_piece_that_is_wholly_a_name_matches_whatever_its_case(lot: Gazetteer, typed: str) -> None:
    assert route(typed, None, lot).suggested == "dordogne"


def test_names_between_conjunctions_are_whole_pieces(lot: Gazetteer) -> None:
    found = find_places("figeac et rocamadour, bio", lot)

    assert names(found) == [("figeac", ["figeac"]), ("rocamadour", ["dordogne"]), ("bio", ["dordogne"])]


def test_a_lowercase_ordinary_word_alone_in_a_longer_piece_is_unknown(lot: Gazetteer) -> None:
    # "Cours" is a commune of Lot-et-Garonne: "cours de cuisine" is not a place.
    routing = route(None, "cours de cuisine", lot)

    assert (routing.because, routing.unknown, routing.outside) == (
        RoutingReason.NO_KNOWN_PLACE,
        ("cours de cuisine",),
        (),
    )


def test_the_capital_rule_on_a_hand_made_gazetteer() -> None:
    small = Gazetteer([Place("Vers", "cahors"), Place("Saint-Géry", "cahors"), Place("Figeac", "figeac")])

    assert names(find_places("route vers Figeac", small)) == [("Figeac", ["figeac"])]
    assert names(find_places("route de Vers", small)) == [("Vers", ["cahors"])]
    assert names(find_places("vers", small)) == [("vers", ["cahors"])]
    assert names(find_places("gîte à saint-géry", small)) == [("saint-géry", ["cahors"])]


# -- other names of communes: former and delegated communes -------------------------------------


def test_a_former_commune_is_its_current_commune(lot: Gazetteer) -> None:
    # Conques is a commune déléguée of Conques-en-Rouergue (Aveyron, CC Conques-Marcillac).
    routing = route("Conques", None, lot)

    assert lot.lookup("Conques") == lot.lookup("Conques-en-Rouergue")
    assert routing == Routing(None, RoutingReason.OUTSIDE_ONLY, outside=("Conques-en-Rouergue",))
    assert explain(routing) == "lieu hors du collectif : Conques-en-Rouergue"


def test_a_delegated_commune_of_the_collective_goes_to_its_office(lot: Gazetteer) -> None:
    # Laroque-des-Arcs → Bellefont-La Rauze (Grand Cahors); Sainte-Alauzie → Castelnau-Montratier
    # (Quercy Blanc); Sousceyrac → Sousceyrac-en-Quercy (Causses et Vallée de la Dordogne).
    laroque = route("Laroque-des-Arcs", None, lot)

    assert (laroque.suggested, laroque.place) == ("cahors", lot.lookup("Bellefont-La Rauze")[0])
    assert explain(laroque) == "lieu de séjour : Bellefont-La Rauze"
    assert route("sainte alauzie", None, lot).place == lot.lookup("Castelnau-Montratier")[0]
    assert route("Sousceyrac", "Figeac", lot) == Routing(
        "dordogne", RoutingReason.STAY, lot.lookup("Sousceyrac-en-Quercy")[0], partners=("figeac",)
    )


def test_montcuq_is_not_in_the_data(lot: Gazetteer) -> None:
    # The package (6.0.0) lists no commune déléguée of Montcuq-en-Quercy-Blanc: "Montcuq" is unknown,
    # unless the configuration gives it to an office.
    assert "Montcuq" not in lot
    assert route("Montcuq", None, lot).unknown == ("Montcuq",)
    assert route("Montcuq-en-Quercy-Blanc", None, lot).suggested == "cahors"


def test_a_delegated_name_inside_a_longer_piece(lot: Gazetteer) -> None:
    found = find_places("séjour à Sousceyrac puis visite de Conques", lot)

    assert [(written, [p.name for p in places]) for written, places in found] == [
        ("Sousceyrac", ["Sousceyrac-en-Quercy"]),
        ("Conques", ["Conques-en-Rouergue"]),
    ]
    # "vers" is also a commune déléguée (of Saint Géry-Vers): in lowercase, inside a piece, a word.
    assert names(find_places("randonnée vers Laroque-des-Arcs", lot)) == [("Laroque-des-Arcs", ["cahors"])]


def test_an_actual_commune_wins_over_a_delegated_one_of_its_name(lot: Gazetteer) -> None:
    # Cours: a commune of Lot-et-Garonne, and a commune déléguée of Bellefont-La Rauze (Grand Cahors).
    # Saint-Géry: a commune of the Dordogne department, and one déléguée of Saint Géry-Vers (Lot).
    assert [(p.name, p.member) for p in lot.lookup("Cours")] == [("Cours", None)]
    assert route("Cours", None, lot).outside == ("Cours",)
    assert [(p.name, p.member) for p in lot.lookup("Saint-Géry")] == [("Saint-Géry", None)]


def test_other_names_count_where_no_place_has_the_name() -> None:
    bellefont = Place("Bellefont-La Rauze", "cahors", "commune", "CA du Grand Cahors")
    small = Gazetteer(
        [Place("Cours", None), bellefont],
        other_names=[("Cours", bellefont), ("Laroque-des-Arcs", bellefont), ("Valroufié", bellefont)],
    )

    assert small.lookup("Cours") == (Place("Cours", None),)
    assert small.lookup("laroque des arcs") == small.lookup("Valroufie") == (bellefont,)
    assert len(small) == 4 and small.longest == 3
    assert route("Laroque-des-Arcs", None, small).place == bellefont


def test_a_configured_place_replaces_an_other_name() -> None:
    bellefont = Place("Bellefont-La Rauze", "cahors")
    small = Gazetteer(
        [bellefont], [Place("Laroque-des-Arcs", "dordogne", "site")], [("Laroque-des-Arcs", bellefont)]
    )

    assert small.lookup("Laroque-des-Arcs") == (Place("Laroque-des-Arcs", "dordogne", "site"),)


def test_two_other_names_alike_are_homonyms() -> None:
    one, two = Place("Une", "cahors"), Place("Deux", "dordogne")
    small = Gazetteer([one, two], other_names=[("Vieux", one), ("Vieux", two)])

    assert small.lookup("Vieux") == (one, two)
    assert route("Vieux", None, small).because is RoutingReason.AMBIGUOUS


def test_the_lot_is_not_a_commune(lot: Gazetteer) -> None:
    assert names(find_places("Lot", lot)) == [("Lot", [])]


def test_an_empty_field_names_nothing(lot: Gazetteer) -> None:
    assert find_places(None, lot) == find_places("", lot) == find_places(" , ; ", lot) == []


# -- routing: the rules -----------------------------------------------------------------------


def test_the_place_of_stay_decides(lot: Gazetteer) -> None:
    routing = route("Rocamadour", "Figeac, Saint-Cirq-Lapopie", lot)

    assert routing == Routing(
        suggested="dordogne",
        because=RoutingReason.STAY,
        place=lot.lookup("Rocamadour")[0],
        partners=("figeac", "cahors"),
    )
    assert explain(routing) == "lieu de séjour : Rocamadour"


def test_without_a_place_of_stay_the_first_wanted_place_decides(lot: Gazetteer) -> None:
    routing = route(None, "Figeac puis Rocamadour", lot)

    assert (routing.suggested, routing.because, routing.partners) == (
        "figeac",
        RoutingReason.FIRST_PLACE,
        ("dordogne",),
    )
    assert explain(routing) == "premier lieu souhaité : Figeac"


def test_a_place_of_stay_outside_the_collective_does_not_decide(lot: Gazetteer) -> None:
    routing = route("Sarlat-la-Canéda", "Rocamadour, Souillac", lot)

    assert (routing.suggested, routing.because) == ("dordogne", RoutingReason.FIRST_PLACE)
    assert routing.outside == ("Sarlat-la-Canéda",) and routing.partners == ()
    assert (
        explain(routing) == "premier lieu souhaité : Rocamadour ; lieu hors du collectif : Sarlat-la-Canéda"
    )


def test_an_unknown_place_of_stay_leaves_the_wanted_places_to_decide(lot: Gazetteer) -> None:
    routing = route("Trucmuche-sur-Lot", "Cahors", lot)

    assert (routing.suggested, routing.because, routing.unknown) == (
        "cahors",
        RoutingReason.FIRST_PLACE,
        ("Trucmuche-sur-Lot",),
    )
    assert explain(routing) == "premier lieu souhaité : Cahors ; lieu inconnu : « Trucmuche-sur-Lot »"


def test_an_aveyron_commune_of_grand_figeac_goes_to_figeac(lot: Gazetteer) -> None:
    routing = route("Capdenac-Gare", None, lot)

    assert routing.suggested == "figeac"
    assert routing.place == Place("Capdenac-Gare", "figeac", "commune", "CC Grand-Figeac")


def test_accents_case_and_saint_abbreviations_route_alike(lot: Gazetteer) -> None:
    spellings = ["St-Cirq-Lapopie", "saint cirq lapopie", "SAINT-CIRQ-LAPOPIE", "Saint-Cirq-Lapopie"]

    assert {route(s, None, lot).suggested for s in spellings} == {"cahors"}
    assert route("puy l'eveque", None, lot).place == lot.lookup("Puy-l'Évêque")[0]


def test_only_places_outside_the_collective(lot: Gazetteer) -> None:
    # Sarlat is in the Dordogne department; Gourdon is in the Lot, but in no office's territory.
    routing = route("Sarlat-la-Canéda", "Gourdon; Brive-la-Gaillarde", lot)

    assert routing == Routing(
        None, RoutingReason.OUTSIDE_ONLY, outside=("Sarlat-la-Canéda", "Gourdon", "Brive-la-Gaillarde")
    )
    assert explain(routing) == "lieux hors du collectif : Sarlat-la-Canéda, Gourdon, Brive-la-Gaillarde"


def test_no_known_place(lot: Gazetteer) -> None:
    routing = route("Bachelier", "le Lot, la vallée", lot)

    assert (routing.suggested, routing.because) == (None, RoutingReason.NO_KNOWN_PLACE)
    assert routing.unknown == ("Bachelier", "le Lot", "la vallée")
    assert explain(routing) == (
        "aucun lieu connu du collectif ; lieux inconnus : « Bachelier », « le Lot », « la vallée »"
    )
    assert explain(route(None, None, lot)) == "aucun lieu connu du collectif"


def test_configured_sites_belong_to_their_office(lot: Gazetteer) -> None:
    padirac = route(None, "Gouffre de Padirac", lot)
    pech_merle = route("", "grotte de Pech-Merle", lot)

    assert (padirac.suggested, padirac.place) == ("dordogne", Place("Gouffre de Padirac", "dordogne", "site"))
    assert (pech_merle.suggested, pech_merle.place) == ("cahors", Place("Pech Merle", "cahors", "site"))


def test_a_configured_commune_outside_the_territories_is_the_offices(lot: Gazetteer) -> None:
    # Collonges-la-Rouge is in Corrèze (CC Midi Corrézien): the configuration gives it to Dordogne.
    routing = route("collonges la rouge", None, lot)

    assert routing.suggested == "dordogne"
    assert routing.place == Place("Collonges-la-Rouge", "dordogne", "commune")


def test_a_name_shared_with_a_commune_outside_is_the_collectives(lot: Gazetteer) -> None:
    # Sainte-Colombe: one in Grand-Figeac, one in Gironde.
    assert {p.member for p in lot.lookup("Ste-Colombe")} == {"figeac", None}
    assert route("Ste-Colombe", None, lot).suggested == "figeac"


def test_partners_in_order_of_first_mention_without_the_suggested_office(lot: Gazetteer) -> None:
    routing = route("Capdenac-Gare", "Figeac, Cahors, Padirac, Saint-Céré, Luzech", lot)

    assert routing.suggested == "figeac"
    assert routing.partners == ("cahors", "dordogne")


# -- routing: homonyms of two offices (hand-made gazetteers) ---------------------------------------

HOMONYMS_PLACES = [Place("Montfaucon", "cahors"), Place("Montfaucon", "dordogne"), Place("Figeac", "figeac")]
HOMONYMS = Gazetteer([*HOMONYMS_PLACES, Place("Sarlat", None)])


def test_a_deciding_name_of_two_offices_is_ambiguous() -> None:
    routing = route("Montfaucon", "Figeac", HOMONYMS)

    assert (routing.suggested, routing.because, routing.place) == (None, RoutingReason.AMBIGUOUS, None)
    assert [p.member for p in routing.candidates] == ["cahors", "dordogne"]
    assert routing.partners == ("figeac",)  # an ambiguous name names no partner
    assert explain(routing) == "lieu ambigu : Montfaucon (cahors ou dordogne)"


def test_an_ambiguous_name_that_does_not_decide_names_no_partner() -> None:
    routing = route("Figeac", "Montfaucon", HOMONYMS)

    assert (routing.suggested, routing.because, routing.partners) == ("figeac", RoutingReason.STAY, ())


def test_a_configured_place_replaces_the_official_ones_of_its_name() -> None:
    configured = Gazetteer(HOMONYMS_PLACES, [Place("Montfaucon", "dordogne", "site")])

    assert configured.lookup("montfaucon") == (Place("Montfaucon", "dordogne", "site"),)
    assert route("Montfaucon", None, configured).suggested == "dordogne"


def test_the_gazetteer_counts_names_and_looks_them_up_by_key() -> None:
    small = Gazetteer([*HOMONYMS_PLACES, Place("Saint-Céré", "dordogne")])

    assert len(small) == 3
    assert "ST CERE" in small and "Bachelier" not in small
    assert small.lookup("Bachelier") == ()
    assert small.longest == 2


def test_outside_places_never_decide_even_before_an_ambiguous_one() -> None:
    routing = route("Sarlat", "Montfaucon", HOMONYMS)

    assert (routing.because, routing.outside) == (RoutingReason.AMBIGUOUS, ("Sarlat",))
    assert (
        explain(routing) == "lieu ambigu : Montfaucon (cahors ou dordogne) ; lieu hors du collectif : Sarlat"
    )
