"""The running daemon: an in-memory APScheduler re-derived from the log, a change watcher, a lock.

Its parts are objects beside it: the lock (`scheduler/lock.py`), the feed it follows the
log by (`FileFeed` in `scheduler/journal_file.py`, `LeaderFeed` in `scheduler/leader.py`),
the delivery threads (`scheduler/delivery.py`) and the reminders (`scheduler/reminders.py`);
the wake-up jobs (`scheduler/wakeups.py`) are its own steps. Other processes' writes are
noticed through the feed, checked every `POLL` seconds; at every poll a file's path is also
compared (device and inode) with the file the daemon opened: a deleted journal is never
recreated, a replaced one is re-opened.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from journal.core import clock
from scheduler import notify, retention
from scheduler.delivery import RECORD_RETRY, WORKERS, DeliveryThreads
from scheduler.journal_file import FileFeed, JournalMoved
from scheduler.lock import acquire_lock, lock_path
from scheduler.note import Notifier
from scheduler.reminders import Reminders
from scheduler.wakeups import RETRY, WakeUps, new_scheduler
from scheduler.work import Outcome

__all__ = ["WORKERS", "Daemon", "acquire_lock", "clock_jumped", "lock_path"]

log = logging.getLogger("journal.daemon")

POLL = 0.5  # seconds between change checks: the plan follows the log within ~1 s
JUMP = 5.0  # seconds of disagreement between wall and monotonic time that mean a jump
STOP_GRACE = 3.0  # seconds a stopping daemon waits for deliveries being recorded


class Daemon(WakeUps):
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
        feed: Any = None,
        setup: Any = None,
        settings: Any = None,
    ) -> None:
        self.reminders = reminders
        self.notifier = notifier
        self.setup = setup  # what it took from the settings (`scheduler.run.Setup`), if any
        self.settings = settings  # tells of a changed config (`journal.app.FollowedSettings`)
        self.after_change = setup.keep if setup is not None else None  # the calendar file
        self.privacy = setup.privacy if setup is not None else retention.DEFAULT
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
        self.built: tuple = ()  # the read models' stamp at the last full plan (wakeups.py)
        self.stopping = threading.Event()
        self.gone = False
        self.threads = DeliveryThreads(
            notifier, workers, self.stopping, self._failed, self._record_later
        )
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
            self.last_seq = self.reminders.fresh()  # built with the book just read, if need be
            self.reminders.journal.follow()  # then never rebuilt with it (`Journal.follow`)
            self.threads.start()
            self.scheduler.start()
            log.info("watching %s (notifier: %s)", self.path, self.notifier.name)
            self.safely(self.refresh)
            self.safely(self.forget_due)
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
                if self.settings is not None and self.settings.changed():
                    self.safely(self.reconfigure)
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
        self.threads.stop(STOP_GRACE)
        with contextlib.suppress(Exception):
            self.reminders.flush()
        if self.reminders.unrecorded:
            log.error(
                "%d delivered reminder(s) could not be recorded; they may be repeated at the"
                " next start",
                len(self.reminders.unrecorded),
            )

    # -- delivering ---------------------------------------------------------------------
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
                self._record_later()
            reminders = self.reminders
        return self.threads.hand(reminders, works)

    def retry(self) -> None:
        self.deliver(None)

    def _failed(self, count: int) -> None:
        if notify.throttle.due("retrying"):
            log.warning(
                "%d reminder(s) not delivered; retrying every %s (said at most once an hour)",
                count,
                RETRY,
            )
        self._later("retry", RETRY, self.retry)

    def _record_later(self) -> None:
        self._later("record", RECORD_RETRY, self.record_pending)

    def record_pending(self) -> None:
        """Retry writing the records of delivered reminders (never the delivery itself)."""
        if not self.reminders.flush():
            self._record_later()

    def forget_due(self) -> None:
        """The retention rule (scheduler/retention.py), now and every few hours."""
        self._later("forget", retention.EVERY, lambda: self.safely(self.forget_due))
        retention.forget_due(self.reminders.journal, clock.now(), self.privacy)

    # -- a changed config --------------------------------------------------------------------
    def reconfigure(self) -> None:
        """The config file changed (or SIGHUP asked): work under the settings it holds now.

        Offsets, lateness, language and zone, rule overrides, money, the calendar file and
        the retention rule take effect at once: the journal takes the new rule book (its
        read models rebuilt with it if they differ, as a command would), every wake-up is
        planned again and the log speaks the new language. Settings that name another
        journal or notifier take effect at the next start, and the log says so. A config
        that is refused (a wrong key, a bad zone) changes nothing: the daemon goes on with
        the settings it has and says why in one line."""
        from journal.core.errors import JournalError
        from journal.text.i18n import Locale
        from journal.text.messages import render_for

        try:
            setup = self.settings.load()
        except JournalError as exc:
            loc = self.setup.loc if self.setup is not None else Locale()
            log.error(
                "the changed settings are not used (%s); going on with the previous ones",
                " ".join(render_for(loc, exc.key, **exc.params).split()),
            )
            return
        with self.lock:
            old = self.reminders
            old.flush()  # what was delivered under the old settings is recorded first
            journal = old.journal
            journal.follow(setup.book, setup.money)
            fresh = setup.reminders(journal)
            fresh.outbox = old.outbox  # one set in flight and unrecorded: nothing told twice
            before, self.setup = self.setup, setup
            self.reminders = fresh
            self.after_change = setup.keep
            self.privacy = setup.privacy
            if self.reopen is not None:  # a journal file replaced later opens under these too
                self.reopen = lambda: setup.reminders(setup.journal())
            from journal.text.logtext import relabel

            relabel(setup.loc.language, setup.loc.zone)
        log.info("settings read again: every reminder is planned again under them")
        if before is not None and str(before.location) != str(setup.location):
            log.warning("a journal at another place takes effect when the daemon is restarted")
        if before is not None and before.notifier != setup.notifier:
            log.warning("a changed [notifier] takes effect when the daemon is restarted")
        self.safely(self.refresh)

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
