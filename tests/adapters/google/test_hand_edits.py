"""A person's edit to one of lotsync's tabs on Google between two syncs is never overwritten.

lotsync keeps each tab's fingerprint, as it wrote it, in the tab's developer metadata (invisible,
in the same atomic batchUpdate as the tab). The next sync compares what it reads with it: an edit
stops the write and names the tab and the cells, as it does in a local workbook, and the person's
text stays. The warning-only protection asks people before they edit; this is for those who go on.
"""

from __future__ import annotations

import json
from datetime import timedelta

from lotsync.adapters.backends.google import METADATA_BUDGET, METADATA_KEY
from lotsync.tabs.owned import fingerprint_from_text

from .conftest import LATER, RESULT_TABS, Demo


def metadata_values(demo: Demo) -> dict[str, str]:
    book = demo.person().open_by_key(demo.shared_id)
    params = {"fields": "sheets(properties(title),developerMetadata(metadataKey,metadataValue))"}
    return {
        s["properties"]["title"]: m["metadataValue"]
        for s in book.fetch_sheet_metadata(params=params)["sheets"]
        for m in s.get("developerMetadata", [])
        if m["metadataKey"] == METADATA_KEY
    }


def test_each_tab_keeps_its_fingerprint_in_its_metadata_within_the_budget(synced: Demo) -> None:
    values = metadata_values(synced)

    assert set(RESULT_TABS) <= set(values)
    for title in RESULT_TABS:
        known = fingerprint_from_text(values[title])
        assert known is not None, title
        assert len(values[title]) <= METADATA_BUDGET + 100, title
    assert sum(len(v) for v in values.values()) < 30_000, "under Google's metadata limit, all together"


def test_a_note_typed_in_soldes_between_two_syncs_stops_the_write_and_stays(synced: Demo) -> None:
    soldes = synced.person().open_by_key(synced.shared_id).worksheet("Soldes")
    soldes.update_acell("D4", "à vérifier avec Figeac")
    before = synced.snapshot()

    outcome = synced.sync(now=LATER)

    assert outcome.failed and not outcome.written
    assert "« Soldes » (D4)" in (outcome.error or ""), outcome.error
    assert "Rien n'a été écrit" in (outcome.error or "")
    assert synced.snapshot() == before, "nothing written"
    assert synced.tab("Soldes")[(3, 3)] == "à vérifier avec Figeac"


def test_once_the_note_is_cleared_the_sync_writes_again(synced: Demo) -> None:
    soldes = synced.person().open_by_key(synced.shared_id).worksheet("Soldes")
    original = soldes.acell("D4", value_render_option="UNFORMATTED_VALUE").value
    soldes.update_acell("D4", "à vérifier")
    assert synced.sync(now=LATER).failed

    soldes.update_acell("D4", original)
    outcome = synced.sync(now=LATER + timedelta(minutes=5))

    assert outcome.error is None and outcome.written


def test_a_deleted_tab_is_written_again_from_scratch(synced: Demo) -> None:
    book = synced.person().open_by_key(synced.shared_id)
    book.worksheet("Anomalies").update_acell("B3", "effacé")
    assert synced.sync(now=LATER).failed
    book.del_worksheet(book.worksheet("Anomalies"))  # what the message tells a person to do

    outcome = synced.sync(now=LATER + timedelta(minutes=5))

    assert outcome.error is None and "Anomalies" in outcome.report.rewritten


def test_edits_to_the_input_tabs_are_the_persons_business(synced: Demo) -> None:
    expenses = synced.person().open_by_key(synced.shared_id).worksheet("Dépenses communes")
    expenses.update_acell("B3", "Fichier de 700 adresses (corrigé)")

    outcome = synced.sync(now=LATER)

    assert outcome.error is None and outcome.written


def test_a_tab_marked_by_an_older_lotsync_without_a_fingerprint_is_written_and_gets_one(synced: Demo) -> None:
    """Metadata whose value is the tab's title (lotsync before fingerprints): no edit can be named,
    the write goes on as it did, and the tab then carries its fingerprint."""
    with synced.google.store.lock:
        spreadsheet = synced.google.store.spreadsheets[synced.shared_id]
        for sheet in spreadsheet.sheets:
            for meta in getattr(sheet, "developer_metadata", None) or []:
                meta["metadataValue"] = sheet.title
    assert metadata_values(synced)["Soldes"] == "Soldes"
    outcome = synced.sync(now=LATER)

    assert outcome.error is None
    assert fingerprint_from_text(metadata_values(synced)["Soldes"]) is not None


def test_a_large_tab_names_the_run_of_rows_an_edit_is_in(synced: Demo) -> None:
    """A tab too long for one digest a row keeps one a run: the edit is named by its run."""
    from lotsync.tabs.owned import fingerprint, fingerprint_text, hand_edits

    rows = [[f"D-{i:05}", i, "ok"] for i in range(20_000)]
    known = fingerprint_from_text(fingerprint_text(fingerprint(rows), METADATA_BUDGET))
    assert known is not None and known["block"] > 1
    rows[12_345][1] = "modifié"

    [named] = hand_edits(rows, known)

    first, last = (int(part[1:]) for part in named.split(":"))
    assert named.startswith("B") and first <= 12_345 + 2 <= last and last - first < known["block"]
    assert json.loads(fingerprint_text(fingerprint(rows), METADATA_BUDGET))["block"] == known["block"]
