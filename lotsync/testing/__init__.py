"""Test helpers shipped with lotsync: the local Google emulator."""
