"""Taking the log out and putting it back: backup, export to JSON lines, import (restore).

An export is the log itself, every stored column of every event, so the hash chain can be
rechecked anywhere, then the sent-reminder records (`journal.storage.sent_export`), so a
restored or copied journal does not remind again of what was delivered; its first line is a
header with the event count, the head hash and the record count, so a file cut short is
refused too. Import restores such a file into an *empty* journal only:
merging two logs would renumber events and change every hash after the first merged one,
which is exactly what the chain exists to reveal. Import is one transaction: all of it or
nothing.
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from journal import files
from journal.core.errors import BadInput, JournalError
from journal.core.rules import RuleBook
from journal.storage import import_lines, key_export, queries, sent_export
from journal.storage.engines.sqlite import online_backup, sqlite_uri
from journal.storage.integrity import ChainCheck, stored_rows
from journal.storage.opening import driver_sql
from journal.storage.rebuild import rebuild
from journal.storage.store import EVENT_COLUMNS, Store

FORMAT = "trade-journal-events"
FORMAT_VERSION = 3  # 2: the sent-reminder records follow the events; 3: then the keys
READABLE_VERSIONS = (1, 2, 3)  # version 1 (events only) still imports
COLUMNS = import_lines.COLUMNS
MAX_LINE = import_lines.MAX_LINE
_IMPORT_CACHE_KIB = 64 * 1024  # the import's page cache: 64 MiB instead of SQLite's 2 MiB
_INSERT = f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({','.join('?' * len(COLUMNS))})"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export_lines(store: Store, with_keys: bool = True) -> Iterator[str]:
    """The header, then one JSON object per event in seq order, then one per personal-data
    key (`key_export`), then one per sent-reminder record, all from one snapshot."""
    with store.read() as conn:
        count, head = conn.exec_driver_sql(
            "SELECT count(*), (SELECT hash FROM events ORDER BY seq DESC LIMIT 1) FROM events"
        ).one()
        sent = queries.sent_records(conn)
        keys = key_export.rows(conn, with_keys)
        yield _dumps(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "events": count,
                "head": head or "",
                "reminders_sent": len(sent),
                "personal_keys": len(keys),
            }
        )
        for row in stored_rows(conn):
            yield _dumps(dict(zip(COLUMNS, row, strict=True)))
        for key in keys:
            yield _dumps(key_export.line_of(key))
        for record in sent:
            yield _dumps(sent_export.line_of(record))


def export_to(
    store: Store, target: Path | None, write: Callable[[str], Any], with_keys: bool = True
) -> int:
    """Write the export to a new owner-only file (or through `write`); returns events."""
    if target is None:
        count = -1
        for line in export_lines(store, with_keys):
            write(line + "\n")
            count += not line.startswith('{"personal_key"')  # the keys are not counted
        return count
    with (
        _new_file(target) as partial,
        open(partial, "w", encoding="utf-8", opener=_write_nofollow) as out,
    ):
        return export_to(store, None, out.write, with_keys)


def import_file(
    store: Store, book: RuleBook, source: Path, progress: Callable[[int], None] | None = None
) -> tuple[int, str, int]:
    """Restore an export into this (empty) journal; returns (events, head hash, records of
    sent reminders).

    `progress(n)` is told of every n more bytes of the file checked and inserted.
    """
    with _open_source(source) as handle:
        header = _header(handle.readline(MAX_LINE), source)
        sent: list[tuple] | None = [] if header["version"] >= 2 else None
        keys: list[tuple] | None = [] if header["version"] >= 3 else None
        # A journal still under its hidden name (a new file, `Store.new`) is published only
        # whole, so its read models are rebuilt in a second transaction, after the log is
        # committed: the rebuild's helper process (which reads committed data only) can then
        # fold part of it on another core. Anywhere else: one transaction.
        later = store.unpublished
        try:
            with store.write() as conn:
                if queries.checkpoint(conn) or store.last_seq(conn):
                    raise BadInput("import_not_empty", path=str(store.path))
                if conn.dialect.name == "sqlite":
                    # The events' five indexes take the rows in random order (event ids):
                    # with SQLite's default 2 MB page cache, inserting is mostly paging.
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")
                duplicate = store.duplicate
                state = _insert_all(conn, handle, source, progress, duplicate, sent, keys)
                if state.seq != header["events"] or (state.seq and state.head != header["head"]):
                    raise BadInput("import_truncated", path=str(source))
                if sent is not None and len(sent) != header["reminders_sent"]:
                    raise BadInput("import_truncated", path=str(source))
                if keys is not None and len(keys) != header["personal_keys"]:
                    raise BadInput("import_truncated", path=str(source))
                sent_export.insert(conn, sent or [], duplicate, str(source))
                key_export.insert(conn, keys or [], duplicate, str(source))
                if not later:
                    _rebuilt(conn, store, book, source)
            if later:
                with store.write() as conn:
                    _rebuilt(conn, store, book, source)
        except store.duplicate:
            raise BadInput(
                "import_damaged", path=str(source), line="?", why="duplicate event id"
            ) from None
    return state.seq, state.head, len(sent or [])


def _rebuilt(conn: Any, store: Store, book: RuleBook, source: Path) -> None:
    """The imported log's read models; a log that does not replay is refused."""
    try:
        rebuild(conn, store, book)
    except JournalError as exc:
        raise BadInput("import_replay", path=str(source), detail=str(exc)) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput("import_replay", path=str(source), detail=repr(exc)) from None


def _insert_all(
    conn: Any,
    handle: BinaryIO,
    source: Path,
    progress: Callable[[int], None] | None,
    duplicate: tuple[type[Exception], ...],
    sent: list[tuple] | None = None,
    keys: list[tuple] | None = None,
) -> ChainCheck:
    """Insert the event lines in batches, checked (`import_lines.batches`, maybe in a second
    process); the chain is checked as they stream. `duplicate`: the store's exceptions for
    an event id seen before. Sent-reminder records and keys are gathered into `sent` and
    `keys` (None: the format has none)."""
    state = ChainCheck()
    cursor = conn.connection.dbapi_connection.cursor()
    insert = driver_sql(conn, _INSERT)
    reported = 0
    try:
        with closing(import_lines.batches(handle, source, sent, keys)) as checked:
            for batch, numbers, done, altered in checked:
                sound, damage = state.feed_many(batch, altered)
                if damage is not None:
                    why = damage.problem + (f" ({damage.detail})" if damage.detail else "")
                    line = numbers[sound]
                    raise BadInput("import_damaged", path=str(source), line=line, why=why)
                try:
                    cursor.executemany(insert, batch)
                except duplicate:  # a chain can be consistent and still repeat an id
                    raise BadInput(
                        "import_damaged",
                        path=str(source),
                        line=numbers[0],
                        why="duplicate event id",
                    ) from None
                if progress:
                    progress(done - reported)
                    reported = done
    finally:
        cursor.close()
    return state


def _header(line: bytes, source: Path) -> dict[str, Any]:
    try:
        header = json.loads(line.removeprefix(b"\xef\xbb\xbf"))  # a BOM an editor may add
        ok = (
            header.get("format") == FORMAT
            and type(header.get("events")) is int
            and isinstance(header.get("head"), str)
            and (header.get("version") not in (2, 3) or type(header.get("reminders_sent")) is int)
            and (header.get("version") != 3 or type(header.get("personal_keys")) is int)
        )
    except (ValueError, AttributeError, RecursionError):
        ok = False
    if not ok:
        raise BadInput("import_not_export", path=str(source))
    if type(header.get("version")) is not int or header["version"] not in READABLE_VERSIONS:
        raise BadInput("import_newer", path=str(source), version=header.get("version"))
    return header


def _open_source(source: Path) -> BinaryIO:
    try:
        if source.is_dir():
            raise BadInput("import_not_export", path=str(source))
        # A 1 MiB buffer: a million short lines read with the default 8 KiB one cost a
        # second more in `readline` alone.
        return open(source, "rb", buffering=1 << 20)  # noqa: SIM115 - returned to a with-block
    except OSError as exc:
        raise BadInput("file_unusable", path=str(source), detail=exc.strerror or str(exc)) from None


def backup(store: Store, target: Path) -> tuple[int, str]:
    """A consistent, self-contained, owner-only copy (SQLite online backup); checked after.

    A journal on a PostgreSQL server is backed up as an export (restored by `import`)."""
    from journal.storage.integrity import check_chain

    if store.engine.dialect.name == "postgresql":
        count = export_to(store, target, None)
        with open(target, encoding="utf-8") as written:
            return count, json.loads(written.readline())["head"]

    with _new_file(target) as partial:
        online_backup(store.path, partial)
        with closing(sqlite3.connect(sqlite_uri(partial, "ro"), uri=True)) as copy:
            rows = copy.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
            state, damage = check_chain(rows)
        if damage is not None:
            raise BadInput("backup_damaged", seq=damage.seq)
    return state.seq, state.head


def _new_file(target: Path) -> Any:
    """A private file that appears at `target` only once complete, and never overwrites
    (see `journal.files.new_file`); SQLite errors while writing it are one clear line."""
    return _translated(files.new_file(target), target)


@contextmanager
def _translated(inner: Any, target: Path) -> Iterator[Path]:
    with inner as partial:
        try:
            yield partial
        except sqlite3.Error as exc:  # a full disk, a vanished memory card, ...
            raise BadInput("file_unusable", path=str(target), detail=str(exc)) from None


def _write_nofollow(path: str, flags: int) -> int:
    """`open()` opener for the partial file just created: never through a symlink."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
