"""A local emulator of Google Sheets v4, Drive v3, Gmail v1 and the OAuth token endpoint.

It speaks Google's wire protocol to the unmodified client libraries, so lotsync's
Google path can be tested, benchmarked and demonstrated with no account and no
network. See the README, section "L'émulateur Google".
"""

from fake_google.server import FakeGoogle

__all__ = ["FakeGoogle"]
