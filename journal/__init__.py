"""trade-journal: an append-only journal of flea-market trades and their deadlines."""
