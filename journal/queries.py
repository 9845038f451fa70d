"""Read queries the journal's commands share, one statement each, named by what they find.

(A read side in the making: the reads of the door are here; the projections', the
reminders' and the integrity check's still live beside their callers.)
"""

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import groupby

from journal.engines import Connection
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


def calendar_trades(conn, now: datetime, within: timedelta | None) -> list[str]:
    """Trades that may have a deadline in the calendar: an open one (future, or overdue while
    the trade runs), or an event recorded lately (a deadline it met or removed is shown
    cancelled for a while). The rest cannot, and are not replayed."""
    from journal.ical import CANCELLED_FOR

    sql = (
        "SELECT d.trade AS trade FROM deadlines d JOIN trades t ON t.id = d.trade"
        " WHERE d.met_at IS NULL AND (t.active = 1 OR d.due > ?)"
    )
    params: tuple = (fmt_time(now),)
    if within is not None:
        sql += " AND d.due <= ?"
        params += (fmt_time(now + within),)
    sql += (
        " UNION SELECT t.id FROM trades t JOIN events e ON e.seq = t.last_seq"
        " WHERE e.recorded_at > ? ORDER BY trade"
    )
    params += (fmt_time(now - CANCELLED_FOR),)
    return [r[0] for r in conn.exec_driver_sql(sql, params)]


def streams(conn, ids: list[str], chunk: int = 500) -> Iterable[list[Event]]:
    """The events of these trades, one trade at a time (read in chunks, not one query each)."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ",".join("?" * len(part))
        rows = conn.exec_driver_sql(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream IN ({marks})"
            " ORDER BY stream, version",
            tuple(part),
        )
        for _, group in groupby(rows, key=lambda row: row[2]):
            yield [row_to_event(row) for row in group]


def titles(conn, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.exec_driver_sql(f"SELECT id, title FROM trades WHERE id IN ({marks})", tuple(ids))
    return {r[0]: r[1] for r in rows}
