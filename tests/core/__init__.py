"""Tests of lotsync/core."""
