"""Where sources live (`sources.classify`), which scopes lotsync asks for, and its credentials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lotsync.adapters.config import Config
from lotsync.adapters.google.credentials import (
    DRIVE_READONLY,
    ENV_KEY,
    GMAIL_SEND,
    SHEETS,
    CredentialsError,
    load_credentials,
    scopes_for,
)
from lotsync.adapters.sources import Source, classify
from lotsync.app import emulator_clients as clients
from lotsync.core.model import AnomalyKind

from .conftest import Demo

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd"
FILE_ID = "1ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210-_ZyXw"
SECRET_MARK = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-THIS-IS-SECRET"

# -- sources.classify -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "ref"),
    [
        (f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit#gid=0", "sheet", SHEET_ID),
        (f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit?usp=sharing", "sheet", SHEET_ID),
        (f"https://docs.google.com/spreadsheets/u/1/d/{SHEET_ID}/edit", "sheet", SHEET_ID),
        (f"https://docs.google.com/spreadsheets/d/{SHEET_ID}", "sheet", SHEET_ID),
        (f"  https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit  ", "sheet", SHEET_ID),
        (f"https://drive.google.com/file/d/{FILE_ID}/view?usp=drive_link", "drive", FILE_ID),
        (f"https://drive.google.com/file/u/0/d/{FILE_ID}/view", "drive", FILE_ID),
        (f"https://drive.google.com/open?id={FILE_ID}", "drive", FILE_ID),
        (  # an .xlsx opened in Google Sheets' editor without being converted
            f"https://docs.google.com/spreadsheets/d/{FILE_ID}/edit?usp=sharing&ouid=1&rtpof=true&sd=true",
            "drive",
            FILE_ID,
        ),
        (f"sheets:{SHEET_ID}", "sheet", SHEET_ID),
        (f"drive:{FILE_ID}", "drive", FILE_ID),
    ],
)
def test_urls_and_prefixes_say_where_a_source_lives(text: str, kind: str, ref: str) -> None:
    for backend in ("local", "google"):
        assert classify(text, backend) == Source(kind, ref)  # type: ignore[arg-type]
        assert classify(text, backend).is_google


def test_a_bare_id_is_a_google_sheet_only_with_the_google_backend() -> None:
    assert classify(SHEET_ID, "google") == Source("sheet", SHEET_ID)
    assert classify(SHEET_ID, "local") == Source("local", SHEET_ID)
    assert classify(SHEET_ID) == Source("local", SHEET_ID)
    # With backend = "google", any bare name shaped like an id (25+ letters, digits, - and _) is one.
    assert classify("a-very-long-file-name_without-any-dot", "google").kind == "sheet"
    assert classify("cahors", "google").kind == "local"


@pytest.mark.parametrize(
    "path",
    [
        "cahors.xlsx",
        "classeurs/Dossiers OT Cahors.xlsx",
        "/srv/lot/collectif.xlsx",
        "./figeac.xlsx",
        "~/Documents/dordogne.xlsx",
        r"C:\Users\florence\Documents\cahors.xlsx",
        "cahors",
        "Dossiers-2026",
    ],
)
def test_paths_are_local_files_whatever_the_backend(path: str) -> None:
    for backend in ("local", "google"):
        source = classify(path, backend)
        assert source == Source("local", path.strip())
        assert not source.is_google and source.url == path


def test_each_source_has_a_url_people_can_open() -> None:
    assert classify(f"sheets:{SHEET_ID}").url == f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"
    assert classify(f"drive:{FILE_ID}").url == f"https://drive.google.com/file/d/{FILE_ID}/view"


# -- scopes -----------------------------------------------------------------------------------


def config(*sources: str, shared: str = f"sheets:{SHEET_ID}", **google: Any) -> Config:
    return Config.model_validate(
        {
            "backend": "google",
            "shared": {"source": shared},
            "members": [
                {"id": f"office{i}", "name": f"Office {i}", "source": source}
                for i, source in enumerate(sources)
            ],
            "google": google,
        }
    )


def test_scopes_are_sheets_only_when_every_source_is_a_sheet() -> None:
    assert scopes_for(config(f"sheets:{SHEET_ID}", SHEET_ID, "local.xlsx")) == [SHEETS]


def test_drive_read_only_comes_with_a_drive_source_only() -> None:
    scopes = scopes_for(config(f"sheets:{SHEET_ID}", f"https://drive.google.com/file/d/{FILE_ID}/view"))
    assert scopes == [SHEETS, DRIVE_READONLY]
    assert DRIVE_READONLY.endswith("/drive.readonly")


def test_gmail_send_only_when_asked() -> None:
    assert scopes_for(config("a.xlsx", "b.xlsx"), gmail=True) == [SHEETS, GMAIL_SEND]
    assert scopes_for(config(f"drive:{FILE_ID}", "b.xlsx"), gmail=True) == [
        SHEETS,
        DRIVE_READONLY,
        GMAIL_SEND,
    ]
    assert GMAIL_SEND.endswith("/gmail.send")


def test_never_more_than_needed() -> None:
    scopes = scopes_for(config(f"drive:{FILE_ID}", f"sheets:{SHEET_ID}"), gmail=True)
    assert "https://www.googleapis.com/auth/drive" not in scopes
    assert not any(s.endswith(("/drive.file", "/gmail.modify", "/cloud-platform")) for s in scopes)


# -- credentials --------------------------------------------------------------------------------


@pytest.fixture
def no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No environment key and no cached `lotsync login` token."""
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    return tmp_path


def key_text(email: str = "lotsync@fake-project.iam.gserviceaccount.com") -> str:
    info = clients.service_account_info("http://127.0.0.1:1", email)
    return json.dumps(info)


def test_a_service_account_key_gives_credentials_and_the_address_to_share_with(no_login: Path) -> None:
    key = no_login / "key.json"
    key.write_text(key_text("robot@lot.iam.gserviceaccount.com"), encoding="utf-8")
    credentials, identity = load_credentials(config("a.xlsx", "b.xlsx", credentials=str(key)), [SHEETS])
    assert identity == "robot@lot.iam.gserviceaccount.com"
    assert credentials.scopes == [SHEETS] or list(credentials._scopes) == [SHEETS]


def test_the_environment_variable_names_the_key_when_the_configuration_does_not(
    no_login: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = no_login / "env-key.json"
    key.write_text(key_text("env@lot.iam.gserviceaccount.com"), encoding="utf-8")
    monkeypatch.setenv(ENV_KEY, str(key))
    assert load_credentials(config("a.xlsx", "b.xlsx"), [SHEETS])[1] == "env@lot.iam.gserviceaccount.com"


def test_no_credentials_at_all_says_how_to_get_some(no_login: Path) -> None:
    with pytest.raises(CredentialsError) as raised:
        load_credentials(config("a.xlsx", "b.xlsx"), [SHEETS])
    assert "lotsync login" in str(raised.value) and ENV_KEY in str(raised.value)


def test_a_missing_key_file_is_named(no_login: Path) -> None:
    missing = no_login / "nowhere" / "key.json"
    with pytest.raises(CredentialsError) as raised:
        load_credentials(config("a.xlsx", "b.xlsx", credentials=str(missing)), [SHEETS])
    assert str(missing) in str(raised.value) and "introuvable" in str(raised.value)


BROKEN_KEYS = {
    "truncated JSON": lambda: key_text()[:-40],
    "not JSON": lambda: "private_key = " + SECRET_MARK,
    "a JSON list": lambda: json.dumps([SECRET_MARK]),
    "a JSON string": lambda: json.dumps(SECRET_MARK),
    "no client_email": lambda: json.dumps({"type": "service_account", "private_key": SECRET_MARK}),
    "a bad private key": lambda: json.dumps(
        {**json.loads(key_text()), "private_key": f"-----BEGIN PRIVATE KEY-----\n{SECRET_MARK}\n"}
    ),
    "not UTF-8": lambda: "\udcff",
}


@pytest.mark.parametrize("broken", BROKEN_KEYS)
@pytest.mark.parametrize("endpoint", [None, "http://127.0.0.1:1"])
def test_an_invalid_key_file_is_named_and_its_secret_never_shown(
    no_login: Path, broken: str, endpoint: str | None
) -> None:
    key = no_login / "key.json"
    text = BROKEN_KEYS[broken]()
    if broken == "not UTF-8":
        key.write_bytes(b"\xff\xfe" + SECRET_MARK.encode())
    else:
        key.write_text(text, encoding="utf-8")
    with pytest.raises(CredentialsError) as raised:
        load_credentials(config("a.xlsx", "b.xlsx", credentials=str(key), endpoint=endpoint), [SHEETS])
    message = str(raised.value)
    assert str(key) in message and "n'est pas une clé de compte de service Google valide" in message
    assert SECRET_MARK not in message and "PRIVATE KEY" not in message
    whole = key_text()
    assert json.loads(whole)["private_key"][40:80] not in message


def test_a_key_path_that_is_a_folder_is_named(no_login: Path) -> None:
    with pytest.raises(CredentialsError) as raised:
        load_credentials(config("a.xlsx", "b.xlsx", credentials=str(no_login)), [SHEETS])
    assert str(no_login) in str(raised.value) and "illisible" in str(raised.value)


def test_a_sync_with_a_broken_key_reports_it_writes_nothing_and_never_shows_the_secret(demo: Demo) -> None:
    key = demo.directory.parent / f"broken-{demo.shared_id}.json"
    key.write_text(json.dumps({"type": "service_account", "private_key": SECRET_MARK}), encoding="utf-8")
    config_ = demo.with_google(credentials=str(key))
    before = demo.snapshot()

    outcome = demo.sync(config_)

    assert outcome.failed and not outcome.written
    assert str(key) in (outcome.error or "")
    unreadable = [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]
    assert len(unreadable) == len(demo.config.members) + 1
    assert all(SECRET_MARK not in a.message for a in outcome.books.anomalies)
    assert SECRET_MARK not in (outcome.error or "")
    assert demo.snapshot() == before
    assert demo.google.log.count("sheets.*") == 0
