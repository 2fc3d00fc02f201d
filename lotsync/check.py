"""`lotsync check`: can every source be read, and does lotsync understand its headers?"""

from __future__ import annotations

from typing import Any

from lotsync.backends import Backend, SourceError
from lotsync.config import Config
from lotsync.headers import find_header
from lotsync.layout import DOSSIER_REQUIRED, EXPENSE_REQUIRED, OWNED_TABS
from lotsync.owned import foreign_tabs
from lotsync.sync import default_backend


def _tab_report(rows: list[list[Any]], synonyms: dict[str, list[str]], required: tuple[str, ...]) -> dict:
    header = find_header(rows, synonyms, required)
    if header is None:
        return {"header_row": None, "columns": {}, "missing": [synonyms[f][0] for f in required]}
    return {
        "header_row": header.row,
        "columns": {field: header.labels[field] for field in header.columns},
        "missing": [synonyms[f][0] for f in required if f not in header.columns],
    }


def inspect_sources(config: Config, backend: Backend | None = None) -> list[dict[str, Any]]:
    backend = backend or default_backend(config)
    checks: list[dict[str, Any]] = []
    targets = [
        ("office", m.id, m.source, m.tab, config.dossier_headers(), DOSSIER_REQUIRED) for m in config.members
    ]
    targets.append(
        (
            "shared",
            "collectif",
            config.shared.source,
            config.shared.expenses_tab,
            config.expense_header_map(),
            EXPENSE_REQUIRED,
        )
    )
    for role, ident, source, tab, synonyms, required in targets:
        entry: dict[str, Any] = {
            "role": role,
            "id": ident,
            "source": source,
            "tab": tab,
            "ok": False,
            "problems": [],
        }
        checks.append(entry)
        extra = list(OWNED_TABS) if role == "shared" else []
        try:
            book = backend.read(source, [tab, *extra])
        except SourceError as error:
            entry["problems"].append(str(error))
            continue
        entry["name"] = book.name
        entry["tabs"] = book.tab_names
        if tab not in book.tabs:
            entry["problems"].append(f"onglet « {tab} » introuvable")
            continue
        entry.update(_tab_report(book.tabs[tab], synonyms, required))
        if entry["header_row"] is None:
            entry["problems"].append("ligne d'en-tête introuvable")
        elif entry["missing"]:
            entry["problems"].append("colonnes obligatoires absentes : " + ", ".join(entry["missing"]))
        for foreign in foreign_tabs(book.tabs, OWNED_TABS) if role == "shared" else []:
            entry["problems"].append(
                f"l'onglet « {foreign} » a été créé à la main : lotsync ne l'écrasera pas"
            )
        entry["ok"] = not entry["problems"]
    return checks


def inspection_text(checks: list[dict[str, Any]]) -> str:
    lines = ["lotsync check — configuration valide."]
    for c in checks:
        mark = "OK " if c["ok"] else "!! "
        lines.append(f"{mark}{c['id']} : {c.get('name', c['source'])}, onglet « {c['tab']} »")
        if c.get("header_row"):
            columns = ", ".join(f"{field}={label!r}" for field, label in c["columns"].items())
            lines.append(f"     en-tête ligne {c['header_row']} : {columns}")
        lines += [f"     problème : {p}" for p in c["problems"]]
    bad = sum(not c["ok"] for c in checks)
    lines.append("Tout est lisible." if not bad else f"{bad} source(s) à corriger.")
    return "\n".join(lines)
