"""The French people read lives in one module per layer: `lotsync/<layer>/french.py`.

docs/architecture.md ("French text") states the rule; this test keeps it. It reads every string
literal of every other module with `ast` and fails on one that looks French (a French accented
letter, or a French word such as « le », « onglet », « vous »), except where French is data and not
text shown by the code:

- docstrings, and the `help=` of click options (click shows them as `--help`, beside the option);
- the members' values of an `Enum` in `core/model.py` (the words typed in the sheets);
- `core/layout.py` (the default headers and words of the sheets, which the configuration may replace);
- the demo's sample books (`app/demo.py`, `app/demo_google.py`);
- the mail templates (`adapters/templates/`, not Python).
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lotsync"
DATA_MODULES = {"core/layout.py", "app/demo.py", "app/demo_google.py"}
FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœæÀÂÇÉÈÊËÎÏÔÛÙÜŸŒÆ«»]"
    r"|(?<![-\w])(le|la|les|des|du|une|est|sont|pas|avec|pour|dans|sur|aux|vous|votre|vos|depuis|sinon"
    r"|fichier|onglet|onglets|classeur|ligne|colonne|membre|semaine|jeton|adresse|erreur)(?![-\w])",
    re.IGNORECASE,
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
            # An attribute's docstring: a string expression right after an assignment.
            for before, after in itertools.pairwise(body):
                assigned = isinstance(before, ast.Assign | ast.AnnAssign)
                if assigned and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                    found.add(id(after.value))
    return found


def _exempt(tree: ast.AST, relative: str) -> set[int]:
    """Nodes whose strings are data or click help, not text the code shows."""
    exempt = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "help":
            exempt |= {id(n) for n in ast.walk(node.value)}
        enum = isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id.endswith("Enum") for b in node.bases
        )
        if relative == "core/model.py" and enum:
            assert isinstance(node, ast.ClassDef)
            exempt |= {id(n) for s in node.body if isinstance(s, ast.Assign) for n in ast.walk(s.value)}
    return exempt


def french_literals(source: str, relative: str) -> list[str]:
    """`line: text` for every string literal of a module that looks French and is not exempt."""
    tree = ast.parse(source)
    exempt = _exempt(tree, relative)
    return [
        f"{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in exempt
        and FRENCH.search(node.value)
    ]


MODULES = sorted(
    p.relative_to(PACKAGE).as_posix()
    for p in PACKAGE.rglob("*.py")
    if p.name != "french.py" and p.relative_to(PACKAGE).as_posix() not in DATA_MODULES
)


@pytest.mark.parametrize("relative", MODULES)
def test_french_text_lives_in_its_layers_french_module(relative: str) -> None:
    found = french_literals((PACKAGE / relative).read_text(encoding="utf-8"), relative)
    layer = relative.split("/")[0]
    assert not found, f"lotsync/{relative}: French outside lotsync/{layer}/french.py:\n" + "\n".join(found)


def test_every_layer_with_french_has_its_module() -> None:
    for layer in ("core", "tabs", "adapters", "app", "cli"):
        assert (PACKAGE / layer / "french.py").is_file(), layer


def test_the_check_sees_french_and_leaves_english_alone() -> None:
    source = '''
"""Le docstring reste."""
import click
MESSAGE = "onglet introuvable"
LOG = "sync finished in %s s"
@click.option("--dry-run", help="Tout calculer, ne rien écrire.")
def f(): return f"Connecté : {1}"
'''
    found = french_literals(source, "app/example.py")
    assert [line.split(":")[0] for line in found] == ["4", "7"]
