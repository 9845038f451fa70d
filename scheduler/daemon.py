"""The running daemon: an in-memory APScheduler re-derived from the log, a change watcher, a lock.

Its parts live beside it: the lock (`scheduler/lock.py`), the journal file it follows
(`scheduler/journal_file.py`), the wake-up jobs (`scheduler/wakeups.py`) and the delivery
threads (`scheduler/delivery.py`); this module runs them. Other processes' writes are
noticed through SQLite's `PRAGMA data_version`, checked every `POLL` seconds; at every
poll the journal path is also compared (device and inode) with the file the daemon opened:
a deleted journal is never recreated, a replaced one is re-opened.
"""

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from journal.core import clock
from scheduler import notify
from scheduler.delivery import WORKERS, Deliveries
from scheduler.journal_file import FileFeed
from scheduler.lock import acquire_lock, lock_path
from scheduler.notify import Notifier
from scheduler.reminders import Reminders
from scheduler.wakeups import WakeUps, new_scheduler
from scheduler.work import Work

__all__ = ["WORKERS", "Daemon", "acquire_lock", "clock_jumped", "lock_path"]

log = logging.getLogger("journal.daemon")

POLL = 0.5  # seconds between change checks: the plan follows the log within ~1 s
JUMP = 5.0  # seconds of disagreement between wall and monotonic time that mean a jump
STOP_GRACE = 3.0  # seconds a stopping daemon waits for deliveries being recorded


class Daemon(WakeUps, Deliveries):
    """Plans wake-ups from the log, delivers through one notifier, follows the log through
    its `feed` part: a journal file's (`FileFeed`) or a shared journal's leadership
    (`scheduler.leader.LeaderFeed`)."""

    def __init__(
        self,
        reminders: Reminders,
        notifier: Notifier,
        poll: float = POLL,
        reopen: Callable[[], Reminders] | None = None,
        workers: int = WORKERS,
        after_change: Callable[[Reminders], None] | None = None,
        feed: Any = None,
    ) -> None:
        self.reminders = reminders
        self.notifier = notifier
        self.after_change = after_change  # e.g. keep the calendar file current
        self._keep_wanted = threading.Event()
        self.keeper: threading.Thread | None = None
        self.poll = poll
        self.reopen = reopen
        self.path = reminders.journal.location
        self.lock = threading.RLock()
        self.scheduler = new_scheduler()
        self.jobs: dict[str, set[str]] = {}  # trade → wake-up job ids
        self.horizon_end = clock.now()
        self.last_seq = 0
        self.stopping = threading.Event()
        self.gone = False
        self.n_workers = workers
        self.queue: queue.Queue[tuple[Reminders, Work] | None] = queue.Queue()
        self.workers: list[threading.Thread] = []
        self.feed = feed if feed is not None else FileFeed()
        self.feed.attach(self)

    # -- lifecycle ----------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set (SIGTERM/SIGINT): deliver what downtime missed, then follow
        (on a shared journal, once this daemon leads: see the feed's `run`)."""
        self.feed.run(stop, lambda: self._follow(stop))

    def _follow(self, stop: threading.Event) -> None:
        try:
            version = self.feed.start()
            self.last_seq = self.reminders.fresh()
            self._start_workers()
            self.scheduler.start()
            log.info("watching %s (notifier: %s)", self.path, self.notifier.name)
            self.safely(self.refresh)
            ticks = (time.time(), time.monotonic())
            while not stop.wait(self.poll):
                if self.feed.moved():
                    version = self.feed.version()
                    continue
                if self.gone:
                    continue
                current = self.feed.version()
                if current != version:
                    version = current
                    self.safely(self.on_change)
                previous, ticks = ticks, (time.time(), time.monotonic())
                if clock_jumped(previous, ticks):
                    log.info("the clock jumped (suspend and resume?): re-planning")
                    self.safely(self.refresh)
        finally:
            self._shutdown()
        log.info("stopped")

    def _shutdown(self) -> None:
        """Stop within seconds whatever a notifier does: no waiting on scheduler jobs, hung
        notifier processes killed, deliveries being recorded given `STOP_GRACE` seconds."""
        self.stopping.set()
        self.feed.close()
        if self.scheduler.running:
            # wait=False: a job may be about to add a retry job, which needs the lock that
            # shutdown holds while waiting (the deadlock that kept the daemon alive).
            self.scheduler.shutdown(wait=False)
        if self.keeper is not None:
            self.keeper.join(STOP_GRACE)  # a calendar being written is finished, not torn
        killed = notify.children.kill_all()
        if killed:
            log.info("stopped %d notifier process(es) still running", killed)
        for _ in self.workers:
            self.queue.put(None)
        deadline = time.monotonic() + STOP_GRACE
        for worker in self.workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(Exception):
            self.reminders.flush()
        if self.reminders.unrecorded:
            log.error(
                "%d delivered reminder(s) could not be recorded; they may be repeated at the"
                " next start",
                len(self.reminders.unrecorded),
            )

    # -- files kept beside the journal ---------------------------------------------------
    def keep(self) -> None:
        """After the plan changed: what follows the journal outside it (the calendar file).

        Done by one background thread, so planning and delivery never wait for it (a
        calendar of 20k events takes over a second to write); requests that arrive while it
        writes are folded into one more pass."""
        if self.after_change is None:
            return
        self._keep_wanted.set()
        if self.keeper is None or not self.keeper.is_alive():
            self.keeper = threading.Thread(target=self._keep_loop, name="keep-files", daemon=True)
            self.keeper.start()

    def _keep_loop(self) -> None:
        def keep_files() -> None:
            self.after_change(self.reminders)  # type: ignore[misc]

        while not self.stopping.is_set():
            if not self._keep_wanted.wait(timeout=0.5):
                continue
            self._keep_wanted.clear()
            self.safely(keep_files)


def clock_jumped(before: tuple[float, float], after: tuple[float, float]) -> bool:
    """Did wall time move differently from monotonic time (suspend, resume, clock set)?

    The scheduler waits on a monotonic clock, which stands still while the machine
    sleeps: after a resume its jobs would fire late by the length of the sleep. So the
    daemon re-plans (and delivers what fell due) whenever the two clocks disagree.
    """
    wall = after[0] - before[0]
    steady = after[1] - before[1]
    return abs(wall - steady) > JUMP
