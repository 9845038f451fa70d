"""The sent-reminder records in an export: what the daemon already told, moved with the log.

They are not events (not in the hash chain, and not derivable from the log: they record
what a person was told, and when), yet a journal moved without them (`copy --to`, a
restore of `export`/`backup`) would be reminded again of everything already delivered.
So an export (format version 2) carries them after the events, one line each,
`{"reminder_sent": {"trade", "kind", "due", "offset_s", "sent_at", "how", "notifier"}}`,
counted in the header (`"reminders_sent": N`); import checks each one and puts them back in
the same transaction as the events. A version-1 export has none and still imports.
"""

import re
from typing import Any

from journal.core.clock import fmt_time, parse_time
from journal.core.errors import BadInput

KEY = "reminder_sent"
COLUMNS = ("trade", "kind", "due", "offset_s", "sent_at", "how", "notifier")
HOW = frozenset({"on_time", "late", "summary", "superseded"})
_TEXT_MAX = 200
_OFFSET_MAX = 200 * 366 * 86400  # seconds: far beyond any warning or daily reminder
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BATCH = 5000
_INSERT = (
    "INSERT INTO reminders_sent (trade, kind, due, offset_s, sent_at, how, notifier)"
    " VALUES (?,?,?,?,?,?,?)"
)


def line_of(row: tuple) -> dict[str, Any]:
    """One record as an export line's object."""
    return {KEY: dict(zip(COLUMNS, row, strict=True))}


def is_record(item: Any) -> bool:
    """Is this parsed export line a sent-reminder record (not an event)?"""
    return isinstance(item, dict) and KEY in item


def record_row(item: dict[str, Any], line: int, source: str) -> tuple:
    """The stored row of a record line, checked; a bad one is `import_damaged`."""
    why = _problem(item)
    if why is not None:
        raise BadInput("import_damaged", path=source, line=line, why=why)
    value = item[KEY]
    return tuple(value[c] for c in COLUMNS)


def _problem(item: dict[str, Any]) -> str | None:
    value = item.get(KEY)
    if len(item) != 1 or not isinstance(value, dict) or set(value) != set(COLUMNS):
        return "not a sent-reminder record"
    for name in ("trade", "kind", "notifier"):
        text = value[name]
        if type(text) is not str or not text or len(text) > _TEXT_MAX or _CONTROL.search(text):
            return f"bad sent-reminder {name}"
    if type(value["offset_s"]) is not int or abs(value["offset_s"]) > _OFFSET_MAX:
        return "bad sent-reminder offset_s"
    if value["how"] not in HOW:
        return "bad sent-reminder how"
    for name in ("due", "sent_at"):
        if not _stored_time(value[name]):
            return f"bad sent-reminder {name}"
    return None


def _stored_time(text: Any) -> bool:
    """A time exactly as the journal stores it (UTC, whole seconds): keys compare as text."""
    if type(text) is not str:
        return False
    try:
        return fmt_time(parse_time(text)) == text
    except (ValueError, OverflowError):
        return False


def insert(
    conn: Any, rows: list[tuple], duplicate: tuple[type[Exception], ...], source: str
) -> None:
    """Put the records back (in the import's transaction); a key seen twice is damage."""
    try:
        for start in range(0, len(rows), _BATCH):
            conn.exec_driver_sql(_INSERT, rows[start : start + _BATCH])
    except duplicate:
        why = "duplicate sent-reminder record"
        raise BadInput("import_damaged", path=source, line="?", why=why) from None
