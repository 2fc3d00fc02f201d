"""lotsync's errors: one root, each error in French for the person who ran the command, and the
exit code the command line gives it. Catch `LotsyncError` to catch everything lotsync means.

    LotsyncError                 exit 1   something failed; nothing was written (the message says what)
    ├── UsageError               exit 2   the configuration or the command line is wrong
    │   ├── ConfigError                   adapters.config: the file, the key, the problem
    │   └── WeekError                     core.digest: a week that is not one (2026-W48)
    ├── CellError                         core.cells: a cell that cannot be read (becomes an anomaly)
    ├── SplitKeyError                     core.split: a split key that cannot be read
    ├── SourceError                       adapters.backends: a spreadsheet cannot be read
    ├── WriteError                        adapters.backends: nothing was written, and why
    ├── CredentialsError                  adapters.google.credentials: no usable identity at Google
    ├── LoginError                        adapters.google.login (exit 2 when the command lacks a file)
    ├── GaveUp                            adapters.google.retry: Google kept failing
    ├── MailError                         adapters.mail: a message that cannot be composed
    ├── TransportError                    adapters.mail_transports: a message that did not leave
    │   └── RecipientsRefused             … or left for some recipients only
    ├── LedgerError                       app.send_log: the send log cannot be read or written
    └── LockError                         app.lock: the lock cannot be taken
        ├── Busy                          another command writes or sends
        ├── AlreadyRunning                another `lotsync run` holds this configuration
        └── LockUnavailable               the lock file cannot be opened

Errors a caller may want to tell apart are subclasses; the CLI has one handler for all of them
(`lotsync.cli.commands.Commands`). Some also derive from `ValueError` so that code written
before the root (and pydantic's validators) still catch them.
"""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_USAGE = 2


class LotsyncError(Exception):
    """Anything lotsync raises on purpose; `str(error)` is French and says what to do."""

    exit_code = EXIT_FAILED


class UsageError(LotsyncError):
    """The configuration or the command line is wrong: nothing was read."""

    exit_code = EXIT_USAGE
