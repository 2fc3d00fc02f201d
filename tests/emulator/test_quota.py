"""Google's per-minute Sheets quotas, switched on: per user, per project, reads apart from writes, sliding."""

from __future__ import annotations

import gspread
import pytest

from lotsync.app import emulator_clients as clients

ALICE = "alice@example.org"
BOB = "bob@example.org"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


class Clock:
    """A hand-moved clock for `google.quota.clock`: the window slides without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(google):
    clock = Clock()
    google.quota.clock = clock
    return clock


@pytest.fixture
def sheet_id(google, raw):
    """A spreadsheet of Alice's, shared with Bob as a writer."""
    alice = raw(ALICE)
    file_id = alice.post("/drive/v3/files", json={"name": "Quota", "mimeType": SPREADSHEET_MIME}).json()["id"]
    shared = alice.post(
        f"/drive/v3/files/{file_id}/permissions", json={"type": "user", "role": "writer", "emailAddress": BOB}
    )
    assert shared.status_code == 200
    return file_id


def reads(session, sheet_id: str, n: int) -> list[int]:
    return [session.get(f"/v4/spreadsheets/{sheet_id}/values/A1").status_code for _ in range(n)]


def write(session, sheet_id: str) -> int:
    answer = session.put(
        f"/v4/spreadsheets/{sheet_id}/values/A1", params={"valueInputOption": "RAW"}, json={"values": [["x"]]}
    )
    return answer.status_code


def test_off_by_default(google, raw, sheet_id):
    assert set(reads(raw(ALICE), sheet_id, 70)) == {200}


def test_the_61st_read_of_a_user_in_a_minute_is_refused_and_another_user_passes(google, raw, sheet_id, clock):
    google.quota.enabled = True
    alice, bob = raw(ALICE), raw(BOB)

    assert set(reads(alice, sheet_id, 60)) == {200}
    refused = alice.get(f"/v4/spreadsheets/{sheet_id}/values/A1")

    assert refused.status_code == 429
    error = refused.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert "'Read requests per minute per user'" in error["message"]
    assert "sheets.googleapis.com" in error["message"]
    assert reads(bob, sheet_id, 1) == [200]
    assert write(alice, sheet_id) == 200  # writes have their own 60


def test_writes_have_their_own_limit(google, raw, sheet_id, clock):
    google.quota.enabled = True
    alice = raw(ALICE)

    assert {write(alice, sheet_id) for _ in range(60)} == {200}
    refused = alice.put(
        f"/v4/spreadsheets/{sheet_id}/values/A1", params={"valueInputOption": "RAW"}, json={"values": [["x"]]}
    )

    assert refused.status_code == 429
    assert "'Write requests per minute per user'" in refused.json()["error"]["message"]
    assert reads(alice, sheet_id, 1) == [200]


def test_the_window_slides(google, raw, sheet_id, clock):
    google.quota.enabled = True
    alice = raw(ALICE)

    assert set(reads(alice, sheet_id, 30)) == {200}  # at t = 0
    clock.now += 30
    assert set(reads(alice, sheet_id, 30)) == {200}  # at t = 30
    clock.now += 15
    assert reads(alice, sheet_id, 1) == [429]  # t = 45: 60 calls in the last minute
    clock.now += 15.5
    assert set(reads(alice, sheet_id, 30)) == {200}  # t = 60.5: the first 30 have left the window
    assert reads(alice, sheet_id, 1) == [429]
    clock.now += 30
    assert set(reads(alice, sheet_id, 30)) == {200}  # t = 90.5: those of t = 30 have left


def test_refused_calls_do_not_count(google, raw, sheet_id, clock):
    google.quota.enabled = True
    alice = raw(ALICE)
    reads(alice, sheet_id, 60)

    assert set(reads(alice, sheet_id, 20)) == {429}
    clock.now += 60.01
    assert set(reads(alice, sheet_id, 60)) == {200}


def test_the_project_limit_is_shared_by_every_user(google, raw, sheet_id, clock):
    google.quota.enabled = True
    users = [f"user{i}@example.org" for i in range(6)]
    for user in users:
        google.store.files[sheet_id].shared[user] = "reader"

    for user in users[:5]:
        assert set(reads(raw(user), sheet_id, 60)) == {200}
    refused = raw(users[5]).get(f"/v4/spreadsheets/{sheet_id}/values/A1")

    assert refused.status_code == 429
    assert "'Read requests per minute'" in refused.json()["error"]["message"]
    clock.now += 61
    assert reads(raw(users[5]), sheet_id, 1) == [200]


def test_drive_and_gmail_do_not_spend_the_sheets_quota(google, raw, sheet_id, clock):
    google.quota.enabled = True
    alice = raw(ALICE)

    assert {alice.get("/drive/v3/files").status_code for _ in range(70)} == {200}
    assert set(reads(alice, sheet_id, 60)) == {200}


def test_limits_through_the_control_endpoint(google, raw, sheet_id):
    control, alice, bob = raw(), raw(ALICE), raw(BOB)

    answer = control.post("/_emulator/quota", json={"enabled": True, "user_limit": 3, "project_limit": 5})

    assert answer.json() == {"enabled": True}
    assert reads(alice, sheet_id, 4) == [200, 200, 200, 429]
    assert reads(bob, sheet_id, 3) == [200, 200, 429]  # the project's 5 are spent
    control.post("/_emulator/quota", json={"enabled": False})
    assert reads(alice, sheet_id, 5) == [200] * 5
    control.post("/_emulator/quota", json={"enabled": True, "user_limit": 3, "project_limit": 5})
    assert reads(alice, sheet_id, 4) == [200, 200, 200, 429]  # switching resets the windows


def test_gspread_sees_the_429(google, sa_creds, clock):
    client = clients.gspread_client(google.base_url, sa_creds)
    worksheet = client.create("Quota").sheet1
    google.quota.enabled = True
    google.quota.user_limit = 3

    worksheet.get_values("A1")
    worksheet.get_values("A1:B2")
    worksheet.update([["a"]], "A1")  # a write: not counted against reads
    worksheet.get_values("A1")
    with pytest.raises(gspread.exceptions.APIError) as raised:
        worksheet.get_values("A1")

    assert raised.value.code == 429
    assert raised.value.error["status"] == "RESOURCE_EXHAUSTED"
    clock.now += 60.01
    assert worksheet.get_values("A1") == [["a"]]
