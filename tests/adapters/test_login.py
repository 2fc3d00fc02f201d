"""`lotsync login` / `logout`: the installed-app OAuth flow end to end, against the emulator.

The emulator plays Google's consent page (`GET /o/oauth2/auth` approves at once for
the user named by `login_hint` and redirects to the flow's loopback server) and
its token endpoint (the authorization-code grant). The test stands in for the
browser: the login runs in a thread without opening one, and the test visits the
authorization address it is given. Then the cached token must be the owner's only
(0600 in a 0700 directory), be what `load_credentials` uses, and carry a Google
sync of the demo books as that person.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import stat
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from click.testing import CliRunner, Result

from fake_google import FakeGoogle
from fake_google.auth import TEST_USER
from lotsync.adapters.config import load_config
from lotsync.adapters.google.credentials import (
    DRIVE_READONLY,
    GMAIL_SEND,
    SHEETS,
    load_credentials,
    token_cache_path,
)
from lotsync.adapters.google.login import LoginError, LoginResult, login
from lotsync.adapters.sources import classify
from lotsync.app.demo_google import upload_demo
from lotsync.app.digests import run_digests
from lotsync.app.sync import run_sync
from lotsync.cli.commands import cli
from lotsync.core.digest import Week

USER = "marine@cahors.example.org"
CLIENT_ID = "123-lotsync.apps.googleusercontent.com"
CLIENT_SECRET = "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"
AS_OF = date(2026, 6, 30)


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's config directory, empty, and no service-account key in the environment."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture
def setup(google: FakeGoogle, tmp_path: Path, xdg: Path) -> Path:
    """The demo books in the emulator, shared with USER (Lecteur, Éditeur for the shared one), and a
    configuration that names an OAuth Desktop client's secrets file instead of a service-account key."""
    config_path = upload_demo(tmp_path / "demo", google.base_url)
    secrets = tmp_path / "demo" / "client_secret.json"
    secrets.write_text(json.dumps(client_secrets(google.base_url)), encoding="utf-8")
    text = config_path.read_text(encoding="utf-8")
    text = text.replace('credentials = "google-demo-key.json"\n', 'client_secrets = "client_secret.json"\n')
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    shared = classify(config.shared.source, config.backend).ref
    with google.store.lock:
        for source in config.sources():
            ref = classify(source, config.backend).ref
            google.store.files[ref].shared[USER] = "writer" if ref == shared else "reader"
    google.log.clear()
    return config_path


def client_secrets(base_url: str) -> dict[str, Any]:
    """An OAuth « Application de bureau » client file, as the console hands it out, for the emulator."""
    return {
        "installed": {
            "client_id": CLIENT_ID,
            "project_id": "lotsync-test",
            "auth_uri": base_url + "/o/oauth2/auth",
            "token_uri": base_url + "/token",
            "client_secret": CLIENT_SECRET,
            "redirect_uris": ["http://localhost"],
        }
    }


def browser() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def logged_in(config_path: Path, **options: Any) -> tuple[LoginResult, str, requests.Response]:
    """Run `login` in a thread, visit the authorization address as a browser would."""
    urls: queue.Queue[str] = queue.Queue()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = login(
                load_config(config_path), open_browser=False, on_url=urls.put, timeout=20, **options
            )
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    url = urls.get(timeout=10)
    page = browser().get(url, allow_redirects=True, timeout=10)
    thread.join(timeout=20)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], url, page


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- the flow end to end -------------------------------------------------------------------


def test_login_caches_a_private_token_that_a_google_sync_then_uses(google: FakeGoogle, setup: Path) -> None:
    result, url, page = logged_in(setup, login_hint=USER)

    # What was asked of Google: the least scopes, offline access (a refresh token), PKCE.
    asked = parse_qs(urlsplit(url).query)
    assert url.startswith(google.base_url + "/o/oauth2/auth?")
    assert asked["scope"] == [SHEETS]
    assert asked["access_type"] == ["offline"]
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["login_hint"] == [USER]
    assert urlsplit(asked["redirect_uri"][0]).hostname == "localhost"
    # The browser landed on the flow's loopback server, which thanked the person.
    assert page.status_code == 200
    assert "lotsync est autorisé" in page.text

    path = token_cache_path()
    assert result == LoginResult(path, [SHEETS], USER)
    assert path.is_file()
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["token.json"]  # no temporary file left behind
    cached = json.loads(path.read_text(encoding="utf-8"))
    assert cached["scopes"] == [SHEETS]
    assert cached["account"] == USER
    assert cached["refresh_token"] == USER  # the emulator's refresh tokens name the user
    assert cached["client_id"] == CLIENT_ID
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ  # allowed for the loopback flow only

    config = load_config(setup)
    credentials, identity = load_credentials(config, [SHEETS])
    assert identity == USER
    assert credentials.refresh_token == USER

    outcome = run_sync(config, as_of=AS_OF, now=datetime(2026, 6, 30, 9, 0))

    assert outcome.error is None
    assert outcome.written
    calls = [e for e in google.log.entries if e.endpoint.startswith("sheets.")]
    assert calls
    assert {e.user for e in calls} == {USER}  # every call made as the person who logged in
    assert any(e.endpoint == "sheets.spreadsheets.batchUpdate" and e.status == 200 for e in calls)


def test_a_drive_source_adds_drive_read_only_and_nothing_more(google: FakeGoogle, setup: Path) -> None:
    config = load_config(setup)
    cahors = classify(config.members[0].source, config.backend).ref
    setup.write_text(
        setup.read_text(encoding="utf-8").replace(f"sheets:{cahors}", f"drive:{cahors}"), encoding="utf-8"
    )

    result, url, _ = logged_in(setup)

    assert parse_qs(urlsplit(url).query)["scope"] == [f"{SHEETS} {DRIVE_READONLY}"]
    assert result.scopes == [SHEETS, DRIVE_READONLY]
    assert result.account is None  # no hint: the emulator's test user consented, address unknown
    cached = json.loads(token_cache_path().read_text(encoding="utf-8"))
    assert cached["refresh_token"] == TEST_USER
    assert "account" not in cached
    assert load_credentials(load_config(setup), [SHEETS, DRIVE_READONLY])[1] == "votre compte Google"


def test_login_replaces_the_previous_token_and_tightens_an_open_directory(
    google: FakeGoogle, setup: Path, xdg: Path
) -> None:
    (xdg / "lotsync").mkdir(parents=True, mode=0o755)
    (xdg / "lotsync").chmod(0o755)
    (xdg / "lotsync" / "token.json").write_text("{}", encoding="utf-8")

    logged_in(setup, login_hint=USER)

    assert mode(xdg / "lotsync") == 0o700
    assert mode(token_cache_path()) == 0o600
    assert json.loads(token_cache_path().read_text(encoding="utf-8"))["account"] == USER


def mail_through_gmail(config_path: Path) -> None:
    """`[mail] transport = "gmail"` added to the configuration."""
    text = config_path.read_text(encoding="utf-8")
    text += '\n[mail]\ntransport = "gmail"\nsender = "Collectif <collectif@example.org>"\n'
    config_path.write_text(text, encoding="utf-8")


WEEK = Week.parse("2026-W48")
NOW = datetime(2026, 11, 23, 8, 0)


def test_with_mail_through_gmail_login_asks_for_gmail_send_and_the_digests_leave(
    google: FakeGoogle, setup: Path
) -> None:
    mail_through_gmail(setup)

    result, url, _ = logged_in(setup, login_hint=USER)

    assert parse_qs(urlsplit(url).query)["scope"] == [f"{SHEETS} {GMAIL_SEND}"]
    assert result.scopes == [SHEETS, GMAIL_SEND]
    assert json.loads(token_cache_path().read_text(encoding="utf-8"))["scopes"] == [SHEETS, GMAIL_SEND]
    [sent] = run_digests(load_config(setup), week=WEEK, now=NOW, office="cahors")
    assert (sent.status, sent.error) == ("sent", None)
    [stored] = google.store.messages
    assert stored.user == USER  # sent from the Gmail account of the person who logged in


def test_a_token_from_before_gmail_names_the_missing_access_and_a_new_login_gives_it(
    google: FakeGoogle, setup: Path
) -> None:
    logged_in(setup, login_hint=USER)  # mail did not go through Gmail yet: Sheets only
    mail_through_gmail(setup)

    [refused] = run_digests(load_config(setup), week=WEEK, now=NOW, office="cahors")

    assert refused.status == "failed"
    assert "Gmail (envoi des récapitulatifs seulement)" in refused.error
    assert "relancez `lotsync login`" in refused.error
    assert google.store.messages == []
    logged_in(setup, login_hint=USER)  # what the message says to do: now it helps
    [sent] = run_digests(load_config(setup), week=WEEK, now=NOW, office="cahors")
    assert (sent.status, sent.error) == ("sent", None)
    assert len(google.store.messages) == 1


# -- the command line ----------------------------------------------------------------------


def test_the_login_command_prints_the_address_and_never_a_secret(
    google: FakeGoogle, setup: Path, xdg: Path
) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(xdg), "PYTHONUNBUFFERED": "1"}
    env.pop("GOOGLE_APPLICATION_CREDENTIALS", None)
    command = [
        sys.executable,
        "-m",
        "lotsync",
        "login",
        "--config",
        str(setup),
        "--no-browser",
        "--account",
        USER,
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, encoding="utf-8"
    )
    try:
        shown: list[str] = []
        assert process.stdout is not None
        for line in process.stdout:
            shown.append(line)
            if line.strip().startswith(google.base_url):
                break
        url = shown[-1].strip()
        assert url.startswith(google.base_url + "/o/oauth2/auth?")
        assert browser().get(url, allow_redirects=True, timeout=10).status_code == 200
        rest, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(shown) + rest + errors

    assert process.returncode == 0, output
    assert "Ouvrez cette adresse dans votre navigateur" in output
    assert f"Jeton enregistré dans {token_cache_path()} (lisible par vous seul)" in output
    assert f"Partagez chaque classeur avec {USER}" in output
    cached = json.loads(token_cache_path().read_text(encoding="utf-8"))
    assert CLIENT_SECRET not in output
    assert cached["token"] not in output
    assert mode(token_cache_path()) == 0o600


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_login_without_a_client_secrets_file_exits_2_and_says_where_to_get_one(
    google: FakeGoogle, setup: Path
) -> None:
    setup.write_text(
        setup.read_text(encoding="utf-8").replace('client_secrets = "client_secret.json"\n', ""),
        encoding="utf-8",
    )

    result = run("login", "--config", str(setup), "--no-browser")

    assert result.exit_code == 2
    assert "Aucun fichier d'identifiants OAuth" in result.stderr
    assert "Application de bureau" in result.stderr
    assert not token_cache_path().exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ({"type": "service_account", "client_email": "x@y"}, "clé d'un compte de service"),
        ({"web": {"client_id": "x", "client_secret": CLIENT_SECRET}}, "identifiant OAuth d'application Web"),
        ("pas du json", "pas un fichier d'identifiants OAuth lisible"),
    ],
    ids=["service-account-key", "web-client", "not-json"],
)
def test_a_wrong_client_secrets_file_exits_2_without_quoting_it(
    google: FakeGoogle, setup: Path, tmp_path: Path, content: Any, says: str
) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")

    result = run("login", "--config", str(setup), "--client-secrets", str(wrong), "--no-browser")

    assert result.exit_code == 2
    assert says in result.stderr
    assert CLIENT_SECRET not in result.output
    assert not token_cache_path().exists()


def test_logout_removes_the_token_then_says_there_is_none(google: FakeGoogle, setup: Path) -> None:
    logged_in(setup, login_hint=USER)
    assert token_cache_path().exists()

    first = run("logout")
    second = run("logout")

    assert first.exit_code == 0
    assert f"Jeton supprimé : {token_cache_path()}." in first.stdout
    assert "https://myaccount.google.com/permissions" in first.stdout
    assert not token_cache_path().exists()
    assert second.exit_code == 0
    assert "Aucun jeton enregistré" in second.stdout


def test_a_sync_after_logout_asks_for_credentials(google: FakeGoogle, setup: Path) -> None:
    logged_in(setup, login_hint=USER)
    run("logout")

    outcome = run_sync(load_config(setup), as_of=AS_OF, now=datetime(2026, 6, 30, 9, 0))

    assert outcome.error is not None
    assert "lotsync login" in outcome.error


# -- the emulator's side of the flow ------------------------------------------------------


def authorize(google: FakeGoogle, **params: str) -> requests.Response:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:9/",
        "scope": SHEETS,
        "state": "xyz",
        **params,
    }
    return browser().get(google.base_url + "/o/oauth2/auth", params=query, allow_redirects=False, timeout=10)


def code_of(answer: requests.Response) -> str:
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert back["state"] == ["xyz"]
    return back["code"][0]


def exchange(google: FakeGoogle, code: str, **form: str) -> requests.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "http://127.0.0.1:9/",
        **form,
    }
    return browser().post(google.base_url + "/token", data=data, timeout=10)


def test_the_emulator_redeems_a_code_once_for_the_hinted_user(google: FakeGoogle) -> None:
    code = code_of(authorize(google, login_hint=USER))

    first = exchange(google, code)
    again = exchange(google, code)

    assert first.status_code == 200
    body = first.json()
    assert body["refresh_token"] == USER
    assert body["scope"] == SHEETS
    assert body["token_type"] == "Bearer"
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    refreshed = browser().post(
        google.base_url + "/token",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"], "client_id": CLIENT_ID},
        timeout=10,
    )
    assert refreshed.status_code == 200  # the refresh grant knows the same user


def test_the_emulator_checks_pkce_and_the_redirect_uri(google: FakeGoogle) -> None:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()

    wrong_verifier = exchange(
        google,
        code_of(authorize(google, code_challenge=challenge, code_challenge_method="S256")),
        code_verifier="w" * 50,
    )
    wrong_redirect = exchange(google, code_of(authorize(google)), redirect_uri="http://127.0.0.1:10/")
    right = exchange(
        google,
        code_of(authorize(google, code_challenge=challenge, code_challenge_method="S256")),
        code_verifier=verifier,
    )

    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json()["error"] == "invalid_grant"
    assert wrong_redirect.status_code == 400
    assert wrong_redirect.json()["error"] == "redirect_uri_mismatch"
    assert right.status_code == 200
    assert right.json()["refresh_token"] == TEST_USER


def test_the_emulator_sends_a_desktop_app_back_only_to_a_loopback_address(google: FakeGoogle) -> None:
    answer = authorize(google, redirect_uri="https://evil.example.org/callback")

    assert answer.status_code == 400
    assert answer.json()["error"] == "redirect_uri_mismatch"
    assert "Location" not in answer.headers


def test_a_login_refused_by_google_is_a_french_error(google: FakeGoogle, setup: Path) -> None:
    """Google sends `error=access_denied` back when the person clicks « Annuler »."""
    urls: queue.Queue[str] = queue.Queue()
    errors: list[BaseException] = []

    def run_login() -> None:
        try:
            login(load_config(setup), open_browser=False, on_url=urls.put, timeout=20)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run_login, daemon=True)
    thread.start()
    asked = parse_qs(urlsplit(urls.get(timeout=10)).query)
    redirect = asked["redirect_uri"][0]
    browser().get(redirect, params={"error": "access_denied", "state": asked["state"][0]}, timeout=10)
    thread.join(timeout=20)

    assert len(errors) == 1
    assert isinstance(errors[0], LoginError)
    assert "vous avez refusé l'accès" in str(errors[0])
    assert not token_cache_path().exists()
