"""The engines a journal is stored on, one module each (`journal.storage.store` holds
SQLite's, `journal.storage.engines.postgres` PostgreSQL's, `engines.memory` the fast tests'),
and what their SQL runs on (`Connection`). Which one a location names is chosen by
`journal.storage.opening`, so that this package imports none of them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, Protocol
else:  # the protocol is for type checkers: at run time a plain base, and no `typing` import
    Protocol = object


class Connection(Protocol):
    """What the store's SQL runs on: `journal.storage.engines.sqlite.Connection` for a file,
    SQLAlchemy's `Connection` for a server. Both take SQLite-dialect text with `?`
    placeholders (PostgreSQL's engine rewrites it) through `exec_driver_sql`."""

    def exec_driver_sql(self, sql: str, params: Any = ...) -> Any: ...
