"""The daemon's wake-ups: one APScheduler date job per reminder in a bounded horizon.

The scheduler holds one wake-up job per reminder in the nearest `MAX_JOBS`, at most
`HORIZON` ahead, and never persists anything: the log and the `reminders_sent` table are
the truth, so a restart re-derives the same jobs. The horizon is re-read every `REFRESH`
(which also picks up `journal rebuild`); after another process wrote, only the trades
touched by events after the last seen `seq` are re-planned.
"""

import contextlib
import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from journal.core import clock
from scheduler.journal_file import JournalMoved

log = logging.getLogger("journal.daemon")

HORIZON = timedelta(hours=36)
REFRESH = timedelta(minutes=10)  # re-read the horizon (also picks up `journal rebuild`)
RETRY = timedelta(seconds=30)  # after a notifier failed
MAX_JOBS = 2000


def new_scheduler() -> Any:
    """An in-memory scheduler in UTC whose jobs fire late rather than never, once."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    # Jobs only plan and hand work to the delivery threads, so they are quick.
    return BackgroundScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )


class WakeUps:
    """Planning the wake-up jobs of `Daemon` (mixed into it): its `scheduler`, `jobs` per
    trade, `horizon_end`, `last_seq`, under its `lock`; a job wakes `deliver`."""

    def safely(self, step) -> bool:
        """Run one planning step; a failure (a busy or broken file) is logged, then retried."""
        try:
            step()
        except JournalMoved:
            return False  # the poll loop notices and says so
        except Exception as exc:  # noqa: BLE001 - the daemon must outlive any one failure
            log.error("%s failed: %s: %s", step.__name__, type(exc).__name__, exc)
            self._later("refresh", RETRY, self._safe_refresh)
            return False
        return True

    def _safe_refresh(self) -> None:
        self.safely(self.refresh)

    def _later(self, job_id: str, delay: timedelta, func) -> None:
        if self.stopping.is_set():
            return
        with contextlib.suppress(Exception):  # the scheduler may be stopping meanwhile
            self.scheduler.add_job(
                func, "date", run_date=clock.now() + delay, id=job_id, replace_existing=True
            )

    # -- planning -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-derive every wake-up job for the horizon, then deliver whatever is due.

        Jobs are planned for reminders after `now`, and the delivery pass that follows
        (under the same lock, so no job runs in between) covers everything up to a later
        `now`: no reminder falls between the two, at start-up or at any later refresh.
        """
        with self.lock:
            if self.gone:
                return
            self.built = self._built()  # read before planning: a rebuild after it re-plans
            now = clock.now()
            planned = self.reminders.planned(now, now + HORIZON, limit=MAX_JOBS + 1)
            if len(planned) > MAX_JOBS:
                planned = planned[:MAX_JOBS]
                self.horizon_end = planned[-1].at
            else:
                self.horizon_end = now + HORIZON
            for trade in list(self.jobs):
                self.drop(trade)
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
            self.deliver(None, full=True)
            self.keep()

    def on_change(self) -> None:
        """Another process wrote: re-plan only the trades its new events touched."""
        with self.lock:
            if self.gone:
                return
            last, moved = self.reminders.journal.changes(self.last_seq)  # see `Journal.follow`
            if self._built() != self.built:  # rebuilt for another rule book: plan them all
                self.last_seq = last
                self.refresh()
                return
            if last == self.last_seq:
                return  # our own sent-records, or `journal rebuild`: the refresh timer covers those
            touched = set(moved)
            self.last_seq = last
            self.replan(touched)
            self.deliver(touched)
            self.keep()

    def _built(self) -> tuple:
        """The stamp of the stored read models: it moves when a command rebuilt them."""
        with self.reminders.records.snapshot() as snap:
            state = snap.state()
        return state.get("projection_version"), state.get("rule_book")

    def replan(self, trades: Collection[str]) -> None:
        """Replace these trades' wake-ups: met or voided deadlines lose theirs here."""
        with self.lock:
            for trade in trades:
                self.drop(trade)
            for r in self.reminders.planned(clock.now(), self.horizon_end, trades):
                self._add(r.trade, r.kind, r.at)
            log.debug("re-planned %d trades", len(trades))

    def _add(self, trade: str, kind: str, at: datetime) -> None:
        job_id = f"{trade}@{kind}@{at:%Y%m%dT%H%M%S}"
        self.scheduler.add_job(
            self.wake, "date", run_date=at, args=(trade,), id=job_id, replace_existing=True
        )
        self.jobs.setdefault(trade, set()).add(job_id)

    def drop(self, trade: str) -> None:
        from apscheduler.jobstores.base import JobLookupError

        for job_id in self.jobs.pop(trade, ()):
            with contextlib.suppress(JobLookupError):  # it already ran
                self.scheduler.remove_job(job_id)

    def wake(self, trade: str) -> None:
        with self.lock:
            job_ids = self.jobs.get(trade)
            if job_ids is not None:
                self.jobs[trade] = {j for j in job_ids if self.scheduler.get_job(j)}
            self.deliver({trade})
