"""Storage: the event store per engine (SQLite, PostgreSQL), the read models, their rebuild and
reads, verify, export/import, copy and the file handling under them."""
