"""`python -m fake_google`: its first line is its URL; it serves; SIGTERM stops it."""

from __future__ import annotations

import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

ALICE = "alice@example.org"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


class Emulator:
    """The emulator in a process of its own, seen only through HTTP as another program would."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fake_google", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        assert ready, "the emulator printed nothing in 20 s"
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().decode().rstrip("\n")
        self.base_url = self.first_line
        self.http = requests.Session()
        self.http.trust_env = False

    def call(self, method: str, path: str, user: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if user:
            token = self.http.post(self.base_url + "/_emulator/token", json={"user": user}, timeout=5)
            headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=5, **kwargs)

    def terminate(self) -> tuple[int, float]:
        """SIGTERM; the exit status and how long it took to exit."""
        self.http.close()
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        return code, time.perf_counter() - started


@pytest.fixture
def start() -> Iterator[Callable[..., Emulator]]:
    started: list[Emulator] = []

    def run(*args: str) -> Emulator:
        emulator = Emulator(*args)
        started.append(emulator)
        return emulator

    yield run
    for emulator in started:
        if emulator.process.poll() is None:
            emulator.process.kill()
            emulator.process.wait(timeout=10)
        for stream in (emulator.process.stdout, emulator.process.stderr):
            if stream:
                stream.close()


def test_prints_its_url_serves_and_stops_on_sigterm(start):
    emulator = start("--port", "0")

    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emulator.first_line)
    assert int(emulator.first_line.rsplit(":", 1)[1]) > 0
    created = emulator.call("POST", "/drive/v3/files", ALICE, json={"name": "a.txt"})
    assert created.status_code == 200
    listed = emulator.call("GET", "/drive/v3/files", ALICE).json()["files"]
    assert [f["id"] for f in listed] == [created.json()["id"]]
    assert emulator.call("GET", "/drive/v3/files").status_code == 401

    code, took = emulator.terminate()
    assert code == 0
    assert took < 5
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.base_url + "/drive/v3/files", timeout=2)


def test_a_sigterm_right_after_the_first_line_is_a_clean_stop(start):
    emulator = start()

    code, _ = emulator.terminate()

    assert code == 0


def test_listens_on_the_port_it_is_given(start):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    emulator = start("--port", str(port))

    assert emulator.first_line == f"http://127.0.0.1:{port}"
    assert emulator.call("GET", "/gmail/v1/users/me/messages", ALICE).status_code == 200


def test_control_endpoints_from_another_process(start):
    emulator = start()

    rule = {"kind": "503", "endpoint": "drive.files.list", "times": 1}
    assert emulator.call("POST", "/_emulator/faults", json=rule).status_code == 200
    assert emulator.call("GET", "/drive/v3/files", ALICE).status_code == 503
    assert emulator.call("GET", "/drive/v3/files", ALICE).status_code == 200
    log = emulator.call("GET", "/_emulator/log").json()
    assert log["by_endpoint"] == {"drive.files.list": 2}
    assert [e["fault"] for e in log["entries"] if e["endpoint"] == "drive.files.list"] == ["503", None]
    assert emulator.call("DELETE", "/_emulator/faults").json() == {"faults": []}

    assert (
        emulator.call("POST", "/_emulator/quota", json={"enabled": True, "user_limit": 2}).status_code == 200
    )
    sheet_id = emulator.call(
        "POST", "/drive/v3/files", ALICE, json={"name": "S", "mimeType": SPREADSHEET_MIME}
    ).json()["id"]
    statuses = [emulator.call("GET", f"/v4/spreadsheets/{sheet_id}", ALICE).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert emulator.terminate()[0] == 0


def test_the_quota_flag_switches_the_quota_on(start):
    emulator = start("--quota")
    sheet_id = emulator.call(
        "POST", "/drive/v3/files", ALICE, json={"name": "S", "mimeType": SPREADSHEET_MIME}
    ).json()["id"]
    token = emulator.call("POST", "/_emulator/token", json={"user": ALICE}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    statuses = [
        emulator.http.get(
            f"{emulator.base_url}/v4/spreadsheets/{sheet_id}/values/A1", headers=headers, timeout=5
        ).status_code
        for _ in range(61)
    ]

    assert statuses == [200] * 60 + [429]
    assert emulator.terminate()[0] == 0


def test_state_keeps_files_and_spreadsheets_across_a_restart(start, tmp_path: Path):
    state = tmp_path / "state.json"
    first = start("--state", str(state))
    sheet_id = first.call(
        "POST", "/drive/v3/files", ALICE, json={"name": "Dossiers", "mimeType": SPREADSHEET_MIME}
    ).json()["id"]
    written = first.call(
        "PUT",
        f"/v4/spreadsheets/{sheet_id}/values/A1:B2",
        ALICE,
        params={"valueInputOption": "RAW"},
        json={"values": [["Référence", "Montant"], ["D-001", 450]]},
    )
    assert written.status_code == 200
    plain = first.call(
        "POST",
        "/upload/drive/v3/files",
        ALICE,
        params={"uploadType": "media"},
        data=b"\x00\x01bytes",
        headers={"Content-Type": "application/octet-stream"},
    ).json()["id"]
    empty = first.call(
        "POST", "/drive/v3/files", ALICE, json={"name": "vide.txt", "mimeType": "text/plain"}
    ).json()["id"]
    assert first.terminate()[0] == 0
    assert state.exists()

    second = start("--port", "0", "--state", str(state))

    assert second.base_url != "" and second.process.poll() is None
    names = {f["name"]: f["mimeType"] for f in second.call("GET", "/drive/v3/files", ALICE).json()["files"]}
    assert names == {
        "Dossiers": SPREADSHEET_MIME,
        "Untitled": "application/octet-stream",
        "vide.txt": "text/plain",
    }
    assert (
        second.call("GET", f"/drive/v3/files/{plain}", ALICE, params={"alt": "media"}).content
        == b"\x00\x01bytes"
    )
    downloaded = second.call("GET", f"/drive/v3/files/{empty}", ALICE, params={"alt": "media"})
    assert (downloaded.status_code, downloaded.content) == (200, b"")
    values = second.call("GET", f"/v4/spreadsheets/{sheet_id}/values/A1:B2", ALICE).json()
    assert values["values"] == [["Référence", "Montant"], ["D-001", "450"]]
    assert second.call("GET", f"/drive/v3/files/{plain}", "bob@example.org").status_code == 404
    assert second.terminate()[0] == 0


def test_without_state_nothing_survives(start):
    first = start()
    first.call("POST", "/drive/v3/files", ALICE, json={"name": "a.txt"})
    first.terminate()

    second = start()

    assert second.call("GET", "/drive/v3/files", ALICE).json()["files"] == []
    second.terminate()
