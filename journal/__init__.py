"""trade-journal: an append-only journal of flea-market trades and their deadlines."""

__version__ = "0.1.0"
