"""Tests of lotsync/tabs."""
