"""The PostgreSQL event store: the same log, chain and read models as SQLite, on a server.

Everything that differs from SQLite is here. The rest of the journal writes its SQL once,
in SQLite's dialect with `?` placeholders; `to_postgres` rewrites the few differences as
each statement goes to the server. Appends are serialized by a transaction-level advisory
lock taken at the start of every write transaction (the counterpart of SQLite's BEGIN
IMMEDIATE): `seq` is computed as max+1 under that lock, so it stays gapless and ordered
under concurrent writers, and a rolled-back transaction leaves no gap. UPDATE, DELETE and
TRUNCATE on events are refused by triggers (see the 0001 migration).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.pool import NullPool

from journal.core.errors import BadInput
from journal.core.urls import mask, scrub
from journal.storage.store import HEAD_REVISION, KNOWN_REVISIONS, Store, upgrade_schema

# One key for every journal writer on the server: pg_advisory_xact_lock(APPEND_LOCK).
APPEND_LOCK = 0x6A6F75726E616C  # "journal"
CONNECT_TIMEOUT_S = 10
CHANNEL = "journal_events"  # NOTIFY on every append; the daemon LISTENs (scheduler.leader)

# A journal is the set of tables in one schema: two journals may share a database, each in
# its own schema (`?options=-csearch_path%3Dalpha`). The schema holding `events` (else the
# one new tables would go to) is the journal's identity there; its NOTIFY channel is
# `CHANNEL` in `public` (where every journal was before channels were per journal, so
# earlier versions' writers and daemons still meet) and `CHANNEL_<digest>` elsewhere.
SCHEMA_SQL = (
    "coalesce((SELECT relnamespace::regnamespace::text FROM pg_class"
    " WHERE oid = to_regclass('events')), current_schema(), '')"
)
CHANNEL_SQL = (
    f"CASE WHEN {SCHEMA_SQL} = 'public' THEN '{CHANNEL}'"
    f" ELSE '{CHANNEL}_' || left(md5({SCHEMA_SQL}), 16) END"
)
IDENTITY_SQL = f"SELECT {SCHEMA_SQL}, {CHANNEL_SQL}"

_PLACEHOLDER = re.compile(r"'[^']*'|\?")
_NOCASE = re.compile(r"(\w+) = \? COLLATE NOCASE")
_SCALAR_MAX = re.compile(r"\bmax\((\w+), \?\)")
_GROUP_CONCAT = re.compile(r"group_concat\(([^)]*)\)")
_JSON_FIELD = re.compile(r"json_extract\((\w+), '\$\.(\w+)'\)")


def to_postgres(sql: str) -> str:
    """SQLite's dialect (as the journal writes it) to PostgreSQL's, with `%s` placeholders."""
    if sql.lstrip().upper().startswith("PRAGMA"):
        return "SELECT NULL"  # SQLite settings and counters: nothing to ask PostgreSQL
    sql = _NOCASE.sub(r"lower(\1) = lower(?)", sql)
    sql = _SCALAR_MAX.sub(r"greatest(\1, ?)", sql)
    sql = _GROUP_CONCAT.sub(r"string_agg(CAST(\1 AS TEXT), ',')", sql)
    sql = _JSON_FIELD.sub(r"(CAST(\1 AS jsonb) ->> '\2')", sql)
    if sql.lstrip().upper().startswith("INSERT OR IGNORE"):
        sql = sql.replace("INSERT OR IGNORE", "INSERT", 1) + " ON CONFLICT DO NOTHING"
    sql = sql.replace("%", "%%")
    return _PLACEHOLDER.sub(lambda m: "%s" if m.group(0) == "?" else m.group(0), sql)


def _before_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
    """SQLAlchemy hook: rewrite statements the journal sent raw (`exec_driver_sql`)."""
    if (
        "?" in statement
        or "PRAGMA" in statement
        or "NOCASE" in statement
        or "json_extract" in statement
    ):
        return to_postgres(statement), parameters
    return statement, parameters


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg.connect) takes it: no `+psycopg`, `postgresql://`."""
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url, flags=re.I)


def driver_url(url: str) -> str:
    """The URL SQLAlchemy needs for psycopg 3, from the one the user wrote."""
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url, flags=re.I)


def _first_line(exc: BaseException, url: str) -> str:
    """The driver's first line, with no piece of the password in it."""
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    line = re.sub(r"password=\S+", "password=***", text[0] if text else type(exc).__name__)
    return scrub(line, url)


class PgStore(Store):
    """One journal in a PostgreSQL database (the database's tables are the journal)."""

    # SQLAlchemy's wrapper for statements through it; psycopg's own for the import's bulk
    # insert on the driver's cursor.
    duplicate = (IntegrityError, psycopg.IntegrityError)

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.path = mask(url)  # what every message shows: never the password
        try:
            self.engine = create_engine(
                driver_url(url),
                poolclass=NullPool,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "journal"},
            )
        except (ValueError, ArgumentError) as exc:  # a port that is no number, a lone `[`…
            raise BadInput("db_bad_url", path=self.path, detail=_first_line(exc, url)) from None
        event.listen(self.engine, "before_cursor_execute", _before_execute, retval=True)
        self._ensure_schema_pg(create)

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction holding the append lock: one writer at a time, others wait."""
        with self._guard(), self.engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction on one snapshot (REPEATABLE READ), like SQLite's."""
        with self._guard(), self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise self._translate_pg(exc) from None

    def _translate_pg(self, exc: DBAPIError) -> BadInput:
        """One clear line: unreachable server, refused login, missing database, or else."""
        text = _first_line(exc, self.url)
        lowered = text.lower()
        if "password" in lowered or "authentication" in lowered or "role" in lowered:
            return BadInput("db_login_refused", path=self.path, detail=text)
        if "does not exist" in lowered and "database" in lowered:
            return BadInput("db_unreachable", path=self.path, detail=text)
        if "connect" in lowered or "server" in lowered or "timeout" in lowered:
            return BadInput("db_unreachable", path=self.path, detail=text)
        if "read-only" in lowered or "permission denied" in lowered:
            return BadInput("db_read_only", path=self.path)
        return BadInput("db_unusable", path=self.path, detail=text)

    def append(self, conn: Connection, pending: list, recorded_at: Any) -> list:
        """Append (see Store.append), and tell listening daemons once this commits."""
        stored = super().append(conn, pending, recorded_at)
        if stored:
            conn.exec_driver_sql(f"SELECT pg_notify({CHANNEL_SQL}, '')")
        return stored

    def announce(self, conn: Connection) -> None:
        """A rebuild NOTIFYs the listening daemons too, so they re-plan at once."""
        conn.exec_driver_sql(f"NOTIFY {CHANNEL}")

    # -- schema ---------------------------------------------------------------------------
    def _ensure_schema_pg(self, create: bool) -> None:
        with self._guard(), self.engine.connect() as conn:
            if _revision(conn) == HEAD_REVISION:
                return  # the usual case: no lock taken
        # Checked again under the append lock: two first commands on an empty database
        # must not both create the tables, nor one take the other's for foreign ones.
        with self.write() as conn:
            revision = _revision(conn)
            if revision == HEAD_REVISION:
                return
            if revision is None:
                if not create:
                    raise BadInput("no_journal", path=self.path)
                if _has_foreign_tables(conn):
                    raise BadInput("not_a_journal", path=self.path)
            elif revision not in KNOWN_REVISIONS:
                raise BadInput("newer_journal", path=self.path, revision=revision)
            upgrade_schema(conn)  # DDL is transactional here: a failed step undoes all


def _revision(conn: Connection) -> str | None:
    if conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is None:
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _has_foreign_tables(conn: Connection) -> bool:
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
    ).scalar_one()
    return found > 0
