"""HTTP transports to Google, optionally sent to another endpoint (the local emulator).

With `endpoint` unset, these are google-auth's ordinary authorized sessions. With
an endpoint, every request for one of Google's hosts goes there instead, so the
unmodified client libraries can be pointed at the emulator by configuration alone.
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
    "accounts.google.com",
)


def _rewrite(url: str, endpoint: str) -> str | None:
    parts = urlsplit(url)
    if parts.hostname in GOOGLE_HOSTS or parts.netloc == urlsplit(endpoint).netloc:
        return endpoint.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    return None


class EndpointAdapter(HTTPAdapter):
    """Sends `https://<google host>/path` to `<endpoint>/path`; refuses any other host."""

    def __init__(self, endpoint: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.endpoint = endpoint.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = _rewrite(request.url or "", self.endpoint)
        if target is None:
            raise requests.ConnectionError(f"only Google's hosts go to {self.endpoint}, not {request.url}")
        request.url = target
        return super().send(request, **kwargs)


def redirect(session: requests.Session, endpoint: str) -> requests.Session:
    """Mount the endpoint on a session for every Google host."""
    adapter = EndpointAdapter(endpoint)
    for host in GOOGLE_HOSTS:
        session.mount(f"https://{host}/", adapter)
    return session


def token_request(endpoint: str | None = None) -> Any:
    """google-auth's transport for fetching tokens, sent to `endpoint` when set."""
    from google.auth.transport.requests import Request

    session = requests.Session()
    return Request(redirect(session, endpoint) if endpoint else session)


def authorized_session(credentials: Any, endpoint: str | None = None) -> requests.Session:
    """google-auth's AuthorizedSession; token refreshes go to the same place as the calls."""
    from google.auth.transport.requests import AuthorizedSession

    if not endpoint:
        return AuthorizedSession(credentials)
    return redirect(AuthorizedSession(credentials, auth_request=token_request(endpoint)), endpoint)


def httplib2_http(endpoint: str | None = None, timeout: float | None = 60) -> Any:
    """googleapiclient's transport (httplib2), sending Google's hosts to `endpoint` when set."""
    import httplib2

    if not endpoint:
        http = httplib2.Http(timeout=timeout)
    else:
        forward_to = endpoint

        class EndpointHttp(httplib2.Http):
            def request(self, uri: str, *args: Any, **kwargs: Any) -> Any:
                target = _rewrite(uri, forward_to)
                if target is None and urlsplit(uri).scheme == "https":
                    raise ConnectionRefusedError(f"only Google's hosts go to {forward_to}, not {uri}")
                return super().request(target or uri, *args, **kwargs)

        http = EndpointHttp(timeout=timeout)
    # As googleapiclient's own build_http(): 308 means "resume incomplete" to resumable uploads.
    http.redirect_codes = set(http.redirect_codes) - {308}
    return http


def build_service(
    name: str, version: str, credentials: Any, endpoint: str | None = None, timeout: float | None = 60
) -> Any:
    """An unmodified googleapiclient service (drive v3, gmail v1, sheets v4)."""
    import json

    from google_auth_httplib2 import AuthorizedHttp
    from googleapiclient.discovery import build
    from googleapiclient.discovery_cache import get_static_doc

    options = None
    if endpoint:
        # `api_endpoint` replaces rootUrl + servicePath, so the service path ("drive/v3/") is kept.
        service_path = json.loads(get_static_doc(name, version) or "{}").get("servicePath", "")
        options = {"api_endpoint": f"{endpoint.rstrip('/')}/{service_path}"}
    return build(
        name,
        version,
        cache_discovery=False,
        static_discovery=True,
        http=AuthorizedHttp(credentials, http=httplib2_http(endpoint, timeout)),
        client_options=options,
    )
