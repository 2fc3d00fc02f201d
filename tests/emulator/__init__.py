"""Tests of the Google emulator (fake_google).

A package, so that its conftest does not shadow tests/conftest.py, which other tests import.
"""
