"""Which store a journal location names: a file path (SQLite) or a PostgreSQL URL.

What differs per engine lives in one module per engine (`journal.store` holds SQLite's,
`journal.engines.postgres` PostgreSQL's); this module only chooses between them.
"""

import re
from pathlib import Path
from typing import Any

_URL = re.compile(r"^postgres(ql)?(\+psycopg)?://", re.IGNORECASE)


def is_url(location: str | Path) -> bool:
    """True for `postgresql://…` (and `postgres://…`): a server, not a file."""
    return isinstance(location, str) and bool(_URL.match(location))


def mask(url: str) -> str:
    """The URL with any password replaced by `***`, for every message and log line."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@]*@", r"\1:***@", url)


def open_store(location: str | Path, *, create: bool = True) -> Any:
    """The store for this location: SQLite for a path, PostgreSQL for a URL."""
    if is_url(location):
        from journal.engines.postgres import PgStore

        return PgStore(str(location), create=create)
    from journal.store import Store

    return Store(Path(location), create=create)
