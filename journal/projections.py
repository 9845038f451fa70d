"""Read models (trades, deadlines) and their checkpoint: derived from the log, never the truth.

They are written in the same transaction as the events they reflect; `rebuild` recomputes
them from zero; `catch_up` repairs them when the checkpoint lags the log (a crash, or a
journal written by a tool that only appends events).
"""

import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import Connection

from journal.deadlines import Deadline, compute
from journal.events import Event
from journal.rules import RuleBook
from journal.store import EVENT_COLUMNS, Store, fmt_time, parse_time, row_to_event
from journal.trade import Trade, fold

_AUTO_ID = re.compile(r"^T(\d{1,12})$")
_BATCH = 5000


def trade_row(trade: Trade, created_seq: int) -> tuple:
    return (
        trade.id,
        trade.platform,
        trade.role,
        trade.title,
        trade.price,
        trade.state,
        0 if trade.finished else 1,
        created_seq,
        trade.last_seq,
    )


def deadline_rows(deadlines: Iterable[Deadline]) -> list[tuple]:
    return [
        (d.trade, d.kind, fmt_time(d.due), d.effect, fmt_time(d.met_at) if d.met_at else None)
        for d in deadlines
    ]


def next_number(trade_id: str) -> int:
    """The auto-id counter after `trade_id` exists: T7 → 8; other ids don't move it."""
    match = _AUTO_ID.match(trade_id)
    return int(match.group(1)) + 1 if match else 0


def save(conn: Connection, trades: list[tuple[Trade, int]], book: RuleBook, seq: int) -> None:
    """Upsert these trades' rows and deadlines and move the checkpoint to `seq`."""
    conn.exec_driver_sql(
        "INSERT INTO trades (id, platform, role, title, price, state, active, created_seq,"
        " last_seq) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
        " platform=excluded.platform, role=excluded.role, title=excluded.title,"
        " price=excluded.price, state=excluded.state, active=excluded.active,"
        " last_seq=excluded.last_seq",
        [trade_row(t, created) for t, created in trades],
    )
    rows: list[tuple] = []
    for trade, _ in trades:
        conn.exec_driver_sql("DELETE FROM deadlines WHERE trade = ?", (trade.id,))
        rows.extend(deadline_rows(compute(trade, book)))
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO deadlines (trade, kind, due, effect, met_at) VALUES (?,?,?,?,?)", rows
        )
    counter = max((next_number(t.id) for t, _ in trades), default=0)
    conn.exec_driver_sql(
        "UPDATE projection_state SET value = max(value, ?) WHERE key = 'next_trade'", (counter,)
    )
    conn.exec_driver_sql("UPDATE projection_state SET value = ? WHERE key = 'checkpoint'", (seq,))


def drop(conn: Connection, trade_id: str) -> None:
    conn.exec_driver_sql("DELETE FROM trades WHERE id = ?", (trade_id,))
    conn.exec_driver_sql("DELETE FROM deadlines WHERE trade = ?", (trade_id,))


def checkpoint(conn: Connection) -> int:
    return conn.exec_driver_sql(
        "SELECT value FROM projection_state WHERE key = 'checkpoint'"
    ).scalar_one()


def next_trade_number(conn: Connection) -> int:
    return conn.exec_driver_sql(
        "SELECT value FROM projection_state WHERE key = 'next_trade'"
    ).scalar_one()


def refresh(conn: Connection, store: Store, streams: Iterable[str], book: RuleBook) -> None:
    """Refold the given streams from the log and save them (inside a write transaction)."""
    items = []
    for stream in sorted(set(streams)):
        events = store.stream(conn, stream)
        trade = fold(events)
        if trade is None:
            drop(conn, stream)
        else:
            items.append((trade, events[0].seq))
    save(conn, items, book, store.last_seq(conn))


def lagging(conn: Connection, store: Store) -> bool:
    return checkpoint(conn) < store.last_seq(conn)


def catch_up(conn: Connection, store: Store, book: RuleBook) -> int:
    """Bring the read models up to the end of the log; returns how many events it applied."""
    done = checkpoint(conn)
    last = store.last_seq(conn)
    if done >= last:
        return 0
    streams = [
        r[0]
        for r in conn.exec_driver_sql("SELECT DISTINCT stream FROM events WHERE seq > ?", (done,))
    ]
    refresh(conn, store, streams, book)
    return last - done


def iter_streams(conn: Connection) -> Iterator[list[Event]]:
    """Every stream's events, one stream at a time, in version order."""
    rows = conn.exec_driver_sql(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY stream, version")
    current: list[Event] = []
    for row in rows:
        if current and current[0].stream != row[2]:
            yield current
            current = []
        current.append(row_to_event(row))
    if current:
        yield current


def project_all(conn: Connection, book: RuleBook) -> Iterator[tuple[tuple, list[tuple]]]:
    """Fold the whole log: (trade row, deadline rows) per trade. Shared by rebuild and verify."""
    for events in iter_streams(conn):
        trade = fold(events)
        if trade is not None:
            yield trade_row(trade, events[0].seq), deadline_rows(compute(trade, book))


def rebuild(conn: Connection, store: Store, book: RuleBook) -> int:
    """Recompute every read model from zero (inside a write transaction). Returns trades."""
    conn.exec_driver_sql("DELETE FROM trades")
    conn.exec_driver_sql("DELETE FROM deadlines")
    conn.exec_driver_sql("UPDATE projection_state SET value = 1 WHERE key = 'next_trade'")
    trades: list[tuple] = []
    deadlines: list[tuple] = []
    counter = 1
    count = 0
    for trade, rows in project_all(conn, book):
        trades.append(trade)
        deadlines.extend(rows)
        counter = max(counter, next_number(trade[0]))
        count += 1
        if len(trades) >= _BATCH:
            _flush(conn, trades, deadlines)
    _flush(conn, trades, deadlines)
    conn.exec_driver_sql(
        "UPDATE projection_state SET value = ? WHERE key = 'next_trade'", (counter,)
    )
    conn.exec_driver_sql(
        "UPDATE projection_state SET value = ? WHERE key = 'checkpoint'",
        (store.last_seq(conn),),
    )
    return count


def _flush(conn: Connection, trades: list[tuple], deadlines: list[tuple]) -> None:
    if trades:
        conn.exec_driver_sql("INSERT INTO trades VALUES (?,?,?,?,?,?,?,?,?)", trades)
    if deadlines:
        conn.exec_driver_sql("INSERT INTO deadlines VALUES (?,?,?,?,?)", deadlines)
    trades.clear()
    deadlines.clear()


def snapshot(conn: Connection) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The read models as plain rows, for comparing inline projection with a rebuild."""
    return (
        list(conn.exec_driver_sql("SELECT * FROM trades ORDER BY id")),
        list(conn.exec_driver_sql("SELECT * FROM deadlines ORDER BY trade, kind")),
        list(conn.exec_driver_sql("SELECT * FROM projection_state ORDER BY key")),
    )


def due_after(conn: Connection, now: datetime, until: datetime | None) -> list[tuple]:
    """Open deadlines with `now < due <= until`, soonest first: (trade, kind, due, effect)."""
    sql = "SELECT trade, kind, due, effect FROM deadlines WHERE met_at IS NULL AND due > ?"
    params: tuple = (fmt_time(now),)
    if until is not None:
        sql += " AND due <= ?"
        params += (fmt_time(until),)
    rows = conn.exec_driver_sql(sql + " ORDER BY due, trade, kind", params)
    return [(r[0], r[1], parse_time(r[2]), r[3]) for r in rows]
