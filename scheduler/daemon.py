"""The running daemon: an in-memory APScheduler re-derived from the log, a change watcher, a lock.

The scheduler holds one wake-up job per reminder in a bounded horizon (the nearest
`MAX_JOBS`, at most `HORIZON` ahead) and never persists anything: the log and the
`reminders_sent` table are the truth, so a restart re-derives the same jobs. When a job
fires, the daemon does not trust the job: it asks `Reminders.deliver_due` what is due
for that trade now. Other processes' writes are noticed through SQLite's
`PRAGMA data_version` (a cheap per-connection counter), checked every `POLL` seconds;
then only the trades touched by events after the last seen `seq` are re-planned.
"""

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from journal import clock
from journal.errors import BadInput, Refused
from scheduler.notify import Notifier
from scheduler.reminders import Outcome, Reminders

log = logging.getLogger("journal.daemon")

POLL = 0.5  # seconds between change checks: the plan follows the log within ~1 s
HORIZON = timedelta(hours=36)
REFRESH = timedelta(minutes=10)  # re-read the horizon (also picks up `journal rebuild`)
RETRY = timedelta(seconds=30)  # after a notifier failed
MAX_JOBS = 2000
JUMP = 5.0  # seconds of disagreement between wall and monotonic time that mean a jump


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".daemon.lock")


def acquire_lock(db: Path) -> IO[str]:
    """One daemon per journal: an exclusive, non-blocking flock beside the journal file.

    The kernel releases it when the process dies, so a crash never leaves a stale lock.
    """
    path = lock_path(db)
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the process life
    except OSError as exc:
        raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise Refused("daemon_running", path=str(db), pid=pid) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


class Daemon:
    """Plans wake-ups from the log, delivers through one notifier, follows the log."""

    def __init__(self, reminders: Reminders, notifier: Notifier, poll: float = POLL) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.reminders = reminders
        self.notifier = notifier
        self.poll = poll
        self.lock = threading.RLock()
        # One worker: deliveries never race each other; jobs missed while busy still run.
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self.jobs: dict[str, set[str]] = {}  # trade → wake-up job ids
        self.horizon_end = clock.now()
        self.last_seq = 0

    # -- lifecycle ----------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set (SIGTERM/SIGINT): deliver what downtime missed, then follow."""
        watcher = sqlite3.connect(self.reminders.store.path, isolation_level=None)
        try:
            version = _data_version(watcher)
            self.last_seq = self.reminders.fresh()
            self.scheduler.start()
            self._safely(self.refresh)
            log.info("watching %s (notifier: %s)", self.reminders.store.path, self.notifier.name)
            ticks = (time.time(), time.monotonic())
            while not stop.wait(self.poll):
                current = _data_version(watcher)
                if current != version:
                    version = current
                    self._safely(self.on_change)
                previous, ticks = ticks, (time.time(), time.monotonic())
                if clock_jumped(previous, ticks):
                    log.info("the clock jumped (suspend and resume?): re-planning")
                    self._safely(self.refresh)
        finally:
            watcher.close()
            if self.scheduler.running:
                self.scheduler.shutdown(wait=True)
        log.info("stopped")

    def _safely(self, step) -> bool:
        """Run one planning step; a failure (a busy or broken file) is logged, then retried."""
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - the daemon must outlive any one failure
            log.error("%s failed: %s: %s", step.__name__, type(exc).__name__, exc)
            self.scheduler.add_job(
                self._safe_refresh,
                "date",
                run_date=clock.now() + RETRY,
                id="refresh",
                replace_existing=True,
            )
            return False
        return True

    def _safe_refresh(self) -> None:
        self._safely(self.refresh)

    # -- planning -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-derive every wake-up job for the horizon, then deliver whatever is due.

        Jobs are planned for reminders after `now`, and the delivery pass that follows
        (under the same lock, so no job runs in between) covers everything up to a later
        `now`: no reminder falls between the two, at start-up or at any later refresh.
        """
        with self.lock:
            now = clock.now()
            planned = self.reminders.planned(now, now + HORIZON, limit=MAX_JOBS + 1)
            if len(planned) > MAX_JOBS:
                planned = planned[:MAX_JOBS]
                self.horizon_end = planned[-1].at
            else:
                self.horizon_end = now + HORIZON
            for trade in list(self.jobs):
                self._drop(trade)
            for r in planned:
                self._add(r.trade, r.kind, r.at)
            next_refresh = min(now + REFRESH, self.horizon_end)
            self.scheduler.add_job(
                self._safe_refresh,
                "date",
                run_date=next_refresh,
                id="refresh",
                replace_existing=True,
            )
            log.debug("planned %d wake-ups until %s", len(planned), self.horizon_end)
            self.deliver(None)

    def on_change(self) -> None:
        """Another process wrote: re-plan only the trades its new events touched."""
        with self.lock:
            last = self.reminders.fresh()
            if last == self.last_seq:
                return  # our own sent-records, or a rebuild: the refresh timer covers those
            with self.reminders.store.read() as conn:
                touched = {
                    r[0]
                    for r in conn.exec_driver_sql(
                        "SELECT DISTINCT stream FROM events WHERE seq > ?", (self.last_seq,)
                    )
                }
            self.last_seq = last
            self.replan(touched)
            self.deliver(touched)

    def replan(self, trades: Collection[str]) -> None:
        """Replace these trades' wake-ups: met or voided deadlines lose theirs here."""
        with self.lock:
            for trade in trades:
                self._drop(trade)
            for r in self.reminders.planned(clock.now(), self.horizon_end, trades):
                self._add(r.trade, r.kind, r.at)
            log.debug("re-planned %d trades", len(trades))

    def _add(self, trade: str, kind: str, at: datetime) -> None:
        job_id = f"{trade}@{kind}@{at:%Y%m%dT%H%M%S}"
        self.scheduler.add_job(
            self.wake, "date", run_date=at, args=(trade,), id=job_id, replace_existing=True
        )
        self.jobs.setdefault(trade, set()).add(job_id)

    def _drop(self, trade: str) -> None:
        from apscheduler.jobstores.base import JobLookupError

        for job_id in self.jobs.pop(trade, ()):
            with contextlib.suppress(JobLookupError):  # it already ran
                self.scheduler.remove_job(job_id)

    # -- delivering ---------------------------------------------------------------------
    def wake(self, trade: str) -> None:
        with self.lock:
            job_ids = self.jobs.get(trade)
            if job_ids is not None:
                self.jobs[trade] = {j for j in job_ids if self.scheduler.get_job(j)}
            self.deliver({trade})

    def retry(self) -> None:
        with self.lock:
            self.deliver(None)

    def deliver(self, trades: Collection[str] | None) -> Outcome:
        """Deliver what is due; a failing notifier is logged and retried, never fatal."""
        with self.lock:
            try:
                outcome = self.reminders.deliver_due(self.notifier, clock.now(), trades)
            except Exception as exc:  # noqa: BLE001 - the daemon must outlive any one failure
                log.error("delivery pass failed: %s: %s", type(exc).__name__, exc)
                outcome = Outcome(failed=1)
            if outcome.failed:
                log.warning("%d reminder(s) not delivered; retrying in %s", outcome.failed, RETRY)
                self.scheduler.add_job(
                    self.retry,
                    "date",
                    run_date=clock.now() + RETRY,
                    id="retry",
                    replace_existing=True,
                )
            return outcome


def clock_jumped(before: tuple[float, float], after: tuple[float, float]) -> bool:
    """Did wall time move differently from monotonic time (suspend, resume, clock set)?

    The scheduler waits on a monotonic clock, which stands still while the machine
    sleeps: after a resume its jobs would fire late by the length of the sleep. So the
    daemon re-plans (and delivers what fell due) whenever the two clocks disagree.
    """
    wall = after[0] - before[0]
    steady = after[1] - before[1]
    return abs(wall - steady) > JUMP


def _data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection commits to the file: the cheap "log moved?" check."""
    try:
        return conn.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.Error as exc:
        log.warning("cannot read the journal's change counter: %s", exc)
        return -1
