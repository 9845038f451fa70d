"""The daemon's delivery threads: a due reminder goes to one of `WORKERS` threads.

When a wake-up job fires, the daemon does not trust the job: it asks `Reminders.due_work`
what is due for that trade now, and hands each notification to a delivery thread, so a
slow or hung notifier holds up only its own reminder.
"""

import logging
import threading
from collections.abc import Collection
from datetime import timedelta

from journal.core import clock
from scheduler import notify
from scheduler.journal_file import JournalMoved
from scheduler.reminders import Reminders
from scheduler.wakeups import RETRY
from scheduler.work import Outcome, Work

log = logging.getLogger("journal.daemon")

WORKERS = 8  # deliveries in parallel
RECORD_RETRY = timedelta(seconds=5)  # after a delivery's record could not be written


class Deliveries:
    """Delivering for `Daemon` (mixed into it): its `queue` feeds its `workers` threads,
    which send through its `notifier`; failures are retried by its wake-up jobs."""

    # -- delivering ---------------------------------------------------------------------
    def _start_workers(self) -> None:
        for n in range(self.n_workers):
            worker = threading.Thread(target=self._work, name=f"deliver-{n}", daemon=True)
            worker.start()
            self.workers.append(worker)

    def retry(self) -> None:
        self.deliver(None)

    def deliver(self, trades: Collection[str] | None, full: bool = False) -> Outcome:
        """Hand what is due to the delivery threads; a failing pass is logged and retried."""
        with self.lock:
            if self.stopping.is_set() or self.gone:
                return Outcome()
            try:
                works = self.reminders.due_work(clock.now(), trades, full=full)
            except JournalMoved:
                return Outcome()  # the poll loop notices and says so
            except Exception as exc:  # noqa: BLE001 - the daemon must outlive any one failure
                log.error("delivery pass failed: %s: %s", type(exc).__name__, exc)
                self._failed(1)
                return Outcome(failed=1)
            if self.reminders.unrecorded:
                self._later("record", RECORD_RETRY, self.record_pending)
            reminders = self.reminders
        outcome = Outcome()
        for work in works:
            if self.workers:
                self.queue.put((reminders, work))
            else:  # not running (tests drive the steps directly): deliver in this thread
                self._deliver_one(reminders, work, outcome)
        return outcome

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            reminders, work = item
            if self.stopping.is_set():
                reminders.outbox.release(work)
                continue
            self._deliver_one(reminders, work, Outcome())

    def _deliver_one(self, reminders: Reminders, work: Work, outcome: Outcome) -> None:
        result = reminders.send(self.notifier, work)
        if result is None:
            outcome.failed += 1
            self._failed(1)
            return
        if result is False:
            outcome.unrecorded += 1
            self._later("record", RECORD_RETRY, self.record_pending)
        if work.summary:
            outcome.summarized.extend(r for r, _ in work.items)
        else:
            outcome.delivered.append(work.main)

    def _failed(self, count: int) -> None:
        if notify.throttle.due("retrying"):
            log.warning(
                "%d reminder(s) not delivered; retrying every %s (said at most once an hour)",
                count,
                RETRY,
            )
        self._later("retry", RETRY, self.retry)

    def record_pending(self) -> None:
        """Retry writing the records of delivered reminders (never the delivery itself)."""
        reminders = self.reminders
        if not reminders.flush():
            self._later("record", RECORD_RETRY, self.record_pending)
