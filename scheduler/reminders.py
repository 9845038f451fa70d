"""The journal side of reminders: reading open deadlines, delivering, recording as sent.

Shared by the daemon, `journal daemon --once` and `journal reminders`. Every decision is
`scheduler.plan`'s; this module only feeds it from the database and carries out the result.
A reminder is recorded as sent only after its notifier reported success, one transaction
per delivery: a crash can at worst repeat the reminder being delivered, never lose one.
"""

import heapq
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from journal import projections
from journal.deadlines import KIND_SPECS
from journal.display import iso, remaining, span, when
from journal.messages import render
from journal.service import Journal
from journal.settings import load_config
from journal.store import fmt_time, parse_time
from scheduler.notify import Note, Notifier
from scheduler.plan import (
    LOOKBACK,
    Delivery,
    Key,
    Reminder,
    Warnings,
    due_now,
    lateness_from_config,
    plan,
    reminders_of,
    warnings_from_config,
)

log = logging.getLogger("journal.daemon")
_CHUNK = 500
_BATCH = 5000
SUMMARY_TRADES = 50  # trade ids named in a summary's JOURNAL_TRADE / console line


@dataclass
class Outcome:
    """What one delivery pass did."""

    delivered: list[Reminder] = field(default_factory=list)
    summarized: list[Reminder] = field(default_factory=list)
    failed: int = 0


class Reminders:
    """Reminders of one journal under one configuration."""

    def __init__(
        self, journal: Journal, warnings: Warnings | None = None, lateness: timedelta | None = None
    ) -> None:
        config = load_config()
        self.journal = journal
        self.store = journal.store
        self.warnings = warnings or warnings_from_config(config.reminders, KIND_SPECS)
        self.lateness = lateness if lateness is not None else lateness_from_config(config.notifier)
        self.lookback = max(LOOKBACK, self.lateness)

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
        found = (r for r in reminders_of(rows, self.warnings, until) if r.at > now)
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
        self, notifier: Notifier, now: datetime, trades: Collection[str] | None = None
    ) -> Outcome:
        """Deliver every reminder whose time has come (of some trades, or all)."""
        with self.store.read() as conn:
            reminders = self.unsent_due(conn, now, trades)
            known = self.recorded(conn, {r.trade for r in reminders})
        deliveries, summarize = due_now(reminders, set(), now, self.lateness, known)
        del reminders, known
        with self.store.read() as conn:
            titles = self.titles(conn, {d.reminder.trade for d in deliveries})
        outcome = Outcome()
        for item in deliveries:
            note = reminder_note(item, titles.get(item.reminder.trade, ""), now)
            if notifier.send(note):
                how = "late" if item.late else "on_time"
                self.record(
                    [(item.reminder, how), *((r, "superseded") for r in item.superseded)],
                    notifier.name,
                    now,
                )
                outcome.delivered.append(item.reminder)
                log.info("reminded %s %s (%s)", item.reminder.trade, item.reminder.kind, how)
            else:
                outcome.failed += 1
        if summarize:
            if notifier.send(summary_note(summarize, now)):
                self.record([(r, "summary") for r in summarize], notifier.name, now)
                outcome.summarized.extend(summarize)
                log.info("summarized %d old reminders", len(summarize))
            else:
                outcome.failed += 1
        return outcome

    def unsent_due(
        self, conn: Connection, now: datetime, trades: Collection[str] | None = None
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
        window = (fmt_time(now - self.lookback), fmt_time(now + self.warnings.longest))
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
        return found

    def record(self, items: list[tuple[Reminder, str]], notifier: str, now: datetime) -> None:
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
        planned = []
        for r in plan(rows, self.warnings, now, within):
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


# -- what a person reads -------------------------------------------------------------------
def reminder_note(item: Delivery, title: str, now: datetime) -> Note:
    r = item.reminder
    body = render(
        "reminder_body",
        kind=render(f"kind_{r.kind}"),
        todo=render(f"todo_{r.kind}"),
        due=when(r.due),
        left=remaining(r.due, now),
    )
    if item.late:
        body = render("reminder_late", body=body, late=span(now - r.at))
    return Note(
        title=render("reminder_title", trade=r.trade, title=title) if title else r.trade,
        message=body,
        trade=r.trade,
        kind=r.kind,
        due=iso(r.due),
    )


def summary_note(reminders: list[Reminder], now: datetime) -> Note:
    deadlines = sorted({r.deadline for r in reminders}, key=lambda d: (d[2], d[0], d[1]))
    shown = ", ".join(f"{t} {k}" for t, k, _ in deadlines[:10])
    if len(deadlines) > 10:
        shown += ", …"
    trades = sorted({t for t, _, _ in deadlines})
    if len(trades) > SUMMARY_TRADES:  # keep the environment of a `command` small
        trades = [*trades[:SUMMARY_TRADES], "…"]
    return Note(
        title=render("summary_title"),
        message=render("summary_body", count=len(deadlines), items=shown),
        trade=",".join(trades),
        kind="summary",
        due=iso(deadlines[0][2]),
    )
