"""`lotsync check` on Google, against the emulator: reachable, shared rightly, tabs, headers, calls.

The demo books are uploaded into the emulator as Google Sheets
(`lotsync.app.demo_google.upload_demo`), owned by the demo's service account; a test
takes a spreadsheet away from it to see what check says. Check only reads: the
emulator's log must show no write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fake_google import FakeGoogle
from lotsync.adapters.config import load_config
from lotsync.adapters.sources import classify
from lotsync.app.check import check_report
from lotsync.app.demo_google import upload_demo
from lotsync.cli.commands import cli

SERVICE_ACCOUNT = "lotsync-demo@fake-project.iam.gserviceaccount.com"
"""The identity `upload_demo` gives lotsync: the address people share their sheets with."""
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"


@pytest.fixture
def demo(google: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo books in the emulator and a configuration pointing at them; the log starts empty."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no `lotsync login` token around
    config = upload_demo(tmp_path / "demo", google.base_url)
    google.log.clear()
    return config


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def source_id(config_path: Path, member: str | None) -> str:
    config = load_config(config_path)
    if member is None:
        return classify(config.shared.source, config.backend).ref
    source = next(m.source for m in config.members if m.id == member)
    return classify(source, config.backend).ref


def take_away(google: FakeGoogle, file_id: str) -> None:
    """The spreadsheet now belongs to someone else, who never shared it with lotsync."""
    with google.store.lock:
        google.store.files[file_id].owner = "secretariat@dordogne.example.org"
        google.store.files[file_id].shared.clear()


def writes(google: FakeGoogle) -> list[str]:
    return [e.endpoint for e in google.log.entries if "batchUpdate" in e.endpoint or "update" in e.endpoint]


# -- everything shared rightly ----------------------------------------------------------


def test_check_json_on_the_demo_is_all_ok_with_tabs_headers_sharing_and_calls(
    google: FakeGoogle, demo: Path
) -> None:
    result = run("check", "--config", str(demo), "--format", "json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    by_id = {s["id"]: s for s in report["sources"]}
    assert list(by_id) == ["cahors", "dordogne", "figeac", "collectif"]
    for entry in report["sources"]:
        assert entry["kind"] == "sheet"
        assert entry["reachable"] is True
        assert entry["access"] == "lecture"
        assert entry["share_with"] == SERVICE_ACCOUNT
        assert entry["url"] == f"https://docs.google.com/spreadsheets/d/{classify(entry['source']).ref}/edit"
        assert entry["problems"] == []
        assert entry["header_row"] >= 1
        assert entry["missing"] == []
        assert entry["tab"] in entry["tabs"]
    assert [by_id[i]["share_role"] for i in by_id] == ["Lecteur", "Lecteur", "Lecteur", "Éditeur"]
    assert by_id["cahors"]["columns"]["ref"]
    assert by_id["collectif"]["columns"]["amount"]

    assert report["google"]["identity"] == SERVICE_ACCOUNT
    assert report["google"]["scopes"] == [SHEETS_SCOPE]
    # One spreadsheets.get per office (title and its tab's cells at once); metadata + batchGet for
    # the shared one: what a sync spends to read, and what the emulator saw.
    assert report["google"]["calls"] == {"sheets.spreadsheets.get": 4, "sheets.values.batchGet": 1}
    assert report["google"]["calls_total"] == 5
    assert google.log.by_endpoint() == report["google"]["calls"]
    assert writes(google) == []


def test_check_text_says_read_ok_whom_to_share_with_and_how_many_calls(
    google: FakeGoogle, demo: Path
) -> None:
    result = run("check", "--config", str(demo))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("lotsync check — configuration valide.")
    assert out.count(f"lecture OK (partagé avec {SERVICE_ACCOUNT}, Lecteur suffit)") == 3
    assert f"lecture OK ; lotsync écrit ses onglets ici : {SERVICE_ACCOUNT} doit y être Éditeur" in out
    assert "en-tête ligne" in out
    assert f"Google : identité {SERVICE_ACCOUNT}." in out
    assert "appels à l'API pour cette vérification : 5" in out
    assert "Tout est lisible. 24 anomalie(s) de saisie" in out  # the demo's bad cells, as a sync reports them
    assert writes(google) == []


# -- what goes wrong ----------------------------------------------------------------------


def test_an_office_sheet_not_shared_names_the_address_to_share_with_as_viewer(
    google: FakeGoogle, demo: Path
) -> None:
    sheet = source_id(demo, "dordogne")
    take_away(google, sheet)

    result = run("check", "--config", str(demo), "--format", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    entry = {s["id"]: s for s in report["sources"]}["dordogne"]
    assert entry["reachable"] is False
    assert entry["http_status"] == 403
    assert entry["problems"] == [
        f"accès refusé : partagez https://docs.google.com/spreadsheets/d/{sheet}/edit avec {SERVICE_ACCOUNT} "
        "comme Lecteur (bouton « Partager »)"
    ]
    others = [s for s in report["sources"] if s["id"] != "dordogne"]
    assert all(s["ok"] for s in others)


def test_the_shared_sheet_not_shared_asks_for_editor_in_the_text_report(
    google: FakeGoogle, demo: Path
) -> None:
    take_away(google, source_id(demo, None))

    result = run("check", "--config", str(demo))

    assert result.exit_code == 1
    assert "!! collectif" in result.stdout
    assert f"avec {SERVICE_ACCOUNT} comme Éditeur" in result.stdout
    assert "1 source(s) à corriger." in result.stdout
    assert writes(google) == []


def test_an_unknown_spreadsheet_id_is_reported_with_the_address(google: FakeGoogle, demo: Path) -> None:
    known = source_id(demo, "figeac")
    demo.write_text(
        demo.read_text(encoding="utf-8").replace(f"sheets:{known}", "sheets:" + "x" * 44), encoding="utf-8"
    )

    report = check_report(load_config(demo))

    entry = {s["id"]: s for s in report["sources"]}["figeac"]
    assert entry["http_status"] == 404
    assert len(entry["problems"]) == 1
    assert entry["problems"][0].startswith("classeur introuvable : vérifiez l'identifiant")
    assert f"avec {SERVICE_ACCOUNT} comme Lecteur" in entry["problems"][0]


def test_a_missing_tab_is_reported_with_the_tabs_there_are(google: FakeGoogle, demo: Path) -> None:
    figeac = source_id(demo, "figeac")
    text = demo.read_text(encoding="utf-8")
    demo.write_text(
        text.replace(
            f'source = "sheets:{figeac}"\ntab = "Dossiers"', f'source = "sheets:{figeac}"\ntab = "Groupes"'
        ),
        encoding="utf-8",
    )

    result = run("check", "--config", str(demo))

    assert result.exit_code == 1
    assert "problème : onglet « Groupes » introuvable" in result.stdout
    assert "onglets présents : Dossiers" in result.stdout


def test_without_any_google_identity_every_google_source_says_how_to_get_one(
    google: FakeGoogle, demo: Path
) -> None:
    text = demo.read_text(encoding="utf-8")
    demo.write_text(text.replace('credentials = "google-demo-key.json"\n', ""), encoding="utf-8")

    result = run("check", "--config", str(demo), "--format", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    for entry in report["sources"]:
        assert entry["reachable"] is False
        assert "Aucun identifiant Google" in entry["problems"][0]
        assert "lotsync login" in entry["problems"][0]
    assert report["google"]["calls_total"] == 0
    assert google.log.by_endpoint() == {}


def test_a_local_configuration_has_no_google_section(tmp_path: Path) -> None:
    from lotsync.app.demo import write_demo

    report = check_report(load_config(write_demo(tmp_path / "demo")))

    assert report["ok"] is True
    assert report["google"] is None
    assert {s["kind"] for s in report["sources"]} == {"local"}
    assert all("share_with" not in s for s in report["sources"])


def test_the_optional_input_tabs_the_shared_workbook_lacks_are_named_not_refused(books: Path) -> None:
    """The shared workbook of `books` has `Dépenses communes` only: no `Cotisations`, no `Règlements`."""
    report = check_report(load_config(books))
    [shared] = [s for s in report["sources"] if s["role"] == "shared"]
    assert shared["inputs"] == [
        {"tab": "Dépenses communes", "present": True, "optional": False},
        {"tab": "Cotisations", "present": False, "optional": True},
        {"tab": "Règlements", "present": False, "optional": True},
        {"tab": "Demandes", "present": False, "optional": True},  # no [requests] section: optional
    ]
    assert shared["ok"] and not shared["problems"]
    text = run("check", "--config", str(books)).output
    assert "onglet « Règlements » absent : il est facultatif, rien n'en est compté" in text


def test_a_spreadsheet_not_in_french_is_named_with_how_to_change_it(google: FakeGoogle, demo: Path) -> None:
    """In an en_US spreadsheet Google shows `14,458.42 €` and reads 03/04/2026 as 4 March."""
    config = load_config(demo)
    office = classify(config.members[0].source, config.backend).ref
    with google.store.lock:  # as a person whose account is in English would have made it
        google.store.spreadsheets[office].properties["locale"] = "en_US"

    report = check_report(config)

    by_id = {s["id"]: s for s in report["sources"]}
    assert by_id[config.members[0].id]["locale"] == "en_US"
    [warning] = by_id[config.members[0].id]["warnings"]
    assert "Fichier > Paramètres > Paramètres régionaux : France" in warning
    assert all(not s["warnings"] for i, s in by_id.items() if i != config.members[0].id), "the demo is fr_FR"
    text = run("check", "--config", str(demo)).output
    assert "attention : paramètres régionaux « en_US »" in text


def test_check_says_a_service_account_needs_send_as_to_mail_through_gmail(demo: Path) -> None:
    gmail = demo.read_text(encoding="utf-8").replace("[mail]\n", '[mail]\ntransport = "gmail"\n', 1)
    if 'transport = "gmail"' not in gmail:
        gmail += '\n[mail]\ntransport = "gmail"\n'
    demo.write_text(gmail, encoding="utf-8")

    report = check_report(load_config(demo))
    assert "[google] send_as" in (report["google"]["gmail"] or "")
    assert "!! Gmail :" in run("check", "--config", str(demo)).output

    delegated = gmail.replace("[google]\n", '[google]\nsend_as = "recap@collectif-lot.fr"\n', 1)
    demo.write_text(delegated, encoding="utf-8")
    assert check_report(load_config(demo))["google"]["gmail"] is None
