"""The read side: every SELECT against the read models (trades, deadlines, their checkpoint)
and the log's lookups the commands share, one function each, named by what it finds.

The event store's own reads (a stream, an event, the last seq) stay in the store; everything
else reads here, the reminders' reads of deadlines and sent-reminder records included, with
the rows typed where callers pick fields. Restricted to some trades when given, in chunks
(`_chunked`): SQLite caps the number of parameters of one statement.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime, timedelta
from itertools import groupby

from journal.core.deadlines import AWAITED_KINDS, OVERDUE_KINDS, Deadline
from journal.core.events import Event
from journal.storage.engines import Connection
from journal.storage.personal import reveal
from journal.storage.store import EVENT_COLUMNS, dump_payload, fmt_time, parse_time, row_to_event

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


class Due(namedtuple("Due", ("trade", "kind", "due", "effect"))):
    """An open deadline as `upcoming`, the list and the reminders read it. (Named tuples
    from `collections`: `typing.NamedTuple` would import `typing` into every command.)"""

    __slots__ = ()
    trade: str
    kind: str
    due: datetime
    effect: str


class Listed(namedtuple("Listed", ("id", "platform", "title", "state", "next", "created_seq"))):
    """A trade as `list` shows it; `next` is the soonest open deadline as "kind|due"."""

    __slots__ = ()
    id: str
    platform: str
    title: str
    state: str
    next: str | None
    created_seq: int


_CHUNK = 500  # SQLite caps the number of parameters of one statement
# Not closed (`journal.core.deadlines.is_closed`): a finished trade waits for no step, so
# its unmet deadlines of those kinds are neither open nor reminded; its windows stay. The
# kinds are the code's own ids, written into the statement. `d` is deadlines, `t` trades.
NOT_CLOSED = "(t.active = 1 OR d.kind NOT IN ({}))".format(
    ",".join(f"'{kind}'" for kind in sorted(AWAITED_KINDS))
)


def payloads(conn: Connection, streams: list[str]) -> Iterator[tuple[str, str]]:
    """(stream, payload JSON) of every event of these trades, personal fields opened."""
    for start in range(0, len(streams), _CHUNK):
        part = streams[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE stream IN ({marks})"
        events = reveal(conn, [row_to_event(r) for r in conn.exec_driver_sql(sql, tuple(part))])
        yield from ((e.stream, dump_payload(e.payload)) for e in events)


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


def open_proceeds(conn: Connection, platforms: tuple[str, ...]) -> list[str]:
    """The sales on these apps whose proceeds deadline is not met (a withdrawal meets it)."""
    marks = ",".join("?" * len(platforms))
    sql = (
        "SELECT DISTINCT d.trade FROM deadlines d JOIN trades t ON t.id = d.trade"
        f" WHERE d.kind = 'proceeds' AND d.met_at IS NULL AND t.platform IN ({marks})"
        " ORDER BY d.trade"
    )
    return [row[0] for row in conn.exec_driver_sql(sql, platforms)]


def newest_events(conn: Connection, count: int) -> list[Event]:
    """The last `count` events, newest first."""
    sql = f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq DESC LIMIT ?"
    return reveal(conn, [row_to_event(row) for row in conn.exec_driver_sql(sql, (count,))])


def events_of_command(conn: Connection, command_id: str) -> list[Event]:
    """The events one command stored (their ids are `command:index`): a form sent twice."""
    sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id >= ? AND event_id < ? ORDER BY seq"
    rows = conn.exec_driver_sql(sql, (f"{command_id}:", f"{command_id};"))
    return reveal(conn, [row_to_event(row) for row in rows])


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
    from journal.core.calendar import CANCELLED_FOR

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


def unnamed(conn, ids: list[str]) -> Iterable[list[Event]]:
    """`streams` for the books (money, CSV): names left closed (no decryption), titles open."""
    return streams(conn, ids, names=False)


def streams(conn, ids: list[str], chunk: int = 500, names: bool = True) -> Iterable[list[Event]]:
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
            yield reveal(conn, [row_to_event(row) for row in group], names)


def titles(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    sql = "SELECT id, title FROM trades WHERE 1 = 1"
    return {r[0]: r[1] for r in _chunked(conn, sql, (), set(ids), column="id")}


def sellers(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Those of these trades the user sells (a reminder may name the message to send)."""
    sql = "SELECT id FROM trades WHERE role = 'seller'"
    return {r[0] for r in _chunked(conn, sql, (), set(ids), column="id")}


# -- the read models ------------------------------------------------------------------------


def checkpoint(conn: Connection) -> int:
    """The last event the read models reflect."""
    sql = "SELECT value FROM projection_state WHERE key = 'checkpoint'"
    return conn.exec_driver_sql(sql).scalar_one()


def next_trade_number(conn: Connection) -> int:
    sql = "SELECT value FROM projection_state WHERE key = 'next_trade'"
    return conn.exec_driver_sql(sql).scalar_one()


def projection_state(conn: Connection) -> dict[str, Any]:
    return dict(conn.exec_driver_sql("SELECT key, value FROM projection_state").all())


def trade_ids(conn: Connection, keep: Callable[[str, str], bool] | None = None) -> list[str]:
    """Every trade, in creation order; with `keep`, those it keeps by (role, state)."""
    sql = "SELECT id, role, state FROM trades ORDER BY created_seq"
    return [r[0] for r in conn.exec_driver_sql(sql) if keep is None or keep(r[1], r[2])]


def deadlines_of(conn: Connection, trade_id: str) -> list[Deadline]:
    """A trade's deadlines, met ones included, soonest first."""
    rows = conn.exec_driver_sql(
        "SELECT trade, kind, due, effect, met_at FROM deadlines WHERE trade = ? ORDER BY due, kind",
        (trade_id,),
    )
    return [
        Deadline(r[0], r[1], parse_time(r[2]), r[3], parse_time(r[4]) if r[4] else None)
        for r in rows
    ]


def listed(conn: Connection, include_all: bool, now: datetime) -> list[Listed]:
    """Trades for `list`: unfinished ones plus completed ones whose messages are open (or all),
    each with its soonest open deadline after `now`."""
    moment = fmt_time(now)
    next_due = (
        "(SELECT kind || '|' || due FROM deadlines d WHERE d.trade = t.id"
        f" AND d.met_at IS NULL AND d.due > ? AND {NOT_CLOSED} ORDER BY due LIMIT 1)"
    )
    cols = (
        f"t.id AS id, t.platform AS platform, t.title AS title, t.state AS state,"
        f" {next_due} AS next, t.created_seq AS created_seq"
    )
    if include_all:
        sql = f"SELECT {cols} FROM trades t ORDER BY t.created_seq"
        params: tuple = (moment,)
    else:
        sql = (
            f"SELECT {cols} FROM trades t WHERE t.active = 1 UNION"
            f" SELECT {cols} FROM trades t WHERE t.id IN (SELECT trade FROM deadlines"
            " WHERE kind = 'message_window' AND met_at IS NULL AND due > ?)"
            " ORDER BY created_seq"
        )
        params = (moment, moment, moment)
    return [Listed._make(row) for row in conn.exec_driver_sql(sql, params)]


# The deadlines of running trades, read from the trades: a large journal holds a hundred
# thousand unmet deadlines of closed trades (a rating never given) and a few hundred running
# trades. CROSS JOIN keeps SQLite's order (1.1 ms against 2.6 ms at 1M events, where it began
# from the deadlines' kind index); a server's planner is free to choose either way. (The
# join's condition is in the WHERE: PostgreSQL's CROSS JOIN takes no ON.)
_RUNNING_TRADES_DEADLINES = "trades t CROSS JOIN deadlines d"  # joined by d.trade = t.id


def overdue(conn: Connection, now: datetime) -> list[Due]:
    """Overdue deadlines of running trades, oldest first."""
    kinds = sorted(OVERDUE_KINDS)
    sql = (
        f"SELECT d.trade, d.kind, d.due, d.effect FROM {_RUNNING_TRADES_DEADLINES}"
        " WHERE d.trade = t.id AND t.active = 1 AND d.met_at IS NULL AND d.due <= ? AND d.kind IN"
        f" ({','.join('?' * len(kinds))}) ORDER BY d.due, d.trade, d.kind"
    )
    rows = conn.exec_driver_sql(sql, (fmt_time(now), *kinds))
    return [Due(r[0], r[1], parse_time(r[2]), r[3]) for r in rows]


def due_after(
    conn: Connection,
    now: datetime,
    until: datetime | None,
    trades: Collection[str] | None = None,
) -> list[Due]:
    """Open deadlines with `now < due <= until` (no `until`: all later ones), optionally of
    some trades only; soonest first (within each chunk of trades, when some are given)."""
    sql = (
        "SELECT trade, kind, due, effect FROM deadlines d JOIN trades t ON t.id = d.trade"
        f" WHERE d.met_at IS NULL AND d.due > ? AND {NOT_CLOSED}"
    )
    params: tuple = (fmt_time(now),)
    if until is not None:
        sql += " AND due <= ?"
        params += (fmt_time(until),)
    rows = _chunked(conn, sql, params, trades, tail=" ORDER BY due, trade, kind")
    return [Due(r[0], r[1], parse_time(r[2]), r[3]) for r in rows]


# -- the log's lookups ------------------------------------------------------------------------


def has_stream(conn: Connection, stream: str) -> bool:
    sql = "SELECT 1 FROM events WHERE stream = ? LIMIT 1"
    return conn.exec_driver_sql(sql, (stream,)).first() is not None


def streams_alike(conn: Connection, stream: str) -> list[str]:
    """Stored trade ids equal to `stream` but for case."""
    sql = "SELECT DISTINCT stream FROM events WHERE stream = ? COLLATE NOCASE"
    return [r[0] for r in conn.exec_driver_sql(sql, (stream,))]


def first_hash(conn: Connection) -> str | None:
    """The first event's hash: names this journal (the calendar's id) across copies."""
    return conn.exec_driver_sql("SELECT hash FROM events WHERE seq = 1").scalar()


def seq_of_hash(conn: Connection, digest: str) -> int | None:
    return conn.exec_driver_sql("SELECT seq FROM events WHERE hash = ?", (digest,)).scalar()


def streams_since(conn: Connection, seq: int) -> list[str]:
    """Trades with an event after `seq`."""
    sql = "SELECT DISTINCT stream FROM events WHERE seq > ?"
    return [r[0] for r in conn.exec_driver_sql(sql, (seq,))]


# -- reminders: open deadlines with what was sent of them -------------------------------------


def overdue_deadlines(
    conn: Connection, now: datetime, trades: Collection[str] | None = None
) -> list[tuple[str, str, datetime, set[int]]]:
    """Overdue deadlines of running trades however old, with the offsets already sent
    (the daily reminders have negative offsets: they come after the due time)."""
    kinds = sorted(OVERDUE_KINDS)
    sql = (
        f"SELECT d.trade, d.kind, d.due, group_concat(s.offset_s) FROM {_RUNNING_TRADES_DEADLINES}"
        " LEFT JOIN reminders_sent s"
        " ON s.trade = d.trade AND s.kind = d.kind AND s.due = d.due"
        " WHERE d.trade = t.id AND t.active = 1 AND d.met_at IS NULL AND d.due <= ?"
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


def sent_keys(
    conn: Connection, since: datetime, trades: Collection[str] | None = None
) -> set[tuple[str, str, str, int]]:
    sql = "SELECT trade, kind, due, offset_s FROM reminders_sent WHERE due > ?"
    return {(r[0], r[1], r[2], r[3]) for r in _chunked(conn, sql, (fmt_time(since),), trades)}


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
        " JOIN trades t ON t.id = d.trade"
        " LEFT JOIN reminders_sent s"
        " ON s.trade = d.trade AND s.kind = d.kind AND s.due = d.due"
        f" WHERE d.met_at IS NULL AND d.due > ? AND d.due <= ? AND {NOT_CLOSED}"
    )
    return _chunked(
        conn, sql, window, trades, column="d.trade", tail=" GROUP BY d.trade, d.kind, d.due"
    )


def sent_records(conn: Connection) -> list[tuple]:
    """Every sent-reminder record (for an export), sorted in Python by its key: the same
    order on every engine (a server's collation may sort text differently from SQLite)."""
    rows = conn.exec_driver_sql(
        "SELECT trade, kind, due, offset_s, sent_at, how, notifier FROM reminders_sent"
    )
    return sorted(tuple(r) for r in rows)


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
