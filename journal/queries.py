"""Read queries the journal's commands share, one statement each, named by what they find.

(The beginning of one read side: the older reads still live beside their callers.)
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Connection

from journal.events import Event
from journal.store import EVENT_COLUMNS, fmt_time, row_to_event

_CHUNK = 500  # SQLite caps the number of parameters of one statement


def payloads(conn: Connection, streams: list[str]) -> Iterator[tuple[str, str]]:
    """(stream, payload JSON) of every event of these trades."""
    for start in range(0, len(streams), _CHUNK):
        part = streams[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        sql = f"SELECT stream, payload FROM events WHERE stream IN ({marks})"
        yield from conn.exec_driver_sql(sql, tuple(part))


def item_listings(conn: Connection, item: str) -> list[str]:
    """The trades listed with `--item ITEM`, in id order."""
    sql = (
        "SELECT DISTINCT stream FROM events WHERE type = 'listed'"
        " AND json_extract(payload, '$.item') = ? ORDER BY stream"
    )
    return [row[0] for row in conn.exec_driver_sql(sql, (item,))]


def items(conn: Connection) -> list[tuple[str, str]]:
    """(item, trade) of every listing marked with an item, by item then trade."""
    sql = (
        "SELECT json_extract(payload, '$.item') AS item, stream FROM events"
        " WHERE type = 'listed' AND json_extract(payload, '$.item') IS NOT NULL"
        " ORDER BY item, seq"
    )
    return [(row[0], row[1]) for row in conn.exec_driver_sql(sql)]


def newest_events(conn: Connection, count: int) -> list[Event]:
    """The last `count` events, newest first."""
    sql = f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq DESC LIMIT ?"
    return [row_to_event(row) for row in conn.exec_driver_sql(sql, (count,))]


def completed_between(conn: Connection, platform: str, start: datetime, end: datetime) -> list[str]:
    """Completed trades of an app whose completing step (`completed`, or the last rating)
    happened in [start, end): a superset the fold then checks (a step may be voided)."""
    sql = (
        "SELECT DISTINCT e.stream FROM events e JOIN trades t ON t.id = e.stream"
        " WHERE t.platform = ? AND t.role = 'seller' AND t.state = 'completed'"
        " AND e.type IN ('completed', 'rated') AND e.occurred_at >= ? AND e.occurred_at < ?"
        " ORDER BY e.stream"
    )
    rows = conn.exec_driver_sql(sql, (platform, fmt_time(start), fmt_time(end)))
    return [row[0] for row in rows]
