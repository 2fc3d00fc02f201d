"""The emulator answers gspread's recorded traffic as Google did (../shared/conformance).

`replay.py` replays 46 recordings of real traffic between gspread and Google and scores
the emulator's answers. Its default bar is 95 % identical answers overall and no recording under
80 %; the emulator is held to every answer of every recording (676 of 676), so that making it
stricter (its discovery-contract checks) can never refuse what Google took.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from fake_google import FakeGoogle

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"


@pytest.mark.skipif(
    not (CONFORMANCE / "replay.py").exists(),
    reason=f"{CONFORMANCE} is absent: the recordings of Google's answers live beside the repository",
)
def test_the_emulator_answers_gspreads_recordings_as_google_did():
    recordings = sorted((CONFORMANCE / "gspread-cassettes").glob("*.json"))
    assert recordings
    with FakeGoogle() as google:
        result = subprocess.run(
            [
                *(sys.executable, str(CONFORMANCE / "replay.py"), google.base_url),
                *map(str, recordings),
                *("--min-overall", "1", "--min-each", "1"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
