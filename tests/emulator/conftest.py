"""Fixtures for the Google emulator's tests: a running emulator, credentials, services, raw HTTP.

`google` (from tests/conftest.py) is a FakeGoogle started in-process on a free port and stopped
after the test. `sa_creds` are google-auth service-account credentials (a throwaway RSA key,
made once per session) whose token endpoint is the emulator. `build(name, version, creds)` and the `drive`
and `gmail` fixtures are unmodified googleapiclient services bound to it. `raw(user)` is a
plain `requests` session, with a token for `user` when one is given, for tests of the wire
format itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from fake_google import FakeGoogle
from lotsync.app import emulator_clients as clients

SA_EMAIL = "lotsync@fake-project.iam.gserviceaccount.com"
"""The service account's address: the user it acts as in the emulator."""


class Raw:
    """Plain HTTP to the emulator: no client library between the test and the wire."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture(scope="session")
def sa_info() -> dict[str, Any]:
    """A service-account key file's content with a throwaway RSA key, made once (keys are slow)."""
    return clients.service_account_info("http://127.0.0.1:1", email=SA_EMAIL)


@pytest.fixture
def sa_creds(google: FakeGoogle, sa_info: dict[str, Any]) -> Any:
    """google-auth service-account credentials whose token endpoint is the emulator."""
    return clients.service_account_credentials(google.base_url, sa_info)


@pytest.fixture
def sa_creds_with(google: FakeGoogle, sa_info: dict[str, Any]) -> Callable[..., Any]:
    """`sa_creds_with(*scopes)`: service-account credentials with exactly these scopes."""

    def make(*scopes: str) -> Any:
        return clients.service_account_credentials(google.base_url, sa_info, scopes=scopes)

    return make


@pytest.fixture
def user_creds(google: FakeGoogle) -> Callable[[str], Any]:
    """`user_creds(email)`: a person's credentials; their refresh token names them."""

    def make(user: str, scopes: tuple[str, ...] | None = None) -> Any:
        return clients.user_credentials(google.base_url, user, scopes)

    return make


@pytest.fixture
def build(google: FakeGoogle) -> Callable[[str, str, Any], Any]:
    """`build(name, version, creds)`: an unmodified googleapiclient service bound to the emulator."""

    def make(name: str, version: str, creds: Any) -> Any:
        return clients.build_service(name, version, google.base_url, creds)

    return make


@pytest.fixture
def drive(build: Callable[[str, str, Any], Any], sa_creds: Any) -> Any:
    """Drive v3 as the service account."""
    return build("drive", "v3", sa_creds)


@pytest.fixture
def drive_as(build: Callable[[str, str, Any], Any], user_creds: Callable[[str], Any]) -> Callable[[str], Any]:
    """`drive_as(email)`: Drive v3 as that person (refresh-token credentials)."""
    return lambda user: build("drive", "v3", user_creds(user))


@pytest.fixture
def gmail(build: Callable[[str, str, Any], Any], sa_creds: Any) -> Any:
    """Gmail v1 as the service account."""
    return build("gmail", "v1", sa_creds)


@pytest.fixture
def raw(google: FakeGoogle) -> Callable[..., Raw]:
    """`raw()`: plain HTTP with no token; `raw(user)`: with an access token for `user`."""

    def make(user: str | None = None) -> Raw:
        return Raw(google.base_url, google.token_for(user) if user else None)

    return make


@pytest.fixture
def no_sleep() -> Callable[[Any], list[float]]:
    """`no_sleep(http_request)`: a googleapiclient request retries without sleeping; returns its delays."""

    def patch(request: Any) -> list[float]:
        delays: list[float] = []
        request._sleep = delays.append
        return delays

    return patch
