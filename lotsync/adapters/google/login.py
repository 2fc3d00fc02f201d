"""`lotsync login` / `lotsync logout`: a person's Google account instead of a service account.

The installed-app OAuth flow of google-auth-oauthlib, unmodified: a local web
server on a free loopback port receives Google's answer, the code is exchanged
(with PKCE) for a refresh token. lotsync asks for the least scopes that work for
the configuration (`login_scopes`: gmail.send only when mail goes through Gmail)
and keeps the token in the user's config directory (`token_cache_path`), in a
file only its owner can read (0600, in a 0700 directory), written atomically.
Neither the token nor the client secret is ever shown: messages name files and
addresses, never their content.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from lotsync.adapters import french
from lotsync.adapters.atomic import replace_file
from lotsync.adapters.config import Config
from lotsync.adapters.google.credentials import ENV_KEY, SCOPE_NAMES, login_scopes, token_cache_path
from lotsync.core.errors import EXIT_FAILED, EXIT_USAGE, LotsyncError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class LoginError(LotsyncError):
    """The login did not happen; the message is French and says what to do."""

    def __init__(self, message: str, *, usage: bool = False):
        super().__init__(message)
        self.usage = usage
        self.exit_code = EXIT_USAGE if usage else EXIT_FAILED
        """True when the fault is in what was given (no client file, wrong kind): exit 2."""


class LoginResult(NamedTuple):
    path: Path
    """Where the token was written."""
    scopes: list[str]
    account: str | None
    """The Google account's address, when known (`login_hint`), else None."""


def client_secrets_path(config: Config | None, explicit: str | os.PathLike[str] | None) -> Path:
    """The OAuth client file: `--client-secrets`, else `[google] client_secrets`; LoginError if none."""
    chosen = explicit or (config.google.client_secrets if config is not None else None)
    if not chosen:
        raise LoginError(french.LOGIN_NO_CLIENT_FILE, usage=True)
    path = Path(chosen).expanduser()
    if not path.is_file():
        raise LoginError(french.LOGIN_CLIENT_FILE_MISSING.format(path=path), usage=True)
    return path


def _client_config(path: Path) -> dict[str, Any]:
    """The client secrets file's `installed` section, checked; never quoted in a message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LoginError(french.LOGIN_CLIENT_FILE_UNREADABLE.format(path=path), usage=True) from exc
    if not isinstance(data, dict):
        data = {}
    if data.get("type") == "service_account":
        raise LoginError(french.LOGIN_SERVICE_ACCOUNT_KEY.format(path=path), usage=True)
    installed = data.get("installed")
    if not isinstance(installed, dict):
        kind = french.LOGIN_CLIENT_KINDS["web" if "web" in data else "other"]
        raise LoginError(french.LOGIN_WRONG_CLIENT.format(path=path, kind=kind), usage=True)
    missing = [k for k in ("client_id", "client_secret", "auth_uri", "token_uri") if not installed.get(k)]
    if missing:
        raise LoginError(
            french.LOGIN_CLIENT_FIELDS_MISSING.format(path=path, fields=", ".join(missing)), usage=True
        )
    return installed


@contextlib.contextmanager
def _loopback_http_allowed(client: dict[str, Any]) -> Iterator[None]:
    """oauthlib refuses plain http; allow it only when both URIs are a loopback address (the emulator)."""
    uris = (client["auth_uri"], client["token_uri"])
    local = all(urlsplit(u).scheme == "http" and urlsplit(u).hostname in LOOPBACK_HOSTS for u in uris)
    if not local or os.environ.get("OAUTHLIB_INSECURE_TRANSPORT"):
        yield
        return
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)


def login(
    config: Config,
    client_secrets: str | os.PathLike[str] | None = None,
    *,
    open_browser: bool = True,
    on_url: Callable[[str], None] | None = None,
    login_hint: str | None = None,
    timeout: float | None = 300,
    token_path: Path | None = None,
) -> LoginResult:
    """Run the installed-app flow and cache the person's token; LoginError (French) otherwise.

    `on_url(url)` receives the authorization address as soon as the local server
    listens: to show it to the person (or, in a test, to visit it). `login_hint`
    pre-selects the Google account and is recorded as the account's address.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    path = client_secrets_path(config, client_secrets)
    client = _client_config(path)
    scopes = login_scopes(config)

    class Flow(InstalledAppFlow):
        def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
            url, state = super().authorization_url(**kwargs)
            if on_url is not None:
                on_url(url)
            return url, state

    if open_browser and not _browser_available():
        open_browser = False  # a machine without a browser: the address shown by `on_url` is the way
    extra: dict[str, str] = {"access_type": "offline", "prompt": "consent"}
    if login_hint:
        extra["login_hint"] = login_hint
    try:
        flow = Flow.from_client_secrets_file(str(path), scopes=scopes)
        with _loopback_http_allowed(client):
            credentials = flow.run_local_server(
                host="localhost",
                port=0,
                open_browser=open_browser,
                authorization_prompt_message="",
                success_message=french.LOGIN_SUCCESS_PAGE,
                timeout_seconds=timeout,
                **extra,
            )
    except WSGITimeoutError as exc:
        raise LoginError(french.LOGIN_TIMED_OUT) from exc
    except Warning as exc:  # oauthlib: the person did not grant every scope asked for
        raise LoginError(
            french.LOGIN_SCOPES_DECLINED.format(scopes="; ".join(SCOPE_NAMES.get(s, s) for s in scopes))
        ) from exc
    except OAuth2Error as exc:
        if exc.error == "access_denied":
            reason = french.LOGIN_ACCESS_DENIED
        else:
            reason = french.LOGIN_ERROR_CODE.format(error=exc.error)
        raise LoginError(french.LOGIN_REFUSED.format(reason=reason)) from exc
    except OSError as exc:
        raise LoginError(french.LOGIN_UNREACHABLE.format(kind=type(exc).__name__)) from exc
    if not credentials.refresh_token:
        raise LoginError(french.LOGIN_NO_REFRESH_TOKEN)
    granted = set(credentials.granted_scopes or scopes)
    missing = [s for s in scopes if s not in granted]
    if missing:
        raise LoginError(
            french.LOGIN_SCOPES_MISSING.format(scopes="; ".join(SCOPE_NAMES.get(s, s) for s in missing))
        )
    info = json.loads(credentials.to_json())
    info["scopes"] = scopes
    info.pop("account", None)
    if login_hint:
        info["account"] = login_hint
    target = token_path or token_cache_path()
    write_private(target, json.dumps(info, indent=2) + "\n")
    return LoginResult(target, scopes, login_hint)


def _browser_available() -> bool:
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def write_private(path: Path, text: str) -> None:
    """Write `text` so that only the owner may read it: 0700 directory, 0600 file, atomically."""
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    replace_file(path, text.encode("utf-8"), mode=0o600)


def logout(token_path: Path | None = None) -> Path | None:
    """Remove the cached token; its path, or None when there was none."""
    target = token_path or token_cache_path()
    try:
        target.unlink()
    except FileNotFoundError:
        return None
    return target


def service_account_in_use(config: Config) -> str | None:
    """The service-account key that takes precedence over a login's token, if any."""
    return config.google.credentials or os.environ.get(ENV_KEY) or None


def describe_scopes(scopes: list[str]) -> list[str]:
    return [SCOPE_NAMES.get(s, s) for s in scopes]
