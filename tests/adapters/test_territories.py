"""The offices' territories, from the shipped official data (`lotsync/adapters/data/territories.json`)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from lotsync.adapters.territories import (
    DEFAULT_INTERCOMMUNALITIES,
    Territories,
    TerritoryError,
    commune_counts,
    gazetteer,
    other_name_counts,
    territories,
)
from lotsync.core.errors import LotsyncError, UsageError
from lotsync.core.places import Place, route


def test_the_data_file_states_its_source_and_licence() -> None:
    text = resources.files("lotsync.adapters").joinpath("data/territories.json").read_text(encoding="utf-8")
    data = json.loads(text)

    assert data["source"] == "@etalab/decoupage-administratif 6.0.0"
    assert data["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert territories().source == data["source"] and territories().licence == data["licence"]


def test_the_data_covers_the_lot_and_its_neighbours() -> None:
    data = territories()
    lot = [c for c in data.communes.values() if c.departement == "46"]

    assert len(lot) == 312
    assert {"46", "12", "15", "19", "24", "47", "82"} <= set(data.departements)
    assert data.departements["12"] == "Aveyron"
    assert data.communes["24520"].name == "Sarlat-la-Canéda"
    # Every member of every intercommunality listed is a listed commune, whatever its department.
    assert {c for e in data.intercommunalities.values() for c in e.communes} <= set(data.communes)


def test_communes_per_default_office() -> None:
    counts = commune_counts(DEFAULT_INTERCOMMUNALITIES)

    assert counts == {"cahors": {"46": 95}, "dordogne": {"46": 77}, "figeac": {"12": 6, "46": 86}}


def test_cahors_is_four_intercommunalities() -> None:
    sizes = [len(territories().resolve(code).communes) for code in DEFAULT_INTERCOMMUNALITIES["cahors"]]

    assert sizes == [36, 27, 23, 9]


@pytest.mark.parametrize(
    "name",
    ["200023737", "CA du Grand Cahors", "Grand Cahors", "grand cahors", "CC du Grand Cahors", " 200023737 "],
)
def test_an_intercommunality_by_code_name_or_name_without_its_prefix(name: str) -> None:
    assert territories().resolve(name).siren == "200023737"


@pytest.mark.parametrize(
    ("name", "siren"),
    [
        ("CC de la Vallée du Lot et du Vignoble", "244600433"),
        ("Vallée du Lot et du Vignoble", "244600433"),
        ("Pays de Lalbenque-Limogne", "244600532"),
        ("quercy blanc", "200039519"),
        ("Causses et Vallée de la Dordogne", "200066371"),
        ("Grand-Figeac", "200067361"),
        ("Grand Figeac", "200067361"),
    ],
)
def test_the_collectives_intercommunalities_by_name(name: str, siren: str) -> None:
    assert territories().resolve(name).siren == siren


def test_territories_by_name_give_the_same_gazetteer_as_by_code() -> None:
    by_name = {
        "cahors": [
            "Grand Cahors",
            "Vallée du Lot et du Vignoble",
            "Pays de Lalbenque-Limogne",
            "Quercy Blanc",
        ],
        "dordogne": ["CC Causses et Vallée de la Dordogne"],
        "figeac": ["Grand-Figeac"],
    }

    assert commune_counts(by_name) == commune_counts(DEFAULT_INTERCOMMUNALITIES)


def test_an_unknown_intercommunality_is_refused_with_the_close_names() -> None:
    with pytest.raises(TerritoryError) as refused:
        gazetteer({"cahors": ["Grand Cahor"], "figeac": ["Grand-Figeac"]}, {})

    assert str(refused.value) == (
        "territoire de cahors : intercommunalité « Grand Cahor » inconnue ; "
        "noms proches : « CA du Grand Cahors »"
    )
    assert isinstance(refused.value, UsageError) and isinstance(refused.value, LotsyncError)


def test_an_intercommunality_far_from_any_known_one_is_refused_with_how_to_name_it() -> None:
    with pytest.raises(
        TerritoryError, match="intercommunalité « Cauvaldor » inconnue : donnez son nom ou son numéro SIREN"
    ):
        gazetteer({"dordogne": ["Cauvaldor"]}, {})


def test_one_intercommunality_in_two_territories_is_refused() -> None:
    with pytest.raises(
        TerritoryError,
        match="CC Grand-Figeac est dans deux territoires : celui de figeac et celui de dordogne",
    ):
        gazetteer({"figeac": ["200067361"], "dordogne": ["Grand-Figeac"]}, {})


def test_a_place_given_to_no_member_is_refused() -> None:
    with pytest.raises(
        TerritoryError, match="lieu « Gouffre de Padirac » donné à « dordgne », qui n'est pas un membre"
    ):
        gazetteer(DEFAULT_INTERCOMMUNALITIES, {"Gouffre de Padirac": "dordgne"})


def test_communes_outside_every_territory_are_known_and_of_no_member() -> None:
    places = gazetteer(DEFAULT_INTERCOMMUNALITIES, {})

    assert places.lookup("Sarlat-la-Canéda") == (
        Place("Sarlat-la-Canéda", None, "commune", "CC Sarlat-Périgord Noir"),
    )
    assert places.lookup("Gourdon")[0].member is None  # in the Lot, in none of the three territories
    assert places.lookup("Conques-en-Rouergue")[0].member is None


def test_communes_have_their_delegated_and_associated_communes_as_other_names() -> None:
    communes = territories().communes

    assert communes["12218"].name == "Conques-en-Rouergue"
    assert communes["12218"].other_names == (
        "Conques",
        "Grand-Vabre",
        "Noailhac",
        "Saint-Cyprien-sur-Dourdou",
    )
    # Castelnau-Montratier is also the name of one of its communes déléguées: not repeated.
    assert communes["46063"].other_names == ("Sainte-Alauzie",)
    assert communes["46102"].other_names == ()  # Figeac
    assert communes["15003"].other_names == ("Drignac",)  # a commune associée of Ally (Cantal)
    assert sum(len(c.other_names) for c in communes.values()) == 164


def test_other_names_per_default_office() -> None:
    # Cours, Saint-Cyprien, Saint-Géry (cahors) and Sarrazac (dordogne) are also current communes'
    # names elsewhere, which win: they are not counted.
    assert other_name_counts(DEFAULT_INTERCOMMUNALITIES) == {"cahors": 17, "dordogne": 8, "figeac": 0}


def test_the_data_file_without_other_names_still_loads() -> None:
    data = Territories.from_json(
        {
            "source": "a test",
            "licence": "",
            "departements": {"46": "Lot"},
            "intercommunalites": {"200000001": {"nom": "CC du Pays de Lauzès", "communes": ["46001"]}},
            "communes": {"46001": {"nom": "Albas", "departement": "46"}},
        }
    )

    assert data.communes["46001"].other_names == ()


def test_an_other_name_is_the_current_commune_in_the_gazetteer() -> None:
    places = gazetteer(DEFAULT_INTERCOMMUNALITIES, {})

    assert places.lookup("Sousceyrac") == (
        Place("Sousceyrac-en-Quercy", "dordogne", "commune", "CC Causses et Vallée de la Dordogne"),
    )
    assert places.lookup("Conques") == (
        Place("Conques-en-Rouergue", None, "commune", "CC Conques-Marcillac"),
    )


def test_a_configured_other_name_is_a_commune_of_its_own() -> None:
    places = gazetteer(DEFAULT_INTERCOMMUNALITIES, {"conques": "figeac"})

    assert places.lookup("Conques") == (Place("Conques", "figeac", "commune"),)
    assert places.lookup("Conques-en-Rouergue")[0].member is None  # only the name configured changes


def test_configured_places_are_communes_when_official_and_sites_otherwise() -> None:
    places = gazetteer(
        DEFAULT_INTERCOMMUNALITIES, {"Gouffre de Padirac": "dordogne", "collonges la rouge": "dordogne"}
    )

    assert places.lookup("gouffre de padirac") == (Place("Gouffre de Padirac", "dordogne", "site"),)
    assert places.lookup("Collonges-la-Rouge") == (Place("Collonges-la-Rouge", "dordogne", "commune"),)


def test_a_fourth_member_with_a_territory_of_its_own() -> None:
    # A fourth office could join: the Bouriane (Gourdon) is today in no office's territory.
    territories_ = {**DEFAULT_INTERCOMMUNALITIES, "gourdon": ("CC Quercy - Bouriane", "Cazals-Salviac")}

    assert route("Gourdon", None, gazetteer(territories_, {})).suggested == "gourdon"
    assert commune_counts(territories_)["gourdon"] == {"46": 35}


def test_the_legal_prefix_is_the_forms_initials_and_the_lowercase_words_after_them() -> None:
    short = {e.name: e.short_name for e in territories().intercommunalities.values()}

    assert short["CC de la Vallée du Lot et du Vignoble"] == "Vallée du Lot et du Vignoble"
    assert short["CC du Pays de Lalbenque-Limogne"] == "Pays de Lalbenque-Limogne"
    assert short["CA du Bassin d'Aurillac"] == "Bassin d'Aurillac"
    assert short["CC des Causses à l'Aubrac"] == "Causses à l'Aubrac"
    assert short["CA Le Grand Périgueux"] == "Le Grand Périgueux"


def test_a_name_two_intercommunalities_share_is_refused() -> None:
    data = Territories.from_json(
        {
            "source": "a test",
            "licence": "",
            "departements": {"46": "Lot"},
            "intercommunalites": {
                "200000001": {"nom": "CC du Pays de Lauzès", "communes": ["46001"]},
                "200000002": {"nom": "CA Pays de Lauzès", "communes": ["46002"]},
            },
            "communes": {
                "46001": {"nom": "Albas", "departement": "46"},
                "46002": {"nom": "Albiac", "departement": "46"},
            },
        }
    )

    assert data.resolve("CC du Pays de Lauzès").siren == "200000001"
    with pytest.raises(TerritoryError) as refused:
        data.resolve("Pays de Lauzès")
    assert str(refused.value) == (
        "« Pays de Lauzès » désigne plusieurs intercommunalités (CC du Pays de Lauzès (200000001), "
        "CA Pays de Lauzès (200000002)) : donnez son numéro SIREN"
    )
