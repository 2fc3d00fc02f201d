"""`lotsync requests`: the website's requests, followed up, as a sync would compute them (nothing written).

Every office's dossiers are read too: they say which requests became dossiers.
"""

from __future__ import annotations

from datetime import date

from lotsync.adapters.config import Config
from lotsync.app.sync import default_backend, read_inputs
from lotsync.core.books import Books, compute_books


def request_books(config: Config, as_of: date) -> Books:
    """The books, read and computed as by `lotsync sync --dry-run`; `books.requests` is what counts."""
    inputs, _ = read_inputs(config, default_backend(config))
    return compute_books(inputs, config.rules(), as_of)
