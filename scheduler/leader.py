"""The daemon for a journal shared on a PostgreSQL server: one leader delivers, others wait.

Several machines may run `journal daemon` on one shared journal. Exactly one of them
delivers: the one holding the session advisory lock `LEADER_LOCK`, taken with
`pg_try_advisory_lock` on a dedicated connection. The others stand by, trying again every
`STANDBY_POLL` seconds; the server releases the lock as soon as the leader's connection
ends (the process stopped, was killed, or its machine went away), so a standby takes over
within seconds, well under 30. The sent-reminder records are in the shared database, so
the new leader does not repeat what the old one recorded.

The leader learns of new events by LISTEN on `CHANNEL` (every append NOTIFYs it in its
own transaction, see `journal.storage.engines.postgres`) instead of SQLite's change counter; the
daemon's loop only drains the notifications the connection has already received.
"""

import contextlib
import logging
import threading
from typing import Any

from journal.core.errors import Refused
from journal.storage.engines import mask
from journal.storage.engines.postgres import CHANNEL
from scheduler.daemon import Daemon

log = logging.getLogger("journal.daemon")

LEADER_LOCK = 0x6A6F75726E616C + 1  # one delivering daemon per shared journal
STANDBY_POLL = 1.0  # seconds between a standby's attempts to lead


# TCP keepalives on both ends of the leader's connection: if the leader's machine vanishes
# (power off, network gone), the server ends its session, and so frees the lock, within
# about 10 + 5 * 3 = 25 s; the leader too notices a dead server within that time.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
KEEPALIVE_COUNT = 3


def _connect(url: str) -> Any:
    import psycopg

    from journal.storage.engines.postgres import CONNECT_TIMEOUT_S, libpq_url

    conn = psycopg.connect(
        libpq_url(url),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        keepalives_count=KEEPALIVE_COUNT,
        **KEEPALIVE,
    )
    for name, value in (
        ("tcp_keepalives_idle", KEEPALIVE["keepalives_idle"]),
        ("tcp_keepalives_interval", KEEPALIVE["keepalives_interval"]),
        ("tcp_keepalives_count", KEEPALIVE_COUNT),
    ):
        conn.execute(f"SET {name} = {int(value)}")
    return conn


def _try_lock(conn: Any) -> bool:
    return bool(conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,)).fetchone()[0])


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
                if _try_lock(conn):
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
    """The daemon on a PostgreSQL journal: leads or stands by, follows the log by LISTEN.

    The connection holding the leader lock is also the one listening, so a broken
    connection is noticed at the next check (within `POLL`): the daemon then takes the lock
    again at once, or, if another daemon leads by then, stops delivering and exits with
    status 1 (a service manager restarts it, as a standby).
    """

    def __init__(self, url: str, *args: Any, **kwargs: Any) -> None:
        self.url = url
        self.notified = 0
        self.leader: Any = None
        self.lost = False
        self.stop_event = threading.Event()
        super().__init__(*args, **kwargs)

    def _pin(self, journal: Any) -> None:
        return None  # no file to tie to: the database is the journal

    def run(self, stop: threading.Event) -> None:
        self.stop_event = stop
        self.leader = wait_to_lead(self.url, stop)
        if self.leader is None:
            log.info("stopped")
            return
        try:
            super().run(stop)
        finally:
            self.leader.close()
        if self.lost:
            raise Refused("leadership_lost", path=mask(self.url))

    def _watch(self) -> int:
        self.watcher = self.leader
        self.watcher.execute(f"LISTEN {CHANNEL}")
        return self._data_version()

    def _data_version(self) -> int:
        """How many notifications have arrived: a new number means the log moved."""
        if self.watcher is None:
            return -1
        try:
            for _ in self.watcher.notifies(timeout=0):
                self.notified += 1
        except Exception as exc:  # noqa: BLE001 - the leader's connection broke
            self._relead(exc)
            return -1
        return self.notified

    def _relead(self, exc: BaseException) -> None:
        """Take the lock again on a new connection, or stop so only one daemon delivers."""
        log.warning("lost the connection to %s: %s", mask(self.url), _line(exc))
        with contextlib.suppress(Exception):
            self.leader.close()
        try:
            conn = _connect(self.url)
            if _try_lock(conn):
                self.leader = conn
                self._watch()
                log.info("leading again: this daemon delivers for %s", mask(self.url))
                return
            conn.close()
        except Exception as again:  # noqa: BLE001 - the server is away: stop delivering
            log.error("cannot reach %s: %s", mask(self.url), _line(again))
        log.error("no longer the leader for %s: stopping its deliveries", mask(self.url))
        self.watcher = None
        self.lost = True
        self.stop_event.set()

    def _file_changed(self) -> bool:
        return False  # a database is not deleted or replaced under us like a file


class _NoLock:
    """A server journal's daemons coordinate on the server (leadership), not by a file."""

    def close(self) -> None:
        return None


def lock_for(path: Any) -> Any:
    """The one-daemon-per-journal lock: a file lock for a file, none for a server."""
    from journal.storage.engines import is_url
    from scheduler.lock import acquire_lock

    return _NoLock() if is_url(path) else acquire_lock(path)


def daemon_for(path: Any, *args: Any, **kwargs: Any) -> Daemon:
    """The daemon for this journal: `SharedDaemon` on a server, else the file's `Daemon`."""
    from journal.storage.engines import is_url

    return SharedDaemon(path, *args, **kwargs) if is_url(path) else Daemon(*args, **kwargs)
