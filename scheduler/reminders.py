"""The journal side of reminders: reading open deadlines, delivering, recording as sent.

Shared by the daemon, `journal daemon --once` and `journal reminders`. Every decision is
`scheduler.plan`'s; this module only feeds it from the database and carries out the result.
A reminder is recorded as sent only after its notifier reported success, one transaction
per delivery: a crash can at worst repeat the reminder being delivered, never lose one.

Deliveries may run in parallel (the daemon gives each its own worker): a reminder being
delivered is "in flight" and no other pass picks it up. A delivery whose record cannot be
written (a full disk, a lock held too long) is remembered here as delivered and only its
record is retried, so a person is never told twice because the disk was full.
"""

import heapq
import itertools
import logging
import threading
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from journal import clock, projections
from journal.deadlines import KIND_SPECS, OVERDUE_KINDS
from journal.engines import Connection
from journal.service import Journal
from journal.settings import load_config, user_tz
from journal.store import fmt_time, parse_time
from scheduler.notes import reminder_note, summary_note
from scheduler.notify import Note, Notifier
from scheduler.plan import (
    DAILY_LOOKBACK,
    LOOKBACK,
    Key,
    Reminder,
    Warnings,
    daily_overdue,
    due_now,
    lateness_from_config,
    plan,
    reminders_of,
    warnings_from_config,
)

log = logging.getLogger("journal.daemon")
_CHUNK = 500
_BATCH = 5000


@dataclass
class Outcome:
    """What one delivery pass did."""

    delivered: list[Reminder] = field(default_factory=list)
    summarized: list[Reminder] = field(default_factory=list)
    failed: int = 0
    unrecorded: int = 0  # delivered, but the record could not be written yet


@dataclass
class Work:
    """One notification to send, and the records it settles once sent."""

    note: Note
    items: list[tuple[Reminder, str]]  # (reminder, how): how = on_time, late, superseded, summary
    summary: bool = False

    @property
    def main(self) -> Reminder:
        return self.items[0][0]


@dataclass
class Unrecorded:
    items: list[tuple[Reminder, str]]
    notifier: str
    sent_at: datetime


class Reminders:
    """Reminders of one journal under one configuration."""

    def __init__(
        self, journal: Journal, warnings: Warnings | None = None, lateness: timedelta | None = None
    ) -> None:
        config = load_config()
        self.journal = journal
        self.store = journal.store
        self.warnings = warnings or warnings_from_config(config.reminders, KIND_SPECS, user_tz())
        self.lateness = lateness if lateness is not None else lateness_from_config(config.notifier)
        self.lookback = max(LOOKBACK, self.lateness)
        self.state = threading.Lock()  # guards the three below
        self.in_flight: set[Key] = set()
        self.busy_deadlines: set[tuple[str, str, datetime]] = set()
        self.unrecorded: list[Unrecorded] = []
        self.record_trouble = False  # said once until the records go through again

    # -- reading ------------------------------------------------------------------------
    def fresh(self) -> int:
        """Repair lagging read models (a crash, an append-only tool); returns the last seq."""
        with self.store.read() as conn:
            behind = projections.lagging(conn, self.store)
        if behind:
            with self.store.write() as conn:
                projections.catch_up(conn, self.store, self.journal.book)
        with self.store.read() as conn:
            return self.store.last_seq(conn)

    def open_deadlines(
        self,
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
        self, conn: Connection, now: datetime, trades: Collection[str] | None = None
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

    def sent_keys(
        self, conn: Connection, since: datetime, trades: Collection[str] | None = None
    ) -> set[Key]:
        sql = "SELECT trade, kind, due, offset_s FROM reminders_sent WHERE due > ?"
        return {(r[0], r[1], r[2], r[3]) for r in _chunked(conn, sql, (fmt_time(since),), trades)}

    def planned(
        self,
        now: datetime,
        until: datetime | None,
        trades: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Reminder]:
        """Reminders firing after `now` and by `until`, soonest first (the first `limit`)."""
        end = until + self.warnings.longest if until is not None else None
        with self.store.read() as conn:
            rows = self.open_deadlines(conn, now, end, trades)
            late = [(t, k, due) for t, k, due, _ in self.overdue_deadlines(conn, now, trades)]
        found = itertools.chain(
            (r for r in reminders_of(rows, self.warnings, until) if r.at > now),
            # a deadline still ahead gets its first daily reminder from a refresh (every few
            # minutes) once it is overdue: planning days of them for every open deadline
            # would crowd the plan with reminders that are almost never sent
            daily_overdue(late, self.warnings, now, until or now + DAILY_LOOKBACK),
        )
        return heapq.nsmallest(limit, found) if limit is not None else sorted(found)

    def titles(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        sql = "SELECT id, title FROM trades WHERE 1 = 1"
        return {r[0]: r[1] for r in _chunked(conn, sql, (), set(ids), column="id")}

    def recorded(self, conn: Connection, ids: Iterable[str]) -> dict[str, datetime]:
        """When each trade's latest event (so its current deadlines) was recorded."""
        sql = (
            "SELECT t.id, e.recorded_at FROM trades t"
            " JOIN events e ON e.seq = t.last_seq WHERE 1 = 1"
        )
        rows = _chunked(conn, sql, (), set(ids), column="t.id")
        return {r[0]: parse_time(r[1]) for r in rows}

    # -- delivering ---------------------------------------------------------------------
    def deliver_due(
        self,
        notifier: Notifier,
        now: datetime,
        trades: Collection[str] | None = None,
        parallel: int = 1,
        full: bool = False,
    ) -> Outcome:
        """Deliver every reminder whose time has come (of some trades, or all), and wait."""
        works = self.due_work(now, trades, full=full)
        outcome = Outcome()
        if parallel > 1 and len(works) > 1:
            with ThreadPoolExecutor(min(parallel, len(works))) as pool:
                results = list(pool.map(lambda w: self.send(notifier, w), works))
        else:
            results = [self.send(notifier, w) for w in works]
        for work, result in zip(works, results, strict=True):
            if result is None:
                outcome.failed += 1
                continue
            if result is False:
                outcome.unrecorded += 1
            if work.summary:
                outcome.summarized.extend(r for r, _ in work.items)
            else:
                outcome.delivered.append(work.main)
        return outcome

    def preview(self, now: datetime) -> list[Work]:
        """What a delivery pass at `now` would send; nothing is sent, recorded or reserved."""
        with self.store.read() as conn:
            return self._work(conn, now, None, full=True)

    def due_work(
        self, now: datetime, trades: Collection[str] | None = None, full: bool = False
    ) -> list[Work]:
        """What to send now, reserved as in flight: each must then go through `send`.

        `full` looks back without limit (start-up, the periodic refresh, `--once`), so
        reminders missed longer ago than a week still reach the summary; the passes run at
        every wake-up look back only a week.
        """
        self.flush()
        with self.state, self.store.read() as conn:
            # Under `state`: a delivery finishing now records before it leaves `in_flight`,
            # so what this snapshot shows unsent is either in flight or really unsent.
            works = self._work(conn, now, trades, full)
            for work in works:
                self.in_flight.update(r.key for r, _ in work.items)
                if not work.summary:
                    self.busy_deadlines.add(work.main.deadline)
        return works

    def _work(
        self, conn: Connection, now: datetime, trades: Collection[str] | None, full: bool
    ) -> list[Work]:
        reminders = self.unsent_due(conn, now, trades, full=full)
        skip = set(self.in_flight)
        for entry in self.unrecorded:
            skip.update(r.key for r, _ in entry.items)
        reminders = [
            r for r in reminders if r.key not in skip and r.deadline not in self.busy_deadlines
        ]
        known = self.recorded(conn, {r.trade for r in reminders})
        deliveries, summarize = due_now(reminders, set(), now, self.lateness, known)
        del reminders, known
        titles = self.titles(conn, {d.reminder.trade for d in deliveries})
        works = []
        for item in deliveries:
            how = "late" if item.late else "on_time"
            works.append(
                Work(
                    reminder_note(item, titles.get(item.reminder.trade, ""), now),
                    [(item.reminder, how), *((r, "superseded") for r in item.superseded)],
                )
            )
        if summarize:
            works.append(
                Work(summary_note(summarize, now), [(r, "summary") for r in summarize], True)
            )
        return works

    def send(self, notifier: Notifier, work: Work) -> bool | None:
        """Deliver one reserved work item and record it.

        True: delivered and recorded. False: delivered, the record is pending (kept in
        memory and retried by `flush`). None: not delivered (stays unsent, retried later).
        """
        try:
            delivered = notifier.send(work.note)
        except Exception as exc:  # noqa: BLE001 - a notifier must never take the daemon down
            log.error("notifier %s failed: %s: %s", notifier.name, type(exc).__name__, exc)
            delivered = False
        if not delivered:
            self._release(work)
            return None
        sent_at = clock.now()  # when it reached the person, not when the pass began
        entry = Unrecorded(work.items, notifier.name, sent_at)
        try:
            self.record(work.items, notifier.name, sent_at)
        except Exception as exc:  # noqa: BLE001 - delivered: never told twice for a failed write
            with self.state:
                self.unrecorded.append(entry)
                self._release(work, locked=True)
                first = not self.record_trouble
                self.record_trouble = True
            if first:
                log.error(
                    "delivered, but could not record it in the journal (%s); it is kept in"
                    " memory as sent and recorded as soon as the journal can be written",
                    exc,
                )
            ok = False
        else:
            self._release(work)
            ok = True
        if work.summary:
            log.info("summarized %d old reminders", len(work.items))
        else:
            log.info("reminded %s %s (%s)", work.main.trade, work.main.kind, work.items[0][1])
        return ok

    def _release(self, work: Work, locked: bool = False) -> None:
        if not locked:
            with self.state:
                self._release(work, locked=True)
            return
        self.in_flight.difference_update(r.key for r, _ in work.items)
        if not work.summary:
            self.busy_deadlines.discard(work.main.deadline)

    def flush(self) -> bool:
        """Write the records of deliveries whose record failed earlier; True when none is left."""
        with self.state:
            pending = list(self.unrecorded)
        if not pending:
            return True
        done = 0
        for entry in pending:
            try:
                self.record(entry.items, entry.notifier, entry.sent_at)
            except Exception:  # noqa: BLE001 - still failing: said once already, kept
                break
            with self.state:
                self.unrecorded.remove(entry)
            done += 1
        with self.state:
            left = len(self.unrecorded)
            if not left and self.record_trouble:
                self.record_trouble = False
                log.info("the journal can be written again: recorded %d delivery(ies)", done)
        return left == 0

    def unsent_due(
        self,
        conn: Connection,
        now: datetime,
        trades: Collection[str] | None = None,
        full: bool = False,
    ) -> list[Reminder]:
        """Reminders whose time has come and that were not sent, read in one streaming pass.

        Sent offsets come joined to each deadline row, so a journal with many deadlines
        and nothing to say costs one indexed scan and no large sets in memory.
        """
        sql = (
            "SELECT d.trade, d.kind, d.due, group_concat(s.offset_s) FROM deadlines d"
            " LEFT JOIN reminders_sent s"
            " ON s.trade = d.trade AND s.kind = d.kind AND s.due = d.due"
            " WHERE d.met_at IS NULL AND d.due > ? AND d.due <= ?"
        )
        # `full`: no lower bound, so nothing missed long ago vanishes without a summary
        since = datetime.min.replace(tzinfo=UTC) if full else now - self.lookback
        window = (fmt_time(since), fmt_time(now + self.warnings.longest))
        found: list[Reminder] = []
        for trade, kind, due_text, sent_text in _chunked(
            conn, sql, window, trades, column="d.trade", tail=" GROUP BY d.trade, d.kind, d.due"
        ):
            sent = {int(x) for x in sent_text.split(",")} if sent_text else set()
            due = parse_time(due_text)
            for offset in self.warnings.for_kind(kind):
                at = due - offset
                if at <= now and int(offset.total_seconds()) not in sent:
                    found.append(Reminder(at, trade, kind, due, offset))
        for trade, kind, due, sent in self.overdue_deadlines(conn, now, trades):
            for r in daily_overdue([(trade, kind, due)], self.warnings, now - DAILY_LOOKBACK, now):
                if int(r.offset.total_seconds()) not in sent:
                    found.append(r)
        return found

    def record(self, items: list[tuple[Reminder, str]], notifier: str, now: datetime) -> None:
        """Write these as sent at `now`, in one transaction (INSERT OR IGNORE: idempotent)."""
        sql = (
            "INSERT OR IGNORE INTO reminders_sent"
            " (trade, kind, due, offset_s, sent_at, how, notifier) VALUES (?,?,?,?,?,?,?)"
        )
        stamp = fmt_time(now)
        with self.store.write() as conn:  # one transaction, written in bounded batches
            for start in range(0, len(items), _BATCH):
                batch = items[start : start + _BATCH]
                conn.exec_driver_sql(sql, [(*r.key, stamp, how, notifier) for r, how in batch])

    # -- listing ------------------------------------------------------------------------
    def listing(self, now: datetime, within: timedelta) -> dict[str, list[dict[str, Any]]]:
        """`journal reminders`: unsent reminders up to `now + within`, and those sent lately."""
        since = now - within
        with self.store.read() as conn:
            end = now + within + self.warnings.longest
            rows = self.open_deadlines(conn, now - self.lookback, end)
            sent_rows = list(
                conn.exec_driver_sql(
                    "SELECT trade, kind, due, offset_s, sent_at, how, notifier FROM reminders_sent"
                    " WHERE sent_at > ? ORDER BY sent_at, trade, kind, offset_s DESC",
                    (fmt_time(since),),
                )
            )
            sent = self.sent_keys(conn, now - self.lookback)
            titles = self.titles(conn, {r[0] for r in rows} | {r[0] for r in sent_rows})
            late = self.overdue_deadlines(conn, now)
            titles.update(self.titles(conn, {t for t, _, _, _ in late}))
        sent.update(
            (t, k, fmt_time(due), offset) for t, k, due, offsets in late for offset in offsets
        )
        daily = daily_overdue(
            [(t, k, due) for t, k, due, _ in late],
            self.warnings,
            now - DAILY_LOOKBACK,
            now + min(within, timedelta(days=1)),  # the next one of each, not a week of them
        )
        planned = []
        for r in sorted({*plan(rows, self.warnings, now, within), *daily}):
            if r.key in sent or now - r.at > self.lateness:
                continue
            planned.append(
                {
                    "trade": r.trade,
                    "title": titles.get(r.trade, ""),
                    "kind": r.kind,
                    "due": r.due,
                    "at": r.at,
                    "before": _offset_text(r.offset),
                    "status": "overdue" if r.at <= now else "planned",
                }
            )
        sent_out = [
            {
                "trade": t,
                "title": titles.get(t, ""),
                "kind": k,
                "due": parse_time(due),
                "before": _offset_text(timedelta(seconds=off)),
                "sent_at": parse_time(at),
                "how": how,
                "notifier": notifier,
            }
            for t, k, due, off, at, how, notifier in sent_rows
        ]
        return {"planned": planned, "sent": sent_out}


def _offset_text(offset: timedelta) -> str:
    """`24h` before the deadline; a daily overdue reminder, after it, as `+15h`."""
    if offset < timedelta(0):
        return "+" + _offset_text(-offset)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "0m"
    if minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


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
