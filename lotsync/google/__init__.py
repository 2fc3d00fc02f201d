"""Talking to Google: credentials, transports, retries. The backend itself is `lotsync.backends.google`."""
