"""Read models (trades, deadlines) and their checkpoint: derived from the log, never the truth.

They are written in the same transaction as the events they reflect; `rebuild` recomputes
them from zero; `catch_up` repairs them when the checkpoint lags the log (a crash, or a
journal written by a tool that only appends events).
"""

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from journal.deadlines import OVERDUE_KINDS, Deadline, compute
from journal.engines import Connection
from journal.errors import JournalError
from journal.events import Event
from journal.rules import RuleBook
from journal.store import EVENT_COLUMNS, Store, fmt_time, parse_time, row_to_event, sqlite_uri
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


def iter_streams(
    conn: Connection, low: str | None = None, high: str | None = None
) -> Iterator[list[Event]]:
    """Every stream's events (those with `low <= stream < high`), one stream at a time."""
    sql, params = _streams_sql(low, high)
    return _grouped(conn.exec_driver_sql(sql, params))


def _streams_sql(low: str | None, high: str | None) -> tuple[str, tuple]:
    bounds = [(c, v) for c, v in (("stream >= ?", low), ("stream < ?", high)) if v is not None]
    where = " WHERE " + " AND ".join(c for c, _ in bounds) if bounds else ""
    sql = f"SELECT {EVENT_COLUMNS} FROM events{where} ORDER BY stream, version"
    return sql, tuple(v for _, v in bounds)


def _grouped(rows: Iterable[Any]) -> Iterator[list[Event]]:
    current: list[Event] = []
    for row in rows:
        if current and current[0].stream != row[2]:
            yield current
            current = []
        current.append(row_to_event(row))
    if current:
        yield current


def project_all(
    conn: Connection, book: RuleBook, low: str | None = None, high: str | None = None
) -> Iterator[tuple[tuple, list[tuple]]]:
    """Fold the whole log: (trade row, deadline rows) per trade. Shared by rebuild and verify."""
    return _project(iter_streams(conn, low, high), book)


def _project(streams: Iterable[list[Event]], book: RuleBook) -> Iterator[tuple[tuple, list]]:
    for events in streams:
        trade = fold(events)
        if trade is not None:
            yield trade_row(trade, events[0].seq), deadline_rows(compute(trade, book))


# -- a rebuild on two cores ------------------------------------------------------------------
# Folding and computing deadlines is pure Python and CPU-bound: on a large log a helper
# process (`python -m journal.rebuild_helper`, its own read-only connection; WAL lets it read
# while this transaction writes) folds the upper part of the streams and streams the rows
# back, while this process folds the lower part and does all the writing. The rows are
# exactly those of `project_all`; only who computes them changes. If the helper fails
# (not the log: a log that does not replay fails the same way in both), this process folds
# what the helper did not send.
PARALLEL_MIN_EVENTS = 50_000
HELPER_MODULE = "journal.rebuild_helper"
_HOME_SHARE = 0.33  # this process also inserts everything, so it folds the smaller part


def _split_point(conn: Connection, store: Store) -> str | None:
    """Where to cut the streams for a two-process rebuild, or None to stay in one process."""
    import os

    if (os.cpu_count() or 1) < 2:
        return None
    if conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
        return None
    total = store.last_seq(conn)
    if total < PARALLEL_MIN_EVENTS:
        return None
    return conn.exec_driver_sql(
        "SELECT stream FROM events ORDER BY stream LIMIT 1 OFFSET ?", (int(total * _HOME_SHARE),)
    ).scalar()


def project_range_to(path: str, low: str, book: RuleBook, last_seq: int, sink: Any) -> None:
    """The helper's work: fold streams from `low` on, pickle (trades, deadlines) batches.

    It reads committed data only, so it first checks that it sees the log the parent sees
    (same last seq); if not (the parent's log is not committed yet, as in an import), it
    reports that and the parent folds everything itself.
    """
    import pickle
    import sqlite3

    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)  # '?', '#', '%' escaped
        seen = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if seen != last_seq:
            raise RuntimeError(f"the helper sees the log up to #{seen}, not #{last_seq}")
        sql, params = _streams_sql(low, None)
        trades: list[tuple] = []
        deadlines: list[tuple] = []
        for trade, rows in _project(_grouped(conn.execute(sql, params)), book):
            trades.append(trade)
            deadlines.append(rows)
            if len(trades) >= 1000:
                pickle.dump((trades, deadlines), sink, pickle.HIGHEST_PROTOCOL)
                trades, deadlines = [], []
        pickle.dump((trades, deadlines), sink, pickle.HIGHEST_PROTOCOL)
        conn.close()
        message: Any = None
    except JournalError as exc:
        message = ("error", type(exc), exc.key, exc.params)
    except Exception as exc:  # noqa: BLE001 - the parent folds the rest itself
        message = ("error", RuntimeError, f"{type(exc).__name__}: {exc}", None)
    pickle.dump(message, sink, pickle.HIGHEST_PROTOCOL)
    sink.flush()


def _project_parallel(
    conn: Connection, store: Store, book: RuleBook, split: str
) -> Iterator[tuple[tuple, list[tuple]]]:
    import os
    import pickle
    import queue
    import subprocess
    import sys
    import threading
    from pathlib import Path

    source = str(Path(__file__).resolve().parent.parent)
    paths = [source, *filter(None, [os.environ.get("PYTHONPATH")])]
    try:
        helper = subprocess.Popen(
            [sys.executable, "-m", HELPER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        )
    except OSError:
        yield from project_all(conn, book)
        return
    assert helper.stdin is not None and helper.stdout is not None
    snapshot = (str(store.path), split, book, store.last_seq(conn))
    pickle.dump(snapshot, helper.stdin, pickle.HIGHEST_PROTOCOL)
    helper.stdin.close()
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def receive(stream: Any) -> None:
        """Unpickle the helper's batches as they come (reads release the GIL)."""
        try:
            while True:
                message = pickle.load(stream)
                inbox.put(message)
                if message is None or message[0] == "error":
                    return
        except Exception:  # noqa: BLE001 - the helper died: this process takes over
            inbox.put(("lost",))

    reader = threading.Thread(target=receive, args=(helper.stdout,), daemon=True)
    reader.start()
    done = lost = False
    last = ""  # the helper's last trade received; its rows come in stream order

    def take(block: bool) -> Iterator[tuple[tuple, list[tuple]]]:
        nonlocal done, lost, last
        try:
            message = inbox.get(block=block)
        except queue.Empty:
            return
        if message is None or message[0] in ("lost", "error"):
            done = True
            if message is not None and message[0] == "error" and message[3] is not None:
                _, kind, key, params = message
                raise kind(key, **params)  # the log itself does not replay
            lost = message is not None  # any other failure: fold the rest here
            return
        if message[0]:
            last = message[0][-1][0]
        yield from zip(*message, strict=True)

    try:
        for count, item in enumerate(project_all(conn, book, high=split)):
            yield item
            if count % 256 == 0 and not done:
                yield from take(block=False)
        while not done:
            yield from take(block=True)
        if lost:
            yield from (i for i in project_all(conn, book, low=split) if i[0][0] > last)
    finally:
        if helper.poll() is None and not done:
            helper.kill()
        helper.wait()
        helper.stdout.close()


def rebuild(conn: Connection, store: Store, book: RuleBook) -> int:
    """Recompute every read model from zero (inside a write transaction). Returns trades."""
    conn.exec_driver_sql("DELETE FROM trades")
    conn.exec_driver_sql("DELETE FROM deadlines")
    conn.exec_driver_sql("UPDATE projection_state SET value = 1 WHERE key = 'next_trade'")
    trades: list[tuple] = []
    deadlines: list[tuple] = []
    counter = 1
    count = 0
    split = _split_point(conn, store)
    projected = (
        project_all(conn, book) if split is None else _project_parallel(conn, store, book, split)
    )
    for trade, rows in projected:
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
        conn.exec_driver_sql(
            "INSERT INTO trades (id, platform, role, title, price, state, active, created_seq,"
            " last_seq) VALUES (?,?,?,?,?,?,?,?,?)",
            trades,
        )
    if deadlines:
        conn.exec_driver_sql(
            "INSERT INTO deadlines (trade, kind, due, effect, met_at) VALUES (?,?,?,?,?)",
            deadlines,
        )
    trades.clear()
    deadlines.clear()


def snapshot(conn: Connection) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The read models as plain rows, for comparing inline projection with a rebuild."""
    return (
        list(conn.exec_driver_sql("SELECT * FROM trades ORDER BY id")),
        list(conn.exec_driver_sql("SELECT * FROM deadlines ORDER BY trade, kind")),
        list(conn.exec_driver_sql("SELECT * FROM projection_state ORDER BY key")),
    )


def overdue(conn: Connection, now: datetime) -> list[tuple]:
    """Overdue deadlines of running trades, oldest first: (trade, kind, due, effect)."""
    kinds = sorted(OVERDUE_KINDS)
    sql = (
        "SELECT d.trade, d.kind, d.due, d.effect FROM deadlines d JOIN trades t ON t.id = d.trade"
        f" WHERE t.active = 1 AND d.met_at IS NULL AND d.due <= ? AND d.kind IN"
        f" ({','.join('?' * len(kinds))}) ORDER BY d.due, d.trade, d.kind"
    )
    rows = conn.exec_driver_sql(sql, (fmt_time(now), *kinds))
    return [(r[0], r[1], parse_time(r[2]), r[3]) for r in rows]


def due_after(conn: Connection, now: datetime, until: datetime | None) -> list[tuple]:
    """Open deadlines with `now < due <= until`, soonest first: (trade, kind, due, effect)."""
    sql = "SELECT trade, kind, due, effect FROM deadlines WHERE met_at IS NULL AND due > ?"
    params: tuple = (fmt_time(now),)
    if until is not None:
        sql += " AND due <= ?"
        params += (fmt_time(until),)
    rows = conn.exec_driver_sql(sql + " ORDER BY due, trade, kind", params)
    return [(r[0], r[1], parse_time(r[2]), r[3]) for r in rows]
