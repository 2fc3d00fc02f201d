"""lotsync: the Lot tourist offices' shared books, kept in their own spreadsheets."""

__version__ = "0.1.0"
