"""`tools/territories.py`: the shipped territories are those of the official package, regenerated.

The script fetches `@etalab/decoupage-administratif` with `npm pack`: these tests need npm (and the
npm registry), and are skipped without it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "tools" / "territories.py"
SHIPPED = ROOT / "lotsync" / "adapters" / "data" / "territories.json"

needs_npm = pytest.mark.skipif(
    shutil.which("npm") is None, reason="npm is not on the PATH (tools/territories.py uses it)"
)


def territories(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def tool() -> ModuleType:
    """`tools/territories.py` as a module (it is a script, not in a package)."""
    spec = importlib.util.spec_from_file_location("territories_tool", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package unpacked by hand, as someone offline would have it: `npm pack`, then untar."""
    folder = tmp_path_factory.mktemp("etalab")
    subprocess.run(
        ["npm", "pack", "@etalab/decoupage-administratif@6.0.0", "--silent"],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (tarball,) = folder.glob("*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package"


@needs_npm
def test_the_shipped_file_is_what_the_package_gives() -> None:
    done = territories("--check")

    assert done.returncode == 0, done.stderr
    assert "lotsync/adapters/data/territories.json est à jour." in done.stdout
    lines = done.stdout.splitlines()
    assert "figeac : 92 communes (6 dans l'Aveyron), aucun autre nom" in lines
    assert "cahors : 95 communes, 17 autres noms" in lines
    assert "dordogne : 77 communes, 8 autres noms" in lines
    assert any(line.endswith(", 164 autres noms (communes déléguées ou associées)") for line in lines)
    assert (
        "11 autres noms sans effet (une commune actuelle porte le même nom) : Chavagnac, Cours, Grèzes, "
        "Ligueux, Loupiac, Noailhac, Saint-Cernin, Saint-Cirq, Saint-Cyprien, Saint-Géry, Sarrazac" in lines
    )


@needs_npm
def test_an_unpacked_package_gives_the_same_file_offline(package: Path, tmp_path: Path) -> None:
    written = tmp_path / "territories.json"

    done = territories("--from", str(package), "--file", str(written))

    assert done.returncode == 0, done.stderr
    assert written.read_bytes() == SHIPPED.read_bytes()
    assert "dordogne : 77 communes, 8 autres noms" in done.stdout.splitlines()


@needs_npm
def test_check_says_what_is_out_of_date(package: Path, tmp_path: Path) -> None:
    stale = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del stale["communes"]["46102"]  # Figeac
    stale["intercommunalites"]["200067361"]["nom"] = "CC Figeac-Communauté"
    old = tmp_path / "territories.json"
    old.write_text(json.dumps(stale), encoding="utf-8")

    done = territories("--check", "--from", str(package), "--file", str(old))

    assert done.returncode == 1
    assert "intercommunalites : 0 en plus, 0 en moins, 1 modifiés" in done.stderr
    assert "communes : 1 en plus, 0 en moins, 0 modifiés" in done.stderr
    assert "Régénérez-le : .venv/bin/python tools/territories.py" in done.stderr
    assert json.loads(old.read_text(encoding="utf-8")) == stale  # --check writes nothing


@needs_npm
def test_check_says_which_other_names_changed(package: Path, tmp_path: Path) -> None:
    stale = json.loads(SHIPPED.read_text(encoding="utf-8"))
    stale["communes"]["12218"]["autresNoms"].remove("Conques")  # of Conques-en-Rouergue
    stale["communes"]["46102"]["autresNoms"] = ["Figeac-la-Vieille"]
    old = tmp_path / "territories.json"
    old.write_text(json.dumps(stale), encoding="utf-8")

    done = territories("--check", "--from", str(package), "--file", str(old))

    assert done.returncode == 1
    assert "communes : 0 en plus, 0 en moins, 2 modifiés" in done.stderr
    assert "autres noms : 1 en plus, 1 en moins" in done.stderr


def test_the_other_names_are_those_of_the_listed_communes() -> None:
    # A tiny package by hand: the other names of a listed commune are kept (its own name and those of
    # communes not listed are not), sorted, and only where there are some.
    communes = [
        {"code": "46001", "nom": "Albas", "type": "commune-actuelle", "departement": "46"},
        {"code": "46002", "nom": "Albiac", "type": "commune-actuelle", "departement": "46"},
        {"code": "75056", "nom": "Paris", "type": "commune-actuelle", "departement": "75"},
        {
            "code": "46003",
            "nom": "Vieux",
            "type": "commune-deleguee",
            "chefLieu": "46001",
            "departement": "46",
        },
        {
            "code": "46001",
            "nom": "Albas",
            "type": "commune-deleguee",
            "chefLieu": "46001",
            "departement": "46",
        },
        {
            "code": "46004",
            "nom": "Ancien",
            "type": "commune-associee",
            "chefLieu": "46001",
            "departement": "46",
        },
        {"code": "75101", "nom": "Paris 1er", "type": "arrondissement-municipal", "commune": "75056"},
        {
            "code": "75999",
            "nom": "Lutèce",
            "type": "commune-deleguee",
            "chefLieu": "75056",
            "departement": "75",
        },
    ]
    files = {
        "package.json": {"name": "@etalab/decoupage-administratif", "version": "6.0.0"},
        "data/communes.json": communes,
        "data/epci.json": [{"code": "200000001", "nom": "CC Test", "membres": [{"code": "46001"}]}],
        "data/departements.json": [{"code": "46", "nom": "Lot", "typeLiaison": 2}],
    }

    assert tool().build(files)["communes"] == {
        "46001": {"autresNoms": ["Ancien", "Vieux"], "departement": "46", "nom": "Albas"},
        "46002": {"departement": "46", "nom": "Albiac"},
    }


def test_another_version_of_the_package_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "package.json").write_text('{"name": "@etalab/decoupage-administratif", "version": "5.3.0"}')
    for name in ("communes.json", "epci.json", "departements.json"):
        (tmp_path / "data" / name).write_text("[]")

    done = territories("--check", "--from", str(tmp_path))

    assert done.returncode == 2
    assert (
        "le paquet est @etalab/decoupage-administratif 5.3.0, pas @etalab/decoupage-administratif 6.0.0"
        in done.stderr
    )
