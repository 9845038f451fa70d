"""Bookkeeping of sent reminders: in flight, recorded, or delivered with the record pending.

A reminder is recorded as sent only after its notifier reported success, one transaction
per delivery: a crash can at worst repeat the reminder being delivered, never lose one.
Deliveries may run in parallel: a reminder being delivered is "in flight" and no other
pass picks it up. A delivery whose record cannot be written (a full disk, a lock held too
long) is remembered here as delivered and only its record is retried, so a person is never
told twice because the disk was full.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from journal.core import clock
from scheduler.plan import Key, Reminder
from scheduler.work import Unrecorded, Work

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from scheduler.note import Notifier


def log() -> Any:
    """The daemon's log (`logging` is imported by the first delivery that speaks, not by
    `journal reminders`, which only lists)."""
    import logging

    return logging.getLogger("journal.daemon")


class Outbox:
    """The deliveries of one journal: in flight, recorded through `record` (one transaction
    of the door's reminder records), or delivered with the record pending."""

    def __init__(self, record: Callable[[list[tuple[Reminder, str]], str, datetime], None]):
        self.record = record
        self.state = threading.Lock()  # guards the three below
        self.in_flight: set[Key] = set()
        self.busy_deadlines: set[tuple[str, str, datetime]] = set()
        self.unrecorded: list[Unrecorded] = []
        self.record_trouble = False  # said once until the records go through again

    def send(self, notifier: Notifier, work: Work) -> bool | None:
        """Deliver one reserved work item and record it.

        True: delivered and recorded. False: delivered, the record is pending (kept in
        memory and retried by `flush`). None: not delivered (stays unsent, retried later).
        """
        try:
            delivered = notifier.send(work.note)
        except Exception as exc:  # noqa: BLE001 - a notifier must never take the daemon down
            log().error("notifier %s failed: %s: %s", notifier.name, type(exc).__name__, exc)
            delivered = False
        if not delivered:
            self.release(work)
            return None
        sent_at = clock.now()  # when it reached the person, not when the pass began
        entry = Unrecorded(work.items, notifier.name, sent_at)
        try:
            self.record(work.items, notifier.name, sent_at)
        except Exception as exc:  # noqa: BLE001 - delivered: never told twice for a failed write
            with self.state:
                self.unrecorded.append(entry)
                self.release(work, locked=True)
                first = not self.record_trouble
                self.record_trouble = True
            if first:
                log().error(
                    "delivered, but could not record it in the journal (%s); it is kept in"
                    " memory as sent and recorded as soon as the journal can be written",
                    exc,
                )
            ok = False
        else:
            self.release(work)
            ok = True
        if work.summary:
            log().info("summarized %d old reminders", len(work.items))
        else:
            log().info("reminded %s %s (%s)", work.main.trade, work.main.kind, work.items[0][1])
        return ok

    def release(self, work: Work, locked: bool = False) -> None:
        """No longer in flight: delivered, or to be tried again."""
        if not locked:
            with self.state:
                self.release(work, locked=True)
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
                log().info("the journal can be written again: recorded %d delivery(ies)", done)
        return left == 0
