"""Office workbooks of every format, read through calamine: the same sheet as .xlsx, .xlsm, .ods or .xls
gives the same cells, the same anomalies and the same books.

Every workbook here is saved by LibreOffice itself (`soffice --convert-to`) from an .xlsx built
with openpyxl, as staff's spreadsheet programs save them, formulas computed: `=1/0` is a real
`#DIV/0!`. The tests that need LibreOffice are skipped, saying so, where it is not installed.
"""

from __future__ import annotations

import io
import json
import shutil
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lotsync.adapters.backends import SourceError
from lotsync.adapters.backends.xlsx import XlsxBackend, read_workbook_bytes
from lotsync.adapters.config import ConfigError, load_config
from lotsync.app.demo import write_demo
from lotsync.cli.commands import cli
from lotsync.cli.report import books_json
from lotsync.core.cells import FormulaError

from .google.conftest import AS_OF, Demo, demo, uploaded  # noqa: F401 (the emulator's demo fixtures)
from .test_xlsx_reading import compound_file, zip_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)"
)
FORMATS = ("xlsx", "xlsm", "ods", "xls")
FILTERS = {"xlsm": "xlsm:Calc MS Excel 2007 VBA XML"}
"""LibreOffice's name for a format, where the extension alone does not say it (a macro-enabled workbook)."""
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xls": "application/vnd.ms-excel",
}


def saved_by_libreoffice(sources: list[Path], extension: str, out: Path, profile: Path) -> list[Path]:
    """Each workbook opened and saved again by LibreOffice (its formulas computed) in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *(SOFFICE or "soffice", "--headless", f"-env:UserInstallation=file://{profile}"),
            *("--convert-to", FILTERS.get(extension, extension), "--outdir", str(out), *map(str, sources)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [out / f"{source.stem}.{extension}" for source in sources]


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of waiting forever on a damaged file."""

    def interrupt(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- one cell of each type, in each format ------------------------------------------------------

TYPES: list[tuple[str, Any, str | None]] = [
    ("texte", "Autocars du Quercy", None),
    ("texte comme une formule", '=HYPERLINK("http://x")', None),
    ("entier", 450, None),
    ("décimal", 320.5, None),
    ("date", datetime(2026, 3, 10), "DD/MM/YYYY"),
    ("date et heure", datetime(2026, 3, 10, 14, 30), "DD/MM/YYYY HH:MM"),
    ("heure", time(10, 30), "HH:MM"),
    ("durée", timedelta(hours=26, minutes=30), "[HH]:MM:SS"),
    ("durée courte", timedelta(minutes=90), "[HH]:MM:SS"),
    ("booléen", True, None),
    ("vide", None, None),
    ("division par zéro", "=1/0", None),
    ("recherche sans résultat", "=NA()", None),
    ("référence perdue", "=#REF!", None),
    ("valeur d'un mauvais type", '="a"+1', None),
    ("fonction inconnue", "=FONCTIONINCONNUE()", None),
]
"""Column A names the type, column B holds the cell (its number format, if any, third)."""

EXPECTED: dict[str, Any] = {
    "texte": "Autocars du Quercy",
    "texte comme une formule": '=HYPERLINK("http://x")',
    "entier": 450,
    "décimal": 320.5,
    "date": datetime(2026, 3, 10),  # a day is a datetime at midnight, as openpyxl always gave it
    "date et heure": datetime(2026, 3, 10, 14, 30),
    "heure": time(10, 30),
    "durée": timedelta(hours=26, minutes=30),
    "durée courte": timedelta(minutes=90),
    "booléen": True,
    "vide": None,
    "division par zéro": FormulaError("#DIV/0!"),
    "recherche sans résultat": FormulaError("#N/A"),
    "référence perdue": FormulaError("#REF!"),
    "valeur d'un mauvais type": FormulaError("#VALEUR!"),  # as French Excel and LibreOffice show it
    "fonction inconnue": FormulaError("#NOM?"),
}
ODS_DIFFERENCES: dict[str, Any] = {
    "durée courte": time(1, 30),  # OpenDocument has one type for times and durations: under a day, a time
    "booléen": 1,  # LibreOffice keeps a boolean as the number 1 with a "VRAI/FAUX" format
}
FORMULAS = {name for name, value in EXPECTED.items() if isinstance(value, FormulaError)}
"""The cells of `TYPES` that hold a formula (every other text is typed text, even `=…`)."""
TITLE = ["Office de tourisme de Cahors – Vallée du Lot", "Saisie des cellules, une par type"]


def types_workbook(path: Path) -> None:
    """A title block, a blank row, a header, one row per type, then a blank row and a last line."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Types"
    sheet.append([TITLE[0]])
    sheet.append([TITLE[1]])
    sheet.append([])
    sheet.append(["Type", "Cellule"])
    for name, value, number_format in TYPES:
        sheet.append([name])
        cell = sheet.cell(row=sheet.max_row, column=2, value=value)
        if isinstance(value, str) and name not in FORMULAS:
            cell.data_type = "s"  # text, even `=…`
        if number_format:
            cell.number_format = number_format
    sheet.append([])
    sheet.append(["fin", None, None, "D, plus loin"])
    workbook.create_sheet("Autre onglet")["C3"] = "loin"
    workbook.save(path)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The types workbook as LibreOffice saves it in each format."""
    if SOFFICE is None:
        pytest.skip("LibreOffice absent (apt-get install libreoffice-calc-nogui)")
    folder = tmp_path_factory.mktemp("types")
    source = folder / "source" / "types.xlsx"
    source.parent.mkdir()
    types_workbook(source)
    return {
        ext: saved_by_libreoffice([source], ext, folder / ext, folder / "lo-profile")[0].read_bytes()
        for ext in FORMATS
    }


def cells_by_type(data: bytes) -> dict[str, Any]:
    rows = read_workbook_bytes(data, ["Types"])[0]["Types"]
    return {row[0]: row[1] if len(row) > 1 else None for row in rows[4 : 4 + len(TYPES)]}


@needs_libreoffice
@pytest.mark.parametrize("extension", FORMATS)
@pytest.mark.parametrize("name", [name for name, _, _ in TYPES])
def test_each_type_of_cell_reads_as_openpyxl_read_it(
    saved: dict[str, bytes], extension: str, name: str
) -> None:
    expected = ODS_DIFFERENCES.get(name, EXPECTED[name]) if extension == "ods" else EXPECTED[name]

    value = cells_by_type(saved[extension])[name]

    assert value == expected
    assert type(value) is type(expected)


@needs_libreoffice
@pytest.mark.parametrize("extension", FORMATS)
def test_a_tab_keeps_its_title_block_blank_rows_and_columns_from_a1(
    saved: dict[str, bytes], extension: str
) -> None:
    found, names = read_workbook_bytes(saved[extension], ["Types", "Autre onglet", "Absent"])
    rows = found["Types"]

    assert names == ["Types", "Autre onglet"]
    assert [row[0] for row in rows[:4]] == [TITLE[0], TITLE[1], None, "Type"]
    assert all(v is None for v in rows[3 + len(TYPES) + 1])  # the blank row under the table
    assert rows[-1][:4] == ["fin", None, None, "D, plus loin"]
    assert found["Autre onglet"] == [[None, None, None], [None, None, None], [None, None, "loin"]]


# -- the same books, whatever the format of the offices' sheets -----------------------------------

ERRORS = [  # (workbook, tab, row, column letter): formula, what the cell shows, its column's header
    ("cahors", "Dossiers", 3, "I", "=1/0", "#DIV/0!", "Montant TTC"),
    ("cahors", "Dossiers", 5, "B", "=NA()", "#N/A", "Client"),
    ("cahors", "Dossiers", 7, "A", "=#REF!", "#REF!", "Référence"),
    ("cahors", "Dossiers", 9, "M", '="a"+1', "#VALEUR!", "Réf. partenaire"),
    ("cahors", "Dossiers", 11, "E", "=FONCTIONINCONNUE()", "#NOM?", "Date"),
    ("collectif", "Dépenses communes", 3, "C", "=1/0", "#DIV/0!", "Montant"),
    ("collectif", "Règlements", 2, "E", "=NA()", "#N/A", "Références"),
]


def sync_json(config: Path) -> dict[str, Any]:
    """`lotsync sync --dry-run --format json`, without what differs from one run to the next."""
    result = CliRunner().invoke(
        cli, ["sync", "--dry-run", "--format", "json", "--config", str(config), "--as-of", "2026-11-26"]
    )
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    report.pop("seconds")
    return report


def without_extensions(node: Any, extension: str) -> Any:
    """A report with the office sheets' file names as if they were .xlsx."""
    if isinstance(node, dict):
        return {k: without_extensions(v, extension) for k, v in node.items()}
    if isinstance(node, list):
        return [without_extensions(v, extension) for v in node]
    if isinstance(node, str) and node.endswith(f".{extension}"):
        return node.removesuffix(f".{extension}") + ".xlsx"
    return node


@needs_libreoffice
def test_the_demo_offices_as_xlsx_ods_or_xls_give_the_same_json(tmp_path: Path) -> None:
    """Every office's sheet saved by LibreOffice in each format, with formulas that fail in Cahors'
    sheet and in the shared workbook's input tabs: the same books, the same anomalies."""
    from openpyxl import load_workbook

    config = write_demo(tmp_path / "demo")
    for book in ("cahors", "collectif"):
        workbook = load_workbook(config.parent / f"{book}.xlsx")
        for _, tab, row, column, formula, _, _ in (e for e in ERRORS if e[0] == book):
            workbook[tab][f"{column}{row}"] = formula
        workbook.save(config.parent / f"{book}.xlsx")
    offices = [config.parent / f"{office}.xlsx" for office in ("cahors", "dordogne", "figeac")]
    [shared] = saved_by_libreoffice(
        [config.parent / "collectif.xlsx"], "xlsx", tmp_path / "shared", tmp_path / "lo"
    )
    text = config.read_text(encoding="utf-8")
    reports = {}
    for extension in FORMATS:
        saved_by_libreoffice(offices, extension, tmp_path / extension, tmp_path / "lo")
        shutil.copy(shared, tmp_path / extension / "collectif.xlsx")
        copy = tmp_path / extension / "lotsync.toml"
        copy.write_text(
            text.replace('.xlsx"', f'.{extension}"').replace(f"collectif.{extension}", "collectif.xlsx"),
            encoding="utf-8",
        )
        reports[extension] = without_extensions(sync_json(copy), extension)

    for extension in FORMATS:
        assert reports[extension] == reports["xlsx"], extension
    wanted = {(f"{book}.xlsx", tab, row) for book, tab, row, *_ in ERRORS}
    shown = [a for a in reports["ods"]["anomalies"] if (a["spreadsheet"], a["tab"], a["row"]) in wanted]
    assert [(a["tab"], a["kind"], a["row"], a["column"], a["value"]) for a in shown] == [
        (tab, "missing_value", row, header, value) for _, tab, row, _, _, value, header in ERRORS
    ]
    assert shown[0]["message"] == (
        "La colonne « Montant TTC » affiche « #DIV/0! », une erreur de formule, au lieu d'une valeur : "
        "corrigez la formule ou tapez la valeur. Cette ligne est ignorée tant qu'elle n'est pas corrigée."
    )


@needs_libreoffice
def test_the_demo_offices_saved_by_libreoffice_give_the_books_openpyxl_gave(tmp_path: Path) -> None:
    config = write_demo(tmp_path / "demo")
    offices = [config.parent / f"{office}.xlsx" for office in ("cahors", "dordogne", "figeac")]
    before = sync_json(config)
    saved_by_libreoffice(offices, "ods", tmp_path / "ods", tmp_path / "lo-profile")
    copy = config.parent / "lotsync-ods.toml"
    text = config.read_text(encoding="utf-8")
    for office in ("cahors", "dordogne", "figeac"):
        text = text.replace(f'"{office}.xlsx"', f'"{tmp_path}/ods/{office}.ods"')
    copy.write_text(text, encoding="utf-8")

    after = sync_json(copy)

    assert without_extensions(json.loads(json.dumps(after).replace(f"{tmp_path}/ods/", "")), "ods") == before


@needs_libreoffice
@pytest.mark.parametrize("extension", ["ods", "xls"])
def test_an_ods_or_xls_sheet_on_drive_gives_the_books_of_the_xlsx(demo: Demo, extension: str) -> None:  # noqa: F811
    from googleapiclient.http import MediaInMemoryUpload

    figeac = demo.directory / "figeac.xlsx"
    [converted] = saved_by_libreoffice([figeac], extension, demo.directory / extension, demo.directory / "lo")
    media = MediaInMemoryUpload(converted.read_bytes(), mimetype=MIME[extension])
    created = (
        demo.drive().files().create(body={"name": converted.name}, media_body=media, fields="id").execute()
    )
    as_xlsx = demo.sync(demo.with_sources(figeac=f"drive:{demo.upload_excel('figeac.xlsx')}"))

    outcome = demo.sync(demo.with_sources(figeac=f"drive:{created['id']}"))

    assert outcome.error is None and outcome.written
    assert without_extensions(books_json(outcome.books), extension) == books_json(as_xlsx.books)
    with demo.google.store.lock:
        assert demo.google.store.files[created["id"]].content == converted.read_bytes(), "never written"


# -- what lotsync refuses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extension", "kind"),
    [("ods", "classeur LibreOffice (.ods)"), ("xls", "ancien classeur Excel 97-2003 (.xls)")],
)
def test_a_shared_workbook_in_ods_or_xls_is_refused_at_load(books: Path, extension: str, kind: str) -> None:
    text = books.read_text(encoding="utf-8").replace(
        'source = "collectif.xlsx"', f'source = "collectif.{extension}"'
    )
    books.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load_config(books)

    message = str(raised.value)
    assert f"shared.source : le classeur partagé est un {kind}, où lotsync ne sait pas écrire" in message
    assert "LibreOffice : Fichier > Enregistrer sous > Classeur Excel 2007-365" in message
    result = CliRunner().invoke(cli, ["sync", "--config", str(books), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output


@needs_libreoffice
@pytest.mark.parametrize(
    ("extension", "kind"),
    [("ods", "classeur LibreOffice (.ods)"), ("xls", "ancien classeur Excel 97-2003 (.xls)")],
)
def test_a_shared_workbook_saved_as_ods_or_xls_under_its_xlsx_name_is_named_at_write(
    books: Path, tmp_path: Path, extension: str, kind: str
) -> None:
    """Its name passes the configuration and its bytes read (calamine reads by content): the write
    says what the file is, not that it is damaged, and leaves it as it was."""
    shared = books.parent / "collectif.xlsx"
    [converted] = saved_by_libreoffice([shared], extension, tmp_path / extension, tmp_path / "lo-profile")
    shared.write_bytes(converted.read_bytes())
    args = ["sync", "--config", str(books), "--as-of", AS_OF.isoformat()]

    assert CliRunner().invoke(cli, [*args, "--dry-run"]).exit_code == 0, "read, computed"
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 1, result.output
    assert f"malgré son nom, ce fichier est un {kind}, où lotsync ne sait pas écrire" in result.output
    assert "abîmé" not in result.output
    assert shared.read_bytes() == converted.read_bytes()


def biff_stream(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", kind, len(body)) + body for kind, body in records)


BOF_GLOBALS = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
EOF = (0x000A, b"")


def test_a_password_protected_xls_is_named_so(tmp_path: Path) -> None:
    filepass = (0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))  # RC4, as Excel writes it
    path = tmp_path / "cahors.xls"
    path.write_bytes(compound_file({"Workbook": biff_stream(BOF_GLOBALS, filepass, EOF)}))

    with pytest.raises(SourceError, match="protégé par un mot de passe"):
        XlsxBackend().read(str(path), ["Dossiers"])


def test_a_password_protected_ods_is_named_so(tmp_path: Path) -> None:
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        "</manifest:file-entry></manifest:manifest>"
    )
    path = tmp_path / "cahors.ods"
    path.write_bytes(
        zip_of(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": bytes(range(256)),
                "META-INF/manifest.xml": manifest,
            }
        )
    )

    with pytest.raises(SourceError, match="protégé par un mot de passe"):
        XlsxBackend().read(str(path), ["Dossiers"])


def test_a_word_document_named_xls_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xls"
    path.write_bytes(compound_file({"WordDocument": b"\xec\xa5" + bytes(500)}))

    with pytest.raises(SourceError) as raised:
        XlsxBackend().read(str(path), ["Dossiers"])

    assert str(raised.value) == (
        "Impossible de lire ce classeur : c'est un fichier Office (Word, PowerPoint…) qui ne contient "
        "pas de classeur : vérifiez le chemin dans la configuration."
    )


# -- damaged .ods and .xls files: rows or a French reason, nothing else ----------------------------


@needs_libreoffice
@pytest.mark.parametrize("extension", ["ods", "xls"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_ods_or_xls_gives_rows_or_a_french_reason(
    saved: dict[str, bytes], extension: str, data: Any
) -> None:
    whole = bytearray(saved[extension])
    if data.draw(st.booleans()):
        damaged = bytes(whole[: data.draw(st.integers(0, len(whole) - 1))])
    else:
        for where, mask in data.draw(
            st.lists(st.tuples(st.integers(0, len(whole) - 1), st.integers(1, 255)), min_size=1, max_size=8)
        ):
            whole[where] ^= mask
        damaged = bytes(whole)
    try:
        with within(20):
            found, _ = read_workbook_bytes(damaged, ["Types"])
    except SourceError as error:
        message = str(error)
        assert message.startswith("Impossible de lire ce classeur : "), message
        assert "Error" not in message and "Traceback" not in message
    else:
        assert all(isinstance(row, list) for row in found.get("Types", []))


# -- what calamine alone would not survive ------------------------------------------------------


def read_in_a_child(path: Path, *tabs: str) -> str:
    """What `XlsxBackend.read` gives in a process of its own (a regression could abort it, or hang):
    the tabs' rows, or the French reason."""
    program = (
        "import sys\n"
        "from lotsync.adapters.backends import SourceError\n"
        "from lotsync.adapters.backends.xlsx import XlsxBackend\n"
        "try:\n"
        "    print(repr(XlsxBackend().read(sys.argv[1], sys.argv[2:]).tabs))\n"
        "except SourceError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(path), *tabs], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_value_typed_in_the_last_cell_of_a_sheet_is_refused_not_a_crash(tmp_path: Path) -> None:
    """calamine builds a tab as one grid from its first to its last cell: 17 billion cells here,
    and the whole process would abort on the memory it asks for."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet["A1"], sheet["XFD1048576"] = "Référence", "tapé par erreur"
    path = tmp_path / "cahors.xlsx"
    workbook.save(path)

    assert read_in_a_child(path, "Dossiers") == (
        "Impossible de lire ce classeur : l'onglet « Dossiers » s'étend jusqu'à la cellule XFD1048576, "
        "soit 17\u202f179\u202f869\u202f184 cellules depuis A1, plus que les 20\u202f000\u202f000 que "
        "lotsync accepte : supprimez les lignes et les colonnes vides au-delà du tableau (ou ce qui a "
        "été saisi par erreur tout en bas ou tout à droite), puis enregistrez."
    )


def with_a_cell_past_its_dimension(tmp_path: Path, reference: str, attribute: str = 'r="{}"') -> Path:
    """A two-cell `Dossiers` tab whose XML says `A1:B2` and holds one more cell at `reference`, the
    way a tool other than Excel (or someone meaning harm) can write it."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet["A1"], sheet["B2"] = "Référence", "C-001"
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    row = "".join(ch for ch in reference if ch.isdigit())
    cell = attribute.format(reference)
    extra = f'<row r="{row}"><c {cell} t="inlineStr"><is><t>loin</t></is></c></row>'
    path = tmp_path / "cahors.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B2" />' in data
                data = data.replace(b"</sheetData>", extra.encode() + b"</sheetData>")
            out.writestr(info, data)
    return path


@pytest.mark.parametrize("attribute", ['r="{}"', "r='{}'", 'r = "{}"'])
def test_a_cell_far_past_the_dimension_its_sheet_gives_is_refused_not_a_crash(
    tmp_path: Path, attribute: str
) -> None:
    """Trusting `A1:B2`, calamine would size its grid from the cell in XFD1048576 (17 billion cells)
    and abort the process: the cells are looked at before calamine reads (in either quotes, with
    spaces around `=`, as XML allows)."""
    path = with_a_cell_past_its_dimension(tmp_path, "XFD1048576", attribute)

    assert read_in_a_child(path, "Dossiers").startswith(
        "Impossible de lire ce classeur : l'onglet « Dossiers » s'étend jusqu'à la cellule XFD1048576, "
    )


def test_a_sheet_without_a_dimension_and_a_far_cell_out_of_order_is_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """Without a dimension, a tab is measured by the last cell of each row; a cell in XFD1048576
    written first in its row (out of order, as Excel never writes) is found all the same."""
    path = with_a_cell_past_its_dimension(tmp_path, "XFD1048576")
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2" />', b"")
                far = b'<c r="XFD1048576" t="inlineStr"><is><t>loin</t></is></c>'
                data = data.replace(far, far + b'<c r="A1048576" t="inlineStr"><is><t>ici</t></is></c>')
            out.writestr(info, data)

    assert read_in_a_child(moved, "Dossiers").startswith(
        "Impossible de lire ce classeur : l'onglet « Dossiers » s'étend jusqu'à la cellule XFD1048576, "
    )


@pytest.mark.parametrize("reference", ["ZZZZZ9", "A" + "9" * 5000])
def test_a_reference_past_any_sheet_is_refused_not_a_crash(tmp_path: Path, reference: str) -> None:
    message = read_in_a_child(with_a_cell_past_its_dimension(tmp_path, reference), "Dossiers")

    assert message.startswith("Impossible de lire ce classeur : "), message[:300]


def test_a_cell_just_past_the_dimension_is_read_with_the_others(tmp_path: Path) -> None:
    rows = read_in_a_child(with_a_cell_past_its_dimension(tmp_path, "C5"), "Dossiers")

    assert "'loin'" in rows and "'C-001'" in rows


def xls_workbook(rows_claimed: int) -> bytes:
    """An .xls with one tab, `Dossiers`: 450 in C2, `=1/0` (#DIV/0!) in B3, and a DIMENSIONS record
    claiming `rows_claimed` rows (Excel writes the real count; calamine reserves memory from it)."""
    name = b"Dossiers"
    bof_sheet = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))

    def globals_(offset: int) -> bytes:
        boundsheet = (0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name)
        return biff_stream(BOF_GLOBALS, boundsheet, EOF)

    sheet = biff_stream(
        bof_sheet,
        (0x0200, struct.pack("<IIHHH", 0, rows_claimed, 0, 3, 0)),  # DIMENSIONS
        (0x0203, struct.pack("<HHHd", 1, 2, 0, 450.0)),  # NUMBER
        (0x0006, struct.pack("<HHH8sHIH", 2, 1, 0, bytes([2, 0, 7, 0, 0, 0, 255, 255]), 0, 0, 0)),  # FORMULA
        EOF,
    )
    return compound_file({"Workbook": globals_(len(globals_(0))) + sheet})


def test_an_xls_whose_dimensions_claim_four_billion_rows_is_read_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xls"
    path.write_bytes(xls_workbook(rows_claimed=0xFFFFFFF0))

    assert read_in_a_child(path, "Dossiers") == (
        "{'Dossiers': [[None, None, None], [None, None, 450], [None, FormulaError('#DIV/0!'), None]]}"
    )


@needs_libreoffice
def test_an_ods_cut_short_after_a_row_is_damaged_not_a_hang(saved: dict[str, bytes], tmp_path: Path) -> None:
    """calamine reads a tab until its end tag: on a content.xml that stops, well formed, after a row,
    it would wait for it forever."""
    source = zipfile.ZipFile(io.BytesIO(saved["ods"]))
    content = source.read("content.xml")
    cut = content.index(b"</table:table-row>", len(content) // 3) + len(b"</table:table-row>")
    path = tmp_path / "cahors.ods"
    path.write_bytes(
        zip_of({n: content[:cut] if n == "content.xml" else source.read(n) for n in source.namelist()})
    )

    assert read_in_a_child(path, "Types") == (
        "Impossible de lire ce classeur : le fichier est abîmé (contenu XML illisible) : rouvrez-le dans "
        "Excel ou LibreOffice et enregistrez-le de nouveau, ou reprenez une sauvegarde."
    )
