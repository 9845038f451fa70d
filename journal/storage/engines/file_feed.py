"""A journal file's change feed, and the pin that keeps a follower on the file it opened.

SQLite's `PRAGMA data_version` is a cheap per-connection counter that moves whenever another
connection commits to the file: the follower (the daemon) keeps one connection of its own
for it and asks it every poll. The PostgreSQL feed is LISTEN/NOTIFY (`pg_feed.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from journal.storage.engines.sqlite import sqlite_uri

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class DataVersion:
    """The log's change counter of one journal file (opened "rw": never creates one)."""

    def __init__(self, path: Path | str) -> None:
        self._conn = sqlite3.connect(sqlite_uri(path, "rw"), uri=True, isolation_level=None)

    def version(self) -> int:
        """A new number means another connection committed; -1 when it cannot be read."""
        try:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as exc:
            import logging  # only the daemon follows a file; no command pays for logging

            log = logging.getLogger("journal.daemon")
            log.warning("cannot read the journal's change counter: %s", exc)
            return -1

    def close(self) -> None:
        self._conn.close()


def before_connect(store: Any, check: Callable[[], None]) -> None:
    """Run `check` before every new connection of `store` to its file; a server has none."""
    engine = store.engine
    if not hasattr(engine, "opener"):
        return
    opener = engine.opener

    def connect() -> Any:
        check()
        return opener()

    engine.opener = connect
