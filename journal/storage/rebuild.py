"""The rebuild: every read model recomputed from the log, streaming, on one or two cores.

`rebuild` empties the read models and refolds every stream; `project_all` is the same fold
without writing, shared with `verify`. Memory stays flat however long the log is: streams
are read in order and rows written in batches.
"""

import os
import pickle
import queue
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from journal.core.deadlines import compute
from journal.core.errors import JournalError
from journal.core.events import Event
from journal.core.rules import RuleBook
from journal.core.trade import fold
from journal.storage.engines import Connection
from journal.storage.engines.sqlite import sqlite_uri
from journal.storage.personal import reveal
from journal.storage.projections import deadline_rows, mark, next_number, trade_row
from journal.storage.store import EVENT_COLUMNS, Store, row_to_event

_BATCH = 5000


def iter_streams(
    conn: Connection, low: str | None = None, high: str | None = None
) -> Iterator[list[Event]]:
    """Every stream's events (those with `low <= stream < high`), one stream at a time."""
    sql, params = _streams_sql(low, high)
    return _grouped(conn.exec_driver_sql(sql, params), conn)


def _streams_sql(low: str | None, high: str | None) -> tuple[str, tuple]:
    bounds = [(c, v) for c, v in (("stream >= ?", low), ("stream < ?", high)) if v is not None]
    where = " WHERE " + " AND ".join(c for c, _ in bounds) if bounds else ""
    sql = f"SELECT {EVENT_COLUMNS} FROM events{where} ORDER BY stream, version"
    return sql, tuple(v for _, v in bounds)


def _grouped(rows: Iterable[Any], conn: Any) -> Iterator[list[Event]]:
    """The streams' events, their personal fields opened (a bundle's title is one): for
    `_REVEAL_STREAMS` streams at a time, so their keys are read with one query, not one each."""
    current: list[Event] = []
    streams: list[list[Event]] = []
    for row in rows:
        if current and current[0].stream != row[2]:
            streams.append(current)
            current = []
            if len(streams) >= _REVEAL_STREAMS:
                yield from _revealed(conn, streams)
                streams = []
        current.append(row_to_event(row))
    if current:
        streams.append(current)
    yield from _revealed(conn, streams)


_REVEAL_STREAMS = 200


def _revealed(conn: Any, streams: list[list[Event]]) -> list[list[Event]]:
    reveal(conn, [event for events in streams for event in events])  # opened in place
    return streams


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
# process (`python -m journal.storage.rebuild_helper`, its own read-only connection; WAL lets
# it read while this transaction writes) folds the upper part of the streams and streams the rows
# back, while this process folds the lower part and does all the writing. The rows are
# exactly those of `project_all`; only who computes them changes. If the helper fails
# (not the log: a log that does not replay fails the same way in both), this process folds
# what the helper did not send.
PARALLEL_MIN_EVENTS = 50_000
HELPER_MODULE = "journal.storage.rebuild_helper"
_HOME_SHARE = 0.33  # this process also inserts everything, so it folds the smaller part


def split_point(conn: Connection, store: Store, share: float = _HOME_SHARE) -> str | None:
    """Where to cut the streams for a two-process rebuild (or verify), or None to stay in one
    process; about `share` of the events come before the cut."""
    if (os.cpu_count() or 1) < 2:
        return None
    if conn.exec_driver_sql("PRAGMA journal_mode").scalar() != "wal":
        return None
    total = store.last_seq(conn)
    if total < PARALLEL_MIN_EVENTS:
        return None
    return conn.exec_driver_sql(
        "SELECT stream FROM events ORDER BY stream LIMIT 1 OFFSET ?", (int(total * share),)
    ).scalar()


def project_from(conn: sqlite3.Connection, book: RuleBook, low: str) -> Iterator[tuple]:
    """`project_all` from stream `low` on, over a plain sqlite3 connection (the helper's)."""
    sql, params = _streams_sql(low, None)
    return _project(_grouped(conn.execute(sql, params), conn), book)


def project_range_to(path: str, low: str, book: RuleBook, last_seq: int, sink: Any) -> None:
    """The helper's work: fold streams from `low` on, pickle (trades, deadlines) batches.

    It reads committed data only, so it first checks that it sees the log the parent sees
    (same last seq); if not (the parent's log is not committed yet, as in an import), it
    reports that and the parent folds everything itself.
    """
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)  # '?', '#', '%' escaped
        seen = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if seen != last_seq:
            raise RuntimeError(f"the helper sees the log up to #{seen}, not #{last_seq}")
        trades: list[tuple] = []
        deadlines: list[tuple] = []
        for trade, rows in project_from(conn, book, low):
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
    helper = Helper.start(str(store.path), split, book, store.last_seq(conn))
    if helper is None:
        yield from project_all(conn, book)
        return
    try:
        for count, item in enumerate(project_all(conn, book, high=split)):
            yield item
            if count % 256 == 0 and not helper.done:
                yield from helper.take(block=False)
        while not helper.done:
            yield from helper.take(block=True)
        if helper.lost:
            last = helper.last
            yield from (i for i in project_all(conn, book, low=split) if i[0][0] > last)
    finally:
        helper.close()


def spawn(module: str, task: tuple) -> subprocess.Popen | None:
    """`python -m module` (of this source tree), `task` pickled on its stdin, its stdout a
    pipe, its stderr discarded; None if it cannot be started."""
    source = str(Path(__file__).resolve().parents[2])
    paths = [source, *filter(None, [os.environ.get("PYTHONPATH")])]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        )
    except OSError:
        return None
    try:
        with process.stdin:
            pickle.dump(task, process.stdin, pickle.HIGHEST_PROTOCOL)
    except OSError:  # it ended at once
        process.kill()
        process.wait()
        process.stdout.close()
        return None
    return process


class Helper:
    """The second process and the thread unpickling its batches (reads release the GIL)."""

    def __init__(self, process: Any) -> None:
        self.process = process
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.done = self.lost = False
        self.last = ""  # the helper's last trade received; its rows come in stream order
        threading.Thread(target=self._receive, daemon=True).start()

    @classmethod
    def start(
        cls, path: str, split: str, book: RuleBook, last_seq: int, mode: str = "rows"
    ) -> "Helper | None":
        """The helper folding from `split` on: "rows" sends the rows back (rebuild),
        "compare" compares them with the stored read models (verify)."""
        process = spawn(HELPER_MODULE, (path, split, book, last_seq, mode))
        return None if process is None else cls(process)

    def _receive(self) -> None:
        try:
            while True:
                message = pickle.load(self.process.stdout)
                self.inbox.put(message)
                if message is None or message[0] == "error":
                    return
        except Exception:  # noqa: BLE001 - the helper died: this process takes over
            self.inbox.put(("lost",))

    def take(self, block: bool) -> Iterator[tuple[tuple, list[tuple]]]:
        try:
            message = self.inbox.get(block=block)
        except queue.Empty:
            return
        if message is None or message[0] in ("lost", "error"):
            self.done = True
            if message is not None and message[0] == "error" and message[3] is not None:
                _, kind, key, params = message
                raise kind(key, **params)  # the log itself does not replay
            self.lost = message is not None  # any other failure: fold the rest here
            return
        if message[0]:
            self.last = message[0][-1][0]
        yield from zip(*message, strict=True)

    def close(self) -> None:
        if self.process.poll() is None and not self.done:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()


def rebuild(conn: Connection, store: Store, book: RuleBook) -> int:
    """Recompute every read model from zero (inside a write transaction). Returns trades."""
    conn.exec_driver_sql("DELETE FROM trades")
    conn.exec_driver_sql("DELETE FROM deadlines")
    conn.exec_driver_sql("UPDATE projection_state SET value = 1 WHERE key = 'next_trade'")
    trades: list[tuple] = []
    deadlines: list[tuple] = []
    counter = 1
    count = 0
    split = split_point(conn, store)
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
    mark(conn, book)  # built with this book: the next command needs no rebuild
    store.announce(conn)
    return count


def _flush(conn: Connection, trades: list[tuple], deadlines: list[tuple]) -> None:
    if trades:
        conn.exec_driver_sql(
            "INSERT INTO trades (id, platform, role, title, price, state, active, created_seq,"
            " last_seq, traded_at, party) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            trades,
        )
    if deadlines:
        conn.exec_driver_sql(
            "INSERT INTO deadlines (trade, kind, due, effect, met_at) VALUES (?,?,?,?,?)",
            deadlines,
        )
    trades.clear()
    deadlines.clear()
