"""Tests of lotsync/adapters."""
