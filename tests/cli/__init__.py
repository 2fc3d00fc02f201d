"""Tests of lotsync/cli."""
