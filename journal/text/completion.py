"""Tab completion of trade ids: read straight from the journal file with the standard
library's sqlite3, read-only, so pressing Tab costs no more than starting Python. A journal
that cannot be read completes nothing: completion never prints an error."""

import sqlite3
from pathlib import Path

from journal.text.table import clean


def trade_ids(db: Path | str, incomplete: str, include_finished: bool = True) -> list[str]:
    if not isinstance(db, Path) or not db.exists():  # a server: no completion from it
        return []
    try:
        uri = f"{db.resolve().as_uri()}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=0.5) as conn:
            sql = "SELECT id, title FROM trades"
            if not include_finished:
                sql += " WHERE active = 1"
            rows = conn.execute(sql + " ORDER BY created_seq").fetchall()
    except sqlite3.Error:
        return []
    folded = incomplete.casefold()
    # a shell reads candidates line by line: an id with a control character in it (written
    # behind the program's back) would become several candidates
    return [row[0] for row in rows if row[0].isprintable() and row[0].casefold().startswith(folded)]


def titles(db: Path | str, ids: list[str]) -> dict[str, str]:
    """The titles shown beside the ids (zsh and fish show them)."""
    if not ids or not isinstance(db, Path) or not db.exists():
        return {}
    try:
        uri = f"{db.resolve().as_uri()}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=0.5) as conn:
            marks = ",".join("?" * len(ids))
            found = conn.execute(f"SELECT id, title FROM trades WHERE id IN ({marks})", ids)
            return {ident: clean(title) for ident, title in found}
    except sqlite3.Error:
        return {}
