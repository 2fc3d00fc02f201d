"""OAuth 2 as Google's token endpoint answers it, for service accounts and user accounts.

`POST /token` accepts the JWT-bearer grant that google-auth's service-account
credentials send (the assertion's structure and claims are checked; its RSA
signature is not, since the emulator holds no public keys), the refresh-token
grant of user credentials (the refresh token names the user, as the conformance
recordings expect), and the authorization-code grant of the installed-app flow
(`lotsync login`). Every other call needs `Authorization: Bearer <token>`.

`GET /o/oauth2/auth` is Google's consent page without a page: it approves at
once, for the user named by `login_hint` (else `TEST_USER`), and redirects to the
client's loopback `redirect_uri` with `code` and `state`, as a browser would
after the person clicked "Allow". The code is single-use, short-lived, bound to
the client, the redirect URI and the PKCE challenge, as Google's is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fake_google.http import Request, Response
from fake_google.store import ApiError

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599
CODE_LIFETIME = 600
TEST_USER = "testeur@example.org"
"""Who approves the consent when the authorization request names nobody (`login_hint`)."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
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


@dataclass
class Authorization:
    """What an authorization code stands for, until it is exchanged (once)."""

    user: str
    scopes: frozenset[str]
    client_id: str
    redirect_uri: str
    challenge: str | None
    method: str
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
        self._codes: dict[str, Authorization] = {}

    def issue(self, user: str, scopes: frozenset[str] = ALL_SCOPES) -> dict[str, Any]:
        token = "ya29.fake-" + secrets.token_urlsafe(32)
        with self._lock:
            self._grants[token] = Grant(user, scopes, time.time() + TOKEN_LIFETIME)
        answer: dict[str, Any] = {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}
        if scopes != ALL_SCOPES:
            answer["scope"] = " ".join(sorted(scopes))
        return answer

    def authorize(self, authorization: Authorization) -> str:
        """A fresh authorization code for a consent just given."""
        code = "4/fake-" + secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = authorization
        return code

    def redeem(self, code: str) -> Authorization:
        """The consent behind a code, which cannot be used again; Google's invalid_grant otherwise."""
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or found.expires < time.time():
            raise OAuthError("invalid_grant", "Malformed auth code.")
        return found

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
        if grant == "authorization_code":
            return Response(200, _exchange_code(tokens, request, form))
        if grant == "refresh_token":
            refresh_user = form.get("refresh_token")
            if not refresh_user:
                raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
            scopes = frozenset(form["scope"].split()) if form.get("scope") else ALL_SCOPES
            return Response(200, tokens.issue(refresh_user, scopes))
        raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    except OAuthError as error:
        return Response(400, {"error": error.error, "error_description": error.description})


def _client_id(request: Request, form: dict[str, str]) -> str | None:
    """The client, from the form or from HTTP Basic authentication (requests-oauthlib's way)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    return form.get("client_id")


def _pkce(challenge: str, method: str, verifier: str) -> bool:
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
    return verifier == challenge


def _exchange_code(tokens: Tokens, request: Request, form: dict[str, str]) -> dict[str, Any]:
    """grant_type=authorization_code: the code for an access token and a refresh token naming the user."""
    code = form.get("code")
    if not code:
        raise OAuthError("invalid_request", "Missing required parameter: code")
    client_id = _client_id(request, form)
    if not client_id:
        raise OAuthError("invalid_client", "The OAuth client was not found.")
    found = tokens.redeem(code)
    if found.client_id != client_id:
        raise OAuthError("invalid_grant", "Bad Request")  # Google says no more
    if form.get("redirect_uri") != found.redirect_uri:
        raise OAuthError("redirect_uri_mismatch", "Bad Request")
    if found.challenge is not None:
        verifier = form.get("code_verifier")
        if not verifier:
            raise OAuthError("invalid_grant", "Missing code verifier.")
        if not _pkce(found.challenge, found.method, verifier):
            raise OAuthError("invalid_grant", "Invalid code verifier.")
    answer = tokens.issue(found.user, found.scopes)
    answer["refresh_token"] = found.user
    answer["scope"] = " ".join(sorted(found.scopes))
    return answer


def _is_loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def authorization_endpoint(tokens: Tokens, request: Request) -> Response:
    """GET /o/oauth2/auth: the person consents at once; back to the app's loopback address.

    Errors Google shows on its own page (no client, a redirect URI that is not a
    loopback address, a response type other than `code`) are a 400 here; the
    others go back to the app as `error=…`, as Google sends them.
    """
    client_id = request.arg("client_id")
    redirect_uri = request.arg("redirect_uri")
    if not client_id:
        return _authorization_page("invalid_client", "Missing required parameter: client_id")
    if not redirect_uri:
        return _authorization_page("invalid_request", "Missing required parameter: redirect_uri")
    if not _is_loopback(redirect_uri):
        return _authorization_page(
            "redirect_uri_mismatch",
            "A desktop app may only be sent back to a loopback address (http://127.0.0.1:port/).",
        )
    if request.arg("response_type") != "code":
        return _authorization_page("unsupported_response_type", "Invalid response_type: use code.")
    state = request.arg("state")
    scopes = frozenset((request.arg("scope") or "").split())
    method = request.arg("code_challenge_method") or "plain"
    challenge = request.arg("code_challenge")
    if not scopes:
        return _back(redirect_uri, {"error": "invalid_request", "error_description": "Missing scope"}, state)
    if challenge is not None and method not in ("S256", "plain"):
        return _back(redirect_uri, {"error": "invalid_request", "error_description": "Bad method"}, state)
    user = request.arg("login_hint") or TEST_USER
    code = tokens.authorize(
        Authorization(user, scopes, client_id, redirect_uri, challenge, method, time.time() + CODE_LIFETIME)
    )
    return _back(redirect_uri, {"code": code, "scope": " ".join(sorted(scopes))}, state)


def _back(redirect_uri: str, params: dict[str, str], state: str | None) -> Response:
    if state is not None:
        params = {"state": state, **params}
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return Response(
        302, b"", "text/html; charset=UTF-8", {"Location": redirect_uri + separator + urlencode(params)}
    )


def _authorization_page(error: str, description: str) -> Response:
    return Response(400, {"error": error, "error_description": description})
