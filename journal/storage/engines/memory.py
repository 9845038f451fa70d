"""A journal held in memory: the same store as a file's, without the file.

This is the fast middle layer's store (the `eventsourcing` library's POPO recorder, Cosmic
Python's fake unit of work): the door (`journal.service.Journal`), the reminder records and
the planner's inputs run on it in well under a millisecond per read, where a journal file
costs tens of milliseconds to create (Alembic's migrations) and to commit to (fsync, WAL).

Why an in-memory SQLite database and not Python dicts: the event log is a few operations
(append with idempotent ids, read a stream, the chain), but the door also reads the read
models, the sent-reminder records and the personal-data keys through ~60 SELECTs
(`queries.py`, `records.py`, `reminder_records.py`, `personal.py`). A second implementation of
each in Python would be a second copy that drifts from the SQL the journal runs, which is what
a fake must not do. So this store runs the very same SQL and projections as `Store`: only the
place the pages live differs. What it drops is the file: no path checks, no fsync, no WAL,
and no Alembic per journal (the schema at head is migrated once per process, into a template
that every new store copies with SQLite's backup API). The store contract it shares with the
file and PostgreSQL stores is tested on all three by `tests/test_store_contract.py`.

The database is SQLite's `memdb` VFS under a unique name, shared by the store's connections in
this process (each transaction opens its own, as on a file, so threads behave as they do
there: one writer at a time, readers wait for a commit). It lives as long as the store.
"""

import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from journal.storage.engines.sqlite import BUSY_TIMEOUT_MS, Engine
from journal.storage.store import KNOWN_REVISIONS, Store

_template: sqlite3.Connection | None = None  # a journal at head, empty: copied by each store
_lock = threading.Lock()


def _connector(uri: str) -> Callable[[], sqlite3.Connection]:
    def connect() -> sqlite3.Connection:
        timeout = BUSY_TIMEOUT_MS / 1000
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    return connect


class MemoryStore(Store):
    """One journal in this process's memory, gone when disposed."""

    def __init__(self, *, fresh: bool = False) -> None:
        """A new, empty journal (`fresh`: migrated by Alembic itself, not copied)."""
        name = uuid.uuid4().hex
        self.path = Path(f"memory-{name[:12]}")  # what messages name; no file is ever there
        uri = f"file:/journal-{name}?vfs=memdb"
        # The anchor keeps the database alive between transactions (a memdb database is
        # freed when its last connection closes).
        self._anchor = _connector(uri)()
        self.engine = Engine(_connector(uri), KNOWN_REVISIONS)
        if fresh:
            self._migrate(backup=False)
        else:
            _empty_journal().backup(self._anchor)

    def dispose(self) -> None:
        """Free the database."""
        self._anchor.close()

    def backup_copy(self) -> Path:
        """Never migrated from an older revision, so never copied before migrating."""
        raise NotImplementedError("an in-memory journal has no file to copy")


def _empty_journal() -> sqlite3.Connection:
    """The template every store copies: an empty journal at head, migrated once per process."""
    global _template
    with _lock:
        if _template is None:
            _template = MemoryStore(fresh=True)._anchor
        return _template
