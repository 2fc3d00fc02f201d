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

from lotsync.adapters.backends import Backend, SourceError
from lotsync.adapters.config import Config
from lotsync.adapters.sources import classify
from lotsync.app.sync import default_backend
from lotsync.core.headers import find_header
from lotsync.core.layout import DOSSIER_REQUIRED, SHARED_INPUTS
from lotsync.tabs.owned import foreign_tabs
from lotsync.tabs.results import OWNED_TABS

ROLE_READER, ROLE_EDITOR = "Lecteur", "Éditeur"
"""The roles of Google's « Partager » dialog, as people see them in French."""


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
    from lotsync.adapters.backends.google import http_status

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
        entry["share_role"] = ROLE_EDITOR if role == "shared" else ROLE_READER
    extra = [*(t.name for t in config.shared_tabs().values()), *OWNED_TABS] if role == "shared" else []
    try:
        book = backend.read(source, [tab, *extra])
    except SourceError as error:
        entry["problems"].append(str(error))
        if where.is_google:
            entry["http_status"] = _http_status(error)
        return entry, None
    if where.is_google:
        entry["reachable"] = True
        entry["access"] = "lecture"
    entry["name"] = book.name
    entry["tabs"] = book.tab_names
    if tab not in book.tabs:
        entry["problems"].append(f"onglet « {tab} » introuvable")
        return entry, None
    entry.update(_tab_report(book.tabs[tab], synonyms, required))
    if entry["header_row"] is None:
        entry["problems"].append("ligne d'en-tête introuvable")
    elif entry["missing"]:
        entry["problems"].append("colonnes obligatoires absentes : " + ", ".join(entry["missing"]))
    for foreign in foreign_tabs(book.tabs, OWNED_TABS, book.tab_names) if role == "shared" else []:
        entry["problems"].append(f"l'onglet « {foreign} » a été créé à la main : lotsync ne l'écrasera pas")
    entry["ok"] = not entry["problems"]
    return entry, book


def _sharing(entry: dict[str, Any], identity: str) -> None:
    """Name the address to share with, and as what, on every Google source."""
    entry["share_with"] = identity or None
    who = identity or "l'identité de lotsync"
    role = entry["share_role"]
    status = entry.get("http_status")
    if entry["reachable"] or status not in (403, 404):
        return
    if status == 403:
        problem = f"accès refusé : partagez {entry['url']} avec {who} comme {role} (bouton « Partager »)"
    else:
        problem = (
            f"classeur introuvable : vérifiez l'identifiant dans la configuration ; s'il est juste, "
            f"partagez {entry['url']} avec {who} comme {role} (bouton « Partager »)"
        )
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
        google = {
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
    for entry, book in inspected:
        if book is None:
            continue
        if entry["role"] == "office":
            offices[entry["id"]] = Sheet(book.name, entry["tab"], book.tabs[entry["tab"]])
        else:
            for key, tab in config.shared_tabs().items():
                if tab.name in book.tabs:
                    shared[key] = Sheet(book.name, tab.name, book.tabs[tab.name])
    books = compute_books(Inputs(offices, shared), config.rules(), as_of)
    for entry, book in inspected:
        entry["anomalies"] = []
        if book is None:
            continue
        office = entry["id"] if entry["role"] == "office" else None
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

    lines = ["lotsync check — configuration valide."]
    for c in checks:
        mark = "OK " if c["ok"] else "!! "
        where = c.get("name", c["source"])
        if c.get("url") and c.get("name"):
            where = f"{c['name']} ({c['url']})"
        lines.append(f"{mark}{c['id']} : {where}, onglet « {c['tab']} »")
        if c.get("reachable"):
            lines.append("     Google : " + _access_text(c))
        if c.get("tabs") is not None and c["tab"] not in c["tabs"]:
            lines.append("     onglets présents : " + (", ".join(c["tabs"]) or "aucun"))
        if c.get("header_row"):
            columns = ", ".join(f"{field}={label!r}" for field, label in c["columns"].items())
            lines.append(f"     en-tête ligne {c['header_row']} : {columns}")
        lines += [f"     problème : {p}" for p in c["problems"]]
        found = c.get("anomalies") or []
        if found:
            lines.append(
                f"     {len(found)} anomalie(s) de saisie (la ligne est ignorée jusqu'à correction) :"
            )
            for a in found[:SHOWN_ANOMALIES]:
                column = f", colonne « {a['column']} »" if a["column"] else ""
                lines.append(f"       onglet « {a['tab']} », ligne {a['row']}{column} : {a['message']}")
            if len(found) > SHOWN_ANOMALIES:
                lines.append(f"       … et {len(found) - SHOWN_ANOMALIES} autre(s) : lotsync sync --dry-run")
    if google is not None:
        lines.append(f"Google : identité {google['identity'] or 'inconnue'}.")
        if google["scopes"]:
            lines.append("  accès demandés : " + " ; ".join(describe_scopes(google["scopes"])))
        detail = ", ".join(f"{name} : {count}" for name, count in google["calls"].items())
        lines.append(
            f"  appels à l'API pour cette vérification : {google['calls_total']}"
            + (f" ({detail})" if detail else "")
        )
    bad = sum(not c["ok"] for c in checks)
    anomalies = sum(len(c.get("anomalies") or []) for c in checks)
    summary = "Tout est lisible." if not bad else f"{bad} source(s) à corriger."
    if anomalies:
        summary += f" {anomalies} anomalie(s) de saisie à corriger (voir ci-dessus)."
    lines.append(summary)
    return "\n".join(lines)


def _access_text(c: dict[str, Any]) -> str:
    who = c.get("share_with") or "l'identité de lotsync"
    if c["role"] == "shared":
        return (
            f"lecture OK ; lotsync écrit ses onglets ici : {who} doit y être {ROLE_EDITOR} "
            "(check n'écrit rien, l'écriture n'est pas essayée)"
        )
    return f"lecture OK (partagé avec {who}, {ROLE_READER} suffit)"
