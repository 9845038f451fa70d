"""The journal side of reminders: reading open deadlines, delivering, recording as sent.

Shared by the daemon, `journal daemon --once`, `--dry-run` and `journal reminders`. Every
decision is `scheduler.plan`'s (`due`, `due_now`, `reminders_of`, `daily_overdue`);
`Reminders` feeds it from the journal's door (`Journal.reminder_records`, one snapshot per
read) and carries out the result. Its parts are objects, not mixins: the outbox of
deliveries (`scheduler/sent.py`), the notifications a pass sends (`scheduler/due_work.py`)
and the listing (`scheduler/listing.py`)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Collection
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cached_property

from journal.core.deadlines import JST, KIND_SPECS
from journal.service import Journal
from journal.text.i18n import Locale
from scheduler.listing import listing
from scheduler.plan import (
    DAILY_LOOKBACK,
    LOOKBACK,
    SOONEST,
    Reminder,
    Warnings,
    daily_overdue,
    due,
    due_now,
    lateness_from_config,
    reminders_of,
    warnings_from_config,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from scheduler.note import Notifier
    from scheduler.sent import Outbox
    from scheduler.work import Outcome, Unrecorded, Work

# What only delivery needs (the outbox, the notifiers, the notes of a pass, the thread pool) is
# imported where it is used: `journal reminders` lists without any of it.


class Reminders:
    """Reminders of one journal under one configuration, composed of the door's reminder
    records, the outbox of deliveries (`scheduler/sent.py`) and the planner's decisions.

    A pass at start-up, at the periodic refresh or by `--once` looks back without limit,
    so reminders missed long ago (the machine was off) still reach the summary."""

    def __init__(
        self,
        journal: Journal,
        warnings: Warnings | None = None,
        lateness: timedelta | None = None,
        *,
        config: Any = None,
        zone: tzinfo | None = None,
        loc: Locale | None = None,
    ) -> None:
        """`config`, `zone` and the reader `loc` come from the composition root
        (`App.reminders`); without them (a test of the middle layer) the defaults apply in
        Japan time and notes speak English, never what the config file says."""
        self.journal = journal
        self.records = journal.reminder_records()
        zone = zone or JST
        self.loc = loc or Locale("en", zone)
        offsets = config.reminders if config is not None else {}
        self.warnings = warnings or warnings_from_config(offsets, KIND_SPECS, zone)
        notifier = config.notifier if config is not None else {}
        self.lateness = lateness if lateness is not None else lateness_from_config(notifier)
        self.lookback = max(LOOKBACK, self.lateness)

    # -- the outbox: what is in flight, delivered, recorded --------------------------------
    @cached_property  # made by the first delivery pass: `journal reminders` only lists
    def outbox(self) -> Outbox:
        from scheduler.sent import Outbox

        return Outbox(lambda *sent: self.record(*sent))  # late: tests replace `record`

    @property
    def unrecorded(self) -> list[Unrecorded]:
        return self.outbox.unrecorded

    def send(self, notifier: Notifier, work: Work) -> bool | None:
        return self.outbox.send(notifier, work)

    def flush(self) -> bool:
        return self.outbox.flush()

    def record(self, items: list[tuple[Reminder, str]], notifier: str, now: datetime) -> None:
        """Write these as sent at `now`, in one transaction (idempotent)."""
        self.records.record_sent([(r.key, how) for r, how in items], notifier, now)

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
        if limit is not None:
            return heapq.nsmallest(limit, found, key=SOONEST)
        return sorted(found, key=SOONEST)

    def listing(self, now: datetime, within: timedelta) -> dict[str, list[dict[str, Any]]]:
        """`journal reminders`: unsent reminders up to `now + within`, and those sent lately."""
        self.journal.catch_up()  # read models built with another config are rebuilt first
        return listing(self.records, self.warnings, (self.lateness, self.lookback), now, within)

    # -- delivery passes ------------------------------------------------------------------
    def deliver_due(
        self,
        notifier: Notifier,
        now: datetime,
        trades: Collection[str] | None = None,
        parallel: int = 1,
        full: bool = False,
    ) -> Outcome:
        """Deliver every reminder whose time has come (of some trades, or all), and wait."""
        from scheduler.work import Outcome

        works = self.due_work(now, trades, full=full)
        outcome = Outcome()
        if parallel > 1 and len(works) > 1:
            from concurrent.futures import ThreadPoolExecutor

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
        with self.records.snapshot() as snap:
            return self._work(snap, now, None, full=True)

    def due_work(
        self, now: datetime, trades: Collection[str] | None = None, full: bool = False
    ) -> list[Work]:
        """What to send now, reserved as in flight: each must then go through `send`.

        `full` looks back without limit (start-up, the periodic refresh, `--once`), so
        reminders missed longer ago than a week still reach the summary; the passes run at
        every wake-up look back only a week.
        """
        self.flush()
        with self.outbox.state, self.records.snapshot() as snap:
            # Under `state`: a delivery finishing now records before it leaves `in_flight`,
            # so what this snapshot shows unsent is either in flight or really unsent.
            works = self._work(snap, now, trades, full)
            for work in works:
                self.outbox.in_flight.update(r.key for r, _ in work.items)
                if not work.summary:
                    self.outbox.busy_deadlines.add(work.main.deadline)
        return works

    def _work(
        self, snap: Any, now: datetime, trades: Collection[str] | None, full: bool
    ) -> list[Work]:
        reminders = self.unsent_due(snap, now, trades, full=full)
        skip = set(self.outbox.in_flight)
        for entry in self.outbox.unrecorded:
            skip.update(r.key for r, _ in entry.items)
        reminders = [
            r
            for r in reminders
            if r.key not in skip and r.deadline not in self.outbox.busy_deadlines
        ]
        known = snap.recorded({r.trade for r in reminders})
        deliveries, summarize = due_now(reminders, set(), now, self.lateness, known)
        from scheduler.due_work import works_of

        return works_of(snap, deliveries, summarize, now, self.loc)

    def unsent_due(
        self,
        snap: Any,
        now: datetime,
        trades: Collection[str] | None = None,
        full: bool = False,
    ) -> list[Reminder]:
        """Reminders whose time has come and that were not sent, read in one streaming pass.

        Sent offsets come joined to each deadline row, so a journal with many deadlines
        and nothing to say costs one indexed scan and no large sets in memory.
        """
        # `full`: no lower bound, so nothing missed long ago vanishes without a summary
        since = datetime.min.replace(tzinfo=UTC) if full else now - self.lookback
        rows = snap.unsent(since, now + self.warnings.longest, trades)
        return due(rows, snap.overdue(now, trades), self.warnings, now)
