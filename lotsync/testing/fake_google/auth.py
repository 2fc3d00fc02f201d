"""OAuth 2 as Google's token endpoint answers it, for service accounts and user accounts.

`POST /token` accepts the JWT-bearer grant that google-auth's service-account
credentials send (the assertion's structure and claims are checked; its RSA
signature is not, since the emulator holds no public keys) and the refresh-token
grant of user credentials (the refresh token names the user, as the conformance
recordings expect). Every other call needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from lotsync.testing.fake_google.http import Request, Response
from lotsync.testing.fake_google.store import ApiError

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599
ALL_SCOPES = frozenset({"*"})

SCOPES_BY_API = {
    "sheets": (
        "https://www.googleapis.com/auth/spreadsheets",
        "https://www.googleapis.com/auth/drive",
        "https://www.googleapis.com/auth/drive.file",
    ),
    "sheets.read": (
        "https://www.googleapis.com/auth/spreadsheets",
        "https://www.googleapis.com/auth/spreadsheets.readonly",
        "https://www.googleapis.com/auth/drive",
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/drive.file",
    ),
    "drive": ("https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file"),
    "drive.read": (
        "https://www.googleapis.com/auth/drive",
        "https://www.googleapis.com/auth/drive.readonly",
        "https://www.googleapis.com/auth/drive.file",
        "https://www.googleapis.com/auth/drive.metadata.readonly",
    ),
    "gmail": (
        "https://www.googleapis.com/auth/gmail.send",
        "https://www.googleapis.com/auth/gmail.compose",
        "https://www.googleapis.com/auth/gmail.modify",
        "https://mail.google.com/",
    ),
    "gmail.read": (
        "https://www.googleapis.com/auth/gmail.readonly",
        "https://www.googleapis.com/auth/gmail.modify",
        "https://mail.google.com/",
    ),
}
"""Which scopes allow a call, by "api" for writes and "api.read" for reads."""


@dataclass
class Grant:
    user: str
    scopes: frozenset[str]
    expires: float


class OAuthError(Exception):
    """Answered as the token endpoint does: 400 with {"error", "error_description"}."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class Tokens:
    """Access tokens issued by the emulator and the grants behind them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: dict[str, Grant] = {}

    def issue(self, user: str, scopes: frozenset[str] = ALL_SCOPES) -> dict[str, Any]:
        token = "ya29.fake-" + secrets.token_urlsafe(32)
        with self._lock:
            self._grants[token] = Grant(user, scopes, time.time() + TOKEN_LIFETIME)
        answer: dict[str, Any] = {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}
        if scopes != ALL_SCOPES:
            answer["scope"] = " ".join(sorted(scopes))
        return answer

    def grant_for(self, header: str | None) -> Grant:
        """The grant behind `Authorization: Bearer …`, or Google's 401."""
        if not header or not header.lower().startswith("bearer "):
            raise unauthenticated(
                "Request is missing required authentication credential. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential. "
                "See https://developers.google.com/identity/sign-in/web/devconsole-project."
            )
        with self._lock:
            grant = self._grants.get(header[7:].strip())
        if grant is None or grant.expires < time.time():
            raise unauthenticated(
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                "cookie or other valid authentication credential. "
                "See https://developers.google.com/identity/sign-in/web/devconsole-project."
            )
        return grant


def unauthenticated(message: str) -> ApiError:
    return ApiError(
        401, message, "UNAUTHENTICATED", reason="authError", location="Authorization", location_type="header"
    )


def check_scope(grant: Grant, api: str, kind: str) -> None:
    """Google's 403 when the token's scopes do not cover the call."""
    if grant.scopes == ALL_SCOPES:
        return
    allowed = SCOPES_BY_API.get(f"{api}.read" if kind == "read" else api, ())
    if not grant.scopes.intersection(allowed):
        raise ApiError(
            403,
            "Request had insufficient authentication scopes.",
            "PERMISSION_DENIED",
            reason="insufficientPermissions",
        )


def _b64json(part: str) -> dict[str, Any]:
    padded = part + "=" * (-len(part) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError) as exc:
        raise OAuthError("invalid_grant", "Invalid JWT: cannot decode.") from exc
    if not isinstance(value, dict):
        raise OAuthError("invalid_grant", "Invalid JWT: not a JSON object.")
    return value


def check_assertion(assertion: str, audience_suffix: str = "/token") -> tuple[str, frozenset[str]]:
    """The service account (or the user it acts for) and scopes of a signed JWT assertion."""
    parts = assertion.split(".")
    if len(parts) != 3 or not all(parts):
        raise OAuthError(
            "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
        )
    header, claims = _b64json(parts[0]), _b64json(parts[1])
    if header.get("alg") != "RS256" or header.get("typ", "JWT") != "JWT":
        raise OAuthError("invalid_grant", "Invalid JWT header: alg must be RS256.")
    for claim in ("iss", "aud", "iat", "exp"):
        if claim not in claims:
            raise OAuthError("invalid_grant", f"Invalid JWT: missing claim '{claim}'.")
    now = time.time()
    if not (claims["iat"] - 300 <= now <= claims["exp"] + 300) or claims["exp"] - claims["iat"] > 3600:
        raise OAuthError(
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
            "Check your iat and exp values in the JWT claim.",
        )
    if not str(claims["aud"]).endswith(audience_suffix):
        raise OAuthError("invalid_grant", "Invalid JWT: audience is not the token endpoint.")
    if not claims.get("scope"):
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    user = claims.get("sub") or claims["iss"]
    return str(user), frozenset(str(claims["scope"]).split())


def token_endpoint(tokens: Tokens, request: Request) -> Response:
    """POST /token: exchange a grant for an access token."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    try:
        grant = form.get("grant_type")
        if grant == JWT_GRANT:
            user, scopes = check_assertion(form.get("assertion", ""))
            return Response(200, tokens.issue(user, scopes))
        if grant == "refresh_token":
            user = form.get("refresh_token")
            if not user:
                raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
            scopes = frozenset(form["scope"].split()) if form.get("scope") else ALL_SCOPES
            return Response(200, tokens.issue(user, scopes))
        raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    except OAuthError as error:
        return Response(400, {"error": error.error, "error_description": error.description})
