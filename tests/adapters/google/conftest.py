"""Fixtures for the Google backend's end-to-end tests: the demo books on the emulator.

`google` (tests/conftest.py) is a FakeGoogle started in-process and stopped after the test.
`demo` uploads the demo books into it as Google Sheets (`upload_demo`) and gives the
configuration, the spreadsheets' ids, a person's gspread client to edit them with, snapshots of the emulator's
store, and `demo.sync()`: `run_sync` through a Router whose Google backend sleeps on a fake
clock (nothing really waits; the delays are recorded). `wire` records every request body
the emulator receives, as it arrived.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from fake_google import FakeGoogle, server
from fake_google.store import Spreadsheet
from lotsync.adapters.backends import Router
from lotsync.adapters.backends.google import GoogleBackend
from lotsync.adapters.config import Config, load_config
from lotsync.adapters.sources import classify
from lotsync.app import emulator_clients as clients
from lotsync.app.demo_google import upload_demo
from lotsync.app.sync import SyncOutcome, run_sync

AS_OF = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 0)
LATER = datetime(2026, 11, 26, 9, 30)
PERSON = "claire.cahors@example.org"
"""Someone of the collective who edits the sheets by hand, in another Google client."""
SHARED = "collectif"
RESULT_TABS = ("Rapprochement", "Soldes", "Répartition", "Tableau de bord", "Anomalies", "Suivi des demandes")
"""The demo's result tabs: it has a requests tab, so `Suivi des demandes` too."""


class FakeClock:
    """Time that only passes when lotsync sleeps: a retry's wait is recorded and returns at once.

    The waits of concurrent threads add up here, whereas in real time they overlap: a test of a
    time budget reads with one thread, or scales the budget by the number of threads."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.delays: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.delays.append(seconds)
            self.now += seconds


@dataclasses.dataclass
class Sent:
    """One request as the emulator received it."""

    endpoint: str
    path: str
    query: dict[str, list[str]]
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body or b"{}")


@dataclasses.dataclass
class Demo:
    google: FakeGoogle
    directory: Path
    config_path: Path
    config: Config
    ids: dict[str, str]
    """Spreadsheet id by book: the member ids and "collectif"."""
    clock: FakeClock = dataclasses.field(default_factory=FakeClock)

    @property
    def local_config(self) -> Config:
        """The same books as local .xlsx files (`write_demo`'s configuration)."""
        return load_config(self.directory / "lotsync.toml")

    @property
    def shared_id(self) -> str:
        return self.ids[SHARED]

    def backend(self, config: Config | None = None, seed: int = 0) -> GoogleBackend:
        backend = GoogleBackend(config or self.config, sleep=self.clock.sleep)
        backend.retry.clock = self.clock
        backend.retry.random = random.Random(seed).random
        return backend

    def router(self, config: Config | None = None, backend: GoogleBackend | None = None) -> Router:
        config = config or self.config
        router = Router(config)
        router._google = backend or self.backend(config)
        return router

    def sync(
        self,
        config: Config | None = None,
        *,
        now: datetime = NOW,
        router: Router | None = None,
        before_write: Callable[[], None] | None = None,
        notify: bool = False,
    ) -> SyncOutcome:
        """One sync on the emulator; `before_write` runs after every read, just before the write.
        Without the requests' notifications unless `notify` (they append their own Journal lines,
        tested in tests/app/test_notifications.py and below with `notify=True`)."""
        config = config or self.config
        router = router or self.router(config)
        if before_write is not None:
            write = router.write

            def edited_then_written(*args: Any, **kwargs: Any) -> Any:
                before_write()
                return write(*args, **kwargs)

            router.write = edited_then_written  # type: ignore[method-assign]
        return run_sync(config, as_of=AS_OF, now=now, backend=router, notify=notify)

    def with_google(self, **options: Any) -> Config:
        """The configuration with other [google] settings (timeout, max_tries...)."""
        return self.config.model_copy(update={"google": self.config.google.model_copy(update=options)})

    # -- the emulator's side ---------------------------------------------------

    def snapshot(self, book: str = SHARED) -> Spreadsheet:
        with self.google.store.lock:
            return copy.deepcopy(self.google.store.spreadsheets[self.ids[book]])

    def tab(self, title: str, book: str = SHARED) -> dict[tuple[int, int], Any]:
        """A tab's stored cells, (row, column) 0-based → value, as the emulator keeps them."""
        with self.google.store.lock:
            spreadsheet = self.google.store.spreadsheets[self.ids[book]]
            sheet = next(s for s in spreadsheet.sheets if s.title == title)
            return {k: c.value for k, c in sheet.cells.items() if c.value not in (None, "")}

    def tab_titles(self, book: str = SHARED) -> list[str]:
        with self.google.store.lock:
            return [s.title for s in self.google.store.spreadsheets[self.ids[book]].sheets]

    def person(self) -> Any:
        """A person's gspread client (an editor of every demo spreadsheet), unmodified."""
        with self.google.store.lock:
            for file_id in self.ids.values():
                self.google.store.files[file_id].shared[PERSON] = "writer"
        creds = clients.user_credentials(self.google.base_url, PERSON)
        return clients.gspread_client(self.google.base_url, creds)

    def drive(self) -> Any:
        """Drive v3 as the service account lotsync runs as (it owns the uploaded books)."""
        import json

        info = json.loads((self.directory / "google-demo-key.json").read_text(encoding="utf-8"))
        creds = clients.service_account_credentials(self.google.base_url, info)
        return clients.build_service("drive", "v3", self.google.base_url, creds)

    def upload_excel(self, name: str) -> str:
        """Put a demo .xlsx on Drive as it is (no conversion): a source lotsync reads as `drive:ID`."""
        from googleapiclient.http import MediaInMemoryUpload

        from lotsync.app.demo_google import XLSX_MIME

        media = MediaInMemoryUpload((self.directory / name).read_bytes(), mimetype=XLSX_MIME)
        created = self.drive().files().create(body={"name": name}, media_body=media, fields="id").execute()
        return created["id"]

    def with_sources(self, **sources: str) -> Config:
        """The configuration with other sources for some members (by id)."""
        members = [
            m.model_copy(update={"source": sources[m.id]}) if m.id in sources else m
            for m in self.config.members
        ]
        return self.config.model_copy(update={"members": members})


@dataclasses.dataclass
class Uploaded:
    """The demo books as the emulator holds them after `upload_demo` (and after a first sync)."""

    directory: Path
    config_path: Path
    ids: dict[str, str]
    files: dict[str, Any]
    spreadsheets: dict[str, Spreadsheet]
    synced: dict[str, Spreadsheet]


@pytest.fixture(scope="session")
def uploaded(tmp_path_factory: pytest.TempPathFactory) -> Uploaded:
    """Upload once per session (keys, workbooks and conversions take time); each test gets a copy."""
    directory = tmp_path_factory.mktemp("demo-google")
    with FakeGoogle() as emulator:
        config_path = upload_demo(directory, emulator.base_url)
        config = load_config(config_path)
        ids = {m.id: classify(m.source, config.backend).ref for m in config.members}
        ids[SHARED] = classify(config.shared.source, config.backend).ref
        with emulator.store.lock:
            files = copy.deepcopy(emulator.store.files)
            spreadsheets = copy.deepcopy(emulator.store.spreadsheets)
        demo = Demo(emulator, directory, config_path, config, ids)
        outcome = demo.sync()
        assert outcome.error is None, outcome.error
        with emulator.store.lock:
            synced = copy.deepcopy(emulator.store.spreadsheets)
    return Uploaded(directory, config_path, ids, files, spreadsheets, synced)


def _demo_in(google: FakeGoogle, uploaded: Uploaded, spreadsheets: dict[str, Spreadsheet]) -> Demo:
    with google.store.lock:
        google.store.files = copy.deepcopy(uploaded.files)
        google.store.spreadsheets = copy.deepcopy(spreadsheets)
    config = load_config(uploaded.config_path)
    config = config.model_copy(
        update={"google": config.google.model_copy(update={"endpoint": google.base_url})}
    )
    google.log.clear()
    return Demo(google, uploaded.directory, uploaded.config_path, config, dict(uploaded.ids))


@pytest.fixture
def demo(google: FakeGoogle, uploaded: Uploaded) -> Demo:
    """The demo books in the emulator as Google Sheets, as `upload_demo` left them; empty log."""
    return _demo_in(google, uploaded, uploaded.spreadsheets)


@pytest.fixture
def synced(google: FakeGoogle, uploaded: Uploaded) -> Demo:
    """The demo after a first, successful sync (lotsync's tabs exist); empty log."""
    return _demo_in(google, uploaded, uploaded.synced)


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Every request the emulator handles from now on, body included, in arrival order."""
    seen: list[Sent] = []

    def tap(route: Any) -> Any:
        def tapped(store: Any, request: Any) -> Any:
            seen.append(Sent(route.name, request.path, dict(request.query), request.body))
            return route.handler(store, request)

        return dataclasses.replace(route, handler=tapped)

    monkeypatch.setattr(server, "ROUTES", [tap(route) for route in server.ROUTES])
    return seen
