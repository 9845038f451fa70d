"""The trades Tab completion offers, read straight from the journal file with the standard
library's sqlite3, read-only, so pressing Tab costs no more than starting Python. A journal
that cannot be read (or one on a server) gives nothing: completion never prints an error."""

import os
import sqlite3

from journal.storage.engines.sqlite import sqlite_uri


def trades(file: str) -> list[tuple[str, str, str]]:
    """(id, title, state) of every trade of the journal file `file`, in the order they were
    created (a server gives none: the caller does not ask)."""
    if not os.path.exists(file):
        return []
    try:
        uri = sqlite_uri(os.path.realpath(file), "ro")  # as Path.resolve().as_uri() + ?mode=ro
        with sqlite3.connect(uri, uri=True, timeout=0.5) as conn:
            sql = "SELECT id, title, state FROM trades ORDER BY created_seq"
            rows = conn.execute(sql).fetchall()
            return [(str(ident), title, str(state)) for ident, title, state in rows]
    except sqlite3.Error:
        return []
