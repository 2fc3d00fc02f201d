"""The Google backend end to end, on the emulator, with the unmodified client libraries.

The demo books are uploaded as Google Sheets; `run_sync` reads and writes them through
gspread's HTTP client and googleapiclient, exactly as against Google. What is checked is
what the emulator holds and what it was asked, not what lotsync says it did.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fake_google import server
from lotsync.adapters.backends import Router, WriteError
from lotsync.adapters.backends.google import SheetToken
from lotsync.adapters.config import ConfigError, load_config
from lotsync.app.sync import run_sync
from lotsync.cli.commands import cli
from lotsync.cli.report import books_json
from lotsync.core.model import AnomalyKind

from .conftest import AS_OF, LATER, NOW, RESULT_TABS, SHARED, Demo, Sent

SA_EMAIL = "lotsync-demo@fake-project.iam.gserviceaccount.com"
WRITES = frozenset(route.name for route in server.ROUTES if route.kind == "write")
"""Every endpoint that changes something in the emulator (Sheets, Drive or Gmail)."""


def without_file_suffix(node: Any) -> Any:
    """books_json with spreadsheet names as Google shows them: "cahors", not "cahors.xlsx"."""
    if isinstance(node, dict):
        return {
            k: v.removesuffix(".xlsx")
            if k == "spreadsheet" and isinstance(v, str)
            else without_file_suffix(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [without_file_suffix(v) for v in node]
    return node


def lotsync_calls(demo: Demo) -> list[Any]:
    """The API calls lotsync made (not a person's), in order."""
    return [
        e
        for e in demo.google.log.entries
        if e.user == SA_EMAIL and not e.endpoint.startswith(("oauth.", "emulator."))
    ]


def calls_by_spreadsheet(demo: Demo) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in lotsync_calls(demo):
        book = next((name for name, id_ in demo.ids.items() if id_ in entry.path), entry.path)
        found.setdefault(book, []).append(entry.endpoint)
    return found


# -- the same books as the local backend --------------------------------------------------


def test_a_full_sync_of_the_demo_gives_the_local_backends_results(demo: Demo) -> None:
    outcome = demo.sync()
    local = run_sync(demo.local_config, as_of=AS_OF, now=NOW, dry_run=True)

    assert outcome.error is None and outcome.written
    assert outcome.shared == SHARED
    google_json, local_json = books_json(outcome.books), without_file_suffix(books_json(local.books))
    assert google_json["reconciliation"]["counts"] == local_json["reconciliation"]["counts"]
    assert google_json["balances"] == local_json["balances"]
    assert google_json["anomalies"] == local_json["anomalies"], "dates shown as dates, not serials"
    assert google_json == local_json
    assert outcome.books.dossiers, "the demo books were really read"


def test_the_first_sync_writes_every_tab_in_one_atomic_batch_update(demo: Demo, wire: list[Sent]) -> None:
    outcome = demo.sync()

    assert outcome.report is not None
    assert outcome.report.rewritten == list(RESULT_TABS)
    assert demo.tab_titles() == ["Dépenses communes", "Règlements", "Demandes", *RESULT_TABS, "Journal"]
    writes = [s for s in wire if s.endpoint in WRITES]
    assert [s.endpoint for s in writes] == ["sheets.spreadsheets.batchUpdate"]
    assert demo.shared_id in writes[0].path
    for title in (*RESULT_TABS, "Journal"):
        assert str(demo.tab(title)[(0, 0)]).startswith("Généré par lotsync"), title
    journal = demo.tab("Journal")
    assert journal[(1, 0)] == "Date et heure" and journal[(1, 7)] == "Onglets réécrits"
    assert journal[(2, 1)] == "réussie"
    assert journal[(2, 7)] == ", ".join(RESULT_TABS)
    assert max(r for r, _ in journal) == 2, "marker, header, one line"


def test_the_call_budget_two_per_source_spreadsheet_and_one_write(demo: Demo) -> None:
    sources = len(demo.config.members) + 1
    for run, now in enumerate((NOW, LATER)):
        demo.google.log.clear()
        outcome = demo.sync(now=now)
        assert outcome.error is None, outcome.error

        calls = lotsync_calls(demo)
        per_book = calls_by_spreadsheet(demo)
        assert len(calls) <= 2 * sources + 1, (run, per_book)
        assert all(e.status == 200 for e in calls)
        for member in demo.config.members:
            assert len(per_book[member.id]) <= 2, (run, member.id, per_book[member.id])
            assert all(endpoint.startswith("sheets.spreadsheets.get") for endpoint in per_book[member.id])
        writes = [e for e in calls if e.endpoint == "sheets.spreadsheets.batchUpdate"]
        assert len(writes) == 1 and demo.shared_id in writes[0].path
        shared_reads = [e for e in per_book[SHARED] if e != "sheets.spreadsheets.batchUpdate"]
        # metadata + one batchGet of every tab, then (once lotsync's tabs exist) the check before writing
        assert len(shared_reads) <= 3, shared_reads
        assert outcome.api_calls == demo.google.log.by_endpoint()


def test_a_second_sync_writes_only_the_journal_line(synced: Demo, wire: list[Sent]) -> None:
    demo = synced
    before = {title: demo.tab(title) for title in RESULT_TABS}
    journal_before = demo.tab("Journal")
    sheet_ids = {s.title: s.sheet_id for s in demo.snapshot().sheets}

    outcome = demo.sync(now=LATER)

    assert outcome.error is None and outcome.report is not None
    assert outcome.report.rewritten == []
    assert outcome.report.unchanged == list(RESULT_TABS)
    assert {title: demo.tab(title) for title in RESULT_TABS} == before, "result tabs untouched"
    writes = [s for s in wire if s.endpoint in WRITES]
    assert [s.endpoint for s in writes] == ["sheets.spreadsheets.batchUpdate"]
    requests = writes[0].json()["requests"]
    assert requests, "the journal line is written"
    targets = set()
    for request in requests:
        (kind, body), *_ = request.items()
        assert kind in ("updateCells", "appendCells"), kind
        targets.add(body.get("sheetId") or (body.get("start") or body.get("range"))["sheetId"])
    assert targets == {sheet_ids["Journal"]}
    journal = demo.tab("Journal")
    lines = sorted({r for r, _ in journal})
    assert len(lines) == len({r for r, _ in journal_before}) + 1, "one line appended"
    assert journal[(lines[-1], 7)] == "aucun (déjà à jour)"
    assert {k: v for k, v in journal.items() if k[0] in (1, 2)} == {
        k: v for k, v in journal_before.items() if k[0] in (1, 2)
    }, "earlier lines kept"


# -- people editing at the same moment -------------------------------------------------------


def test_a_persons_edit_to_an_input_tab_between_read_and_write_survives(synced: Demo) -> None:
    demo = synced
    person = demo.person()
    edits = {
        "cahors": ("Dossiers", "B2", "Autocars Delmas (modifié pendant la synchro)"),
        SHARED: ("Dépenses communes", "B3", "Fichier de 700 adresses (corrigé)"),
    }

    def edit() -> None:
        for book, (tab, cell, text) in edits.items():
            person.open_by_key(demo.ids[book]).worksheet(tab).update_acell(cell, text)

    journal_lines = len({r for r, _ in demo.tab("Journal")})
    outcome = demo.sync(now=LATER, before_write=edit)

    assert outcome.error is None and outcome.written
    assert demo.tab("Dossiers", "cahors")[(1, 1)] == edits["cahors"][2]
    assert demo.tab("Dépenses communes")[(2, 1)] == edits[SHARED][2]
    assert len({r for r, _ in demo.tab("Journal")}) == journal_lines + 1, "the sync still wrote"


def test_an_input_edit_made_after_the_check_survives_too(synced: Demo) -> None:
    """The write itself touches lotsync's tabs only: an edit at the very last moment is kept."""
    demo = synced
    person = demo.person()
    router = demo.router()
    backend = router._google
    check = backend._check_not_edited

    def check_then_edit(*args: Any) -> None:
        check(*args)
        person.open_by_key(demo.shared_id).worksheet("Dépenses communes").update_acell("F2", "Imprimerie")

    backend._check_not_edited = check_then_edit
    outcome = demo.sync(now=LATER, router=router)

    assert outcome.error is None and outcome.written
    assert demo.tab("Dépenses communes")[(1, 5)] == "Imprimerie"


def test_a_hand_edit_to_an_owned_tab_stops_the_write_and_names_the_cells(synced: Demo) -> None:
    demo = synced
    person = demo.person()
    soldes = person.open_by_key(demo.shared_id).worksheet("Soldes")
    edited: dict[str, Any] = {}

    def edit() -> None:
        soldes.update_acell("B3", "12345")
        edited["snapshot"] = demo.snapshot()

    outcome = demo.sync(now=LATER, before_write=edit)

    assert outcome.failed and not outcome.written
    assert "Soldes!B3" in (outcome.error or "")
    assert "Rien n'a été écrit" in (outcome.error or "")
    assert demo.snapshot() == edited["snapshot"], "nothing written, the person's edit kept"
    assert demo.tab("Soldes")[(2, 1)] == 12345


def test_a_tab_with_an_owned_name_but_no_marker_is_never_overwritten(demo: Demo) -> None:
    person = demo.person()
    book = person.open_by_key(demo.shared_id)
    mine = book.add_worksheet("Soldes", rows=20, cols=5)
    mine.update([["Mes soldes à moi"], ["cahors", 12]], "A1", raw=True)
    before = demo.snapshot()

    outcome = demo.sync()

    assert outcome.failed and not outcome.written
    assert "« Soldes »" in (outcome.error or "") and "Rien n'a été écrit" in (outcome.error or "")
    foreign = [a for a in outcome.books.anomalies if a.kind is AnomalyKind.FOREIGN_TAB]
    assert [a.where.tab for a in foreign] == ["Soldes"]
    assert demo.snapshot() == before
    assert demo.tab("Soldes") == {(0, 0): "Mes soldes à moi", (1, 0): "cahors", (1, 1): 12}


def test_a_foreign_tab_found_after_a_first_sync_stops_the_next_write(synced: Demo) -> None:
    """A person renames lotsync's tab and makes their own under its name: theirs stays."""
    demo = synced
    person = demo.person()
    book = person.open_by_key(demo.shared_id)
    book.worksheet("Anomalies").update_title("Anomalies (ancien)")
    book.add_worksheet("Anomalies", rows=10, cols=3).update([["à moi"]], "A1")
    before = demo.snapshot()

    outcome = demo.sync(now=LATER)

    assert outcome.failed
    assert any(
        a.kind is AnomalyKind.FOREIGN_TAB and a.where.tab == "Anomalies" for a in outcome.books.anomalies
    )
    assert demo.snapshot() == before


# -- unreadable sources ----------------------------------------------------------------------


def unreadable(outcome: Any, member: str) -> Any:
    found = [
        a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE and a.office == member
    ]
    assert len(found) == 1, outcome.books.anomalies[:3]
    return found[0]


def test_an_office_sheet_not_shared_is_reported_with_its_url_and_whom_to_share_with(demo: Demo) -> None:
    with demo.google.store.lock:
        demo.google.store.files[demo.ids["figeac"]].owner = "isabelle.figeac@example.org"

    outcome = demo.sync()

    anomaly = unreadable(outcome, "figeac")
    assert f"https://docs.google.com/spreadsheets/d/{demo.ids['figeac']}/edit" in anomaly.message
    assert SA_EMAIL in anomaly.message
    assert "partagez" in anomaly.message
    assert outcome.error is None and outcome.written, "the other offices' results are still written"
    assert outcome.books.rows_read.get("cahors")
    assert anomaly.message in demo.tab("Anomalies").values(), "shown in the shared sheet's Anomalies"
    forbidden = [e for e in demo.google.log.entries if e.status == 403]
    assert len(forbidden) == 1, "a 403 permission error is not retried"


def test_an_office_sheet_not_shared_keeps_the_last_complete_balances_on_google(synced: Demo) -> None:
    before = synced.tab("Soldes")
    with synced.google.store.lock:
        synced.google.store.files[synced.ids["figeac"]].owner = "isabelle.figeac@example.org"

    outcome = synced.sync(now=LATER)

    assert outcome.written and not outcome.complete
    # the requests' tab too: which requests became dossiers depends on every office's sheet
    assert outcome.stale_tabs == ["Rapprochement", "Soldes", "Tableau de bord", "Suivi des demandes"]
    after = synced.tab("Soldes")
    assert {k: v for k, v in after.items() if k != (0, 0)} == {k: v for k, v in before.items() if k != (0, 0)}
    assert "NON MIS À JOUR depuis le" in after[(0, 0)]
    assert "n'a pas pu être lu" in after[(0, 0)]
    assert outcome.last_complete is not None
    assert [b.member for b in outcome.last_complete.balances] == ["cahors", "dordogne", "figeac"]


def test_an_unknown_office_sheet_is_reported_likewise(demo: Demo) -> None:
    missing = "1" + "x" * 43
    config = demo.with_sources(dordogne=f"https://docs.google.com/spreadsheets/d/{missing}/edit#gid=0")

    outcome = demo.sync(config)

    anomaly = unreadable(outcome, "dordogne")
    assert f"https://docs.google.com/spreadsheets/d/{missing}/edit" in anomaly.message
    assert "introuvable" in anomaly.message and SA_EMAIL in anomaly.message
    assert outcome.written
    assert len([e for e in demo.google.log.entries if e.status == 404]) == 1, "a 404 is not retried"


def test_a_shared_spreadsheet_lotsync_may_only_read_fails_cleanly(demo: Demo) -> None:
    with demo.google.store.lock:
        file = demo.google.store.files[demo.shared_id]
        file.owner = "florence.cahors@example.org"
        file.shared[SA_EMAIL] = "reader"
    before = demo.snapshot()

    outcome = demo.sync()

    assert outcome.failed and not outcome.written
    assert SA_EMAIL in (outcome.error or "") and "Rien n'a été écrit" in (outcome.error or "")
    assert demo.snapshot() == before


# -- sources of every kind at once -------------------------------------------------------------


def test_local_google_and_drive_excel_sources_mixed_and_the_excel_file_never_written(demo: Demo) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")
    with demo.google.store.lock:
        excel_before = demo.google.store.files[excel_id].content
        modified_before = demo.google.store.files[excel_id].modified_time
    config = demo.with_sources(cahors=str(demo.directory / "cahors.xlsx"), figeac=f"drive:{excel_id}")
    demo.google.log.clear()

    outcome = demo.sync(config)

    assert outcome.error is None and outcome.written
    local = run_sync(demo.local_config, as_of=AS_OF, now=NOW, dry_run=True)
    mixed_json = without_file_suffix(books_json(outcome.books))
    assert mixed_json == without_file_suffix(books_json(local.books))
    endpoints = demo.google.log.by_endpoint()
    assert endpoints["drive.files.get"] == 2, "its metadata and its bytes"
    touching_excel = [e for e in demo.google.log.entries if excel_id in e.path]
    assert {e.method for e in touching_excel} == {"GET"}
    with demo.google.store.lock:
        assert demo.google.store.files[excel_id].content == excel_before
        assert demo.google.store.files[excel_id].modified_time == modified_before
    assert not any(demo.ids["cahors"] in e.path for e in demo.google.log.entries), "cahors read locally"


def test_a_drive_excel_file_as_the_shared_spreadsheet_is_refused_at_load(demo: Demo, tmp_path: Path) -> None:
    excel_id = demo.upload_excel("collectif.xlsx")
    text = demo.config_path.read_text(encoding="utf-8")
    for shared in (f"drive:{excel_id}", f"https://drive.google.com/file/d/{excel_id}/view"):
        path = tmp_path / "drive-shared.toml"
        path.write_text(
            text.replace(f'source = "sheets:{demo.shared_id}"', f'source = "{shared}"'), encoding="utf-8"
        )
        with pytest.raises(ConfigError) as raised:
            load_config(path)
        assert "shared.source" in str(raised.value) and "Google Sheets" in str(raised.value)
        result = CliRunner().invoke(cli, ["sync", "--config", str(path), "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 2, result.output
    assert demo.google.log.count("sheets.*") == 0, "refused before any call"


def test_the_token_reflects_the_spreadsheet_as_read(synced: Demo) -> None:
    """What the write relies on: the shared spreadsheet's tabs and ids as they were read."""
    demo = synced
    book = demo.router().read(demo.config.shared.source, ["Dépenses communes", *RESULT_TABS, "Journal"])
    assert isinstance(book.token, SheetToken)
    assert book.token.spreadsheet_id == demo.shared_id
    assert set(book.token.sheets) == set(demo.tab_titles())
    assert book.name == SHARED


def test_the_payments_tab_is_read_with_the_other_inputs_in_one_call(demo: Demo, wire: list[Sent]) -> None:
    outcome = demo.sync()

    reads = [s for s in wire if s.endpoint == "sheets.values.batchGet" and demo.shared_id in s.path]
    assert len(reads) == 1
    ranges = reads[0].query["ranges"]
    assert any("Règlements" in r for r in ranges) and any("Dépenses communes" in r for r in ranges)
    assert outcome.books.settlement.payments, "the demo's payments were read and matched on Google too"
    kinds = {a.kind for a in outcome.books.anomalies if a.where.tab == "Règlements"}
    assert {AnomalyKind.OVERPAYMENT, AnomalyKind.UNKNOWN_REFERENCE, AnomalyKind.ALREADY_SETTLED} <= kinds


def test_the_requests_tab_is_read_in_the_same_call_and_followed_up_as_locally(
    demo: Demo, wire: list[Sent]
) -> None:
    outcome = demo.sync()

    reads = [s for s in wire if s.endpoint == "sheets.values.batchGet" and demo.shared_id in s.path]
    assert len(reads) == 1 and any("Demandes" in r for r in reads[0].query["ranges"])
    requests = outcome.books.requests
    assert requests.read and len(requests.lines) >= 35 and requests.expired
    assert "Suivi des demandes" in (outcome.report.rewritten if outcome.report else [])
    assert any(line.late for line in requests.lines) and any(line.dossier for line in requests.lines)


def test_the_requests_mails_cost_two_appends_each_and_no_second_read_of_the_journal(
    synced: Demo, wire: list[Sent]
) -> None:
    """The send log is the Journal: its lines are those the sync's read found (under the same lock),
    then one append for each mail's intent and one for its success."""
    outcome = synced.sync(now=LATER, notify=True)

    sent = [n for n in outcome.notifications if n.status == "sent"]
    assert sent, "the demo has requests to tell offices about"
    reads = [s for s in wire if s.endpoint == "sheets.values.batchGet" and synced.shared_id in s.path]
    appends = [s for s in wire if s.endpoint == "sheets.values.append"]
    assert reads and not [r for r in reads if r.query["ranges"] == ["'Journal'"]], (
        "the Journal read with the inputs serves the send log"
    )
    assert len(appends) == 2 * len(sent)

    again = synced.sync(now=LATER, notify=True)

    assert {n.status for n in again.notifications} == {"already_sent"}


def test_a_native_sheet_given_as_drive_is_read_the_sheets_way(demo: Demo) -> None:
    """Drive refuses to download a native Sheet (403 fileNotDownloadable): lotsync reads it through
    the Sheets API instead, with the same figures as the local books."""
    config = demo.with_sources(figeac=f"drive:{demo.ids['figeac']}")

    outcome = demo.sync(config)

    assert outcome.error is None and outcome.written
    assert not [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]
    local = run_sync(demo.local_config, as_of=AS_OF, now=NOW, dry_run=True)
    assert books_json(outcome.books)["balances"] == without_file_suffix(books_json(local.books))["balances"]
    media = [e for e in demo.google.log.entries if e.endpoint == "drive.files.get.media"]
    assert media == [], "no download attempted"


def test_every_drive_call_supports_shared_drives(demo: Demo, wire: list[Sent]) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")
    wire.clear()  # the upload above is the test's, not lotsync's
    demo.sync(demo.with_sources(figeac=f"drive:{excel_id}"))

    drive_calls = [s for s in wire if s.endpoint.startswith("drive.")]
    assert drive_calls and all(s.query.get("supportsAllDrives") == ["true"] for s in drive_calls)


def test_a_persons_tab_named_like_lotsyncs_in_another_case_is_named_not_an_opaque_400(demo: Demo) -> None:
    """Google compares tab names without regard to case: adding `Soldes` beside a person's `soldes`
    would be a 400. lotsync sees it first and names it."""
    person = demo.person()
    person.open_by_key(demo.shared_id).add_worksheet("soldes", rows=20, cols=5).update(
        [["à moi"]], "A1", raw=True
    )
    before = demo.snapshot()

    outcome = demo.sync()

    assert outcome.failed and not outcome.written
    assert "« soldes »" in (outcome.error or "") and "HTTP" not in (outcome.error or "")
    foreign = [a for a in outcome.books.anomalies if a.kind is AnomalyKind.FOREIGN_TAB]
    assert [a.where.tab for a in foreign] == ["soldes"]
    assert demo.snapshot() == before


def test_a_synced_soldes_reads_back_in_french_frozen_marked_and_protected(demo: Demo) -> None:
    """What staff see in Google Sheets, read back as Google renders it (FORMATTED_VALUE) in the
    demo's fr_FR spreadsheet, through the real clients."""
    assert demo.sync().written
    person = demo.person()
    book = person.open_by_key(demo.shared_id)
    assert book.locale == "fr_FR"

    shown = book.worksheet("Soldes").get_all_values(value_render_option="FORMATTED_VALUE")
    euros = [cell for row in shown for cell in row if cell.endswith("€")]
    assert euros and all("," in e and "." not in e for e in euros), euros[:5]
    rapprochement = book.worksheet("Rapprochement").get_all_values(value_render_option="FORMATTED_VALUE")
    assert any(len(c) == 10 and c[2] == "/" and c[5] == "/" for row in rapprochement[2:] for c in row), (
        "dd/mm/yyyy"
    )

    meta = book.fetch_sheet_metadata(
        params={"fields": "sheets(properties(title,gridProperties),developerMetadata,protectedRanges)"}
    )
    for sheet in meta["sheets"]:
        title = sheet["properties"]["title"]
        if title not in (*RESULT_TABS, "Journal"):
            continue
        assert sheet["properties"]["gridProperties"].get("frozenRowCount", 0) >= 1, title
        assert [m["metadataKey"] for m in sheet.get("developerMetadata", [])] == ["lotsync"], title
        [protection] = sheet.get("protectedRanges", [])
        assert protection["warningOnly"] is True, title
    grids = {s["properties"]["title"]: s["properties"]["gridProperties"] for s in meta["sheets"]}
    frozen = {title: grid.get("frozenRowCount") for title, grid in grids.items()}
    assert frozen["Rapprochement"] == 2, "the marker and the header"

    grid = book.fetch_sheet_metadata(
        params={"ranges": "'Rapprochement'!A2:B2", "includeGridData": "true",
                "fields": "sheets(data(rowData(values(effectiveFormat(textFormat(bold))))))"}
    )  # fmt: skip
    header = grid["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert all(v["effectiveFormat"]["textFormat"]["bold"] for v in header)


def test_a_second_sync_does_not_mark_or_protect_a_tab_twice(synced: Demo, wire: list[Sent]) -> None:
    outcome = synced.sync(now=LATER)

    assert outcome.error is None
    book = synced.person().open_by_key(synced.shared_id)
    meta = book.fetch_sheet_metadata(
        params={"fields": "sheets(properties(title),developerMetadata,protectedRanges)"}
    )
    for sheet in meta["sheets"]:
        if sheet["properties"]["title"] in RESULT_TABS:
            assert len(sheet.get("developerMetadata", [])) == 1 and len(sheet.get("protectedRanges", [])) == 1


# -- the first day's breaks, each with the French the user gets ------------------------------------


def test_an_api_not_enabled_says_which_and_where_not_to_share(demo: Demo) -> None:
    demo.google.faults.add("service_disabled", "sheets.*", project="314159")

    outcome = demo.sync()

    message = unreadable(outcome, "cahors").message
    assert "L'API « Google Sheets API » n'est pas activée dans le projet Google Cloud 314159" in message
    assert "partagez" not in message and "Google dit : « Google Sheets API has not been used" in message


def test_a_token_without_the_scope_says_to_log_in_again(demo: Demo) -> None:
    demo.google.faults.add("scope_insufficient", "sheets.*")

    outcome = demo.sync()

    message = unreadable(outcome, "cahors").message
    assert "Relancez « lotsync login »" in message
    assert "Google dit : « Request had insufficient authentication scopes. »" in message


def test_an_excel_file_on_a_shared_drive_is_read(demo: Demo) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")
    drive = demo.google.store.create_shared_drive("Collectif", SA_EMAIL)
    with demo.google.store.lock:
        demo.google.store.move_to_shared_drive(excel_id, drive.id)

    outcome = demo.sync(demo.with_sources(figeac=f"drive:{excel_id}"))

    assert outcome.error is None and outcome.written
    assert not [a for a in outcome.books.anomalies if a.kind is AnomalyKind.SOURCE_UNREADABLE]


def test_an_excel_file_given_as_a_google_sheet_says_to_give_it_as_drive(demo: Demo) -> None:
    excel_id = demo.upload_excel("figeac.xlsx")

    outcome = demo.sync(demo.with_sources(figeac=f"sheets:{excel_id}"))

    message = unreadable(outcome, "figeac").message
    assert "fichier Excel stocké sur Drive" in message and "drive:ID" in message
    assert "n'existe pas" not in message, "not reported as a missing tab"


# -- a write larger than Google's advised 2 MB ------------------------------------------------------


def staged_router(demo: Demo, budget: int) -> tuple[Router, Any]:
    backend = demo.backend()
    backend.max_request_bytes = budget  # the demo's books are small: a small budget stands for 2 MB
    return demo.router(backend=backend), backend


def test_a_write_larger_than_the_budget_is_staged_and_swapped_in_one_atomic_step(
    demo: Demo, wire: list[Sent]
) -> None:
    reference = demo.sync()  # the same books written in one request, for comparison
    expected = {title: demo.tab(title) for title in RESULT_TABS}
    book = demo.person().open_by_key(demo.shared_id)
    for title in RESULT_TABS:  # as if never written: every tab is rewritten
        book.del_worksheet(book.worksheet(title))
    wire.clear()
    router, backend = staged_router(demo, 40_000)

    outcome = demo.sync(now=LATER, router=router)

    assert outcome.error is None and outcome.written and reference.written
    writes = [s for s in wire if s.endpoint == "sheets.spreadsheets.batchUpdate"]
    assert len(writes) > 2, "staged in several requests"
    assert all(len(s.body) <= 40_000 for s in writes[:-1])
    assert backend.largest_request <= 40_000
    titles = demo.tab_titles()
    assert not [t for t in titles if t.startswith("lotsync-préparation-")]
    for title in RESULT_TABS:
        got = {k: v for k, v in demo.tab(title).items() if k != (0, 0)}  # the marker holds the time
        assert got == {k: v for k, v in expected[title].items() if k != (0, 0)}, title


def test_a_staged_write_that_fails_before_the_swap_changes_nothing_people_see(synced: Demo) -> None:
    book = synced.person().open_by_key(synced.shared_id)
    for title in RESULT_TABS:  # as if never written: every tab is rewritten, and staged
        book.del_worksheet(book.worksheet(title))
    before = synced.tab_titles()
    router, backend = staged_router(synced, 40_000)
    sent = backend._send_batch

    def second_batch_fails(*args: Any) -> None:  # Google failing between two staging batches
        if second_batch_fails.calls == 1:  # type: ignore[attr-defined]
            raise WriteError("coupure")
        second_batch_fails.calls += 1  # type: ignore[attr-defined]
        sent(*args)

    second_batch_fails.calls = 0  # type: ignore[attr-defined]
    backend._send_batch = second_batch_fails  # type: ignore[method-assign]

    outcome = synced.sync(now=LATER, router=router)

    assert outcome.failed and not outcome.written
    visible = [t for t in synced.tab_titles() if not t.startswith("lotsync-préparation-")]
    assert visible == before
    assert [t for t in synced.tab_titles() if t.startswith("lotsync-préparation-")], "left behind"
    again = synced.sync(now=LATER + timedelta(hours=1))
    assert again.error is None and again.written
    assert not [t for t in synced.tab_titles() if t.startswith("lotsync-préparation-")], "cleaned up"
