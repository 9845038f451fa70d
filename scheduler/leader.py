"""The daemon for a journal shared on a PostgreSQL server: one leader delivers, others wait.

Several machines may run `journal daemon` on one shared journal. Exactly one of them
delivers: the one holding the journal's session advisory lock (`lock_key`), taken with
`pg_try_advisory_lock` on a dedicated connection. The others stand by, trying again every
`STANDBY_POLL` seconds; the server releases the lock as soon as the leader's connection
ends (the process stopped, was killed, or its machine went away), so a standby takes over
within seconds, well under 30. The sent-reminder records are in the shared database, so
the new leader does not repeat what the old one recorded. A standby keeps its own files
(the calendar) all the same: they are read from the journal, never written into it.

Two journals may share a database, each in its own schema: the lock key and the NOTIFY
channel are derived from the schema (`journal.storage.engines.postgres.IDENTITY_SQL`), so
each journal has its own leader.

The leader learns of new events by LISTEN on the journal's channel (every append NOTIFYs
it in its own transaction, see `journal.storage.engines.postgres`) instead of SQLite's change
counter; the daemon's loop only drains the notifications the connection has already
received. When that connection breaks (the server restarted, the network went away) the
leader stops delivering and reconnects with backoff, for as long as it takes; it exits only
when another daemon holds the lock by then.
"""

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from journal.core.errors import Refused
from journal.core.urls import mask, scrub
from journal.service import Journal
from scheduler.daemon import STOP_GRACE, Daemon
from scheduler.wakeups import REFRESH

log = logging.getLogger("journal.daemon")

# The key of a journal in the `public` schema: the one key every journal had before keys
# were per journal, so a daemon of an earlier version and this one never both lead.
LEADER_LOCK = 0x6A6F75726E616C + 1
STANDBY_POLL = 1.0  # seconds between a standby's attempts to lead
UNREACHABLE_POLL = 5.0  # seconds between a standby's attempts to reach the server
BACKOFF_FIRST = 0.5  # a leader that lost its connection retries after this, doubling…
BACKOFF_MAX = 5.0  # …up to this many seconds between attempts
SAY_EVERY = 60.0  # seconds between "still cannot reach" lines during a long outage
REFRESH_S = REFRESH.total_seconds()  # a standby's files follow the clock this often too


def lock_key(schema: str) -> int:
    """The leader lock of the journal in `schema`: `LEADER_LOCK` in `public`, else a key
    derived from the schema's name (advisory locks are per database already)."""
    if schema == "public":
        return LEADER_LOCK
    digest = hashlib.sha256(f"trade-journal leader {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def take_seat(url: str) -> Any:
    """Connect, and learn which journal of the database this URL names (its schema): a
    session holding that journal's lock key and LISTEN channel (`Journal.seat`)."""
    return Journal.seat(url, lock_key)


def wait_to_lead(url: str, stop: threading.Event, standby: Callable[[], None] | None = None) -> Any:
    """Block until this process holds the leader lock (its seat is returned), or until
    `stop` is set (None). Connection failures are logged and retried. While standing by,
    `standby()` is called at first, whenever the journal changed and every `REFRESH`."""
    said = False
    while not stop.is_set():
        try:
            seat = take_seat(url)
        except Exception as exc:  # noqa: BLE001 - a server away for a while: keep trying
            log.error("cannot reach %s: %s", mask(url), _line(exc, url))
            stop.wait(UNREACHABLE_POLL)
            continue
        try:
            seat.listen()  # a standby follows the journal too, for its own files
            kept = None
            while not stop.is_set():
                held = seat.try_lock()
                if held:
                    log.info("leading: this daemon delivers the reminders of %s", mask(url))
                    return seat
                if held is False and not said:
                    log.info("standing by: another daemon delivers for %s", mask(url))
                    said = True
                if standby is not None and (kept is None or time.monotonic() - kept > REFRESH_S):
                    kept = time.monotonic()
                    standby()
                if seat.drain(STANDBY_POLL) and standby is not None:
                    standby()
        except Exception as exc:  # noqa: BLE001 - the connection broke: start again
            log.error("lost the connection to %s: %s", mask(url), _line(exc, url))
        seat.close()
    return None


def _line(exc: BaseException, url: str) -> str:
    """The driver's first line, with any piece of the URL's password masked in it."""
    text = str(exc).strip().splitlines()
    return scrub(text[0], url) if text else type(exc).__name__


class LeaderFeed:
    """How the daemon follows a PostgreSQL journal: it leads or stands by, and follows the
    log by LISTEN. A part of one `Daemon` (`attach`), in place of a file's `FileFeed`.

    The connection holding the leader lock is also the one listening, so a broken
    connection is noticed at the next check (within `POLL`): the daemon then stops
    delivering (its wake-ups paused) and takes the lock again on a new connection, at once
    and then with backoff while the server is away. If another daemon leads by then, it
    exits with status 1 (a service manager restarts it, as a standby).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.daemon: Any = None
        self.notified = 0
        self.seat: Any = None
        self.watcher: Any = None
        self.lost = False
        self.stop_event = threading.Event()
        self.away: _Away | None = None

    def attach(self, daemon: Any) -> None:
        self.daemon = daemon  # no file to tie to: the database is the journal

    def run(self, stop: threading.Event, follow: Callable[[], None]) -> None:
        """Stand by until this daemon leads, then `follow` until stopped or no longer leader."""
        self.stop_event = stop
        d = self.daemon
        keep = d.keep if d.after_change is not None else None
        self.seat = wait_to_lead(self.url, stop, keep)
        if self.seat is None:
            self._stop_keeping()
            log.info("stopped")
            return
        try:
            follow()
        finally:
            self.seat.close()
        if self.lost:
            raise Refused("leadership_lost", path=mask(self.url))

    def _stop_keeping(self) -> None:
        """A standby stopping: a calendar being written is finished, not torn."""
        d = self.daemon
        d.stopping.set()
        if d.keeper is not None:
            d.keeper.join(STOP_GRACE)

    def start(self) -> int:
        assert self.seat is not None
        self.watcher = self.seat.conn
        self.seat.listen()
        return self.version()

    def version(self) -> int:
        """How many notifications have arrived: a new number means the log moved."""
        if self.watcher is None:
            if self.away is not None:
                self._reconnect()
            return self.notified
        try:
            assert self.seat is not None
            self.notified += self.seat.drain()
        except Exception as exc:  # noqa: BLE001 - the leader's connection broke
            self._lost(exc)
        return self.notified

    def moved(self) -> bool:
        return False  # a database is not deleted or replaced under us like a file

    def close(self) -> None:
        if self.watcher is not None:
            with contextlib.suppress(Exception):
                self.watcher.close()
            self.watcher = None

    def _lost(self, exc: BaseException) -> None:
        """Stop delivering (another daemon may lead meanwhile) and start reconnecting."""
        log.warning("lost the connection to %s: %s", mask(self.url), _line(exc, self.url))
        if self.seat is not None:
            self.seat.close()
        self.watcher = None
        with contextlib.suppress(Exception):
            self.daemon.scheduler.pause()  # no wake-up delivers until the lock is ours again
        self.away = _Away()
        self._reconnect()

    def _reconnect(self) -> None:
        """One attempt to take the lock again, when the backoff allows."""
        away = self.away
        assert away is not None
        if time.monotonic() < away.next_try:
            return
        try:
            seat = take_seat(self.url)
        except Exception as exc:  # noqa: BLE001 - the server is still away
            away.failed(self.url, exc)
            return
        try:
            held = seat.try_lock()
            if held:
                seat.listen()
        except Exception as exc:  # noqa: BLE001 - broke again at once
            seat.close()
            away.failed(self.url, exc)
            return
        if held is None:  # our own session from before the break: being ended
            seat.close()
            away.next_try = time.monotonic() + BACKOFF_FIRST
            return
        if not held:
            seat.close()
            log.error("no longer the leader for %s: stopping its deliveries", mask(self.url))
            self.lost = True
            self.stop_event.set()
            return
        self._lead_again(seat, away)

    def _lead_again(self, seat: Any, away: "_Away") -> None:
        self.seat, self.away, self.watcher = seat, None, seat.conn
        self.notified += 1  # notifications may have been missed: the loop re-reads the log
        with contextlib.suppress(Exception):
            self.daemon.scheduler.resume()
        if away.attempts:
            log.info("reached %s again after %d s", mask(self.url), away.seconds())
        log.info("leading again: this daemon delivers for %s", mask(self.url))
        self.daemon.safely(self.daemon.refresh)  # deliver what fell due while it was away


class _Away:
    """A leader's outage: when it began, when to try again, what was said."""

    def __init__(self) -> None:
        self.since = time.monotonic()
        self.next_try = 0.0  # at once: a server restarting quickly is caught at once
        self.delay = BACKOFF_FIRST
        self.attempts = 0
        self.said = 0.0

    def seconds(self) -> int:
        return round(time.monotonic() - self.since)

    def failed(self, url: str, exc: BaseException) -> None:
        now = time.monotonic()
        self.attempts += 1
        self.next_try = now + self.delay
        self.delay = min(self.delay * 2, BACKOFF_MAX)
        if self.attempts == 1:
            log.error(
                "cannot reach %s: %s; nothing is delivered until it is back (trying again"
                " every %d s at most)",
                mask(url),
                _line(exc, url),
                BACKOFF_MAX,
            )
            self.said = now
        elif now - self.said >= SAY_EVERY:
            log.warning(
                "still cannot reach %s after %d s: %s", mask(url), self.seconds(), _line(exc, url)
            )
            self.said = now


class _NoLock:
    """A server journal's daemons coordinate on the server (leadership), not by a file."""

    def close(self) -> None:
        return None


def lock_for(path: Any) -> Any:
    """The one-daemon-per-journal lock: a file lock for a file, none for a server."""
    from journal.core.urls import is_url
    from scheduler.lock import acquire_lock

    return _NoLock() if is_url(path) else acquire_lock(path)


def daemon_for(path: Any, *args: Any, **kwargs: Any) -> Daemon:
    """The daemon for this journal: on a server it follows by leadership (`LeaderFeed`),
    else it follows the file (`FileFeed`)."""
    from journal.core.urls import is_url

    return Daemon(*args, feed=LeaderFeed(path) if is_url(path) else None, **kwargs)
