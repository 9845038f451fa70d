"""Journal locations as text: a file path or a PostgreSQL URL, and a URL's password kept out
of every message (pure string work, shared by storage, the daemon and the service unit)."""

from __future__ import annotations

import re

from journal.core.patterns import LazyPattern

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

_URL = LazyPattern(r"^postgres(ql)?(\+psycopg)?://", re.IGNORECASE)


def is_url(location: str | Path) -> bool:
    """True for `postgresql://…` (and `postgres://…`): a server, not a file."""
    return isinstance(location, str) and bool(_URL.match(location))


# `scheme://user:PASSWORD@`: the password runs to the last `@` of the URL, since it may
# itself hold an unescaped `@`, `/`, `?` or `#` (the driver cuts it at some of them, which
# is no reason to show the rest). A query holding `@` after a bare `host:port` is masked
# too: showing too little is harmless, showing a piece of a password is not.
_USERINFO = LazyPattern(r"^([^:/]+://[^:/@]*):(.*)@", re.DOTALL)
_QUERY_PASSWORD = LazyPattern(r"([?&](?:ssl)?password=)([^&]*)", re.IGNORECASE)


def mask(url: str) -> str:
    """The URL with any password replaced by `***`, for every message and log line."""
    url = _USERINFO.sub(r"\1:***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", url)


def without_password(url: str) -> str:
    """The URL with its password left out (userinfo and `password=`), for a place others
    can read, like a service's command line; libpq then takes it from ~/.pgpass."""
    url = _USERINFO.sub(r"\1@", url)
    url = re.sub(r"([?&])(ssl)?password=[^&]*(&|$)", r"\1", url, flags=re.IGNORECASE)
    return url.rstrip("?&")


def scrub(text: str, url: str) -> str:
    """`text` (a driver's message about `url`) with every piece of the URL's password
    masked: a password holding `@`, `:` or `/` is cut there by the driver, and a piece
    may come back inside its message (`failed to resolve host 'Secret@host'`)."""
    found = _USERINFO.match(url)
    secrets = [found.group(2)] if found else []
    secrets += [m.group(2) for m in _QUERY_PASSWORD.finditer(url)]
    pieces = {p for s in secrets for p in (s, *re.split(r"[@:/?#&=]", s)) if p}
    for piece in sorted(pieces, key=len, reverse=True):
        if piece in text:
            text = text.replace(piece, "***") if len(piece) >= 4 else "***"
    return text
