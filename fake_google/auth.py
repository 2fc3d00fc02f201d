"""OAuth 2 as Google's token endpoint answers it, for service accounts and user accounts.

`POST /token` accepts the JWT-bearer grant that google-auth's service-account
credentials send (the assertion's structure and claims are checked; its RSA
signature is not, since the emulator holds no public keys), the refresh-token
grant of user credentials (the refresh token names the user, as the conformance
recordings expect), and the authorization-code grant of the installed-app flow
(`lotsync login`). Every other call needs `Authorization: Bearer <token>`.

A service account's assertion may carry a `sub` claim (google-auth's
`with_subject`): domain-wide delegation. The token is then the subject's: Drive
files it creates are theirs, Gmail sends from their mailbox. Without `sub` the
token is the service account's own, and Gmail refuses it (see gmail.py). Which
accounts may delegate is the Workspace admin's business; by default every one may,
for every scope, and `Tokens.delegation` narrows that to what an admin authorised.

Scopes are checked per method against the discovery documents google-api-python-client
ships (`discovery_cache`): a token that holds none of the scopes a method lists
gets Google's 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT.

`GET /o/oauth2/auth` is Google's consent page without a page: it approves at
once, for the user named by `login_hint` (else `TEST_USER`), and redirects to the
client's loopback `redirect_uri` with `code` and `state`, as a browser would
after the person clicked "Allow". The code is single-use, short-lived, bound to
the client, the redirect URI and the PKCE challenge, as Google's is.
"""

from __future__ import annotations

import base64
import binascii
import functools
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
"""Which scopes allow a call the discovery documents do not describe, by "api" for writes and
"api.read" for reads."""

DISCOVERY = {"sheets": "v4", "drive": "v3", "gmail": "v1"}
"""The discovery documents of the APIs the emulator serves, by name and version."""


@dataclass
class Grant:
    user: str
    """Whom the token acts for: a person, a service account, or the subject it impersonates."""
    scopes: frozenset[str]
    expires: float
    service_account: str | None = None
    """The service account whose signed assertion obtained the token, if one did."""
    subject: str | None = None
    """The `sub` claim of that assertion: the user the service account impersonates."""


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
    """Answered as the token endpoint does: 400 (or `status`) with {"error", "error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class Tokens:
    """Access tokens issued by the emulator and the grants behind them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: dict[str, Grant] = {}
        self._codes: dict[str, Authorization] = {}
        self.delegation: dict[str, frozenset[str]] | None = None
        """Service account address → the scopes a Workspace admin authorised it to use on its
        users' behalf (Admin console → Security → API controls → Domain-wide delegation).
        None: every service account may impersonate anyone, for any scope."""

    def issue(
        self,
        user: str,
        scopes: frozenset[str] = ALL_SCOPES,
        *,
        service_account: str | None = None,
        subject: str | None = None,
    ) -> dict[str, Any]:
        token = "ya29.fake-" + secrets.token_urlsafe(32)
        grant = Grant(user, scopes, time.time() + TOKEN_LIFETIME, service_account, subject)
        with self._lock:
            self._grants[token] = grant
        answer: dict[str, Any] = {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}
        if scopes != ALL_SCOPES:
            answer["scope"] = " ".join(sorted(scopes))
        return answer

    def grants(self) -> list[Grant]:
        """Every grant behind a token issued so far, oldest first (for tests)."""
        with self._lock:
            return list(self._grants.values())

    def check_delegation(self, service_account: str, scopes: frozenset[str]) -> None:
        """Google's 401 unauthorized_client when no admin authorised these scopes for the account.

        Wording from google-auth-library-ruby#210 and googleapis/google-api-php-client#2214
        (the 401 status in hlavki/g-suite-identity-sync#7): every requested scope must be
        among those the admin entered for the client.
        """
        if self.delegation is None:
            return
        if not scopes <= self.delegation.get(service_account, frozenset()):
            raise OAuthError(
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not "
                "authorized for any of the scopes requested.",
                status=401,
            )

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


@functools.cache
def discovery_scopes() -> dict[str, tuple[str, ...]]:
    """Method id ("sheets.spreadsheets.values.get") → the scopes its discovery document lists."""
    from googleapiclient.discovery_cache import get_static_doc

    found: dict[str, tuple[str, ...]] = {}

    def walk(resources: dict[str, Any]) -> None:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                found[method["id"]] = tuple(method.get("scopes", ()))
            walk(resource.get("resources", {}))

    for name, version in DISCOVERY.items():
        walk(json.loads(get_static_doc(name, version) or "{}").get("resources", {}))
    return found


def method_id(endpoint: str) -> str | None:
    """The discovery method id of an emulator endpoint name, if the documents know it.

    The endpoint names are the method ids, save that an upload route ends in ".upload" and
    the Sheets values routes leave out "spreadsheets." ("sheets.values.get").
    """
    known = discovery_scopes()
    bare = endpoint.removesuffix(".upload")
    for candidate in (bare, bare.replace("sheets.", "sheets.spreadsheets.", 1)):
        if candidate in known:
            return candidate
    return None


def check_scope(grant: Grant, api: str, kind: str, endpoint: str | None = None) -> None:
    """Google's 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT when the token holds none of the method's scopes.

    The scopes are the discovery document's for the method of `endpoint`; a call the
    documents do not describe (or no endpoint given) falls back on `SCOPES_BY_API`.
    """
    if grant.scopes == ALL_SCOPES:
        return
    method = method_id(endpoint) if endpoint else None
    if method is not None:
        allowed = discovery_scopes()[method]
    else:
        allowed = SCOPES_BY_API.get(f"{api}.read" if kind == "read" else api, ())
    if not grant.scopes.intersection(allowed):
        raise insufficient_scope(api, method, allowed)


GRPC_METHODS = {
    "sheets.spreadsheets.get": "google.apps.sheets.v4.SpreadsheetsService.GetSpreadsheet",
    "sheets.spreadsheets.values.get": "google.apps.sheets.v4.SpreadsheetsService.GetValues",
    "sheets.spreadsheets.values.update": "google.apps.sheets.v4.SpreadsheetsService.UpdateValues",
    "sheets.spreadsheets.values.append": "google.apps.sheets.v4.SpreadsheetsService.AppendValues",
    "drive.files.list": "google.apps.drive.v3.DriveFiles.List",
    "drive.files.create": "google.apps.drive.v3.DriveFiles.Create",
    "drive.about.get": "google.apps.drive.v3.DriveAbout.Get",
    "gmail.users.messages.list": "caribou.api.proto.MailboxService.ListMessages",
    "gmail.users.drafts.create": "caribou.api.proto.MailboxService.CreateDraft",
}
"""The `method` Google names in an ErrorInfo's metadata, for the methods whose name has been seen
in answers quoted in issue threads and code (GetSpreadsheet and GetValues in Sheets 403s,
DriveFiles.List and .Create in Drive 403s, DriveAbout.Get in a 401, ListMessages and CreateDraft
in Gmail answers; UpdateValues and AppendValues as Google names them in quota metrics). For
the others the name is not known, and the metadata gives only the service."""


def insufficient_scope(api: str, method: str | None, scopes: tuple[str, ...] = ()) -> ApiError:
    """Google's 403 for a token without the scope a method needs, in each API's shape.

    Sheets: code, message, status and an ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT with the
    service and method (as quoted in the issue threads, e.g. "Request had insufficient
    authentication scopes." with google.apps.sheets.v4.SpreadsheetsService.GetValues). Drive
    and Gmail add their `errors[]` entry, worded "Insufficient Permission", reason
    insufficientPermissions (GoogleCloudPlatform/genai-for-marketing#45,
    xing5/mcp-google-sheets#29). The `WWW-Authenticate` header names the scopes that would
    do, as Google's does (googleapis.dart#208, kwent/react-google-contacts#6).
    """
    message = "Request had insufficient authentication scopes."
    metadata = {"service": f"{api}.googleapis.com"}
    if method in GRPC_METHODS:
        metadata["method"] = GRPC_METHODS[method]
    body: dict[str, Any] = {"code": 403, "message": message}
    if api != "sheets":
        body["errors"] = [
            {"message": "Insufficient Permission", "domain": "global", "reason": "insufficientPermissions"}
        ]
    body["status"] = "PERMISSION_DENIED"
    body["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": metadata,
        }
    ]
    challenge = 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"'
    if scopes:
        challenge += f', scope="{" ".join(scopes)}"'
    return ApiError(
        403,
        message,
        "PERMISSION_DENIED",
        reason="insufficientPermissions",
        headers={"WWW-Authenticate": challenge},
        body=body,
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


@dataclass(frozen=True)
class Assertion:
    """What a service account's signed JWT asks for."""

    service_account: str
    """The `iss` claim: the service account's address."""
    subject: str | None
    """The `sub` claim: the user it impersonates (domain-wide delegation), or None."""
    scopes: frozenset[str]

    @property
    def user(self) -> str:
        """Whom the token will act for: the subject when there is one."""
        return self.subject or self.service_account


def check_assertion(assertion: str, audience_suffix: str = "/token") -> Assertion:
    """The service account, the user it impersonates and the scopes of a signed JWT assertion."""
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
    subject = claims.get("sub")
    return Assertion(
        str(claims["iss"]), str(subject) if subject else None, frozenset(str(claims["scope"]).split())
    )


def token_endpoint(tokens: Tokens, request: Request) -> Response:
    """POST /token: exchange a grant for an access token."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    try:
        grant = form.get("grant_type")
        if grant == JWT_GRANT:
            asked = check_assertion(form.get("assertion", ""))
            if asked.subject is not None:
                tokens.check_delegation(asked.service_account, asked.scopes)
            answer = tokens.issue(
                asked.user, asked.scopes, service_account=asked.service_account, subject=asked.subject
            )
            return Response(200, answer)
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
        return Response(error.status, {"error": error.error, "error_description": error.description})


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
