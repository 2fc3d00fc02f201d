"""Talking to Google: credentials, HTTP, retries, login. The backend is `lotsync.adapters.backends.google`."""
