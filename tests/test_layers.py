"""The layers stay what docs/architecture.md says: each imports only the layers below it.

    core      → nothing else of lotsync (the standard library, Babel, pandas)
    tabs      → core
    adapters  → core, tabs
    app       → core, tabs, adapters
    cli       → everything
    fake_google (the emulator) → nothing of lotsync

and no module reaches for another module's private names (`from x import _y`, `x._y`).
The check reads the source (every import, also those inside functions) with `ast`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {  # "" is the package itself (`lotsync.__version__`), which every layer may read
    "core": {"", "core"},
    "tabs": {"", "core", "tabs"},
    "adapters": {"", "core", "tabs", "adapters"},
    "app": {"", "core", "tabs", "adapters", "app"},
    "cli": {"", "core", "tabs", "adapters", "app", "cli"},
    "": {"", "cli"},  # lotsync/__init__.py and __main__.py: the entry points
}
CORE_THIRD_PARTY = {"babel", "pandas"}


def layer_of(module: str) -> str | None:
    """`lotsync.core.cells` → "core"; None for what is not lotsync's."""
    parts = module.split(".")
    if parts[0] != "lotsync":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else ""


def imports(source: str, module: str) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names taken from it) for every import of a source file."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.append((node.lineno, base, [alias.name for alias in node.names]))
    return found


def problems(source: str, module: str) -> list[str]:
    """What a module of `module`'s layer must not import or reach for."""
    found = []
    own = layer_of(module) if module.startswith("lotsync") else None
    for line, imported, names in imports(source, module):
        top = imported.split(".")[0]
        if module.startswith("fake_google"):
            if top == "lotsync":
                found.append(f"{module}:{line} the emulator imports lotsync ({imported})")
            continue
        target = layer_of(imported)
        if own is not None and target is not None and target not in ALLOWED[own]:
            found.append(f"{module}:{line} {own} imports {target} ({imported})")
        if (
            own == "core"
            and target is None
            and top not in CORE_THIRD_PARTY
            and top not in sys.stdlib_module_names
        ):
            found.append(f"{module}:{line} the core imports {imported}")
        if top in ("lotsync", "fake_google"):
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    found.append(f"{module}:{line} takes the private name {name} from {imported}")
    found += _private_attributes(source, module)
    return found


def _private_attributes(source: str, module: str) -> list[str]:
    """`other_module._name`: a private name reached through an imported lotsync module."""
    tree = ast.parse(source)
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {
                (a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("lotsync")
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("lotsync", "fake_google")):
            modules |= {a.asname or a.name for a in node.names}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{module}:{node.lineno} reaches for {node.value.id}.{node.attr}")
    return found


def sources() -> list[tuple[str, Path]]:
    found = []
    for folder in ("lotsync", "fake_google"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found.append((dotted, path))
    return found


def test_every_module_imports_only_the_layers_below_it() -> None:
    found = [p for module, path in sources() for p in problems(path.read_text(encoding="utf-8"), module)]

    assert found == []


def test_the_check_catches_a_core_module_that_imports_an_adapter() -> None:
    adding = "from lotsync.adapters.config import load_config\n"

    assert problems(adding, "lotsync.core.books") == [
        "lotsync.core.books:1 core imports adapters (lotsync.adapters.config)"
    ]
    assert problems("import lotsync.app.sync\n", "lotsync.tabs.results") == [
        "lotsync.tabs.results:1 tabs imports app (lotsync.app.sync)"
    ]
    assert problems("import openpyxl\n", "lotsync.core.cells") == [
        "lotsync.core.cells:1 the core imports openpyxl"
    ]
    assert problems("from lotsync.core import cells\n", "fake_google.server") == [
        "fake_google.server:1 the emulator imports lotsync (lotsync.core)"
    ]
    assert problems("from lotsync.adapters.backends.google import _status\n", "lotsync.app.check") == [
        "lotsync.app.check:1 takes the private name _status from lotsync.adapters.backends.google"
    ]
    assert problems("from lotsync.app import sync\nsync._same(1)\n", "lotsync.cli.commands") == [
        "lotsync.cli.commands:2 reaches for sync._same"
    ]


@pytest.mark.parametrize(
    "module", ["lotsync.core.books", "lotsync.core.digest", "lotsync.core.french", "lotsync.tabs.results"]
)
def test_importing_the_pure_layers_loads_no_configuration_file_spreadsheet_google_or_mail(
    module: str,
) -> None:
    heavy = {
        "pydantic",
        "tomllib",
        "openpyxl",
        "gspread",
        "googleapiclient",
        "smtplib",
        "apscheduler",
        "jinja2",
    }
    program = f"import sys, {module}; print(sorted({heavy!r} & set(sys.modules)))"

    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)

    assert loaded.stdout.strip() == "[]"
