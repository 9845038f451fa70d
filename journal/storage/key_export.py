"""The trades' personal-data keys in an export (format version 3), so a restore or a copy
can still read what is not forgotten, and knows what is.

An export is the owner's full copy of the journal: it carries, after the events (before the
sent-reminder records), one line per row of `personal_keys`,
`{"personal_key": {"trade", "key", "created_at", "forgotten_at"}}` (the key in base64, or
null once forgotten), counted in the header (`"personal_keys": N`). So an export holds the
personal data of the trades not yet forgotten, like the journal itself, and is written
owner-only; a forgotten trade's key is not in it, because it no longer exists anywhere.
(`rows(with_keys=False)` leaves the live keys out: every sealed field of such an export reads
as forgotten wherever it is imported.) Import checks each line and puts the keys back in the
same transaction as the events, before the read models are rebuilt.
"""

import base64
import binascii
import re
from typing import Any

from journal.core.errors import BadInput
from journal.storage.sent_export import _stored_time

KEY = "personal_key"
COLUMNS = ("trade", "key", "created_at", "forgotten_at")
_TRADE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")  # a trade id, as validate.py
_INSERT = "INSERT INTO personal_keys (trade, key, created_at, forgotten_at) VALUES (?,?,?,?)"


def rows(conn: Any, with_keys: bool = True) -> list[tuple]:
    """The key rows as an export carries them (without keys: the forgotten ones only)."""
    sql = "SELECT trade, key, created_at, forgotten_at FROM personal_keys"
    if not with_keys:
        sql += " WHERE key IS NULL"
    return [tuple(row) for row in conn.exec_driver_sql(sql + " ORDER BY trade")]


def line_of(row: tuple) -> dict[str, Any]:
    trade, key, created, forgotten = row
    shown = None if key is None else base64.b64encode(bytes(key)).decode("ascii")
    return {KEY: dict(zip(COLUMNS, (trade, shown, created, forgotten), strict=True))}


def is_record(item: Any) -> bool:
    return isinstance(item, dict) and KEY in item


def record_row(item: dict[str, Any], line: int, source: str) -> tuple:
    """The stored row of a key line, checked; a bad one is `import_damaged`."""
    value = item.get(KEY)
    if len(item) != 1 or not isinstance(value, dict) or set(value) != set(COLUMNS):
        raise BadInput("import_damaged", path=source, line=line, why="not a personal key")
    why = _problem(value)
    if why is not None:
        raise BadInput("import_damaged", path=source, line=line, why=why)
    key = None if value["key"] is None else base64.b64decode(value["key"], validate=True)
    return (value["trade"], key, value["created_at"], value["forgotten_at"])


def _problem(value: dict[str, Any]) -> str | None:
    if type(value["trade"]) is not str or not _TRADE.match(value["trade"]):
        return "bad personal key trade"
    if not _stored_time(value["created_at"]):
        return "bad personal key created_at"
    forgotten = value["forgotten_at"]
    if forgotten is not None and not _stored_time(forgotten):
        return "bad personal key forgotten_at"
    if value["key"] is None:
        return None if forgotten is not None else "bad personal key (neither key nor forgotten)"
    try:
        ok = type(value["key"]) is str and len(base64.b64decode(value["key"], validate=True)) == 32
    except (binascii.Error, ValueError):
        ok = False
    return None if ok else "bad personal key"


def insert(
    conn: Any, found: list[tuple], duplicate: tuple[type[Exception], ...], source: str
) -> None:
    """Put the keys back (in the import's transaction); a trade seen twice is damage."""
    try:
        if found:
            conn.exec_driver_sql(_INSERT, found)
    except duplicate:
        why = "duplicate personal key"
        raise BadInput("import_damaged", path=source, line="?", why=why) from None
