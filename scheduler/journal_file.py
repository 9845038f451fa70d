"""The journal file under the daemon: which file it is, and whether it changed.

The daemon ties itself to the file it opened (device and inode): a connection is only
made to that very file (`pin`), so a deleted journal is never recreated and a replaced one
never gets the old file's write-ahead log. Other processes' writes are noticed through
the journal's change feed (`Journal.change_feed`: SQLite's `PRAGMA data_version`).
"""

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from journal.service import Journal
from scheduler import notify

log = logging.getLogger("journal.daemon")


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


def pin(journal: Journal) -> tuple[int, int] | None:
    """Make every new connection of `store` open this very file, never create one.

    Before each connection the path is compared with the file seen now; a deleted or
    replaced journal raises `JournalMoved` instead of SQLite quietly creating an empty
    file, or applying the old file's write-ahead log to the new one.
    """
    path = journal.location
    expected = _identity(path)

    def check() -> None:
        found = _identity(path)
        if found is None:
            raise JournalGone(str(path))
        if found not in (expected, UNKNOWN):
            raise JournalReplaced(str(path))

    journal.before_connect(check)
    return expected


class FileFeed:
    """How the daemon follows a journal file: the file's change counter (the door's
    `Journal.change_feed`), and what to do when the path names another file or none.

    A part of one `Daemon` (`attach`), whose planning it drives through its public steps
    (`lock`, `gone`, `jobs`, `drop`, `safely`, `refresh`); a shared journal's part is
    `scheduler.leader.LeaderFeed`."""

    def __init__(self) -> None:
        self.daemon: Any = None
        self.identity: tuple[int, int] | None = None
        self.watcher: Any = None

    def attach(self, daemon: Any) -> None:
        """Tie the daemon to its journal file (see `pin`)."""
        self.daemon = daemon
        self.identity = pin(daemon.reminders.journal)

    def run(self, stop: Any, follow: Callable[[], None]) -> None:
        follow()  # a file needs no leadership: follow it at once

    def start(self) -> int:
        self.close()
        self.watcher = self.daemon.reminders.journal.change_feed()
        return self.version()

    def version(self) -> int:
        return self.watcher.version() if self.watcher is not None else -1

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    # -- the journal file under us ------------------------------------------------------
    def moved(self) -> bool:
        """Compare the path with the open file; react to a deletion or a replacement."""
        d = self.daemon
        found = _identity(d.path)
        if found in (self.identity, UNKNOWN) and not d.gone:
            return False
        if found is None:
            if not d.gone:
                log.error(
                    "the journal %s is gone (deleted or moved away): nothing is delivered"
                    " until a journal is back at that path (the daemon never creates one)",
                    d.path,
                )
                self._go_quiet()
            return True
        if not d.gone:
            log.warning(
                "the journal %s was replaced by another file: re-opening it and re-planning",
                d.path,
            )
        self._switch()
        return True

    def _go_quiet(self) -> None:
        d = self.daemon
        with d.lock:
            d.gone = True
            for trade in list(d.jobs):
                d.drop(trade)
            for job_id in ("retry", "record", "refresh"):
                with contextlib.suppress(Exception):
                    d.scheduler.remove_job(job_id)
            self.close()
            d.reminders.journal.close()

    def _switch(self) -> None:
        """Open the file now at the path, drop everything of the old one, re-plan."""
        d = self.daemon
        self._go_quiet()
        if d.reopen is None:
            return
        old = d.reminders
        with d.lock:
            try:
                fresh = d.reopen()
            except Exception as exc:  # noqa: BLE001 - e.g. not a journal: say so, keep waiting
                if notify.throttle.due(f"reopen:{exc}"):
                    log.error("cannot open the journal %s: %s", d.path, exc)
                return
            if old.unrecorded:
                log.warning(
                    "%d delivered reminder(s) of the previous journal file were never recorded"
                    " in it; they are not written into the new one",
                    len(old.unrecorded),
                )
            d.reminders = fresh
            self.identity = pin(fresh.journal)
            d.gone = False
            d.last_seq = fresh.fresh()
            fresh.journal.follow()  # as at the start (scheduler/daemon.py)
            self.start()
            log.info("watching %s again", d.path)
        d.safely(d.refresh)
