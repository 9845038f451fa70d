"""The statements the scheduler reads the journal with, each in one small function.

Restricted to some trades when given, in chunks (`_chunked`): SQLite caps the number of
parameters of one statement.
"""

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from journal.deadlines import OVERDUE_KINDS
from journal.engines import Connection
from journal.store import fmt_time, parse_time
from scheduler.plan import Key

_CHUNK = 500


def open_deadlines(
    conn: Connection,
    start: datetime,
    end: datetime | None,
    trades: Collection[str] | None = None,
) -> list[tuple[str, str, datetime]]:
    """Open deadlines with `start < due <= end`, optionally of some trades only."""
    sql = "SELECT trade, kind, due FROM deadlines WHERE met_at IS NULL AND due > ?"
    base: tuple = (fmt_time(start),)
    if end is not None:
        sql += " AND due <= ?"
        base += (fmt_time(end),)
    return [(r[0], r[1], parse_time(r[2])) for r in _chunked(conn, sql, base, trades)]


def overdue_deadlines(
    conn: Connection, now: datetime, trades: Collection[str] | None = None
) -> list[tuple[str, str, datetime, set[int]]]:
    """Overdue deadlines of running trades however old, with the offsets already sent
    (the daily reminders have negative offsets: they come after the due time)."""
    kinds = sorted(OVERDUE_KINDS)
    sql = (
        "SELECT d.trade, d.kind, d.due, group_concat(s.offset_s) FROM deadlines d"
        " JOIN trades t ON t.id = d.trade"
        " LEFT JOIN reminders_sent s"
        " ON s.trade = d.trade AND s.kind = d.kind AND s.due = d.due"
        f" WHERE t.active = 1 AND d.met_at IS NULL AND d.due <= ?"
        f" AND d.kind IN ({','.join('?' * len(kinds))})"
    )
    rows = _chunked(
        conn,
        sql,
        (fmt_time(now), *kinds),
        trades,
        column="d.trade",
        tail=" GROUP BY d.trade, d.kind, d.due",
    )
    return [
        (t, k, parse_time(due), {int(x) for x in sent.split(",")} if sent else set())
        for t, k, due, sent in rows
    ]


def sent_keys(conn: Connection, since: datetime, trades: Collection[str] | None = None) -> set[Key]:
    sql = "SELECT trade, kind, due, offset_s FROM reminders_sent WHERE due > ?"
    return {(r[0], r[1], r[2], r[3]) for r in _chunked(conn, sql, (fmt_time(since),), trades)}


def titles(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    sql = "SELECT id, title FROM trades WHERE 1 = 1"
    return {r[0]: r[1] for r in _chunked(conn, sql, (), set(ids), column="id")}


def recorded(conn: Connection, ids: Iterable[str]) -> dict[str, datetime]:
    """When each trade's latest event (so its current deadlines) was recorded."""
    sql = "SELECT t.id, e.recorded_at FROM trades t JOIN events e ON e.seq = t.last_seq WHERE 1 = 1"
    rows = _chunked(conn, sql, (), set(ids), column="t.id")
    return {r[0]: parse_time(r[1]) for r in rows}


def unsent_rows(
    conn: Connection, window: tuple[str, str], trades: Collection[str] | None
) -> Iterable[Any]:
    """Open deadlines due within `window`, each with the offsets already sent (joined, so
    one indexed scan with no large sets in memory)."""
    sql = (
        "SELECT d.trade, d.kind, d.due, group_concat(s.offset_s) FROM deadlines d"
        " LEFT JOIN reminders_sent s"
        " ON s.trade = d.trade AND s.kind = d.kind AND s.due = d.due"
        " WHERE d.met_at IS NULL AND d.due > ? AND d.due <= ?"
    )
    return _chunked(
        conn, sql, window, trades, column="d.trade", tail=" GROUP BY d.trade, d.kind, d.due"
    )


def sent_since(conn: Connection, since: datetime) -> list[Any]:
    """The records of reminders sent after `since`, oldest first."""
    return list(
        conn.exec_driver_sql(
            "SELECT trade, kind, due, offset_s, sent_at, how, notifier FROM reminders_sent"
            " WHERE sent_at > ? ORDER BY sent_at, trade, kind, offset_s DESC",
            (fmt_time(since),),
        )
    )


def streams_after(conn: Connection, seq: int) -> set[str]:
    """The trades whose events came after `seq`."""
    return {
        r[0]
        for r in conn.exec_driver_sql("SELECT DISTINCT stream FROM events WHERE seq > ?", (seq,))
    }


def _chunked(
    conn: Connection,
    sql: str,
    params: tuple,
    trades: Collection[str] | None,
    column: str = "trade",
    tail: str = "",
) -> Iterable[Any]:
    """Run `sql`, restricted to some trades when given (in chunks: SQLite caps parameters)."""
    if trades is None:
        yield from conn.exec_driver_sql(sql + tail, params)
        return
    ids = sorted(trades)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        yield from conn.exec_driver_sql(f"{sql} AND {column} IN ({marks}){tail}", (*params, *part))
