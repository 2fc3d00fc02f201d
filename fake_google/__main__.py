"""`python -m fake_google [--port N] [--state FILE]`: run the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from fake_google.server import FakeGoogle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fake_google",
        description="Émulateur local de Google Sheets v4, Drive v3, Gmail v1 et OAuth (127.0.0.1).",
    )
    parser.add_argument("--port", type=int, default=0, help="port d'écoute (0 : un port libre)")
    parser.add_argument(
        "--state",
        type=Path,
        default=None,
        help="fichier JSON où garder les classeurs d'un lancement à l'autre",
    )
    parser.add_argument("--quota", action="store_true", help="appliquer les quotas par minute de Google")
    args = parser.parse_args(argv)
    emulator = FakeGoogle(args.port, args.state)
    emulator.quota.enabled = args.quota
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    emulator.start()
    # Printed once SIGTERM is handled and requests are served: a caller may act on it at once.
    print(emulator.base_url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
