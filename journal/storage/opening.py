"""Which store a journal location names: a file path (SQLite) or a PostgreSQL URL.

Apart from `journal.storage.engines` because it imports every engine, and every engine
imports the engines' `Connection`: here the choice imports them without a circle.
"""

from __future__ import annotations

import os

from journal.core.urls import is_url

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def open_store(location: Any, *, create: bool = True) -> Any:
    """The store for this location: SQLite for a path, PostgreSQL for a URL; a store
    already open (`engines.memory.MemoryStore`, the fast tests' journal) is itself."""
    if not isinstance(location, str | os.PathLike):
        return location
    if is_url(location):
        from journal.storage.engines.postgres import PgStore

        return PgStore(str(location), create=create)
    from journal.storage.store import Store

    return Store(location, create=create)


def driver_sql(conn: Any, sql: str) -> str:
    """`sql` (SQLite's dialect, `?` placeholders) as this connection's driver takes it, for
    the few places that use the driver's cursor directly (bulk inserts)."""
    if conn.dialect.name == "postgresql":
        from journal.storage.engines.postgres import to_postgres

        return to_postgres(sql)
    return sql
