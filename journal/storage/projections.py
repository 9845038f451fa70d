"""Writing the read models (trades, deadlines) and their checkpoint: derived from the log,
never the truth.

They are written in the same transaction as the events they reflect; `journal.storage.rebuild`
recomputes them from zero; `catch_up` repairs them when the checkpoint lags the log (a crash,
or a journal written by a tool that only appends events). Their reads are in
`journal.storage.queries`.
"""

import re
from collections.abc import Iterable

from journal.core.deadlines import Deadline, compute
from journal.core.rules import RuleBook
from journal.core.trade import Trade, fold
from journal.storage.engines import Connection
from journal.storage.queries import checkpoint, streams_since
from journal.storage.store import Store, fmt_time

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
    refresh(conn, store, streams_since(conn, done), book)
    return last - done
