"""`lotsync check`: can every source be read, and does lotsync understand its headers?

On Google, it also says for every spreadsheet whether it was reached, with which
identity, what sharing it needs (Lecteur for an office's spreadsheet, Éditeur for
the shared one) and how many API calls the check used. It only reads: the
shared spreadsheet's write access is not tried (that would be a write), so the
report names the address to share it with as Éditeur.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from lotsync.adapters import french as adapters_french
from lotsync.adapters.backends import Backend, SourceError
from lotsync.adapters.config import Config
from lotsync.adapters.sources import classify
from lotsync.app import french
from lotsync.app.sync import default_backend
from lotsync.core.headers import find_header
from lotsync.core.layout import DOSSIER_REQUIRED, REQUEST_HEADERS, REQUEST_REQUIRED, SHARED_INPUTS
from lotsync.tabs.owned import foreign_tabs
from lotsync.tabs.results import OWNED_TABS


def _tab_report(rows: list[list[Any]], synonyms: dict[str, list[str]], required: tuple[str, ...]) -> dict:
    header = find_header(rows, synonyms, required)
    if header is None:
        return {"header_row": None, "columns": {}, "missing": [synonyms[f][0] for f in required]}
    return {
        "header_row": header.row,
        "columns": {field: header.labels[field] for field in header.columns},
        "missing": [synonyms[f][0] for f in required if f not in header.columns],
    }


_Target = tuple[str, str, str, str, dict[str, list[str]], tuple[str, ...]]
"""(kind, id, source, tab, header synonyms, required fields) of one tab to check."""


def _targets(config: Config) -> list[_Target]:
    targets: list[_Target] = [
        ("office", m.id, m.source, m.tab, config.dossier_headers(), DOSSIER_REQUIRED) for m in config.members
    ]
    first = config.shared_tabs()[SHARED_INPUTS[0].key]
    targets.append(
        (
            "shared",
            "collectif",
            config.shared.source,
            first.name,
            {field: list(words) for field, words in first.headers.items()},
            SHARED_INPUTS[0].required,
        )
    )
    if config.requests.source is not None:  # the requests tab in a spreadsheet of its own
        headers = {**REQUEST_HEADERS, **config.request_headers}
        targets.append(
            (
                "requests",
                "demandes",
                config.requests.source,
                config.requests.tab,
                {field: list(words) for field, words in headers.items()},
                REQUEST_REQUIRED,
            )
        )
    return targets


def _google_backend(config: Config, backend: Backend) -> Any:
    """The Google backend behind `backend` (a Router, or a GoogleBackend itself), if Google is used."""
    if not config.uses_google():
        return None
    if hasattr(backend, "identity"):
        return backend
    return getattr(backend, "google", None)


def _http_status(error: BaseException) -> int | None:
    cause = error.__cause__
    if cause is None:
        return None
    from lotsync.adapters.google.errors import http_status

    return http_status(cause)


def _inspect(config: Config, backend: Backend, target: tuple) -> tuple[dict[str, Any], Any]:
    role, ident, source, tab, synonyms, required = target
    where = classify(source, config.backend)
    entry: dict[str, Any] = {
        "role": role,
        "id": ident,
        "source": source,
        "tab": tab,
        "kind": where.kind,
        "ok": False,
        "problems": [],
    }
    if where.is_google:
        entry["url"] = where.url
        entry["reachable"] = False
        entry["share_role"] = adapters_french.ROLE_EDITOR if role == "shared" else adapters_french.ROLE_READER
    requests_here = role == "shared" and config.requests.source is None
    extra = (
        [
            *(t.name for t in config.shared_tabs().values()),
            *([config.requests.tab] if requests_here else []),
            *OWNED_TABS,
        ]
        if role == "shared"
        else []
    )
    try:
        book = backend.read(source, [tab, *extra])
    except SourceError as error:
        entry["problems"].append(str(error))
        if where.is_google:
            entry["http_status"] = _http_status(error)
        return entry, None
    if where.is_google:
        entry["reachable"] = True
        entry["access"] = french.ACCESS_READ
        entry["locale"] = book.locale
        entry["warnings"] = (
            [french.CHECK_LOCALE.format(locale=book.locale)] if book.locale and book.locale != "fr_FR" else []
        )
    entry["name"] = book.name
    entry["tabs"] = book.tab_names
    if tab not in book.tabs:
        entry["problems"].append(french.CHECK_MISSING_TAB.format(tab=tab))
        return entry, None
    if role == "shared":
        entry["inputs"] = [
            {"tab": configured.name, "present": configured.name in book.tabs, "optional": registered.optional}
            for registered, configured in zip(SHARED_INPUTS, config.shared_tabs().values(), strict=True)
        ]
        if requests_here:
            present = config.requests.tab in book.tabs
            entry["inputs"].append(
                {"tab": config.requests.tab, "present": present, "optional": not config.requests_configured}
            )
            if not present and config.requests_configured:
                entry["problems"].append(french.CHECK_MISSING_TAB.format(tab=config.requests.tab))
    entry.update(_tab_report(book.tabs[tab], synonyms, required))
    if entry["header_row"] is None:
        entry["problems"].append(french.CHECK_NO_HEADER)
    elif entry["missing"]:
        entry["problems"].append(french.CHECK_MISSING_COLUMNS.format(columns=", ".join(entry["missing"])))
    for foreign in foreign_tabs(book.tabs, OWNED_TABS, book.tab_names) if role == "shared" else []:
        entry["problems"].append(french.CHECK_FOREIGN_TAB.format(tab=foreign))
    entry["ok"] = not entry["problems"]
    return entry, book


def _sharing(entry: dict[str, Any], identity: str) -> None:
    """Name the address to share with, and as what, on every Google source."""
    entry["share_with"] = identity or None
    who = identity or french.LOTSYNC_IDENTITY
    role = entry["share_role"]
    status = entry.get("http_status")
    if entry["reachable"] or status not in (403, 404):
        return
    if status == 403:
        problem = french.SHARE_REFUSED.format(url=entry["url"], who=who, role=role)
    else:
        problem = french.SHARE_NOT_FOUND.format(url=entry["url"], who=who, role=role)
    entry["problems"] = [problem]


def check_report(config: Config, backend: Backend | None = None, as_of: date | None = None) -> dict[str, Any]:
    """Every source inspected, and on Google the identity, scopes and API calls used.

    The cells are read by the same parsers as a sync's, so `check` reports the same anomalies
    (each under its source) without reading anything twice.
    """
    backend = backend or default_backend(config)
    targets = _targets(config)
    with ThreadPoolExecutor(max_workers=config.google.concurrency) as pool:
        inspected = list(pool.map(lambda t: _inspect(config, backend, t), targets))
    checks = [entry for entry, _ in inspected]
    _attach_anomalies(config, inspected, as_of or date.today())
    google: dict[str, Any] | None = None
    found = _google_backend(config, backend)
    if found is not None:
        identity = getattr(found, "identity", "") or ""
        for entry in checks:
            if entry["kind"] != "local":
                _sharing(entry, identity)
        calls = dict(getattr(found, "calls", {}) or {})
        from lotsync.adapters.google.credentials import gmail_problem

        google = {
            "gmail": gmail_problem(config),
            "identity": identity or None,
            "scopes": list(getattr(found, "scopes", [])),
            "calls": dict(sorted(calls.items())),
            "calls_total": sum(calls.values()),
        }
    return {"ok": all(c["ok"] for c in checks), "sources": checks, "google": google}


def _attach_anomalies(config: Config, inspected: list[tuple[dict[str, Any], Any]], as_of: date) -> None:
    """The anomalies a sync would report, each under the source it belongs to."""
    from lotsync.core.books import Inputs, compute_books
    from lotsync.core.dossiers import Sheet

    offices: dict[str, Sheet | None] = {}
    shared: dict[str, Sheet | None] = {}
    requests: Sheet | None = None
    for entry, book in inspected:
        if book is None:
            continue
        if entry["role"] == "office":
            offices[entry["id"]] = Sheet(book.name, entry["tab"], book.tabs[entry["tab"]])
        elif entry["role"] == "requests":
            requests = Sheet(book.name, entry["tab"], book.tabs[entry["tab"]])
        else:
            for key, tab in config.shared_tabs().items():
                if tab.name in book.tabs:
                    shared[key] = Sheet(book.name, tab.name, book.tabs[tab.name])
            if config.requests.source is None and config.requests.tab in book.tabs:
                requests = Sheet(book.name, config.requests.tab, book.tabs[config.requests.tab])
    books = compute_books(Inputs(offices, shared, (), requests), config.rules(), as_of)
    for entry, book in inspected:
        entry["anomalies"] = []
        if book is None:
            continue
        office = entry["id"] if entry["role"] == "office" else None
        holds_requests = entry["role"] == "requests" or (
            entry["role"] == "shared" and config.requests.source is None
        )
        if holds_requests and books.requests.read:
            # Closed long enough ago: a person deletes them (lotsync never writes the tab).
            entry["due_for_deletion"] = [
                {
                    "tab": r.where.tab,
                    "row": r.where.row,
                    "received": r.received.isoformat(),
                    "status": r.status.value,
                }
                for r in books.requests.expired
            ]
        for a in books.anomalies:
            if a.office == office and a.where.spreadsheet == book.name:
                entry["anomalies"].append(
                    {"kind": a.kind.value, "tab": a.where.tab, "row": a.where.row, "column": a.column,
                     "value": a.value, "message": a.message}
                )  # fmt: skip


SHOWN_ANOMALIES = 20
"""Per source, in the text report; the JSON has them all."""


def inspection_text(checks: list[dict[str, Any]], google: dict[str, Any] | None = None) -> str:
    from lotsync.adapters.google.login import describe_scopes

    lines = [french.CHECK_HEADLINE]
    for c in checks:
        mark = "OK " if c["ok"] else "!! "
        where = c.get("name", c["source"])
        if c.get("url") and c.get("name"):
            where = f"{c['name']} ({c['url']})"
        lines.append(french.CHECK_SOURCE.format(mark=mark, id=c["id"], where=where, tab=c["tab"]))
        if c.get("reachable"):
            lines.append(french.CHECK_GOOGLE_ACCESS.format(access=_access_text(c)))
        lines += [french.CHECK_WARNING.format(warning=w) for w in c.get("warnings", [])]
        if c.get("tabs") is not None and c["tab"] not in c["tabs"]:
            lines.append(french.CHECK_TABS_PRESENT.format(tabs=", ".join(c["tabs"]) or french.CHECK_NO_TABS))
        for absent in (i["tab"] for i in c.get("inputs", []) if i["optional"] and not i["present"]):
            lines.append(french.CHECK_OPTIONAL_ABSENT.format(tab=absent))
        if c.get("header_row"):
            columns = ", ".join(f"{field}={label!r}" for field, label in c["columns"].items())
            lines.append(french.CHECK_HEADER.format(row=c["header_row"], columns=columns))
        lines += [french.CHECK_PROBLEM.format(problem=p) for p in c["problems"]]
        if due := c.get("due_for_deletion"):
            lines.append(
                french.CHECK_REQUESTS_DUE.format(
                    count=len(due), tab=due[0]["tab"], rows=", ".join(str(d["row"]) for d in due)
                )
            )
        found = c.get("anomalies") or []
        if found:
            lines.append(french.CHECK_ANOMALIES.format(count=len(found)))
            for a in found[:SHOWN_ANOMALIES]:
                column = french.CHECK_ANOMALY_COLUMN.format(column=a["column"]) if a["column"] else ""
                lines.append(
                    french.CHECK_ANOMALY.format(
                        tab=a["tab"], row=a["row"], column=column, message=a["message"]
                    )
                )
            if len(found) > SHOWN_ANOMALIES:
                lines.append(french.CHECK_MORE_ANOMALIES.format(count=len(found) - SHOWN_ANOMALIES))
    if google is not None:
        lines.append(
            french.CHECK_GOOGLE_IDENTITY.format(identity=google["identity"] or french.CHECK_IDENTITY_UNKNOWN)
        )
        if google["gmail"]:
            lines.append(french.CHECK_GMAIL.format(problem=google["gmail"]))
        if google["scopes"]:
            lines.append(french.CHECK_SCOPES.format(scopes=" ; ".join(describe_scopes(google["scopes"]))))
        detail = ", ".join(
            french.CHECK_API_CALL.format(endpoint=name, count=count)
            for name, count in google["calls"].items()
        )
        lines.append(
            french.CHECK_API_CALLS.format(
                total=google["calls_total"], detail=f" ({detail})" if detail else ""
            )
        )
    bad = sum(not c["ok"] for c in checks)
    anomalies = sum(len(c.get("anomalies") or []) for c in checks)
    summary = french.CHECK_ALL_READABLE if not bad else french.CHECK_SOURCES_TO_FIX.format(count=bad)
    if anomalies:
        summary += french.CHECK_ANOMALIES_TO_FIX.format(count=anomalies)
    lines.append(summary)
    return "\n".join(lines)


def _access_text(c: dict[str, Any]) -> str:
    who = c.get("share_with") or french.LOTSYNC_IDENTITY
    if c["role"] == "shared":
        return french.ACCESS_SHARED.format(who=who, role=adapters_french.ROLE_EDITOR)
    return french.ACCESS_OFFICE.format(who=who, role=adapters_french.ROLE_READER)
