"""Which store a journal location names: a file path (SQLite) or a PostgreSQL URL.

What differs per engine lives in one module per engine (`journal.storage.store` holds SQLite's,
`journal.storage.engines.postgres` PostgreSQL's); this module only chooses between them.
"""

from pathlib import Path
from typing import Any, Protocol

from journal.core.urls import is_url, mask, scrub, without_password  # noqa: F401 - re-exported


class Connection(Protocol):
    """What the store's SQL runs on: `journal.storage.engines.sqlite.Connection` for a file,
    SQLAlchemy's `Connection` for a server. Both take SQLite-dialect text with `?`
    placeholders (PostgreSQL's engine rewrites it) through `exec_driver_sql`."""

    def exec_driver_sql(self, sql: str, params: Any = ...) -> Any: ...


def open_store(location: Any, *, create: bool = True) -> Any:
    """The store for this location: SQLite for a path, PostgreSQL for a URL; a store
    already open (`engines.memory.MemoryStore`, the fast tests' journal) is itself."""
    if not isinstance(location, str | Path):
        return location
    if is_url(location):
        from journal.storage.engines.postgres import PgStore

        return PgStore(str(location), create=create)
    from journal.storage.store import Store

    return Store(Path(location), create=create)


def driver_sql(conn: Any, sql: str) -> str:
    """`sql` (SQLite's dialect, `?` placeholders) as this connection's driver takes it, for
    the few places that use the driver's cursor directly (bulk inserts)."""
    if conn.dialect.name == "postgresql":
        from journal.storage.engines.postgres import to_postgres

        return to_postgres(sql)
    return sql
