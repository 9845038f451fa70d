"""What is due now, and a delivery pass: on time, late, superseded, or summarized.

Every decision is `scheduler.plan`'s (`due_now`); this module feeds it the unsent
reminders whose time has come and turns its answer into `Work`, one notification each.
A pass at start-up, at the periodic refresh or by `--once` looks back without limit, so
reminders missed long ago (the machine was off) still reach the summary.
"""

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scheduler.notes import reminder_note, summary_note
from scheduler.notify import Notifier
from scheduler.plan import Reminder, due, due_now
from scheduler.work import Outcome, Work


class DueWork:
    """The delivery passes of `Reminders` (mixed into it: its `records`, `warnings`,
    `lateness`, `lookback`, and the sent-reminder book of `scheduler/sent.py`)."""

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
        with self.state, self.records.snapshot() as snap:
            # Under `state`: a delivery finishing now records before it leaves `in_flight`,
            # so what this snapshot shows unsent is either in flight or really unsent.
            works = self._work(snap, now, trades, full)
            for work in works:
                self.in_flight.update(r.key for r, _ in work.items)
                if not work.summary:
                    self.busy_deadlines.add(work.main.deadline)
        return works

    def _work(
        self, snap: Any, now: datetime, trades: Collection[str] | None, full: bool
    ) -> list[Work]:
        reminders = self.unsent_due(snap, now, trades, full=full)
        skip = set(self.in_flight)
        for entry in self.unrecorded:
            skip.update(r.key for r, _ in entry.items)
        reminders = [
            r for r in reminders if r.key not in skip and r.deadline not in self.busy_deadlines
        ]
        known = snap.recorded({r.trade for r in reminders})
        deliveries, summarize = due_now(reminders, set(), now, self.lateness, known)
        del reminders, known
        titles = snap.titles({d.reminder.trade for d in deliveries})
        places = _delist_places(
            snap, {d.reminder.trade for d in deliveries if d.reminder.kind == "delist"}
        )
        works = []
        for item in deliveries:
            how = "late" if item.late else "on_time"
            trade = item.reminder.trade
            where = places.get(trade) if item.reminder.kind == "delist" else None
            works.append(
                Work(
                    reminder_note(item, titles.get(trade, ""), now, where=where),
                    [(item.reminder, how), *((r, "superseded") for r in item.superseded)],
                )
            )
        if summarize:
            works.append(
                Work(summary_note(summarize, now), [(r, "summary") for r in summarize], True)
            )
        return works

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


def _delist_places(snap: Any, ids: set[str]) -> dict[str, tuple[str, str, str, str]]:
    """For a delist reminder, where to go and why: (the listing's app, the listing that took
    the item first, its app, how it took it), so the note names the app to open."""
    if not ids:
        return {}
    from journal.core.items import how_taken

    listings = [t for t in snap.trades(ids) if t.item_taken]
    first = {t.id: min(t.item_taken, key=t.item_taken.__getitem__) for t in listings}
    takers = {t.id: t for t in snap.trades(set(first.values()))}
    return {
        t.id: (t.platform, by.id, by.platform, how_taken(by))
        for t in listings
        if (by := takers.get(first[t.id])) is not None
    }
