"""The running daemon: an in-memory APScheduler re-derived from the log, a change watcher, a lock.

The scheduler holds one wake-up job per reminder in a bounded horizon (the nearest
`MAX_JOBS`, at most `HORIZON` ahead) and never persists anything: the log and the
`reminders_sent` table are the truth, so a restart re-derives the same jobs. When a job
fires, the daemon does not trust the job: it asks `Reminders.due_work` what is due for that
trade now, and hands each notification to one of `WORKERS` delivery threads, so a slow or
hung notifier holds up only its own reminder. Other processes' writes are noticed through
SQLite's `PRAGMA data_version` (a cheap per-connection counter), checked every `POLL`
seconds; then only the trades touched by events after the last seen `seq` are re-planned.
At every poll the journal path is also compared (device and inode) with the file the
daemon opened: a deleted journal is never recreated, a replaced one is re-opened.
"""

import contextlib
import fcntl
import logging
import os
import queue
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from urllib.parse import quote

from journal import clock
from journal.errors import BadInput, Refused
from journal.store import Store
from scheduler import notify
from scheduler.notify import Notifier
from scheduler.reminders import Outcome, Reminders, Work

log = logging.getLogger("journal.daemon")

POLL = 0.5  # seconds between change checks: the plan follows the log within ~1 s
HORIZON = timedelta(hours=36)
REFRESH = timedelta(minutes=10)  # re-read the horizon (also picks up `journal rebuild`)
RETRY = timedelta(seconds=30)  # after a notifier failed
RECORD_RETRY = timedelta(seconds=5)  # after a delivery's record could not be written
MAX_JOBS = 2000
JUMP = 5.0  # seconds of disagreement between wall and monotonic time that mean a jump
WORKERS = 8  # deliveries in parallel
STOP_GRACE = 3.0  # seconds a stopping daemon waits for deliveries being recorded


def lock_path(db: Path) -> Path:
    """`<journal>.daemon.lock` beside the real journal file (symlinks resolved), so every
    spelling of the path (a symlink, `..`) meets the same lock."""
    real = Path(os.path.realpath(db))
    return real.with_name(real.name + ".daemon.lock")


def acquire_lock(db: Path) -> IO[str]:
    """One daemon per journal: an exclusive, non-blocking flock beside the journal file.

    The kernel releases it when the process dies, so a crash never leaves a stale lock.
    The lock file is opened without following a symlink and without truncating it; it
    must be a regular file of this user with no other name (else refused, exit 2), and is
    created private (0600). The pid is written only once the lock is held.
    """
    path = lock_path(db)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if os.path.islink(path):
            raise BadInput("lock_unsafe", path=str(path), detail="a symbolic link") from None
        raise BadInput("db_unusable", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        problem = _lock_problem(info)
        if problem:
            raise BadInput("lock_unsafe", path=str(path), detail=problem)
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Refused("daemon_running", path=str(db), pid=_holder(fd)) from None
    except BaseException:
        os.close(fd)
        raise
    with contextlib.suppress(OSError):  # the pid is a courtesy: a full disk must not stop us
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return os.fdopen(fd, "r+", encoding="utf-8")


def _lock_problem(info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_uid != os.geteuid():
        return "owned by another user"
    if info.st_nlink != 1:
        return "it has other names (hard links)"
    return None


def _holder(fd: int) -> str:
    """The pid the running daemon wrote (it may be a moment behind taking the lock)."""
    for _ in range(20):
        with contextlib.suppress(OSError):
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            if text:
                return text
        time.sleep(0.025)
    return "?"


class JournalMoved(Exception):
    """The journal path no longer names the file the daemon opened."""


class JournalGone(JournalMoved):
    pass


class JournalReplaced(JournalMoved):
    pass


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when nothing is there.

    Any other failure to look (a folder made unreadable) is reported as no change: the
    next database access then fails with its own clear message.
    """
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return UNKNOWN
    return (info.st_dev, info.st_ino)


UNKNOWN = (-1, -1)


def _uri(path: Path) -> str:
    """An SQLite URI that opens the file read-write and never creates it."""
    return f"file:{quote(str(os.path.abspath(path)), safe='/')}?mode=rw"


def pin(store: Store) -> tuple[int, int] | None:
    """Make every new connection of `store` open this very file, never create one.

    Before each connection the path is compared with the file seen now; a deleted or
    replaced journal raises `JournalMoved` instead of SQLite quietly creating an empty
    file, or applying the old file's write-ahead log to the new one.
    """
    expected = _identity(store.path)
    opener = store.engine.opener

    def connect() -> sqlite3.Connection:
        found = _identity(store.path)
        if found is None:
            raise JournalGone(str(store.path))
        if found not in (expected, UNKNOWN):
            raise JournalReplaced(str(store.path))
        return opener()

    store.engine.opener = connect
    return expected


class Daemon:
    """Plans wake-ups from the log, delivers through one notifier, follows the log."""

    def __init__(
        self,
        reminders: Reminders,
        notifier: Notifier,
        poll: float = POLL,
        reopen: Callable[[], Reminders] | None = None,
        workers: int = WORKERS,
        after_change: Callable[[Reminders], None] | None = None,
    ) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.reminders = reminders
        self.notifier = notifier
        self.after_change = after_change  # e.g. keep the calendar file current
        self._keep_wanted = threading.Event()
        self._keeper: threading.Thread | None = None
        self.poll = poll
        self.reopen = reopen
        self.path = reminders.store.path
        self.identity = self._pin(reminders.store)
        self.lock = threading.RLock()
        # Jobs only plan and hand work to the delivery threads, so they are quick.
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self.jobs: dict[str, set[str]] = {}  # trade → wake-up job ids
        self.horizon_end = clock.now()
        self.last_seq = 0
        self.stopping = threading.Event()
        self.gone = False
        self.n_workers = workers
        self.queue: queue.Queue[tuple[Reminders, Work] | None] = queue.Queue()
        self.workers: list[threading.Thread] = []
        self.watcher: sqlite3.Connection | None = None

    def _pin(self, store: Store) -> tuple[int, int] | None:
        """Tie the daemon to its journal file (see `pin`); a server journal has none."""
        return pin(store)

    # -- lifecycle ----------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Run until `stop` is set (SIGTERM/SIGINT): deliver what downtime missed, then follow."""
        try:
            version = self._watch()
            self.last_seq = self.reminders.fresh()
            for n in range(self.n_workers):
                worker = threading.Thread(target=self._work, name=f"deliver-{n}", daemon=True)
                worker.start()
                self.workers.append(worker)
            self.scheduler.start()
            log.info("watching %s (notifier: %s)", self.path, self.notifier.name)
            self._safely(self.refresh)
            ticks = (time.time(), time.monotonic())
            while not stop.wait(self.poll):
                if self._file_changed():
                    version = self._data_version()
                    continue
                if self.gone:
                    continue
                current = self._data_version()
                if current != version:
                    version = current
                    self._safely(self.on_change)
                previous, ticks = ticks, (time.time(), time.monotonic())
                if clock_jumped(previous, ticks):
                    log.info("the clock jumped (suspend and resume?): re-planning")
                    self._safely(self.refresh)
        finally:
            self._shutdown()
        log.info("stopped")

    def _shutdown(self) -> None:
        """Stop within seconds whatever a notifier does: no waiting on scheduler jobs, hung
        notifier processes killed, deliveries being recorded given `STOP_GRACE` seconds."""
        self.stopping.set()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        if self.scheduler.running:
            # wait=False: a job may be about to add a retry job, which needs the lock that
            # shutdown holds while waiting (the deadlock that kept the daemon alive).
            self.scheduler.shutdown(wait=False)
        if self._keeper is not None:
            self._keeper.join(STOP_GRACE)  # a calendar being written is finished, not torn
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

    def _watch(self) -> int:
        if self.watcher is not None:
            self.watcher.close()
        self.watcher = sqlite3.connect(_uri(self.path), uri=True, isolation_level=None)
        return self._data_version()

    def _data_version(self) -> int:
        return _data_version(self.watcher) if self.watcher is not None else -1

    def _safely(self, step) -> bool:
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
        self._safely(self.refresh)

    def _later(self, job_id: str, delay: timedelta, func) -> None:
        if self.stopping.is_set():
            return
        with contextlib.suppress(Exception):  # the scheduler may be stopping meanwhile
            self.scheduler.add_job(
                func, "date", run_date=clock.now() + delay, id=job_id, replace_existing=True
            )

    # -- the journal file under us ------------------------------------------------------
    def _file_changed(self) -> bool:
        """Compare the path with the open file; react to a deletion or a replacement."""
        found = _identity(self.path)
        if found in (self.identity, UNKNOWN) and not self.gone:
            return False
        if found is None:
            if not self.gone:
                log.error(
                    "the journal %s is gone (deleted or moved away): nothing is delivered"
                    " until a journal is back at that path (the daemon never creates one)",
                    self.path,
                )
                self._go_quiet()
            return True
        if not self.gone:
            log.warning(
                "the journal %s was replaced by another file: re-opening it and re-planning",
                self.path,
            )
        self._switch()
        return True

    def _go_quiet(self) -> None:
        with self.lock:
            self.gone = True
            for trade in list(self.jobs):
                self._drop(trade)
            for job_id in ("retry", "record", "refresh"):
                with contextlib.suppress(Exception):
                    self.scheduler.remove_job(job_id)
            if self.watcher is not None:
                self.watcher.close()
                self.watcher = None
            self.reminders.journal.close()

    def _switch(self) -> None:
        """Open the file now at the path, drop everything of the old one, re-plan."""
        self._go_quiet()
        if self.reopen is None:
            return
        old = self.reminders
        with self.lock:
            try:
                fresh = self.reopen()
            except Exception as exc:  # noqa: BLE001 - e.g. not a journal: say so, keep waiting
                if notify.throttle.due(f"reopen:{exc}"):
                    log.error("cannot open the journal %s: %s", self.path, exc)
                return
            if old.unrecorded:
                log.warning(
                    "%d delivered reminder(s) of the previous journal file were never recorded"
                    " in it; they are not written into the new one",
                    len(old.unrecorded),
                )
            self.reminders = fresh
            self.identity = pin(fresh.store)
            self.gone = False
            self.last_seq = fresh.fresh()
            self._watch()
            log.info("watching %s again", self.path)
        self._safely(self.refresh)

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
            self.deliver(None, full=True)
            self._keep()

    def on_change(self) -> None:
        """Another process wrote: re-plan only the trades its new events touched."""
        with self.lock:
            if self.gone:
                return
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
            self._keep()

    def _keep(self) -> None:
        """After the plan changed: what follows the journal outside it (the calendar file).

        Done by one background thread, so planning and delivery never wait for it (a
        calendar of 20k events takes over a second to write); requests that arrive while it
        writes are folded into one more pass."""
        if self.after_change is None:
            return
        self._keep_wanted.set()
        if self._keeper is None or not self._keeper.is_alive():
            self._keeper = threading.Thread(target=self._keep_loop, name="keep-files", daemon=True)
            self._keeper.start()

    def _keep_loop(self) -> None:
        def keep_files() -> None:
            self.after_change(self.reminders)  # type: ignore[misc]

        while not self.stopping.is_set():
            if not self._keep_wanted.wait(timeout=0.5):
                continue
            self._keep_wanted.clear()
            self._safely(keep_files)

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
                reminders._release(work)
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
