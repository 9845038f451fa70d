"""SQLite through the standard library's `sqlite3`: the connection every command uses.

The store's SQL is written once, as SQLite-dialect text with `?` placeholders, and run with
`conn.exec_driver_sql(sql, params)`. On PostgreSQL that is SQLAlchemy's own method; here it
is this module's small connection, which offers the same few methods (`first`, `scalar`,
`scalar_one`, `one`, `all`, iteration) over a `sqlite3` cursor. Importing SQLAlchemy costs a
command about two thirds of its time and it added nothing on SQLite but this wrapper, so
SQLite commands no longer import it; Alembic (and with it SQLAlchemy) is imported only when
a journal's schema must be created or upgraded.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

BUSY_TIMEOUT_MS = 30_000
# The bytes `urllib.parse.quote_from_bytes(..., safe="/")` leaves as they are.
_URI_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/"


class Dialect:
    name = "sqlite"


class NoRow(LookupError):
    """`scalar_one`/`one` found no row (a broken invariant, never a user's mistake)."""


class Result:
    """The rows of one statement: SQLAlchemy's `CursorResult` methods the store uses."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._cursor)

    def first(self) -> tuple | None:
        row = self._cursor.fetchone()
        self._cursor.close()
        return row

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def all(self) -> list[tuple]:
        return self._cursor.fetchall()

    fetchall = all

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def one(self) -> tuple:
        row = self.first()
        if row is None:
            raise NoRow("no row")
        return row

    def scalar_one(self) -> Any:
        return self.one()[0]

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class _Raw:
    """`conn.connection.dbapi_connection`, as on SQLAlchemy: the driver's own connection."""

    __slots__ = ("dbapi_connection",)

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.dbapi_connection = raw


class Connection:
    """One open `sqlite3` connection, inside a transaction this module began."""

    dialect = Dialect()

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.connection = _Raw(raw)

    def exec_driver_sql(self, sql: str, params: Sequence | dict | None = None) -> Result:
        """Run one statement; a list of parameter tuples runs it once per tuple."""
        if isinstance(params, list):
            return Result(self.raw.executemany(sql, params))
        return Result(self.raw.execute(sql, params if params is not None else ()))


class Engine:
    """Opens connections with `opener` (replaceable: the daemon pins its file through it);
    `known` are the schema revisions this program may switch to WAL (see `prepare`)."""

    dialect = Dialect()

    def __init__(self, opener: Callable[[], sqlite3.Connection], known: Sequence[str]) -> None:
        self.opener = opener
        self.known = known

    @contextmanager
    def transaction(self, begin: str = "BEGIN") -> Iterator[Connection]:
        """A transaction on a fresh connection: committed when the block ends, else undone."""
        raw = self.opener()
        try:
            prepare(raw, self.known)
            raw.execute(begin)
            try:
                yield Connection(raw)
            except BaseException:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
        finally:
            raw.close()

    @contextmanager
    def plain(self) -> Iterator[Connection]:
        """A connection outside any transaction (schema checks)."""
        raw = self.opener()
        try:
            prepare(raw, self.known)
            yield Connection(raw)
        finally:
            raw.close()

    def dispose(self) -> None:
        """Nothing is pooled: every transaction closes its connection."""


def prepare(raw: sqlite3.Connection, known: Sequence[str]) -> None:
    """Set a new connection up: our own transactions, a busy timeout, WAL for a journal.

    Only a journal (or a file being made into one) is switched to WAL: another program's
    database given by mistake is refused later, and must stay untouched.
    """
    raw.isolation_level = None
    cursor = raw.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and _ours_or_new(cursor, known):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA secure_delete = FAST")  # deleted rows' bytes zeroed in place
    except sqlite3.OperationalError:
        pass  # a read-only file can still be read; writes will say so clearly
    finally:
        cursor.close()


def _ours_or_new(cursor: sqlite3.Cursor, known: Sequence[str]) -> bool:
    """An empty file, or a journal at a revision this program knows (never a newer one)."""
    names = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master LIMIT 50")}
    if not names:
        return True
    if "alembic_version" not in names:
        return False
    found = cursor.execute("SELECT version_num FROM alembic_version").fetchone()
    return found is not None and found[0] in known


# -- files ----------------------------------------------------------------------------------


def online_backup(source: Path | str, target: Path | str) -> None:
    """Copy a journal with SQLite's online backup: consistent even while others write.

    Both files must exist already (neither is created here). The copy is switched out of WAL
    mode so it is one self-contained file. (Connections are closed explicitly: sqlite3's own
    context manager only commits, it does not close.)
    """
    with (
        closing(connector(source, "rw")()) as src,
        closing(connector(target, "rw")()) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")


def sqlite_uri(path: Path | str, mode: str) -> str:
    """A `file:` URI naming exactly this path (`?`, `#`, `%` and the rest percent-encoded).

    `mode` is SQLite's: "ro", "rw" (never creates the file) or "rwc". Encoded as
    `urllib.parse.quote_from_bytes(path, safe="/")` does, without importing it (with
    `ipaddress`, its import cost every command about 5 M instructions).
    """
    absolute = os.path.abspath(os.fsencode(path))
    if absolute.translate(None, _URI_SAFE):
        quoted = "".join(chr(b) if b in _URI_SAFE else f"%{b:02X}" for b in absolute)
    else:
        quoted = absolute.decode("ascii")
    return f"file://{quoted}?mode={mode}"


def connector(path: Path | str, mode: str) -> Any:
    """A function opening a DB-API connection to exactly `path` (never parsed as a URL)."""
    uri = sqlite_uri(path, mode)
    timeout = BUSY_TIMEOUT_MS / 1000

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    return connect


def settle(path: Path | str) -> None:
    """Fold the WAL of a journal nobody else has open into the file itself, side files gone."""
    with closing(connector(path, "rw")()) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = f"{path}-wal"
    if os.path.exists(wal) and os.stat(wal).st_size:
        raise OSError(f"{wal} was not folded into the journal")
