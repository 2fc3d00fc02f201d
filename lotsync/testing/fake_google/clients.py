"""The real Google client libraries, unmodified, wired to the emulator.

gspread talks through a `requests` session: a transport adapter sends every
request for Google's hosts to the emulator instead. googleapiclient takes the
emulator as its `api_endpoint`. Credentials are google-auth's own, with the
token endpoint pointed at the emulator; service-account keys are throwaway RSA
keys made on the spot.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

GOOGLE_HOSTS = (
    "sheets.googleapis.com",
    "www.googleapis.com",
    "oauth2.googleapis.com",
    "gmail.googleapis.com",
    "drive.googleapis.com",
)
DEFAULT_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/gmail.send",
)


class EmulatorAdapter(HTTPAdapter):
    """Sends `https://<google host>/path` to `<emulator>/path`; everything else is refused."""

    def __init__(self, base_url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if parts.hostname not in GOOGLE_HOSTS:
            raise requests.ConnectionError(
                f"the emulator adapter only serves Google's hosts, not {parts.hostname}"
            )
        request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def redirect(session: requests.Session, base_url: str) -> requests.Session:
    """Mount the emulator on a session for every Google host."""
    adapter = EmulatorAdapter(base_url)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}/", adapter)
    return session


def throwaway_key() -> str:
    """A fresh RSA private key in PEM, good only for signing JWTs the emulator will accept."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def service_account_info(base_url: str, email: str = "lotsync@fake-project.iam.gserviceaccount.com") -> dict:
    """A service-account key shaped like the JSON file Google hands out, for the emulator."""
    return {
        "type": "service_account",
        "project_id": "fake-project",
        "private_key_id": "0" * 40,
        "private_key": throwaway_key(),
        "client_email": email,
        "client_id": "1" * 21,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": base_url.rstrip("/") + "/token",
    }


def service_account_credentials(
    base_url: str, info: dict | None = None, scopes: tuple[str, ...] = DEFAULT_SCOPES
):
    from google.oauth2 import service_account

    info = dict(info or service_account_info(base_url))
    info["token_uri"] = base_url.rstrip("/") + "/token"
    return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))


def user_credentials(base_url: str, user: str, scopes: tuple[str, ...] | None = None):
    """A person's credentials (the installed-app flow's result): the refresh token names the user."""
    from google.oauth2.credentials import Credentials

    return Credentials(
        token=None,
        refresh_token=user,
        token_uri=base_url.rstrip("/") + "/token",
        client_id="fake-client.apps.googleusercontent.com",
        client_secret="fake-secret",
        scopes=list(scopes) if scopes else None,
    )


def authorized_session(base_url: str, credentials: Any, timeout: float | None = None):
    """google-auth's AuthorizedSession whose requests, token refreshes included, reach the emulator."""
    from google.auth.transport.requests import AuthorizedSession, Request

    token_session = redirect(requests.Session(), base_url)
    session = AuthorizedSession(credentials, auth_request=Request(token_session))
    return redirect(session, base_url)


def gspread_client(base_url: str, credentials: Any):
    """An unmodified `gspread.Client` talking to the emulator."""
    import gspread

    return gspread.Client(credentials, session=authorized_session(base_url, credentials))


def build_service(name: str, version: str, base_url: str, credentials: Any):
    """An unmodified googleapiclient service (sheets v4, drive v3, gmail v1) bound to the emulator."""
    import json

    from google_auth_httplib2 import AuthorizedHttp
    from googleapiclient.discovery import build
    from googleapiclient.discovery_cache import get_static_doc

    # `api_endpoint` replaces rootUrl + servicePath, so the service path ("drive/v3/") is kept.
    # Media uploads are built from the discovery document's rootUrl instead: the transport
    # below sends those (and token refreshes) to the emulator too.
    service_path = json.loads(get_static_doc(name, version) or "{}").get("servicePath", "")
    return build(
        name,
        version,
        cache_discovery=False,
        static_discovery=True,
        http=AuthorizedHttp(credentials, http=emulator_http(base_url)),
        client_options={"api_endpoint": f"{base_url.rstrip('/')}/{service_path}"},
    )


def emulator_http(base_url: str, timeout: float | None = 60):
    """An httplib2.Http (googleapiclient's transport) that sends Google's hosts to the emulator."""
    import httplib2

    class EmulatorHttp(httplib2.Http):
        def request(self, uri: str, *args: Any, **kwargs: Any):  # type: ignore[override]
            parts = urlsplit(uri)
            if parts.hostname in GOOGLE_HOSTS or parts.netloc == urlsplit(base_url).netloc:
                uri = base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
            elif parts.scheme == "https":
                raise ConnectionRefusedError(
                    f"the emulator transport only serves Google's hosts, not {parts.hostname}"
                )
            return super().request(uri, *args, **kwargs)

    http = EmulatorHttp(timeout=timeout)
    # As googleapiclient's own build_http(): 308 means "resume incomplete" to resumable uploads.
    http.redirect_codes = set(http.redirect_codes) - {308}
    return http
