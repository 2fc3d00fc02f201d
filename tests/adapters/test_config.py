"""The configuration: a TOML file validated on load, before anything is read.

Every error names the file, the dotted key and what is wrong with it, in French.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONFIG

from lotsync.adapters.config import ConfigError, load_config
from lotsync.cli.commands import cli


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lotsync.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    """The hand-made configuration with one change (that must actually apply)."""
    assert old in CONFIG
    return CONFIG.replace(old, new, 1)


# -- a valid file -------------------------------------------------------------


def test_valid_file_loads_with_every_section(books: Path) -> None:
    config = load_config(books)

    assert config.member_ids == ("cahors", "dordogne", "figeac")
    assert config.members[0].tab == "Dossiers"  # the default
    assert config.shared.expenses_tab == "Dépenses communes"
    assert config.collective.timezone == "Europe/Paris"
    assert config.split_keys == {"personnel": {"cahors": 33, "dordogne": 30, "figeac": 11}}
    [fee] = config.fees
    assert (fee.year, fee.amount, fee.paid_by, fee.key) == (2026, Decimal("3000.00"), "dordogne", "égale")


def test_source_paths_are_resolved_relative_to_the_config_file(
    books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the working directory must not matter

    config = load_config(books)

    folder = books.parent.resolve()
    assert config.shared.source == str(folder / "collectif.xlsx")
    assert [m.source for m in config.members] == [
        str(folder / "offices" / f"{office}.xlsx") for office in ("cahors", "dordogne", "figeac")
    ]
    assert all(Path(m.source).is_file() for m in config.members)


def test_aliases_and_names_find_the_member(books: Path) -> None:
    vocabulary = load_config(books).vocabulary()

    assert vocabulary.partner["vallee de la dordogne"] == "dordogne"
    assert vocabulary.partner["office de tourisme grand figeac"] == "figeac"
    assert vocabulary.partner["cahors"] == "cahors"


# -- invalid files: the file, the key, the problem -----------------------------

INVALID = [
    pytest.param(
        edited('[shared]\nsource = "collectif.xlsx"\n', "[shared]\n"),
        "shared.source",
        "clé obligatoire absente",
        id="missing-key",
    ),
    pytest.param(
        edited('aliases = ["Cahors"]', 'alias = ["Cahors"]'),
        "members.0.alias",
        "clé inconnue (faute de frappe ?)",
        id="unknown-key-typo",
    ),
    pytest.param(
        edited('amount = "3000.00"', 'amount = "trois mille"'),
        "fees.0.amount",
        "doit être un montant",
        id="bad-type-amount",
    ),
    pytest.param(
        edited('timezone = "Europe/Paris"', 'timezone = "Europe/Paris"\nfinancial_year_start_month = "mai"'),
        "collective.financial_year_start_month",
        "doit être un nombre entier",
        id="bad-type-int",
    ),
    pytest.param(
        edited('aliases = ["Cahors"]', 'aliases = "Cahors"'),
        "members.0.aliases",
        "doit être une liste",
        id="bad-type-list",
    ),
    pytest.param(
        edited('paid_by = "dordogne"', 'paid_by = "lot-tourisme"'),
        "fees.0.paid_by",
        "membre inconnu 'lot-tourisme'",
        id="unknown-fee-payer",
    ),
    pytest.param(
        edited("figeac = 11 }", "figeac = 11, souillac = 5 }"),
        "split_keys.personnel.souillac",
        "membre inconnu",
        id="unknown-split-key-member",
    ),
    pytest.param(
        edited("personnel = { cahors = 33, dordogne = 30, figeac = 11 }", "personnel = {}"),
        "split_keys.personnel",
        "tous les poids sont nuls",
        id="empty-split-key",
    ),
    pytest.param(
        edited('paid_by = "dordogne"', 'paid_by = "dordogne"\nkey = "au prorata"'),
        "fees.0.key",
        "répartition 'au prorata' illisible",
        id="unknown-fee-split-key",
    ),
    pytest.param(
        edited('id = "figeac"', 'id = "cahors"'),
        "members",
        "identifiant en double cahors",
        id="duplicate-ids",
    ),
    pytest.param(
        edited('id = "figeac"', 'id = "Grand Figeac"'),
        "members.2.id",
        "lettres minuscules, chiffres, - et _ seulement",
        id="bad-id",
    ),
    pytest.param(
        edited('timezone = "Europe/Paris"', 'timezone = "Europe/Cahors"'),
        "collective.timezone",
        "fuseau horaire inconnu : 'Europe/Cahors'",
        id="bad-timezone",
    ),
    pytest.param(
        edited('[[members]]\nid = "figeac"', '[[memberz]]\nid = "figeac"'),
        "memberz",
        "clé inconnue",
        id="unknown-table",
    ),
    pytest.param(
        edited("[split_keys]", '[headers]\nreference = ["Réf"]\n\n[split_keys]'),
        "headers.reference",
        "champ inconnu",
        id="unknown-header-field",
    ),
    # Configurations that would make money ambiguous (issue 9): refused before anything is read.
    pytest.param(
        edited('aliases = ["Figeac"]', 'aliases = ["Figeac", "Cahors"]'),
        "members.2.aliases",
        "« Cahors » désigne aussi le membre cahors",
        id="alias-shared-by-two-members",
    ),
    pytest.param(
        edited('aliases = ["Figeac"]', 'aliases = ["Figeac", "DORDOGNE "]'),
        "members.2.aliases",
        "désigne aussi le membre dordogne",
        id="alias-equal-to-another-id-after-normalisation",
    ),
    pytest.param(
        edited('aliases = ["Figeac"]', 'aliases = ["Figeac", "OT Cahors"]'),
        "members.2.aliases",
        "désigne aussi le membre cahors",
        id="alias-equal-to-another-after-the-OT-prefix",
    ),
    pytest.param(
        edited('source = "offices/figeac.xlsx"', 'source = "collectif.xlsx"'),
        "members.2.source",
        "c'est le classeur partagé",
        id="office-source-is-the-shared-workbook",
    ),
    pytest.param(
        edited('source = "offices/figeac.xlsx"', 'source = "offices/../offices/dordogne.xlsx"'),
        "members.2.tab",
        "le membre dordogne lit déjà l'onglet « Dossiers »",
        id="two-offices-read-the-same-tab",
    ),
    pytest.param(
        edited('source = "offices/figeac.xlsx"', 'source = "offices/figeac.xlsx"\ntab = " "'),
        "members.2.tab",
        "nom d'onglet vide",
        id="empty-tab-name",
    ),
    pytest.param(
        edited('source = "collectif.xlsx"', 'source = "collectif.xlsx"\nexpenses_tab = "soldes"'),
        "shared.expenses_tab",
        "nom d'un onglet que lotsync écrit",
        id="input-tab-named-like-an-owned-tab",
    ),
    pytest.param(
        edited('amount = "3000.00"', 'amount = "1e30"'),
        "fees.0.amount",
        "dépasse la limite de 10000000 €",
        id="fee-amount-out-of-bounds",
    ),
    pytest.param(
        edited('amount = "3000.00"', 'amount = "3000.005"'),
        "fees.0.amount",
        "au plus deux décimales",
        id="fee-amount-with-three-decimals",
    ),
    pytest.param(
        edited("figeac = 11 }", "figeac = nan }"),
        "split_keys.personnel.figeac",
        "doit être un nombre fini",
        id="split-weight-not-a-number",
    ),
    pytest.param(
        edited("figeac = 11 }", "figeac = 1e30 }"),
        "split_keys.personnel.figeac",
        "poids hors limites",
        id="split-weight-out-of-bounds",
    ),
]


@pytest.mark.parametrize(("text", "key", "problem"), INVALID)
def test_invalid_file_names_file_key_and_problem(tmp_path: Path, text: str, key: str, problem: str) -> None:
    path = write_config(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    error = caught.value
    assert error.path == str(path)
    line = next((line for line in error.lines if line.startswith(f"{key} : ")), None)
    assert line is not None, error.lines
    assert problem in line
    assert str(path) in str(error)


def test_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, edited("[shared]", "[shared"))

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(caught.value).startswith(f"{path}: TOML invalide")
    assert "ligne 5" in str(caught.value)


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert caught.value.path == str(path)
    assert "fichier introuvable" in str(caught.value)
    assert "--config" in str(caught.value)


def test_every_field_error_is_reported_at_once_one_line_each(tmp_path: Path) -> None:
    text = edited('timezone = "Europe/Paris"', 'timezone = "Mars/Olympus"')
    text = text.replace('amount = "3000.00"', 'amount = "3000.001"')
    path = write_config(tmp_path, text.replace('aliases = ["Figeac"]', 'aliases = ["Figeac"]\nonglet = "D"'))

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    keys = [line.split(" : ")[0] for line in caught.value.lines]
    assert keys == ["collective.timezone", "members.2.onglet", "fees.0.amount"]


def test_cross_key_checks_report_each_key_on_its_own_line(tmp_path: Path) -> None:
    text = edited('paid_by = "dordogne"', 'paid_by = "lot"').replace(
        "figeac = 11 }", "figeac = 11, lot = 1 }"
    )
    path = write_config(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert [line.split(" : ")[0] for line in caught.value.lines] == [
        "split_keys.personnel.lot",
        "fees.0.paid_by",
    ]


# -- the command line stops before reading anything ----------------------------


def test_sync_with_bad_config_exits_2_names_the_key_and_reads_nothing(
    books: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lotsync.adapters.backends.xlsx import XlsxBackend

    books.write_text(edited('timezone = "Europe/Paris"', 'timezone = "Europe/Cahors"'), encoding="utf-8")
    shared = books.parent / "collectif.xlsx"
    before = shared.read_bytes()
    opened: list[str] = []
    original_read = XlsxBackend.read

    def spy(self: XlsxBackend, source: str, tabs: list[str]):  # records, then reads for real
        opened.append(source)
        return original_read(self, source, tabs)

    monkeypatch.setattr(XlsxBackend, "read", spy)

    result = CliRunner().invoke(cli, ["sync", "--config", str(books), "--as-of", "2026-06-30"])

    assert result.exit_code == 2
    assert "Configuration invalide" in result.stderr
    assert str(books) in result.stderr
    assert "collective.timezone" in result.stderr
    assert result.stdout == ""
    assert opened == []
    assert shared.read_bytes() == before


def test_config_is_found_through_the_environment_variable(books: Path) -> None:
    result = CliRunner().invoke(
        cli, ["sync", "--dry-run", "--as-of", "2026-06-30"], env={"LOTSYNC_CONFIG": str(books)}
    )

    assert result.exit_code == 0, result.output
    assert "Simulation (--dry-run)" in result.stdout


def test_missing_config_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "nowhere.toml")])

    assert result.exit_code == 2
    assert "fichier introuvable" in result.stderr


def test_a_config_path_that_is_not_a_regular_file_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "lotsync.toml"
    os.mkfifo(fifo)  # reading a FIFO would wait for a writer for ever

    with pytest.raises(ConfigError) as caught:
        load_config(fifo)

    assert "n'est pas un fichier ordinaire" in str(caught.value)


def test_a_directory_as_config_is_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)

    assert "c'est un dossier" in str(caught.value)


# -- [requests] and the offices' territories ----------------------------------------------------


def test_an_unknown_intercommunality_or_place_owner_is_refused_with_what_to_write(tmp_path: Path) -> None:
    text = edited('aliases = ["Figeac"]', 'aliases = ["Figeac"]\nintercommunalities = ["Grand Figeak"]')
    text += '\n[requests.places]\n"Gouffre de Padirac" = "padirac"\n'

    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, text))

    message = " ".join(str(caught.value).split())
    assert "« padirac » n'est pas l'identifiant d'un membre (cahors, dordogne, figeac)" in message


def test_an_unknown_intercommunality_names_the_close_ones(tmp_path: Path) -> None:
    text = edited('aliases = ["Figeac"]', 'aliases = ["Figeac"]\nintercommunalities = ["Grand Figeak"]')

    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, text))

    message = " ".join(str(caught.value).split())
    assert "« Grand Figeak » inconnue" in message and "Grand-Figeac" in message


def test_the_requests_tab_may_not_take_a_name_lotsync_writes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, CONFIG + '\n[requests]\ntab = "Suivi des demandes"\n'))

    assert "requests.tab : « Suivi des demandes » est le nom d'un onglet que lotsync écrit" in str(
        caught.value
    )
