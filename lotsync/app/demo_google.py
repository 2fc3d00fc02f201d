"""`lotsync demo --google`: the demo books as Google Sheets in the local emulator.

The installer sees the whole Google path work (service-account token, Sheets
reads, one atomic write) before creating any Google account.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from lotsync.app.demo import SHARED_FILE, write_demo

KEY_FILE = "google-demo-key.json"
CONFIG_FILE = "lotsync-google.toml"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_demo(directory: Path, base_url: str) -> Path:
    """Upload the demo workbooks into the emulator at `base_url` as Google Sheets.

    Writes a throwaway service-account key and a configuration pointing at the
    uploaded spreadsheets; returns the configuration's path.
    """
    from googleapiclient.http import MediaInMemoryUpload

    from lotsync.app import emulator_clients as clients

    directory = Path(directory)
    local_config = write_demo(directory)
    info = clients.service_account_info(base_url, "lotsync-demo@fake-project.iam.gserviceaccount.com")
    key = directory / KEY_FILE
    key.write_text(json.dumps(info), encoding="utf-8")
    os.chmod(key, 0o600)
    credentials = clients.service_account_credentials(base_url, info)
    drive = clients.build_service("drive", "v3", base_url, credentials)
    sheets = clients.build_service("sheets", "v4", base_url, credentials)
    ids: dict[str, str] = {}
    for book in sorted(directory.glob("*.xlsx")):
        media = MediaInMemoryUpload(book.read_bytes(), mimetype=XLSX_MIME)
        created = (
            drive.files()
            .create(
                body={"name": book.stem, "mimeType": SPREADSHEET_MIME},
                media_body=media,
                fields="id",
                supportsAllDrives=True,
            )
            .execute()
        )
        ids[book.name] = created["id"]
        # As lotsync check advises: French amounts and dates (Google's default is often en_US).
        french_locale = {
            "updateSpreadsheetProperties": {"properties": {"locale": "fr_FR"}, "fields": "locale"}
        }
        sheets.spreadsheets().batchUpdate(
            spreadsheetId=created["id"], body={"requests": [french_locale]}
        ).execute()
    text = local_config.read_text(encoding="utf-8")
    text = re.sub(r'^source = "([^"]+\.xlsx)"$', lambda m: f'source = "sheets:{ids[m[1]]}"', text, flags=re.M)
    text = text.replace('backend = "local"', 'backend = "google"', 1)
    text += (
        "\n# Le connecteur Google, branché sur l'émulateur local (lotsync demo --google).\n"
        f'[google]\ncredentials = "{KEY_FILE}"\nendpoint = "{base_url}"\n'
    )
    config = directory / CONFIG_FILE
    config.write_text(text, encoding="utf-8")
    assert SHARED_FILE in ids
    return config
