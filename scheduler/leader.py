"""The daemon for a journal shared on a PostgreSQL server: one leader delivers, others wait.

Several machines may run `journal daemon` on one shared journal. Exactly one of them
delivers: the one holding the session advisory lock `LEADER_LOCK`, taken with
`pg_try_advisory_lock` on a dedicated connection. The others stand by, trying again every
`STANDBY_POLL` seconds; the server releases the lock as soon as the leader's connection
ends (the process stopped, was killed, or its machine went away), so a standby takes over
within seconds, well under 30. The sent-reminder records are in the shared database, so
the new leader does not repeat what the old one recorded.

The leader learns of new events by LISTEN on `CHANNEL` (every append NOTIFYs it in its
own transaction, see `journal.engines.postgres`) instead of SQLite's change counter; the
daemon's loop only drains the notifications the connection has already received.
"""

import logging
import threading
from typing import Any

from journal.engines import mask
from journal.engines.postgres import CHANNEL
from scheduler.daemon import Daemon

log = logging.getLogger("journal.daemon")

LEADER_LOCK = 0x6A6F75726E616C + 1  # one delivering daemon per shared journal
STANDBY_POLL = 1.0  # seconds between a standby's attempts to lead


def _connect(url: str) -> Any:
    import psycopg

    from journal.engines.postgres import CONNECT_TIMEOUT_S, libpq_url

    return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)


def wait_to_lead(url: str, stop: threading.Event) -> Any | None:
    """Block until this process holds the leader lock (its connection is returned), or
    until `stop` is set (None). Connection failures are logged and retried."""
    said = False
    while not stop.is_set():
        try:
            conn = _connect(url)
        except Exception as exc:  # noqa: BLE001 - a server away for a while: keep trying
            log.error("cannot reach %s: %s", mask(url), _line(exc))
            stop.wait(STANDBY_POLL * 5)
            continue
        try:
            while not stop.is_set():
                if conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,)).fetchone()[0]:
                    log.info("leading: this daemon delivers the reminders of %s", mask(url))
                    return conn
                if not said:
                    log.info("standing by: another daemon delivers for %s", mask(url))
                    said = True
                stop.wait(STANDBY_POLL)
        except Exception as exc:  # noqa: BLE001 - the connection broke: start again
            log.error("lost the connection to %s: %s", mask(url), _line(exc))
        conn.close()
    return None


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class SharedDaemon(Daemon):
    """The daemon on a PostgreSQL journal: leads or stands by, follows the log by LISTEN."""

    def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
        self.url = url
        self.notified = 0
        super().__init__(*args, **kwargs)

    def _pin(self, store: Any) -> None:
        return None  # no file to tie to: the database is the journal

    def run(self, stop: threading.Event) -> None:
        leader = wait_to_lead(self.url, stop)
        if leader is None:
            log.info("stopped")
            return
        try:
            super().run(stop)
        finally:
            leader.close()

    def _watch(self) -> int:
        if self.watcher is not None:
            self.watcher.close()
        self.watcher = _connect(self.url)
        self.watcher.execute(f"LISTEN {CHANNEL}")
        return self._data_version()

    def _data_version(self) -> int:
        """How many notifications have arrived: a new number means the log moved."""
        if self.watcher is None:
            return -1
        try:
            for _ in self.watcher.notifies(timeout=0):
                self.notified += 1
        except Exception as exc:  # noqa: BLE001 - re-listen on a new connection next time
            log.warning("lost the change notifications: %s; listening again", _line(exc))
            self.watcher = None
            try:
                self._watch()
            except Exception as again:  # noqa: BLE001
                log.error("cannot listen for changes: %s", _line(again))
            return -1
        return self.notified

    def _file_changed(self) -> bool:
        return False  # a database is not deleted or replaced under us like a file


class _NoLock:
    """A server journal's daemons coordinate on the server (leadership), not by a file."""

    def close(self) -> None:
        return None


def lock_for(path: Any) -> Any:
    """The one-daemon-per-journal lock: a file lock for a file, none for a server."""
    from journal.engines import is_url
    from scheduler.daemon import acquire_lock

    return _NoLock() if is_url(path) else acquire_lock(path)


def daemon_for(path: Any, *args: Any, **kwargs: Any) -> Daemon:
    """The daemon for this journal: `SharedDaemon` on a server, else the file's `Daemon`."""
    from journal.engines import is_url

    return SharedDaemon(path, *args, **kwargs) if is_url(path) else Daemon(*args, **kwargs)
