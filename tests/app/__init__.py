"""Tests of lotsync/app."""
