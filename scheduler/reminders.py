"""The journal side of reminders: reading open deadlines, delivering, recording as sent.

Shared by the daemon, `journal daemon --once` and `journal reminders`. Every decision is
`scheduler.plan`'s; `Reminders` only feeds it from the database and carries out the
result, reading through the journal's door (`Journal.reminder_records`, one snapshot per read). Its
parts live beside it: the delivery passes (`scheduler/due_work.py`), the sent-reminder bookkeeping
(`scheduler/sent.py`) and the listing (`scheduler/listing.py`).
"""

import heapq
import itertools
from collections.abc import Collection
from datetime import datetime, timedelta

from journal.core.deadlines import KIND_SPECS
from journal.service import Journal
from journal.settings import Config, load_config, user_tz
from scheduler.due_work import DueWork
from scheduler.listing import Listing
from scheduler.plan import (
    DAILY_LOOKBACK,
    LOOKBACK,
    Reminder,
    Warnings,
    daily_overdue,
    lateness_from_config,
    reminders_of,
    warnings_from_config,
)
from scheduler.sent import SentBook


class Reminders(DueWork, SentBook, Listing):
    """Reminders of one journal under one configuration."""

    def __init__(
        self,
        journal: Journal,
        warnings: Warnings | None = None,
        lateness: timedelta | None = None,
        *,
        config: Config | None = None,
    ) -> None:
        config = config or load_config()
        self.journal = journal
        self.records = journal.reminder_records()
        self.warnings = warnings or warnings_from_config(config.reminders, KIND_SPECS, user_tz())
        self.lateness = lateness if lateness is not None else lateness_from_config(config.notifier)
        self.lookback = max(LOOKBACK, self.lateness)
        super().__init__()  # the sent-reminder book

    # -- reading ------------------------------------------------------------------------
    def fresh(self) -> int:
        """Repair lagging read models (a crash, an append-only tool); returns the last seq."""
        self.journal.catch_up()
        return self.journal.last_seq()

    def planned(
        self,
        now: datetime,
        until: datetime | None,
        trades: Collection[str] | None = None,
        limit: int | None = None,
    ) -> list[Reminder]:
        """Reminders firing after `now` and by `until`, soonest first (the first `limit`)."""
        end = until + self.warnings.longest if until is not None else None
        with self.records.snapshot() as snap:
            rows = [d[:3] for d in snap.due_after(now, end, trades)]
            late = [(t, k, due) for t, k, due, _ in snap.overdue(now, trades)]
        found = itertools.chain(
            (r for r in reminders_of(rows, self.warnings, until) if r.at > now),
            # a deadline still ahead gets its first daily reminder from a refresh (every few
            # minutes) once it is overdue: planning days of them for every open deadline
            # would crowd the plan with reminders that are almost never sent
            daily_overdue(late, self.warnings, now, until or now + DAILY_LOOKBACK),
        )
        return heapq.nsmallest(limit, found) if limit is not None else sorted(found)
