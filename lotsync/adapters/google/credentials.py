"""Who lotsync is on Google: a service account's key, or a person's account after `lotsync login`.

Scopes are the least that work: Sheets read/write always; Drive read-only only
when a source is an Excel file on Drive; Gmail send only when mail goes through
Gmail. No secret ever reaches a message: errors name files, never their content.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lotsync.adapters import french
from lotsync.adapters.config import Config
from lotsync.adapters.sources import classify
from lotsync.core.errors import LotsyncError

SHEETS = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_READONLY = "https://www.googleapis.com/auth/drive.readonly"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
ENV_KEY = "GOOGLE_APPLICATION_CREDENTIALS"
SCOPE_NAMES = {
    SHEETS: french.SCOPE_SHEETS,
    DRIVE_READONLY: french.SCOPE_DRIVE_READONLY,
    GMAIL_SEND: french.SCOPE_GMAIL_SEND,
}
"""What each scope lets lotsync do, as Google's consent page and lotsync's messages name it."""


class CredentialsError(LotsyncError):
    """No usable Google identity; the message is French and says what to do."""


def scopes_for(config: Config, *, gmail: bool = False) -> list[str]:
    """The scopes of the sheets (Sheets, and Drive read-only for an Excel file on Drive), and
    gmail.send when `gmail`."""
    scopes = [SHEETS]
    if any(classify(s, config.backend).kind == "drive" for s in config.sources()):
        scopes.append(DRIVE_READONLY)
    if gmail:
        scopes.append(GMAIL_SEND)
    return scopes


def login_scopes(config: Config) -> list[str]:
    """What `lotsync login` asks for: the sheets' scopes, and gmail.send only when mail goes
    through Gmail (`[mail] transport = "gmail"`)."""
    return scopes_for(config, gmail=config.mail.transport == "gmail")


def gmail_problem(config: Config) -> str | None:
    """What stops the digests from leaving through Gmail, in French, or None (also when mail does
    not go through Gmail). A service account needs `[google] send_as` (domain-wide delegation); a
    `lotsync login` token needs the gmail.send scope."""
    if config.mail.transport != "gmail":
        return None
    try:
        credentials, _ = load_credentials(config, scopes_for(config, gmail=True))
    except CredentialsError as error:
        return str(error)
    from google.oauth2 import service_account

    if isinstance(credentials, service_account.Credentials) and not config.google.send_as:
        return french.GMAIL_NEEDS_SEND_AS
    return None


def token_cache_path() -> Path:
    """Where `lotsync login` keeps a person's token: the user's config directory."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "lotsync" / "token.json"


def load_credentials(config: Config, scopes: list[str], *, send_as: str | None = None) -> tuple[Any, str]:
    """google-auth credentials and the address to share sheets with. With `send_as`, a service
    account's credentials impersonate that Workspace user (domain-wide delegation: the token is
    asked with that user as its subject), which is the only way Gmail lets it send."""
    key_path = config.google.credentials or os.environ.get(ENV_KEY)
    endpoint = config.google.endpoint
    if key_path:
        credentials, identity = _service_account(Path(key_path), scopes, endpoint)
        return (credentials.with_subject(send_as), identity) if send_as else (credentials, identity)
    cache = token_cache_path()
    if cache.exists():
        return _user(cache, scopes, endpoint)
    raise CredentialsError(french.NO_CREDENTIALS.format(variable=ENV_KEY))


def _service_account(path: Path, scopes: list[str], endpoint: str | None) -> tuple[Any, str]:
    from google.oauth2 import service_account

    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise ValueError("not a JSON object")
        if endpoint:
            info["token_uri"] = endpoint.rstrip("/") + "/token"
        credentials = service_account.Credentials.from_service_account_info(info, scopes=scopes)
    except FileNotFoundError as exc:
        raise CredentialsError(french.KEY_NOT_FOUND.format(path=path)) from exc
    except OSError as exc:  # a folder, a file the user may not read
        raise CredentialsError(french.KEY_UNREADABLE.format(path=path, reason=exc.strerror)) from exc
    except (ValueError, KeyError) as exc:
        # The message of a parsing error may quote the key: never show it.
        raise CredentialsError(french.KEY_INVALID.format(path=path)) from exc
    return credentials, credentials.service_account_email


def _user(path: Path, scopes: list[str], endpoint: str | None) -> tuple[Any, str]:
    from google.oauth2.credentials import Credentials

    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CredentialsError(french.TOKEN_UNREADABLE.format(path=path)) from exc
    if endpoint:
        info["token_uri"] = endpoint.rstrip("/") + "/token"
    granted = set(info.get("scopes") or [])
    missing = [s for s in scopes if s not in granted]
    if granted and missing:
        raise CredentialsError(
            french.TOKEN_LACKS_SCOPES.format(
                path=path,
                missing=" ; ".join(french.SCOPE_QUOTED.format(scope=SCOPE_NAMES.get(s, s)) for s in missing),
            )
        )
    credentials = Credentials.from_authorized_user_info(info, scopes=scopes)
    return credentials, info.get("account") or french.DEFAULT_ACCOUNT
