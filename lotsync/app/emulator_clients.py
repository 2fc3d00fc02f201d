"""The real Google client libraries, unmodified, wired to the emulator.

The transports are lotsync's own (`lotsync.adapters.google.http`), given the
emulator's URL as endpoint: a `requests` adapter and an httplib2 subclass send
every request for Google's hosts to it. Credentials are google-auth's own, with the
token endpoint pointed at the emulator; service-account keys are throwaway RSA
keys made on the spot.
"""

from __future__ import annotations

from typing import Any

from lotsync.adapters.google import http as transport

DEFAULT_SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/gmail.send",
)


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


def authorized_session(base_url: str, credentials: Any):
    """google-auth's AuthorizedSession whose requests, token refreshes included, reach the emulator."""
    return transport.authorized_session(credentials, base_url)


def gspread_client(base_url: str, credentials: Any):
    """An unmodified `gspread.Client` talking to the emulator."""
    import gspread

    return gspread.Client(credentials, session=authorized_session(base_url, credentials))


def build_service(name: str, version: str, base_url: str, credentials: Any):
    """An unmodified googleapiclient service (sheets v4, drive v3, gmail v1) bound to the emulator."""
    return transport.build_service(name, version, credentials, base_url)
