"""The journal file under the daemon: which file it is, and whether it changed.

The daemon ties itself to the file it opened (device and inode): a connection is only
made to that very file (`pin`), so a deleted journal is never recreated and a replaced one
never gets the old file's write-ahead log. Other processes' writes are noticed through
the journal's change feed (`Journal.change_feed`: SQLite's `PRAGMA data_version`).
"""

import contextlib
import logging
import os
from pathlib import Path

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


class FollowsFile:
    """The daemon's side of the file: its change counter, and what it does when the path
    names another file or none. Mixed into `Daemon`, whose state it uses (`path`,
    `identity`, `gone`, `watcher`, `reminders`, `reopen`, `lock`) and whose planning steps
    it calls (`_drop`, `_safely`, `refresh`)."""

    def _watch(self) -> int:
        if self.watcher is not None:
            self.watcher.close()
        self.watcher = self.reminders.journal.change_feed()
        return self._data_version()

    def _data_version(self) -> int:
        return self.watcher.version() if self.watcher is not None else -1

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
            self.identity = pin(fresh.journal)
            self.gone = False
            self.last_seq = fresh.fresh()
            self._watch()
            log.info("watching %s again", self.path)
        self._safely(self.refresh)
