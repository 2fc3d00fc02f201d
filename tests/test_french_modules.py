"""Each French text is in the french module of the lowest layer that uses it, and something uses it.

docs/architecture.md ("French text") states the rule. This test reads every module of lotsync with
`ast`: which french module each import names (`from lotsync.tabs import french as tabs_french`), and
which of its texts each module uses (`tabs_french.TAB_JOURNAL`). A text in `adapters/french.py` that
only `app` uses belongs in `app/french.py`; one that `tabs` also uses belongs in `tabs/french.py`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lotsync"
LAYERS = ("core", "tabs", "adapters", "app", "cli")
LABELS_OF_CORE_ENUMS = {"ANOMALY_KINDS", "RECON_STATUSES", "SOURCE_LABELS", "ITEM_SOURCES"}
"""Labels stay with what they label: in core/french.py, although only higher layers show them."""


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def texts(module: Path) -> list[str]:
    """The UPPER_CASE names a french module defines."""
    names = []
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and name.id.isupper():
                    names.append(name.id)
    return names


def uses(source: str, own_layer: str | None = None) -> set[tuple[str, str]]:
    """(layer of a french module, text) for every text of a french module that a source uses."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {"french": own_layer} if own_layer else {}
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            for alias in node.names:
                if parts[0] == "lotsync" and len(parts) == 2 and alias.name == "french":
                    aliases[alias.asname or "french"] = parts[1]
                elif parts[0] == "lotsync" and len(parts) == 3 and parts[2] == "french":
                    found.add((parts[1], alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.add((aliases[node.value.id], node.attr))
        if own_layer and isinstance(node, ast.Name):  # a french module using its own texts
            found.add((own_layer, node.id))
    return found


def users() -> dict[tuple[str, str], set[str]]:
    """(layer of the french module, text) → the layers whose modules use it."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        layer = layer_of(path)
        own = layer if path.name == "french.py" and path.parent == PACKAGE / layer else None
        source = path.read_text(encoding="utf-8")
        if own:  # a text used only to build another text of the same module does not count as used
            defined = set(texts(path))
            tree = ast.parse(source)
            for node in tree.body:
                value = getattr(node, "value", None)
                if isinstance(node, ast.FunctionDef):
                    value = node
                if value is not None:
                    for name in ast.walk(value):
                        if isinstance(name, ast.Name) and name.id in defined:
                            found[(own, name.id)].add(own)
        for key in uses(source):
            found[key].add(layer)
    return found


FRENCH_MODULES = [
    PACKAGE / layer / "french.py" for layer in LAYERS if (PACKAGE / layer / "french.py").exists()
]
USERS = users()


@pytest.mark.parametrize("module", FRENCH_MODULES, ids=lambda p: layer_of(p))
def test_every_text_is_in_the_lowest_layer_that_uses_it(module: Path) -> None:
    layer = layer_of(module)
    wrong = []
    for name in texts(module):
        layers = USERS.get((layer, name), set())
        if not layers:
            wrong.append(f"{name}: used nowhere (delete it)")
            continue
        lowest = min(layers, key=LAYERS.index)
        if lowest != layer and not (layer == "core" and name in LABELS_OF_CORE_ENUMS):
            wrong.append(f"{name}: used only from {sorted(layers)}: it belongs in lotsync/{lowest}/french.py")
    assert not wrong, f"lotsync/{layer}/french.py:\n" + "\n".join(wrong)


def test_uses_are_found_through_every_import_style() -> None:
    source = (
        "from lotsync.core import french as core_french\n"
        "from lotsync.tabs import french\n"
        "from lotsync.app.french import LOCK_BUSY\n"
        "x = core_french.money, french.TAB_JOURNAL, LOCK_BUSY\n"
    )
    assert uses(source) == {("core", "money"), ("tabs", "TAB_JOURNAL"), ("app", "LOCK_BUSY")}
