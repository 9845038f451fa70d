"""A shared journal's change feed: LISTEN/NOTIFY on a session that also holds its leader lock.

Every append NOTIFYs the journal's channel in its own transaction (see `postgres.py`); a
follower LISTENs on a dedicated connection and counts the notifications it received. The
connection holding the leader's session advisory lock is the one listening, so a broken
connection is noticed at the next drain. The leadership policy (which lock key, standing by,
reconnecting) is the daemon's (`scheduler/leader.py`); this module holds the driver's side.
"""

import contextlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from journal.storage.engines.postgres import CONNECT_TIMEOUT_S, IDENTITY_SQL, libpq_url

# Tells this process's sessions from other daemons' (a stale session of our own may hold
# the lock for a while after a network break; it is ended, never mistaken for a rival).
SESSION_TAG = f"journal daemon {os.getpid()} {uuid.uuid4().hex[:12]}"

# TCP keepalives on both ends of the leader's connection: if the leader's machine vanishes
# (power off, network gone), the server ends its session, and so frees the lock, within
# about 10 + 5 * 3 = 25 s; the leader too notices a dead server within that time.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
KEEPALIVE_COUNT = 3


@dataclass
class Seat:
    """A connection to the server, with the journal's lock key and channel there."""

    conn: Any
    key: int
    channel: str

    def try_lock(self) -> bool | None:
        """Take the leader lock: True, or False when another daemon holds it. None: a
        session of this process left over from a broken connection held it, and is being
        ended; try again shortly (it is never mistaken for another daemon)."""
        if self._try():
            return True
        holders = self.conn.execute(_HOLDER, (self.key >> 32 & 0xFFFFFFFF, self.key & 0xFFFFFFFF))
        stale = [pid for pid, tag in holders.fetchall() if tag == SESSION_TAG]
        for pid in stale:
            self.conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return None if stale else False

    def _try(self) -> bool:
        return bool(self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0])

    def listen(self) -> None:
        self.conn.execute(f"LISTEN {self.channel}")  # [a-z0-9_] only: see CHANNEL_SQL

    def drain(self, timeout: float = 0) -> int:
        """How many notifications arrived (waiting up to `timeout` seconds for the first)."""
        count = 0
        for _ in self.conn.notifies(timeout=timeout, stop_after=None if not timeout else 1):
            count += 1
        return count

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


_HOLDER = (
    "SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.database = ("
    "SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid::int8 = %s AND l.objid::int8 = %s AND l.objsubid = 1"
)


def _connect(url: str) -> Any:
    import psycopg

    conn = psycopg.connect(
        libpq_url(url),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        keepalives_count=KEEPALIVE_COUNT,
        application_name=SESSION_TAG,
        **KEEPALIVE,
    )
    for name, value in (
        ("tcp_keepalives_idle", KEEPALIVE["keepalives_idle"]),
        ("tcp_keepalives_interval", KEEPALIVE["keepalives_interval"]),
        ("tcp_keepalives_count", KEEPALIVE_COUNT),
    ):
        conn.execute(f"SET {name} = {int(value)}")
    return conn


def take_seat(url: str, key_of: Callable[[str], int]) -> Seat:
    """Connect, and learn which journal of the database this URL names (its schema): its
    lock key (`key_of(schema)`) and NOTIFY channel."""
    conn = _connect(url)
    try:
        schema, channel = conn.execute(IDENTITY_SQL).fetchone()
    except BaseException:
        conn.close()
        raise
    return Seat(conn, key_of(schema), channel)
