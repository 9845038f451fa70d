"""The daemon's environment in the tests: a feed part for a journal in memory, and the
environment of a real daemon process.

`Daemon(reminders, notifier, feed=MemoryFeed())` plans and delivers from a journal in memory
(tests/support/stores.py) exactly as from a file: only the feed part differs, as a shared
journal's `LeaderFeed` does. The end-to-end tests run the real daemon with `daemon_env`.
"""

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any


class MemoryFeed:
    """A journal in memory's change feed: SQLite's `PRAGMA data_version` on a connection of
    its own (it moves when the door commits, as on a file); nothing to pin, never moved."""

    def __init__(self) -> None:
        self.daemon: Any = None
        self._conn: sqlite3.Connection | None = None

    def attach(self, daemon: Any) -> None:
        self.daemon = daemon

    def run(self, stop: Any, follow: Callable[[], None]) -> None:
        follow()

    def start(self) -> int:
        self.close()
        self._conn = self.daemon.reminders.journal.store.engine.opener()
        return self.version()

    def version(self) -> int:
        if self._conn is None:
            return -1
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def moved(self) -> bool:
        return False

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def daemon_env(db: Path | str, config: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a real daemon (or command) process on the journal `db`: English,
    Tokyo time, the config file `config` (one that need not exist by default)."""
    config = config or Path(f"{db}.no-config.toml")
    return {
        **os.environ,
        "JOURNAL_DB": str(db),
        "JOURNAL_LANG": "en",
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_CONFIG": str(config),
        **extra,
    }
