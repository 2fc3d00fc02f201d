"""The documentation stays true: a short README, links that lead somewhere, and a JSON schema that
is the one the commands print.

docs/json.md documents each `--format json` output as tables framed by `<!-- schema: NAME -->` and
`<!-- /schema -->`, whose first column is a key path (`a.b`, `a[].b`, `a.<office>` for a key that
varies), then its type and when it is present (see the top of docs/json.md). These tests run the
commands on the demo books (and `check` on the Google emulator) and compare: every key printed is
documented, every key documented as always present is printed, every value has its documented type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from lotsync.app.demo import write_demo
from lotsync.cli.commands import cli
from lotsync.core.model import AnomalyKind, Direction, Kind, ReconStatus, Status

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
JSON_DOC = DOCS / "json.md"
AS_OF = "2026-11-26"
MAX_README_BYTES = 10 * 1024


# -- the pages and their links ---------------------------------------------------------------------


def pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found, fenced = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := re.match(r"#{1,6} (.+)", line)):
            found.add(slug(heading[1]))
    return found


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
"""A markdown link or image: `[text](target)`, `![alt](target)`."""


def links(page: Path) -> Iterator[str]:
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield from (found[1] for found in LINK.finditer(line))


def test_the_readme_is_at_most_10_kb() -> None:
    size = len(README.read_bytes())

    assert size <= MAX_README_BYTES, f"README.md is {size} bytes, more than {MAX_README_BYTES}"


def test_the_readme_links_every_page_of_docs() -> None:
    linked = {(README.parent / target.split("#")[0]).resolve() for target in links(README)}

    assert {p.resolve() for p in DOCS.glob("*.md")} <= linked


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z]+:", target):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no such heading in {file.name}")

    assert broken == []


def test_the_docs_depend_on_no_file_outside_the_repository() -> None:
    outside = [
        f"{page.name}: {target}"
        for page in pages()
        for target in links(page)
        if not re.match(r"[a-z]+:", target)
        and target.split("#")[0]
        and ROOT not in (page.parent / target.split("#")[0]).resolve().parents
    ]

    assert outside == []


def test_the_architecture_lists_every_module_and_only_those() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    table = text[text.index("## The modules") :].split("\n## ")[0]
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", table, flags=re.M))
    modules = {
        p.relative_to(ROOT).as_posix()
        for folder in ("lotsync", "fake_google")
        for p in (ROOT / folder).rglob("*.py")
    }

    assert sorted(modules - listed) == [], "modules missing from docs/architecture.md"
    assert sorted(listed - modules) == [], "docs/architecture.md lists modules that do not exist"


def test_every_status_anomaly_and_word_people_read_is_documented() -> None:
    json_doc = JSON_DOC.read_text(encoding="utf-8")
    offices = (DOCS / "offices.md").read_text(encoding="utf-8")
    for code in [*ReconStatus, *AnomalyKind]:
        assert f"`{code.value}`" in json_doc, code
        assert f"`{code.value}`" in offices, code
    for value in [*Status, *Kind, *Direction]:
        assert f"`{value.value}`" in offices, value


# -- the JSON schema -------------------------------------------------------------------------------


class Field(NamedTuple):
    path: tuple[str, ...]
    """`reconciliation.lines[].owed` → ("reconciliation", "lines", "[]", "owed")."""
    type: str
    always: bool


class Schema(NamedTuple):
    fields: dict[tuple[str, ...], Field]
    refs: dict[tuple[str, ...], str]
    """Paths whose type is another schema of the page (a link to its heading)."""


def split_path(key: str) -> tuple[str, ...]:
    parts: list[str] = []
    for part in key.split("."):
        name, brackets = part.removesuffix("[]"), part.endswith("[]")
        parts += [name, "[]"] if brackets else [name]
    return tuple(p for p in parts if p)


def documented() -> dict[str, Schema]:
    """Every schema of docs/json.md, by the name of its `<!-- schema: NAME -->` marker."""
    schemas: dict[str, Schema] = {}
    by_anchor: dict[str, str] = {}
    heading, current = "", None
    for line in JSON_DOC.read_text(encoding="utf-8").splitlines():
        if found := re.match(r"#{1,6} (.+)", line):
            heading = slug(found[1])
        elif found := re.fullmatch(r"<!-- schema: (\w+) -->", line.strip()):
            current = found[1]
            assert current not in schemas, f"two schemas named {current}"
            schemas[current] = Schema({}, {})
            by_anchor[heading] = current
        elif line.strip() == "<!-- /schema -->":
            current = None
        elif current is not None and line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            key, kind, presence = cells[0].strip("`"), cells[1], cells[2]
            path = split_path(key)
            assert path not in schemas[current].fields, f"{key} documented twice in {current}"
            schemas[current].fields[path] = Field(path, kind, presence == "toujours")
    for schema in schemas.values():
        for path, field in schema.fields.items():
            if found := re.match(r"\[[^\]]+\]\(#([^)]+)\)", field.type):
                assert found[1] in by_anchor, f"{field.type}: no schema under that heading"
                schema.refs[path] = by_anchor[found[1]]
    return schemas


MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2}")


def type_problem(kind: str, value: Any) -> str | None:
    """Why `value` is not of the documented type `kind`, or None."""
    nullable = kind.endswith(" ou null")
    kind = kind.removesuffix(" ou null")
    if value is None:
        return None if nullable else "null"
    if kind.startswith("["):
        ok = isinstance(value, dict)
    elif kind == "liste de chaînes":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif kind == "liste d'entiers":
        ok = isinstance(value, list) and all(type(v) is int for v in value)
    else:
        checks = {
            "chaîne": lambda v: isinstance(v, str),
            "entier": lambda v: type(v) is int,
            "nombre": lambda v: type(v) in (int, float),
            "booléen": lambda v: isinstance(v, bool),
            "objet": lambda v: isinstance(v, dict),
            "liste": lambda v: isinstance(v, list),
            "montant": lambda v: isinstance(v, str) and MONEY.fullmatch(v) is not None,
            "décimal": lambda v: isinstance(v, str) and DECIMAL.fullmatch(v) is not None,
            "date": lambda v: isinstance(v, str) and DAY.fullmatch(v) is not None,
            "horodatage": lambda v: isinstance(v, str) and MOMENT.fullmatch(v) is not None,
        }
        assert kind in checks, f"unknown type {kind!r} in docs/json.md"
        ok = checks[kind](value)
    return None if ok else f"{value!r} is not {kind}"


def problems(value: Any, name: str, schemas: dict[str, Schema]) -> list[str]:
    """Where `value` (the output of a command) and the schema `name` disagree."""
    found: list[str] = []
    _check(value, schemas[name], (), name, schemas, found)
    return found


def _children(schema: Schema, prefix: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    n = len(prefix)
    return {path[n]: path[: n + 1] for path in schema.fields if len(path) > n and path[:n] == prefix}


def _check(
    value: Any,
    schema: Schema,
    prefix: tuple[str, ...],
    where: str,
    schemas: dict[str, Schema],
    found: list[str],
) -> None:
    if prefix in schema.fields and (problem := type_problem(schema.fields[prefix].type, value)):
        found.append(f"{where}: {problem}")
        return
    if value is None:
        return
    if prefix in schema.refs:
        _check(value, schemas[schema.refs[prefix]], (), where, schemas, found)
        return
    children = _children(schema, prefix)
    if isinstance(value, list) and "[]" in children:
        for i, item in enumerate(value):
            _check(item, schema, children["[]"], f"{where}[{i}]", schemas, found)
    elif isinstance(value, dict):
        variable = [c for c in children if c.startswith("<")]
        for key, item in value.items():
            if key in children:
                _check(item, schema, children[key], f"{where}.{key}", schemas, found)
            elif variable:
                _check(item, schema, children[variable[0]], f"{where}.{key}", schemas, found)
            else:
                found.append(f"{where}.{key}: not documented in docs/json.md")
        for key, path in children.items():
            if not key.startswith("<") and schema.fields[path].always and key not in value:
                found.append(f"{where}.{key}: documented as always present, missing")
    elif isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        found.append(f"{where}: a list of objects whose keys are not documented")


def top_level(name: str, schemas: dict[str, Schema]) -> set[str]:
    return {path[0] for path in schemas[name].fields if len(path) == 1}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Schema]:
    return documented()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"))


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    return json.loads(result.stdout)


def test_the_schema_page_reads_as_intended(schemas: dict[str, Schema]) -> None:
    assert {"sync", "check", "fees", "statement", "margins", "digest", "status", "dossier", "lieu"} <= set(
        schemas
    )
    assert schemas["sync"].refs[("reconciliation", "lines", "[]", "purchase")] == "dossier"
    assert problems({"ok": True, "sources": [], "google": None, "extra": 1}, "check", schemas) == [
        "check.extra: not documented in docs/json.md"
    ]
    assert problems({"ok": "yes", "sources": []}, "check", schemas) == [
        "check.ok: 'yes' is not booléen",
        "check.google: documented as always present, missing",
    ]


def test_sync_json_is_the_documented_schema(demo: Path, schemas: dict[str, Schema]) -> None:
    out = run("sync", "--config", str(demo), "--dry-run", "--format", "json", "--as-of", AS_OF)

    assert set(out) == top_level("sync", schemas)
    assert problems(out, "sync", schemas) == []
    assert out["complete"] and out["reconciliation"]["lines"] and out["anomalies"]


def test_sync_json_with_an_unreadable_office_is_the_documented_schema(
    schemas: dict[str, Schema], tmp_path: Path
) -> None:
    broken = write_demo(tmp_path / "broken")
    (broken.parent / "figeac.xlsx").write_text("pas un classeur", encoding="utf-8")

    out = run("sync", "--config", str(broken), "--dry-run", "--format", "json", "--as-of", AS_OF, code=3)

    assert out["gaps"] and out["gaps"][0]["office"] == "figeac" and out["tabs_kept"]
    assert set(out) == top_level("sync", schemas)
    assert problems(out, "sync", schemas) == []


def test_check_json_is_the_documented_schema(demo: Path, schemas: dict[str, Schema]) -> None:
    out = run("check", "--config", str(demo), "--format", "json")

    assert set(out) == top_level("check", schemas)
    assert problems(out, "check", schemas) == []
    assert any(source["anomalies"] for source in out["sources"])


def test_check_json_on_google_is_the_documented_schema(
    schemas: dict[str, Schema], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_google import FakeGoogle
    from lotsync.app.demo_google import upload_demo

    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no `lotsync login` token around
    with FakeGoogle() as google:
        config = upload_demo(tmp_path / "demo", google.base_url)
        out = run("check", "--config", str(config), "--format", "json")

    assert set(out) == top_level("check", schemas)
    assert problems(out, "check", schemas) == []
    assert out["google"]["calls_total"] and all(s["reachable"] for s in out["sources"])


def test_fees_statement_digest_and_status_json_are_the_documented_schemas(
    demo: Path, schemas: dict[str, Schema]
) -> None:
    config = ("--config", str(demo), "--format", "json")
    outputs = {
        "fees": run("fees", *config, "--year", "2026"),
        "statement": run("statement", *config, "--office", "cahors", "--as-of", AS_OF),
        "margins": run("statement", *config, "--office", "cahors", "--margins", "--as-of", AS_OF),
        "digest": run("digest", *config, "--week", "2026-W48", "--office", "collectif", "--dry-run"),
        "status": run("status", *config),
    }

    for name, out in outputs.items():
        assert set(out) == top_level(name, schemas), name
        assert problems(out, name, schemas) == [], name
    assert outputs["statement"]["lines"] and outputs["margins"]["margins"], "the demo shows both"


# -- the statement's columns, as docs/commands.md gives them ---------------------------------------

COMMANDS_DOC = DOCS / "commands.md"


def documented_columns(heading: str) -> list[tuple[str, str]]:
    """(column, JSON key) of the table under `heading` in docs/commands.md."""
    text = COMMANDS_DOC.read_text(encoding="utf-8").split(heading, 1)[1]
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)`", text.split("\n### ", 1)[0], re.MULTILINE)
    assert rows, heading
    return rows


def test_the_statement_csv_has_the_documented_columns_and_its_json_the_documented_keys(
    demo: Path, tmp_path: Path
) -> None:
    import csv

    base = ("statement", "--config", str(demo), "--office", "cahors", "--as-of", AS_OF)
    table = tmp_path / "releve.csv"
    assert CliRunner().invoke(cli, [*base, "--format", "csv", "--output", str(table)]).exit_code == 0
    with open(table, encoding="utf-8-sig", newline="") as handle:
        header, *lines = list(csv.reader(handle, delimiter=";"))
    keys = set(run(*base, "--format", "json")["lines"][0])

    columns = documented_columns("### Les colonnes du relevé")
    assert header == [column for column, _ in columns]
    assert lines and all(len(line) == len(header) for line in lines)
    # `Règlements` is documented with its two JSON keys, `payments` and `paid_outside`.
    assert {key for _, key in columns} | {"paid_outside"} == keys


def test_the_margin_csv_has_the_documented_columns(demo: Path, tmp_path: Path) -> None:
    import csv

    table = tmp_path / "marges.csv"
    args = ["statement", "--config", str(demo), "--office", "cahors", "--margins", "--as-of", AS_OF]
    assert CliRunner().invoke(cli, [*args, "--format", "csv", "--output", str(table)]).exit_code == 0
    with open(table, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    text = COMMANDS_DOC.read_text(encoding="utf-8").split("### L'état des marges", 1)[1]
    listed = text.split("Colonnes fixes", 1)[1].split("Le JSON", 1)[0]
    assert header == re.findall(r"`([^`]+)`", listed)
