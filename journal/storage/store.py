"""The SQLite event store: opening, migrating, appending, reading. Writes run in `BEGIN
IMMEDIATE` transactions with a busy timeout, so concurrent processes queue up instead of
failing; sequence numbers and stream versions are assigned inside that transaction (gapless,
never reused). UPDATE and DELETE on events are refused by triggers in the database itself."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from journal import files
from journal.core.clock import fmt_time, parse_time  # noqa: F401 - re-exported for adapters
from journal.core.errors import BadInput
from journal.core.events import Event, loads, upgrade_payload
from journal.paths import file_text
from journal.storage.engines import Connection
from journal.storage.engines.sqlite import Engine, connector, online_backup, prepare, settle
from journal.storage.file_checks import creation_target, existing
from journal.storage.personal import reveal, seal

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

HEAD_REVISION = "0005"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")
GENESIS_HASH = "0" * 64

EVENT_COLUMNS = (
    "seq, event_id, stream, version, type, schema_version, payload, occurred_at, recorded_at,"
    " prev_hash, hash"
)


def dump_payload(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, row: tuple) -> str:
    """The chain link: sha256 over the previous hash and the event's canonical content;
    `row` is (seq, event_id, stream, version, type, schema_version, payload_json,
    occurred_at, recorded_at) exactly as stored."""
    from journal.core.sha256 import sha256  # writing only; no OpenSSL (see there)

    return sha256((prev_hash + canonical_content(row)).encode("utf-8")).hexdigest()


_quote = json.encoder.encode_basestring  # JSON string quoting, as json.dumps(ensure_ascii=False)


def canonical_content(row: tuple) -> str:
    """`json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))`, built faster:
    verify and import hash every event, so this is their inner loop; rows of the usual types
    are formatted directly (same bytes), anything else goes through json.dumps."""
    if len(row) != 9:
        return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
    seq, event_id, stream, version, type_, schema, payload, occurred, recorded = row
    if (
        type(seq) is int
        and type(version) is int
        and type(schema) is int
        and type(event_id) is str
        and type(stream) is str
        and type(type_) is str
        and type(payload) is str
        and type(occurred) is str
        and type(recorded) is str
    ):
        return (
            f"[{seq},{_quote(event_id)},{_quote(stream)},{version},{_quote(type_)},{schema},"
            f"{_quote(payload)},{_quote(occurred)},{_quote(recorded)}]"
        )
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def row_to_event(row: Any) -> Event:
    seq, event_id, stream, version, type_, schema_version, payload, occurred, recorded = row[:9]
    # Equivalent to Event(...), without the frozen dataclass's per-field object.__setattr__:
    # a rebuild reads every event, and that __init__ cost as much as decoding the payload.
    event = _new_event(Event)
    event.__dict__.update(
        type=type_,
        stream=stream,
        payload=upgrade_payload(type_, schema_version, loads(payload)),
        occurred_at=parse_time(occurred),
        seq=seq,
        version=version,
        recorded_at=parse_time(recorded),
        event_id=event_id,
        schema_version=schema_version,
    )
    return event


_new_event = object.__new__


def _translate(exc: BaseException, path: Path) -> BadInput:
    """Turn a database error into one clear line for the user."""
    text = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return BadInput("not_a_journal", path=str(path))
    if "readonly" in lowered or "read-only" in lowered:
        return BadInput("db_read_only", path=str(path))
    if "unable to open" in lowered and not os.access(path.parent, os.W_OK):
        # SQLite needs to write its WAL index beside the journal, even to read it.
        return BadInput("db_read_only_place", path=str(path))
    if "locked" in lowered or "busy" in lowered:
        return BadInput("db_busy", path=str(path))
    return BadInput("db_unusable", path=str(path), detail=text)


class _FilePath:
    """`Store.path`: the `Path` of the store's `file`, made when asked, so that a command that
    never asks imports no pathlib. A subclass's own `path` (set on the instance: a server's
    masked URL, a journal in memory's name) comes first."""

    def __get__(self, store: Any, owner: Any = None) -> Any:
        if store is None:
            return self
        from pathlib import Path

        return Path(store.file)


class Store:
    """One journal file. Cheap to open; migrates on first use.

    A journal that does not exist yet is created first (unless `create` is false: then it is
    an error), atomically: see `Store.new`.
    """

    #: Built under a hidden name (`Store.new`), published only whole: an import may commit twice
    unpublished = False
    path = _FilePath()

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.file = file_text(path)  # the journal file, as `str(Path)` writes it
        if not existing(self.file, create):
            if not create:
                raise BadInput("no_journal", path=self.file)
            try:
                with Store.new(self.file):
                    pass
            except FileExistsError:
                pass  # another command created it meanwhile: that one is used
        self._open(created=False)

    @classmethod
    @contextmanager
    def new(cls, path: Path | str) -> Iterator[Store]:
        """A new journal for `path`, built under a hidden name beside it, published at `path`
        only when the block ends without an error, and never over anything already there.

        Yields the store of the new journal (its schema in place); after publishing, the
        store points at `path`. `FileExistsError` if a journal (or anything) appeared at the
        path meanwhile: this one is then discarded, and the other left untouched. On any
        error, or if the process is killed, nothing is left at `path` (a killed process may
        leave its hidden file, which the next creation in that folder removes).
        """
        from pathlib import Path  # creating a journal: no everyday command

        path = file_text(path)
        final = Path(creation_target(path))
        try:
            files.private_dirs(final.parent)
            files.remove_stale_partials(final.parent)
            temp = files.partial_name(final)
            os.close(files.create_new(temp))
        except OSError as exc:
            raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
        store = cls.__new__(cls)
        store.file = str(temp)
        store.engine = None
        store.unpublished = True
        try:
            store._open(created=True)
            yield store
            store.unpublished = False
            store.dispose()
            try:
                settle(temp)
                files.publish(temp, final)
            except FileExistsError:
                raise
            except (OSError, sqlite3.Error) as exc:
                detail = getattr(exc, "strerror", None) or str(exc)
                raise BadInput("db_unusable", path=str(path), detail=detail) from None
        finally:
            if store.engine is not None:
                store.dispose()
            files.remove_own(temp)
        store.file = path
        store._open(created=False)

    #: The exceptions for a broken UNIQUE constraint (an event id seen before), whether the
    #: statement ran through the store's connection or the driver's own cursor.
    duplicate: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def _open(self, created: bool) -> None:
        self.engine = Engine(connector(self.file, "rw"), KNOWN_REVISIONS)
        self._ensure_schema(created)

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE): one writer at a time, others wait."""
        with self._guard(), self.engine.transaction("BEGIN IMMEDIATE") as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot of the log and the read models."""
        with self._guard(), self.engine.transaction() as conn:
            yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def dispose(self) -> None:
        self.engine.dispose()

    def announce(self, conn: Connection) -> None:
        """Tell the journal's followers (the daemon) that the read models were rebuilt. A
        file's see its `PRAGMA data_version` move at the commit; a server's are told."""

    # -- schema ---------------------------------------------------------------------------
    def _ensure_schema(self, created: bool) -> None:
        with self._guard(), self.engine.plain() as conn:
            revision = _revision(conn)
            if revision == HEAD_REVISION:
                return
            if revision is None and not created and _has_foreign_tables(conn):
                raise BadInput("not_a_journal", path=str(self.path))
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise BadInput("newer_journal", path=str(self.path), revision=revision)
        self._migrate(backup=revision is not None)

    def _migrate(self, backup: bool) -> None:
        """Create or upgrade the schema with Alembic: the only time SQLAlchemy is imported."""
        if backup:
            self.backup_copy()
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.pool import NullPool

        engine = create_engine("sqlite://", poolclass=NullPool, creator=self.engine.opener)
        event.listen(engine, "connect", lambda raw, _record: prepare(raw, KNOWN_REVISIONS))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            with self._guard(), engine.connect() as conn, conn.begin():
                upgrade_schema(conn)
        except DBAPIError as exc:
            raise _translate(exc, self.path) from None
        finally:
            engine.dispose()

    def backup_copy(self) -> Path:
        """A consistent copy beside the journal (SQLite online backup), made before migrating."""
        target = self.path.with_name(f"{self.path.name}.backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        # Copied under a partial name and linked into place when complete: a copy interrupted
        # half-way never sits beside the journal looking like a good backup.
        with files.new_file(target) as partial:
            online_backup(self.path, partial)
        return target

    # -- the log --------------------------------------------------------------------------
    # Every read opens the personal fields (journal/storage/personal.py): plain or forgotten.
    def stream(self, conn: Connection, stream: str) -> list[Event]:
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE stream = ? ORDER BY version"
        return reveal(conn, [row_to_event(r) for r in conn.exec_driver_sql(sql, (stream,))])

    def event_at(self, conn: Connection, seq: int) -> Event | None:
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?"
        row = conn.exec_driver_sql(sql, (seq,)).first()
        return reveal(conn, [row_to_event(row)])[0] if row else None

    def events(self, conn: Connection, stream: str | None = None) -> Iterator[Event]:
        if stream is not None:
            yield from self.stream(conn, stream)
            return
        for row in conn.exec_driver_sql(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"):
            yield reveal(conn, [row_to_event(row)])[0]

    def last_seq(self, conn: Connection) -> int:
        return conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM events").scalar_one()

    def has_event_id(self, conn: Connection, event_id: str) -> bool:
        found = conn.exec_driver_sql("SELECT 1 FROM events WHERE event_id = ?", (event_id,))
        return found.first() is not None

    def append(self, conn: Connection, pending: list[Event], recorded_at: datetime) -> list[Event]:
        """Append events (in a write transaction), assigning seq, version and hash."""
        last = conn.exec_driver_sql(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).first()
        seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
        versions: dict[str, int] = {}
        rows, stored = [], []
        recorded = fmt_time(recorded_at)
        for item in pending:
            if item.stream not in versions:
                versions[item.stream] = conn.exec_driver_sql(
                    "SELECT coalesce(max(version), 0) FROM events WHERE stream = ?",
                    (item.stream,),
                ).scalar_one()
            seq += 1
            versions[item.stream] += 1
            # the chain covers the payload as stored: its personal fields sealed
            content = (
                *(seq, item.event_id, item.stream, versions[item.stream], item.type),
                item.schema_version,
                dump_payload(seal(conn, item, recorded)),
                fmt_time(item.occurred_at),
                recorded,
            )
            digest = event_hash(prev_hash, content)
            rows.append((*content, prev_hash, digest))
            prev_hash = digest
            stored.append(row_to_event((*content[:6], dump_payload(item.payload), *content[7:])))
        conn.exec_driver_sql(
            f"INSERT INTO events ({EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
        )
        return stored


def upgrade_schema(conn: Connection) -> None:
    """Run the Alembic migrations up to head on this connection (in its transaction)."""
    from alembic.config import Config

    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def migrations_dir() -> Path:
    """Where the Alembic scripts are: the installed `journal_migrations`, or ./alembic."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("journal_migrations")
    if spec and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / "alembic"


def _revision(conn: Connection) -> str | None:
    found = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if not found:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _has_foreign_tables(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one() > 0
