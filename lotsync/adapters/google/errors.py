"""What Google answered when a call failed, read the same way whichever client library raised it.

gspread raises `APIError` (a `requests` response inside), googleapiclient `HttpError` (an httplib2
response and the body apart), google-auth `RefreshError`/`TransportError` while getting a token.
Google's error body is the same JSON for every API:

    {"error": {"code": 403, "status": "PERMISSION_DENIED", "message": "...",
               "errors": [{"reason": "accessNotConfigured", ...}],          # the older v1 shape
               "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "SERVICE_DISABLED", "metadata": {...}}]}}

(https://cloud.google.com/apis/design/errors). `explain` turns it into French by the *reason*,
never by the status alone: a 403 is as often an API not enabled or a missing scope as a spreadsheet
not shared, and Google's own message is always appended.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from lotsync.adapters import french

DISABLED_REASONS = frozenset({"SERVICE_DISABLED", "accessNotConfigured"})
SCOPE_REASONS = frozenset({"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
NOT_SUPPORTED = "This operation is not supported for this document"
"""Sheets' 400 FAILED_PRECONDITION for an Excel file opened through the Sheets API."""


class Answer(NamedTuple):
    """A failed call's HTTP status (None: no answer at all), headers and parsed JSON body."""

    status: int | None
    headers: Any
    body: Any

    @property
    def error(self) -> dict[str, Any]:
        found = self.body.get("error") if isinstance(self.body, dict) else None
        return found if isinstance(found, dict) else {}

    @property
    def status_name(self) -> str:
        """`PERMISSION_DENIED`, `FAILED_PRECONDITION`, … (empty when Google gave none)."""
        value = self.error.get("status")
        return value if isinstance(value, str) else ""

    @property
    def message(self) -> str:
        """Google's own words, kept so that the French text never hides them."""
        value = self.error.get("message")
        return value.strip() if isinstance(value, str) else ""

    @property
    def reasons(self) -> list[str]:
        """Every reason Google gives: `errors[].reason` (v1 shape) and `ErrorInfo.reason` (v2)."""
        found = [e.get("reason") for e in self.error.get("errors") or [] if isinstance(e, dict)]
        for detail in self.error.get("details") or []:
            if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("google.rpc.ErrorInfo"):
                found.append(detail.get("reason"))
        return [r for r in found if isinstance(r, str) and r]

    def metadata(self, key: str) -> str:
        """A value of the `ErrorInfo` metadata (`consumer`, `service`, `activationUrl`, …)."""
        for detail in self.error.get("details") or []:
            if isinstance(detail, dict) and isinstance(detail.get("metadata"), dict):
                value = detail["metadata"].get(key)
                if isinstance(value, str) and value:
                    return value
        return ""


def answer(error: BaseException) -> Answer:
    """What Google answered, from any of the client libraries' exceptions."""
    last = getattr(error, "last", None)  # retry.GaveUp keeps the last error
    if isinstance(last, BaseException):
        return answer(last)
    response = getattr(error, "response", None)  # gspread.APIError, requests.HTTPError
    if response is not None and getattr(response, "status_code", None) is not None:
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(int(response.status_code), response.headers, body)
    resp = getattr(error, "resp", None)  # googleapiclient.errors.HttpError
    if resp is not None and getattr(resp, "status", None) is not None:
        try:
            body = json.loads(getattr(error, "content", b"") or b"null")
        except ValueError:
            body = None
        return Answer(int(resp.status), resp, body)
    return Answer(None, None, None)


def http_status(error: BaseException) -> int | None:
    """The HTTP status Google answered with (None: no answer)."""
    return answer(error).status


def explain(error: BaseException, url: str, who: str, role: str, label: str | None = None) -> str:
    """The French sentence for a failed call on the spreadsheet at `url`, by Google's reason, with
    Google's own message appended. `who` is lotsync's identity, `role` what it needs (Lecteur,
    Éditeur), `label` how to name the spreadsheet when its title is known."""
    found = answer(error)
    named = label or url
    reasons = set(found.reasons)
    if found.status is None:
        text = french.GOOGLE_NO_CONNECTION.format(kind=type(error).__name__)
        return french.GOOGLE_ERROR.format(url=url, status=text)
    if reasons & DISABLED_REASONS:
        service = found.metadata("serviceTitle") or found.metadata("service") or french.GOOGLE_THE_API
        project = found.metadata("consumer").removeprefix("projects/") or "?"
        link = found.metadata("activationUrl") or french.GOOGLE_CONSOLE
        text = french.GOOGLE_API_DISABLED.format(service=service, project=project, link=link)
    elif reasons & SCOPE_REASONS:
        text = french.GOOGLE_SCOPE_MISSING.format(label=named)
    elif reasons & RATE_LIMIT_REASONS or found.status == 429:
        text = french.GOOGLE_RATE_LIMITED.format(label=named)
    elif "fileNotDownloadable" in reasons:
        text = french.GOOGLE_NATIVE_SHEET_AS_DRIVE.format(label=named)
    elif found.status == 400 and NOT_SUPPORTED in found.message:
        text = french.GOOGLE_EXCEL_THROUGH_SHEETS.format(label=named)
    elif found.status == 403:
        text = french.GOOGLE_ACCESS_DENIED.format(label=named, who=who, role=role)
    elif found.status == 404:
        text = french.GOOGLE_NOT_FOUND.format(url=url, who=who, role=role)
    else:
        status = f"HTTP {found.status} {found.status_name}".strip()
        text = french.GOOGLE_ERROR.format(url=url, status=status)
    if found.message:
        text += french.GOOGLE_SAYS.format(message=found.message)
    return text
