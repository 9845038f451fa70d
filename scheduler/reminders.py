"""The journal side of reminders: reading open deadlines, delivering, recording as sent.

Shared by the daemon, `journal daemon --once` and `journal reminders`. Every decision is
`scheduler.plan`'s; this module only feeds it from the database and carries out the result.
A reminder is recorded as sent only after its notifier reported success, one transaction
per delivery: a crash can at worst repeat the reminder being delivered, never lose one.
"""

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
    warnings_from_config,
)

log = logging.getLogger("journal.daemon")
_CHUNK = 500


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
    ) -> list[Reminder]:
        """Unsent reminders firing after `now` and by `until`: what the scheduler should hold."""
        end = until + self.warnings.longest if until is not None else None
        with self.store.read() as conn:
            rows = self.open_deadlines(conn, now, end, trades)
        horizon = until - now if until is not None else None
        return [r for r in plan(rows, self.warnings, now, horizon) if r.at > now]

    def titles(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        return {t: title for t, (title, _) in self.trade_info(conn, ids).items()}

    def trade_info(self, conn: Connection, ids: Iterable[str]) -> dict[str, tuple[str, datetime]]:
        """Title, and when the trade's latest event (so its deadlines) was recorded."""
        sql = (
            "SELECT t.id, t.title, e.recorded_at FROM trades t"
            " JOIN events e ON e.seq = t.last_seq WHERE 1 = 1"
        )
        rows = _chunked(conn, sql, (), set(ids), column="t.id")
        return {r[0]: (r[1], parse_time(r[2])) for r in rows}

    # -- delivering ---------------------------------------------------------------------
    def deliver_due(
        self, notifier: Notifier, now: datetime, trades: Collection[str] | None = None
    ) -> Outcome:
        """Deliver every reminder whose time has come (of some trades, or all)."""
        since = now - self.lookback
        with self.store.read() as conn:
            rows = self.open_deadlines(conn, since, now + self.warnings.longest, trades)
            sent = self.sent_keys(conn, since, trades)
            info = self.trade_info(conn, {r[0] for r in rows})
        titles = {t: title for t, (title, _) in info.items()}
        known = {t: since for t, (_, since) in info.items()}
        reminders = plan(rows, self.warnings, now, timedelta(0))
        deliveries, summarize = due_now(reminders, sent, now, self.lateness, known)
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

    def record(self, items: list[tuple[Reminder, str]], notifier: str, now: datetime) -> None:
        with self.store.write() as conn:
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO reminders_sent"
                " (trade, kind, due, offset_s, sent_at, how, notifier) VALUES (?,?,?,?,?,?,?)",
                [(*r.key, fmt_time(now), how, notifier) for r, how in items],
            )

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
) -> Iterable[Any]:
    """Run `sql`, restricted to some trades when given (in chunks: SQLite caps parameters)."""
    if trades is None:
        yield from conn.exec_driver_sql(sql, params)
        return
    ids = sorted(trades)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        yield from conn.exec_driver_sql(f"{sql} AND {column} IN ({marks})", (*params, *part))


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
    return Note(
        title=render("summary_title"),
        message=render("summary_body", count=len(deadlines), items=shown),
        trade=",".join(trades),
        kind="summary",
        due=iso(deadlines[0][2]),
    )
