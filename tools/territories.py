"""Regenerate `lotsync/adapters/data/territories.json`, the communes and intercommunalities that
route group requests to an office (`lotsync.adapters.territories`, `lotsync.core.places`).

Source: the npm package `@etalab/decoupage-administratif` (version `VERSION` below), Etalab's
official French administrative divisions, built from INSEE's Code officiel géographique and the
DGCL's list of intercommunalities (those of 2026 in version 6.0.0). Its data is under the Licence
Ouverte 2.0 (Etalab), its code under MIT. The script runs `npm pack` in a temporary folder, reads
the three data files it needs straight out of the tarball with `tarfile` (nothing else is
extracted, no path from the archive is written to), and keeps:

- every current commune (`commune-actuelle`) of the Lot (46) and of its neighbours: Aveyron (12),
  Cantal (15), Corrèze (19), Dordogne (24), Lot-et-Garonne (47), Tarn-et-Garonne (82), so that a
  request naming Sarlat-la-Canéda is told "outside the collective" rather than "unknown place";
- every intercommunality (EPCI) with at least one commune there, with all its member communes
  (which are then listed among the communes too, whatever their department);
- the other names of the communes listed (`autresNoms`, sorted, only where there are some): the
  names of the delegated and associated communes (`commune-deleguee`, `commune-associee`, former
  communes merged into a current one) whose `chefLieu` is that commune, except its own name (a
  merged commune often keeps the name of one of its delegated communes);
- the names of the departments of those communes.

The file is written deterministically (sorted keys, one value per line), so a new version of the
package shows as a readable diff. Then the other names that a current commune also has (it wins:
they stand for nothing), and for each office of the collective by default, how many communes its
territory has, how many lie outside the Lot, and how many other names stand for its communes.

    .venv/bin/python tools/territories.py             # regenerate the file (needs npm)
    .venv/bin/python tools/territories.py --check     # exit 1 if the committed file is not up to date
    .venv/bin/python tools/territories.py --from DIR  # offline: DIR is an unpacked package folder
    .venv/bin/python tools/territories.py --file PATH # write (or --check) another file

To move to a new version of the package, change `VERSION`, run the script, and read the diff.
Exit codes: 0 done (or up to date), 1 `--check` found a difference, 2 the package could not be had.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lotsync.adapters.territories import (  # noqa: E402
    DEFAULT_INTERCOMMUNALITIES,
    Territories,
    commune_counts,
    other_name_counts,
)
from lotsync.core.places import place_key  # noqa: E402

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
LICENCE = "Licence Ouverte 2.0 (Etalab)"
HOME = "46"
DEPARTEMENTS = (HOME, "12", "15", "19", "24", "47", "82")
"""The Lot and its neighbours: the communes a request may name."""
TARGET = ROOT / "lotsync" / "adapters" / "data" / "territories.json"
DATA_FILES = ("communes.json", "epci.json", "departements.json")
OTHER_NAMES = ("commune-deleguee", "commune-associee")
"""The types of the package's entries that are other names of a current commune (their `chefLieu`)."""
ARTICLES = {2: "le ", 3: "la ", 4: "les ", 5: "l'"}
"""INSEE's `typeLiaison` of a department → its article ("dans l'Aveyron", "dans le Cantal")."""


class Failed(Exception):
    """The package could not be had: the message says why."""


# -- getting the package ---------------------------------------------------------------------------


def from_npm() -> dict[str, Any]:
    """The package's `package.json` and data files, through `npm pack` (in a temporary folder)."""
    npm = shutil.which("npm")
    if npm is None:
        raise Failed("npm est introuvable : installez Node.js, ou utilisez --from DOSSIER")
    with tempfile.TemporaryDirectory(prefix="lotsync-territories-") as folder:
        done = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", folder, "--silent"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = sorted(Path(folder).glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise Failed(f"npm pack {PACKAGE}@{VERSION} a échoué : {done.stderr.strip() or done.stdout}")
        return from_tarball(tarballs[0])


def from_tarball(path: Path) -> dict[str, Any]:
    """Only `package/package.json` and `package/data/<DATA_FILES>` are read, as regular files, into
    memory: nothing of the archive is written anywhere, whatever its member names."""
    wanted = ("package.json", *(f"data/{name}" for name in DATA_FILES))
    found: dict[str, Any] = {}
    with tarfile.open(path, "r:gz") as tar:
        for name in wanted:
            try:
                member = tar.getmember(f"package/{name}")
            except KeyError:
                raise Failed(f"{path.name} n'a pas de fichier package/{name}") from None
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is None:
                raise Failed(f"{path.name} : package/{name} n'est pas un fichier ordinaire")
            found[name] = json.load(io.TextIOWrapper(stream, encoding="utf-8"))
    return found


def from_folder(folder: Path) -> dict[str, Any]:
    """The same files from an unpacked package (`npm pack`, then `tar xzf`: its `package/` folder)."""
    found: dict[str, Any] = {}
    for name in ("package.json", *(f"data/{name}" for name in DATA_FILES)):
        try:
            found[name] = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise Failed(f"{folder / name} : {error}") from None
    return found


# -- what is kept ----------------------------------------------------------------------------------


def build(files: dict[str, Any]) -> dict[str, Any]:
    """The content of territories.json, from the package's files."""
    package = files["package.json"]
    if package.get("name") != PACKAGE or package.get("version") != VERSION:
        raise Failed(
            f"le paquet est {package.get('name')} {package.get('version')}, pas {PACKAGE} {VERSION} : "
            "changez VERSION dans tools/territories.py si c'est voulu"
        )
    current = {c["code"]: c for c in files["data/communes.json"] if c["type"] == "commune-actuelle"}
    epcis = [
        e
        for e in files["data/epci.json"]
        if any(current.get(m["code"], {}).get("departement") in DEPARTEMENTS for m in e["membres"])
    ]
    codes = {code for code, c in current.items() if c["departement"] in DEPARTEMENTS}
    for epci in epcis:
        for member in epci["membres"]:
            if member["code"] not in current:
                raise Failed(f"{epci['nom']} : la commune {member['code']} n'est pas une commune actuelle")
            codes.add(member["code"])
    departements = {d["code"]: d["nom"] for d in files["data/departements.json"]}
    others: dict[str, set[str]] = {}
    for entry in files["data/communes.json"]:
        code = entry.get("chefLieu")
        if (
            entry["type"] in OTHER_NAMES
            and code in codes
            and place_key(entry["nom"]) != place_key(current[code]["nom"])
        ):
            others.setdefault(code, set()).add(entry["nom"])
    return {
        "source": f"{PACKAGE} {VERSION}",
        "licence": LICENCE,
        "departements": {current[c]["departement"]: departements[current[c]["departement"]] for c in codes},
        "intercommunalites": {
            e["code"]: {"nom": e["nom"], "communes": sorted(m["code"] for m in e["membres"])} for e in epcis
        },
        "communes": {
            c: {"nom": current[c]["nom"], "departement": current[c]["departement"]}
            | ({"autresNoms": sorted(others[c])} if c in others else {})
            for c in codes
        },
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed, briefly: for each section, how many entries came, went or changed."""
    said = []
    for section in ("source", "licence", "departements", "intercommunalites", "communes"):
        before, after = old.get(section), new.get(section)
        if isinstance(before, dict) and isinstance(after, dict):
            came, went = after.keys() - before.keys(), before.keys() - after.keys()
            changed = [k for k in after.keys() & before.keys() if after[k] != before[k]]
            if came or went or changed:
                said.append(f"{section} : {len(came)} en plus, {len(went)} en moins, {len(changed)} modifiés")
        elif before != after:
            said.append(f"{section} : {before!r} → {after!r}")
    before_names, after_names = _other_names(old), _other_names(new)
    if before_names != after_names:
        more, fewer = len(after_names - before_names), len(before_names - after_names)
        said.append(f"autres noms : {more} en plus, {fewer} en moins")
    return said or ["mise en forme"]


def _other_names(data: dict[str, Any]) -> set[tuple[str, str]]:
    """(commune code, other name) for every other name of the file."""
    communes = data.get("communes")
    if not isinstance(communes, dict):
        return set()
    return {
        (code, name)
        for code, commune in communes.items()
        if isinstance(commune, dict)
        for name in commune.get("autresNoms", ())
    }


# -- the command -----------------------------------------------------------------------------------


def summary(data: dict[str, Any], articles: dict[str, str]) -> list[str]:
    """The other names that stand for nothing (a current commune has the same), then
    `figeac : 92 communes (6 dans l'Aveyron), aucun autre nom` for each office of the collective by
    default."""
    territories = Territories.from_json(data)
    current = {place_key(c.name) for c in territories.communes.values()}
    shadowed = sorted(
        {n for c in territories.communes.values() for n in c.other_names if place_key(n) in current}
    )
    lines = []
    if shadowed:
        lines.append(
            f"{_other_names_count(len(shadowed))} sans effet (une commune actuelle porte le même nom) : "
            + ", ".join(shadowed)
        )
    counts = commune_counts(DEFAULT_INTERCOMMUNALITIES, territories)
    others = other_name_counts(DEFAULT_INTERCOMMUNALITIES, territories)
    for member, by_departement in counts.items():
        away = Counter({d: n for d, n in by_departement.items() if d != HOME})
        where = ", ".join(
            f"{n} dans {articles.get(d, '')}{data['departements'][d]}" for d, n in sorted(away.items())
        )
        total = sum(by_departement.values())
        lines.append(
            f"{member} : {total} communes"
            + (f" ({where})" if where else "")
            + f", {_other_names_count(others[member])}"
        )
    return lines


def _other_names_count(count: int) -> str:
    """`aucun autre nom`, `1 autre nom`, `17 autres noms`."""
    if count == 0:
        return "aucun autre nom"
    return "1 autre nom" if count == 1 else f"{count} autres noms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    parser.add_argument("--from", dest="folder", type=Path, help="an unpacked package folder (no npm)")
    parser.add_argument(
        "--file", type=Path, default=TARGET, help="the file to write or check (default: lotsync's)"
    )
    args = parser.parse_args()
    try:
        files = from_folder(args.folder) if args.folder else from_npm()
        data = build(files)
    except Failed as error:
        print(f"territories.json : {error}", file=sys.stderr)
        return 2
    articles = {d["code"]: ARTICLES.get(d.get("typeLiaison"), "") for d in files["data/departements.json"]}
    text = render(data)
    target: Path = args.file.resolve()
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    counted = (
        f"{len(data['communes'])} communes, {len(data['intercommunalites'])} intercommunalités, "
        f"{len(_other_names(data))} autres noms (communes déléguées ou associées)"
    )
    print(f"{data['source']} : {counted}")
    for line in summary(data, articles):
        print(line)
    if args.check:
        committed = target.read_text(encoding="utf-8") if target.exists() else ""
        if committed == text:
            print(f"{shown} est à jour.")
            return 0
        try:
            old = json.loads(committed)
        except ValueError:
            old = {}
        print(f"{shown} n'est pas à jour : " + " ; ".join(differences(old, data)), file=sys.stderr)
        print("Régénérez-le : .venv/bin/python tools/territories.py", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"{shown} écrit ({len(text.encode()):,} octets).".replace(",", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
