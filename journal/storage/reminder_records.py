"""The reminder records behind the door: what reminders are planned from, and what was sent.

The daemon, `journal daemon --once` and `journal reminders` read through one `Snapshot`
(one read transaction) and write their sent-records through `Records.record_sent`, so no
SQL lives outside storage and the reminder side never holds a connection of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from journal.core.trade import Trade, fold
from journal.storage import queries
from journal.storage.engines import Connection
from journal.storage.store import fmt_time, parse_time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_BATCH = 5000
_INSERT = (
    "INSERT OR IGNORE INTO reminders_sent"
    " (trade, kind, due, offset_s, sent_at, how, notifier) VALUES (?,?,?,?,?,?,?)"
)

# A sent reminder's key (trade, kind, due as stored, offset in seconds) and how it went.
Sent = tuple[tuple[str, str, str, int], str]


class Snapshot:
    """The reads of one transaction: every answer comes from the same state of the log."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def unsent(
        self, since: datetime, until: datetime, trades: Collection[str] | None
    ) -> Iterator[tuple[str, str, datetime, set[int]]]:
        """Open deadlines due in (`since`, `until`], each with the offsets already sent,
        one at a time (one indexed scan, no large sets in memory)."""
        window = (fmt_time(since), fmt_time(until))
        for trade, kind, due, sent in queries.unsent_rows(self._conn, window, trades):
            yield trade, kind, parse_time(due), {int(x) for x in sent.split(",")} if sent else set()

    def overdue(
        self, now: datetime, trades: Collection[str] | None = None
    ) -> list[tuple[str, str, datetime, set[int]]]:
        return queries.overdue_deadlines(self._conn, now, trades)

    def due_after(
        self, start: datetime, end: datetime | None, trades: Collection[str] | None = None
    ) -> list[Any]:
        return queries.due_after(self._conn, start, end, trades)

    def due_titled(self, start: datetime, end: datetime) -> list[tuple[str, str, datetime, str]]:
        """Open deadlines due in (`start`, `end`] with their trade's title, in no order: what
        `journal reminders` lists, each trade read once for both (on a large journal, a
        second read of hundreds of titles took as long as the deadlines' own)."""
        sql = (
            "SELECT d.trade, d.kind, d.due, t.title"
            " FROM deadlines d JOIN trades t ON t.id = d.trade"
            f" WHERE d.met_at IS NULL AND d.due > ? AND d.due <= ? AND {queries.NOT_CLOSED}"
        )
        rows = self._conn.exec_driver_sql(sql, (fmt_time(start), fmt_time(end)))
        return [(trade, kind, parse_time(due), title) for trade, kind, due, title in rows]

    def recorded(self, ids: Iterable[str]) -> dict[str, datetime]:
        return queries.recorded(self._conn, ids)

    def titles(self, ids: Iterable[str]) -> dict[str, str]:
        return queries.titles(self._conn, ids)

    def sellers(self, ids: Iterable[str]) -> set[str]:
        return queries.sellers(self._conn, ids)

    def trades(self, ids: Iterable[str]) -> Iterator[Trade]:
        """These trades folded from their events (those that exist)."""
        return (t for t in map(fold, queries.streams(self._conn, sorted(ids))) if t)

    def sent_since(self, since: datetime) -> list[Any]:
        """The records of reminders sent after `since`, oldest first."""
        rows = self._conn.exec_driver_sql(
            "SELECT trade, kind, due, offset_s, sent_at, how, notifier FROM reminders_sent"
            " WHERE sent_at > ? ORDER BY sent_at, trade, kind, offset_s DESC",
            (fmt_time(since),),
        )
        return list(rows)

    def sent_keys(self, since: datetime) -> set[tuple[str, str, str, int]]:
        return queries.sent_keys(self._conn, since)

    def state(self) -> dict[str, Any]:
        """The read models' own record (what built them): a follower re-plans when it moves."""
        return queries.projection_state(self._conn)


class Records:
    """A journal's reminder records, reached through `Journal.reminder_records`."""

    def __init__(self, store: Any) -> None:
        self._store = store

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        with self._store.read() as conn:
            yield Snapshot(conn)

    def record_sent(self, items: list[Sent], notifier: str, sent_at: datetime) -> None:
        """Write these as sent at `sent_at`, in one transaction (INSERT OR IGNORE: idempotent)."""
        stamp = fmt_time(sent_at)
        with self._store.write() as conn:  # one transaction, written in bounded batches
            for start in range(0, len(items), _BATCH):
                batch = items[start : start + _BATCH]
                conn.exec_driver_sql(_INSERT, [(*key, stamp, how, notifier) for key, how in batch])


def changes(store: Any, since: int) -> tuple[int, list[str]]:
    """The log's last seq and the trades with an event after `since`, in one snapshot."""
    with store.read() as conn:
        last = store.last_seq(conn)
        return last, ([] if last == since else queries.streams_since(conn, since))
