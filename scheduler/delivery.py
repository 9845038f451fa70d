"""The daemon's delivery threads: a due reminder goes to one of `WORKERS` threads.

When a wake-up job fires, the daemon does not trust the job: it asks `Reminders.due_work`
what is due for that trade now (`Daemon.deliver`), and hands each notification to a
delivery thread here, so a slow or hung notifier holds up only its own reminder.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from scheduler.note import Notifier
from scheduler.reminders import Reminders
from scheduler.work import Outcome, Work

log = logging.getLogger("journal.daemon")

WORKERS = 8  # deliveries in parallel
RECORD_RETRY = timedelta(seconds=5)  # after a delivery's record could not be written


class DeliveryThreads:
    """A part of one `Daemon`: its `queue` feeds `count` threads, which send through one
    notifier. What failed is reported to `failed(count)`, a record left pending to
    `unrecorded()`: the daemon retries them with its wake-up jobs."""

    def __init__(
        self,
        notifier: Notifier,
        count: int,
        stopping: threading.Event,
        failed: Callable[[int], None],
        unrecorded: Callable[[], None],
    ) -> None:
        self.notifier = notifier
        self.count = count
        self.stopping = stopping
        self.failed = failed
        self.unrecorded = unrecorded
        self.queue: queue.Queue[tuple[Reminders, Work] | None] = queue.Queue()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.count):
            worker = threading.Thread(target=self._run, name=f"deliver-{n}", daemon=True)
            worker.start()
            self.threads.append(worker)

    def hand(self, reminders: Reminders, works: list[Work]) -> Outcome:
        """Queue these for the threads; not started (tests drive the steps): deliver here."""
        outcome = Outcome()
        for work in works:
            if self.threads:
                self.queue.put((reminders, work))
            else:
                self.deliver_one(reminders, work, outcome)
        return outcome

    def stop(self, grace: float) -> None:
        """Let each thread finish the delivery it is in, for `grace` seconds in all."""
        for _ in self.threads:
            self.queue.put(None)
        deadline = time.monotonic() + grace
        for worker in self.threads:
            worker.join(max(0.0, deadline - time.monotonic()))

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            reminders, work = item
            if self.stopping.is_set():
                reminders.outbox.release(work)
                continue
            self.deliver_one(reminders, work, Outcome())

    def deliver_one(self, reminders: Reminders, work: Work, outcome: Outcome) -> None:
        result = reminders.send(self.notifier, work)
        if result is None:
            outcome.failed += 1
            self.failed(1)
            return
        if result is False:
            outcome.unrecorded += 1
            self.unrecorded()
        if work.summary:
            outcome.summarized.extend(r for r, _ in work.items)
        else:
            outcome.delivered.append(work.main)
