"""Reading a local workbook: whatever the path points to, a sync gets rows or a French reason.

`XlsxBackend.read` refuses what is not a regular file before anything can block (a FIFO waits
for a writer forever), and `read_workbook_bytes` (also used for Excel files on Drive) reads .xlsx,
.xlsm, .ods and .xls, and says what a file is when it is none of them (a CSV, an .xlsb, an
encrypted workbook…) or what is damaged in it. All on real files, FIFOs, sockets and symbolic
links in a temporary folder. (`test_calamine.py` reads every format, cell type by cell type.)
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lotsync.adapters.backends import ReadBook, SourceError, WriteError
from lotsync.adapters.backends import xlsx as xlsx_module
from lotsync.adapters.backends.xlsx import XlsxBackend, read_workbook_bytes
from lotsync.cli.commands import cli
from lotsync.tabs.owned import write_plan

SHEET = "xl/worksheets/sheet1.xml"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class Hang(BaseException):
    """Raised by `within` (a BaseException, so that no `except Exception` can swallow it)."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of waiting forever: a read that blocks is interrupted by SIGALRM."""

    def interrupt(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def workbook_bytes() -> bytes:
    """A small real workbook: a `Dossiers` tab, a header and two rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet.append(["Référence", "Montant", "Date"])
    sheet.append(["C-001", 450, datetime(2026, 3, 10)])
    sheet.append(["C-002", 320.5, datetime(2026, 4, 12)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, changes: dict[str, Callable[[str], str]]) -> bytes:
    """The same zip with some members' text changed (and members added when absent)."""
    out = io.BytesIO()
    changes = dict(changes)
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            content = source.read(name)
            if name in changes:
                content = changes.pop(name)(content.decode("utf-8")).encode("utf-8")
            target.writestr(name, content)
        for name, change in changes.items():
            target.writestr(name, change(""))
    return out.getvalue()


def zip_of(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file, the container of an old .xls and of a password-protected .xlsx.

    Version 3, 512-byte sectors: sector 0 holds the FAT, sector 1 the directory, then each stream
    (padded with zeros to 4096 bytes at least, so that it lives in ordinary sectors, not in the
    mini stream).
    """
    free, end, fat_sector, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order siblings are kept in
    fat, starts, bodies = [fat_sector, end], [], []
    for name in names:
        body = streams[name].ljust(max(4096, -(-len(streams[name]) // 512) * 512), b"\0")
        starts.append(len(fat))
        count = len(body) // 512
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
        bodies.append(body)
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, right: int = none, child: int = none) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", none, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end, 0, child=1)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else none
        directory += entry(name, 2, starts[index - 1], len(bodies[index - 1]), right=right)
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *[free] * 108)
    )
    return header + struct.pack("<128I", *fat) + directory + b"".join(bodies)


def read(path: Path, tabs: tuple[str, ...] = ("Dossiers",)) -> ReadBook:
    with within(10):
        return XlsxBackend().read(str(path), list(tabs))


def refusal(path: Path) -> str:
    """The French message a read of `path` fails with."""
    with pytest.raises(SourceError) as caught:
        read(path)
    message = str(caught.value)
    assert "Traceback" not in message
    return message


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(workbook_bytes())
    return path


# -- what the path points to ------------------------------------------------------


def test_a_regular_workbook_is_read(good: Path) -> None:
    book = read(good)

    assert book.name == "cahors.xlsx"
    assert book.tab_names == ["Dossiers"]
    assert book.tabs["Dossiers"][1] == ["C-001", 450, datetime(2026, 3, 10)]


def test_a_symbolic_link_to_a_workbook_is_read_under_the_link_s_name(good: Path, tmp_path: Path) -> None:
    link = tmp_path / "lien.xlsx"
    link.symlink_to(good)

    book = read(link)

    assert book.name == "lien.xlsx"
    assert book.tabs["Dossiers"][2][0] == "C-002"


def test_a_fifo_is_refused_at_once_even_with_no_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "cahors.xlsx"
    os.mkfifo(fifo)  # opening it for reading the usual way waits for a writer forever

    message = refusal(fifo)

    assert message == (
        f"Impossible d'ouvrir ce classeur : {fifo} est un tube nommé (FIFO), pas un fichier. "
        "Vérifiez le chemin dans la configuration."
    )


def test_a_symbolic_link_to_a_fifo_is_refused_too(tmp_path: Path) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    link = tmp_path / "cahors.xlsx"
    link.symlink_to(fifo)

    assert "est un tube nommé (FIFO)" in refusal(link)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cahors.xlsx"
    folder.mkdir()

    assert f"{folder} est un dossier, pas un fichier" in refusal(folder)


def test_a_device_is_refused_without_reading_it() -> None:
    assert "/dev/zero est un périphérique, pas un fichier" in refusal(Path("/dev/zero"))  # it never ends


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        assert f"{path} est une socket, pas un fichier" in refusal(path)
    finally:
        server.close()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"

    assert refusal(path) == (
        f"Impossible d'ouvrir ce classeur : le fichier n'existe pas ({path}). "
        "Vérifiez le chemin dans la configuration."
    )


def test_a_dangling_symbolic_link_says_where_it_points(tmp_path: Path) -> None:
    link = tmp_path / "cahors.xlsx"
    link.symlink_to(tmp_path / "ancien" / "cahors.xlsx")

    assert f"le lien symbolique {link} pointe vers {tmp_path}/ancien/cahors.xlsx, qui n'existe pas" in (
        refusal(link)
    )


def test_a_symbolic_link_loop_is_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "cahors.xlsx", tmp_path / "autre.xlsx"
    first.symlink_to(second)
    second.symlink_to(first)

    assert f"lien symbolique en boucle ({first})" in refusal(first)


def test_a_path_through_a_file_is_refused(good: Path) -> None:
    path = good / "Dossiers.xlsx"

    assert f"un élément du chemin n'est pas un dossier ({path})" in refusal(path)


def test_a_path_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    assert "contient un caractère nul" in refusal(tmp_path / "cahors\0.xlsx")


@pytest.mark.skipif(AS_ROOT, reason="root reads any file whatever its permissions")
def test_a_file_that_may_not_be_read_is_refused(good: Path) -> None:
    good.chmod(0)
    try:
        assert f"permission refusée ({good})" in refusal(good)
    finally:
        good.chmod(0o644)


def test_a_file_larger_than_any_workbook_is_refused_before_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "cahors.xlsx"
    with huge.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: it takes no room, but reading it would

    assert f"le fichier {huge} fait 300 Mo, plus que les 200 Mo que lotsync accepte" in refusal(huge)


def test_messages_never_carry_the_system_s_english() -> None:
    for path in (Path("/dev/zero"), Path("/nonexistent/cahors.xlsx"), Path("/etc/passwd/x.xlsx")):
        message = refusal(path)
        for english in ("No such file", "Not a directory", "Is a directory", "Errno"):
            assert english not in message, message


# -- what the file is -------------------------------------------------------------


def test_a_csv_file_named_xlsx_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_text("Référence;Client;Montant\nC-001;Autocars du Quercy;450,00\n", encoding="utf-8")

    assert refusal(path) == (
        "Impossible de lire ce classeur : c'est un fichier CSV (du texte) nommé comme un classeur : "
        "ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format Classeur Excel (.xlsx)."
    )


def test_a_csv_file_in_windows_1252_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes("Référence;Montant\nC-001;450\n".encode("cp1252"))

    assert "c'est un fichier CSV" in refusal(path)


def test_a_text_file_named_xlsx_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_text("Ceci n'est pas un classeur.", encoding="utf-8")

    assert "c'est un fichier texte, pas un classeur" in refusal(path)


def test_an_ods_file_without_its_tabs_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"  # recognised by what it holds, whatever its name
    path.write_bytes(
        zip_of(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                'xmlns:office:1.0"/>',
                "META-INF/manifest.xml": "<manifest/>",
            }
        )
    )

    assert refusal(path) == (
        "Impossible de lire ce classeur : le fichier est abîmé (une partie du classeur manque) : "
        "rouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau, ou reprenez une sauvegarde."
    )


def test_an_old_xls_file_whose_records_are_cut_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"  # its first record, BOF, says 0 bytes: calamine would panic on it
    path.write_bytes(compound_file({"Workbook": b"\x09\x08" + bytes(200)}))

    assert refusal(path) == (
        "Impossible de lire ce classeur : le fichier est abîmé (sa structure interne est illisible) : "
        "rouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau, ou reprenez une sauvegarde."
    )


def test_a_password_protected_xlsx_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"  # how Excel stores an encrypted .xlsx: not a zip, a compound file
    path.write_bytes(
        compound_file({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(100), "EncryptedPackage": bytes(900)})
    )

    message = refusal(path)

    assert "protégé par un mot de passe" in message
    assert "Chiffrer avec mot de passe" in message


def test_an_empty_file_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(b"")

    assert "le fichier est vide (0 octet)" in refusal(path)


def test_a_zip_that_is_not_a_workbook_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(zip_of({"photos/eductour.jpg": b"\xff\xd8\xff", "lisez-moi.txt": "bonjour"}))

    assert "c'est une archive zip qui ne contient pas de classeur Excel" in refusal(path)


def test_an_xlsb_workbook_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": b"\x83\x01\x00"}))

    assert "Excel binaire (.xlsb)" in refusal(path)


def test_binary_rubbish_is_not_a_valid_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(bytes(range(256)) * 8)

    assert refusal(path) == "Impossible de lire ce classeur : ce n'est pas un classeur .xlsx valide."


# -- what is damaged in it ----------------------------------------------------------


def test_a_truncated_workbook_is_a_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(workbook_bytes()[:3000])  # a copy cut short

    assert "le fichier est abîmé (archive zip incomplète ou corrompue" in refusal(path)


def test_a_truncated_sheet_names_the_tab_and_the_last_row_read(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"

    def cut(xml: str) -> str:
        return xml[: xml.index("C-002")]

    path.write_bytes(rewrite(workbook_bytes(), {SHEET: cut}))

    assert refusal(path) == (
        "Impossible de lire ce classeur : l'onglet « Dossiers » est abîmé (contenu XML illisible, "
        "après la ligne 2) : ouvrez le classeur dans Excel ou LibreOffice, vérifiez cet onglet et "
        "enregistrez-le de nouveau."
    )


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ('<c r="B2" t="n"><v>abc</v></c>', "une cellule est illisible"),
        ('<c r="B2" t="b"><v>peut-être</v></c>', "une cellule est illisible"),
        ('<c r="B2" t="s"><v>7</v></c>', "une cellule renvoie à un texte partagé qui n'existe pas"),
        ('<c r="!!" t="n"><v>1</v></c>', "une cellule est illisible"),
    ],
    ids=["text-in-number", "boolean", "shared-string", "reference"],
)
def test_a_cell_no_reader_can_read_names_the_tab(tmp_path: Path, cell: str, problem: str) -> None:
    """calamine stops at the cell without saying where; openpyxl, asked then, names the row."""
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(rewrite(workbook_bytes(), {SHEET: lambda xml: xml.replace(_cell(xml, "B2"), cell)}))

    assert f"l'onglet « Dossiers » est abîmé ({problem}, après la ligne 1)" in refusal(path)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ('<c r="B2" t="n"><v>NaN</v></c>', "nan"),
        ('<c r="B2" t="d"><v>hier</v></c>', "hier"),
        ('<c r="B2" t="n"><v>' + "9" * 5000 + "</v></c>", "inf"),
    ],
    ids=["nan", "date", "5000-digits"],
)
def test_a_cell_openpyxl_refused_reaches_the_core_which_refuses_it_alone(
    tmp_path: Path, cell: str, value: str
) -> None:
    """openpyxl refused the whole tab for these; calamine reads them, and the amount parser refuses
    the one cell (an anomaly naming it, the rest of the tab read)."""
    from lotsync.core.cells import CellError, as_text, parse_amount

    path = tmp_path / "cahors.xlsx"
    path.write_bytes(rewrite(workbook_bytes(), {SHEET: lambda xml: xml.replace(_cell(xml, "B2"), cell)}))

    rows = read(path).tabs["Dossiers"]

    assert as_text(rows[1][1]) == value
    assert rows[2] == ["C-002", 320.5, datetime(2026, 4, 12)]
    with pytest.raises(CellError):
        parse_amount(rows[1][1])


@pytest.mark.parametrize(("text", "value"), [("1e999", float("inf")), ("-1e999", float("-inf"))])
def test_a_number_beyond_floats_comes_through_as_infinity_for_the_cell_parsers(
    tmp_path: Path, text: str, value: float
) -> None:
    path = tmp_path / "cahors.xlsx"
    cell = f'<c r="B2" t="n"><v>{text}</v></c>'
    path.write_bytes(rewrite(workbook_bytes(), {SHEET: lambda xml: xml.replace(_cell(xml, "B2"), cell)}))

    assert read(path).tabs["Dossiers"][1][1] == value


def test_a_damaged_part_outside_the_sheets_says_the_file_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(rewrite(workbook_bytes(), {"xl/styles.xml": lambda xml: xml[: len(xml) // 2]}))

    assert refusal(path).startswith(
        "Impossible de lire ce classeur : le fichier est abîmé (contenu XML illisible)"
    )


def test_a_type_error_inside_openpyxl_is_a_damaged_file_not_a_bug(tmp_path: Path) -> None:
    def size_in_words(styles: str) -> str:  # openpyxl raises TypeError("expected <class 'float'>")
        return styles.replace('<sz val="11"', '<sz val="onze"')

    def bad_boolean(xml: str) -> str:  # what makes calamine give up, and openpyxl look
        return xml.replace(_cell(xml, "B2"), '<c r="B2" t="b"><v>peut-être</v></c>')

    path = tmp_path / "cahors.xlsx"
    path.write_bytes(rewrite(workbook_bytes(), {"xl/styles.xml": size_in_words, SHEET: bad_boolean}))

    assert "le fichier est abîmé (une valeur est illisible)" in refusal(path)
    path.write_bytes(rewrite(workbook_bytes(), {"xl/styles.xml": size_in_words}))
    assert read(path).tabs["Dossiers"][1] == ["C-001", 450, datetime(2026, 3, 10)]  # calamine needs no fonts


def test_a_workbook_whose_only_sheet_is_missing_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cahors.xlsx"
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as source:
        path.write_bytes(zip_of({n: source.read(n) for n in source.namelist() if n != SHEET}))

    assert refusal(path) == (
        "Impossible de lire ce classeur : le fichier est abîmé (une partie du classeur manque) : "
        "rouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau, ou reprenez une sauvegarde."
    )


def test_a_workbook_too_big_once_unzipped_is_refused_before_openpyxl_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_UNPACKED_BYTES", 2048)  # the real limit is 1 GiB
    path = tmp_path / "cahors.xlsx"
    path.write_bytes(workbook_bytes())

    assert "une fois décompressé, il ferait" in refusal(path)


def test_a_chart_sheet_with_a_tab_s_name_has_no_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart

    workbook = Workbook()
    workbook.active.title = "Données"
    chart = workbook.create_chartsheet("Dossiers")
    chart.add_chart(BarChart())
    path = tmp_path / "cahors.xlsx"
    workbook.save(path)

    book = read(path)

    assert book.tab_names == ["Données", "Dossiers"]
    assert book.tabs["Dossiers"] == []


# -- the same for bytes from Drive, and what still shows -------------------------------


def test_bytes_from_drive_get_the_same_french_reasons() -> None:
    with pytest.raises(SourceError, match="c'est un fichier CSV"):
        read_workbook_bytes(b"Ref;Client\nC-1;Bob\n", ["Dossiers"])
    with pytest.raises(SourceError, match="archive zip incomplète"):
        read_workbook_bytes(workbook_bytes()[:-100], ["Dossiers"])


def test_a_bug_in_lotsync_still_shows_as_a_bug() -> None:
    with pytest.raises(TypeError):
        read_workbook_bytes(workbook_bytes(), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        read_workbook_bytes("PK not bytes", ["Dossiers"])  # type: ignore[arg-type]


def test_corrupt_files_leave_nothing_on_stderr(tmp_path: Path) -> None:
    """No traceback, no `Exception ignored in: <function ZipFile.__del__>`, no ResourceWarning:
    every archive is closed (run with -X dev, which shows unclosed resources)."""
    data = workbook_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # where the sheet's compressed bytes begin
        info = archive.getinfo(SHEET)
        at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    corrupt = {
        "truncated.xlsx": data[: len(data) // 2],
        "flipped.xlsx": data[:at] + bytes(b ^ 0xFF for b in data[at : at + 60]) + data[at + 60 :],
        "sheet.xlsx": rewrite(data, {SHEET: lambda xml: xml[: len(xml) // 2]}),
        "cell.xlsx": rewrite(
            data, {SHEET: lambda xml: xml.replace(_cell(xml, "B2"), '<c r="B2" t="b"><v>x</v></c>')}
        ),
        "styles.xlsx": rewrite(data, {"xl/styles.xml": lambda xml: xml[:100]}),
        "workbook.xlsx": rewrite(data, {"xl/workbook.xml": lambda xml: "<workbook/>"}),
    }
    for name, content in corrupt.items():
        (tmp_path / name).write_bytes(content)
    program = (
        "import sys\n"
        "from lotsync.adapters.backends import SourceError\n"
        "from lotsync.adapters.backends.xlsx import XlsxBackend\n"
        "errors = []\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        XlsxBackend().read(path, ['Dossiers'])\n"
        "    except SourceError as error:\n"
        "        errors.append(error)\n"  # kept until exit, as a sync keeps them in its anomalies
        "print(len(errors))\n"
    )

    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", program, *sorted(str(tmp_path / n) for n in corrupt)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.stderr == ""
    assert done.stdout.strip() == str(len(corrupt))


# -- through a sync and a write ------------------------------------------------------


def test_a_fifo_in_place_of_an_office_becomes_an_anomaly_and_the_sync_still_writes(books: Path) -> None:
    import json

    office = books.parent / "offices" / "cahors.xlsx"
    office.unlink()
    os.mkfifo(office)

    with within(60):
        result = CliRunner().invoke(
            cli, ["sync", "--config", str(books), "--as-of", "2026-06-30", "--format", "json"]
        )

    report = json.loads(result.stdout)
    assert report["written"] is True
    [problem] = [a for a in report["anomalies"] if a["kind"] == "source_unreadable"]
    assert f"{office} est un tube nommé (FIFO), pas un fichier" in problem["message"]


def test_a_workbook_swapped_for_a_fifo_before_the_write_is_refused_without_hanging(
    config: Any, shared: Path
) -> None:
    from lotsync.app.sync import run_sync
    from lotsync.tabs.results import OWNED_TABS, JournalLine, Quantity

    now = datetime(2026, 6, 30, 9, 0)
    tabs = run_sync(config, as_of=now.date(), now=now, dry_run=True).tabs
    backend = XlsxBackend()
    book = backend.read(str(shared), ["Dépenses communes", *OWNED_TABS])
    shared.unlink()
    os.mkfifo(shared)
    journal = JournalLine(now, "réussie", now.date(), 4, 14, 4, 4, "", Quantity("0.10"), "")

    with within(10), pytest.raises(WriteError) as caught:
        backend.write(book, write_plan(book.tabs, tabs), journal, now)

    assert str(caught.value) == (
        f"Écriture impossible dans collectif.xlsx : {shared} est un tube nommé (FIFO), pas un fichier. "
        "Rien n'a été écrit."
    )


# -- files saved by LibreOffice itself --------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")
@pytest.mark.parametrize("extension", ["ods", "xls"])
def test_files_saved_by_libreoffice_as_ods_or_xls_are_read_like_the_xlsx(
    tmp_path: Path, extension: str
) -> None:
    source = tmp_path / "cahors.xlsx"
    source.write_bytes(workbook_bytes())
    profile, out = f"-env:UserInstallation=file://{tmp_path}/lo-profile", tmp_path / "out"
    subprocess.run(
        [SOFFICE, "--headless", profile, "--convert-to", extension, "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / f"cahors.{extension}"
    rows = read(source).tabs["Dossiers"]

    assert read(saved).tabs["Dossiers"] == rows
    assert read(saved.rename(tmp_path / "renommé.xlsx")).tabs["Dossiers"] == rows  # whatever its name


def _cell(xml: str, reference: str) -> str:
    """The `<c r="B2" …>…</c>` element of a cell in a sheet's XML."""
    start = xml.index(f'<c r="{reference}"')
    return xml[start : xml.index("</c>", start) + len("</c>")]
