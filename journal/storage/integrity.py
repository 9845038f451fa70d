"""Checking that the log is exactly what was written, and that the read models agree with it.

A person may use their journal as evidence, so `journal verify` must be able to say
"nothing was changed" or name the first event that was. The check is a streaming pass
over the log in sequence order (gapless numbering, the hash chain, contiguous per-trade
versions, payload schemas this program can read), then a fresh fold of the log compared
with the stored read models. It never touches the log; the only write it may cause is the
catch-up of read models that lag the log, or their rebuild when they were built with another
rule book (a config change) or by another release, which every command does: neither is damage.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from journal.core.events import SCHEMA_VERSION
from journal.core.rules import RuleBook
from journal.storage.engines import Connection
from journal.storage.projections import next_number
from journal.storage.queries import projection_state, stored_read_models
from journal.storage.rebuild import project_all
from journal.storage.store import EVENT_COLUMNS, GENESIS_HASH, canonical_content


@dataclass(frozen=True)
class Damage:
    """The first thing found wrong: where (an event's seq, or 0 for the read models) and what."""

    seq: int
    problem: str
    detail: str = ""


@dataclass
class ChainCheck:
    """Running state of a chain check; fed rows in seq order by `verify` and by import."""

    seq: int = 0
    head: str = GENESIS_HASH
    versions: dict[str, int] = field(default_factory=dict)

    def feed_many(self, rows: Iterable[tuple]) -> tuple[int, Damage | None]:
        """Check rows in order; returns how many were sound and the first damage, if any.

        This is the inner loop of verify and import, hence written flat, with locals.
        """
        expected, head, versions = self.seq + 1, self.head, self.versions
        sha256, canonical = hashlib.sha256, canonical_content
        done = 0
        damage = None
        for row in rows:
            seq, stream, version = row[0], row[2], row[3]
            if seq != expected:
                damage = Damage(expected, "missing", f"next stored event is #{seq}")
            elif row[9] != head:
                damage = Damage(seq, "broken_link")
            elif sha256((head + canonical(row[:9])).encode()).hexdigest() != row[10]:
                damage = Damage(seq, "altered")
            elif version != versions.get(stream, 0) + 1:
                damage = Damage(seq, "version_gap", f"{stream} version {version}")
            elif row[5] > SCHEMA_VERSION:
                damage = Damage(seq, "newer_event", str(row[5]))
            if damage is not None:
                break
            versions[stream] = version
            head = row[10]
            expected += 1
            done += 1
        self.seq, self.head = expected - 1, head
        return done, damage


@dataclass(frozen=True)
class Report:
    """What `verify` found: the number of events, the head hash, and the first damage if any."""

    events: int
    head: str
    damage: Damage | None

    @property
    def ok(self) -> bool:
        return self.damage is None


def check_chain(rows: Iterable[tuple]) -> tuple[ChainCheck, Damage | None]:
    """Run the chain check over rows in seq order; stop at the first damage."""
    state = ChainCheck()
    _done, damage = state.feed_many(rows)
    return state, damage


def stored_rows(conn: Connection) -> Iterator[tuple]:
    """Every stored event row, in seq order, as plain tuples (no per-event objects)."""
    # The DB-API cursor of this same transaction: plain tuples, no per-row wrapper objects.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
        while batch := cursor.fetchmany(5000):
            yield from batch
    finally:
        cursor.close()


def check_log(conn: Connection) -> Report:
    """The log alone: numbering, chain, versions. Read-only."""
    state, damage = check_chain(stored_rows(conn))
    return Report(state.seq, state.head, damage)


def check_read_models(conn: Connection, book: RuleBook, last_seq: int) -> Damage | None:
    """The stored read models must equal a fresh fold of the log (same rows, same checkpoint).

    Stored rows and fresh ones come in the same order (trade id, then deadline kind), so they
    are compared as two streams: memory stays flat however long the log is.
    """
    state = projection_state(conn)
    if state.get("checkpoint") != last_seq:
        return Damage(0, "checkpoint", f"checkpoint {state.get('checkpoint')}, log ends {last_seq}")
    stored_trades, stored_deadlines = stored_read_models(conn)
    try:
        counter = 1
        for trade, deadlines in project_all(conn, book):
            if stored_trades.fetchone() != trade:
                return Damage(0, "read_models", f"trade {trade[0]}")
            counter = max(counter, next_number(trade[0]))
            for row in sorted(deadlines, key=lambda d: d[1]):
                if stored_deadlines.fetchone() != row:
                    return Damage(0, "read_models", f"deadline {row[0]} {row[1]}")
        extra = stored_trades.fetchone()
        if extra is not None:
            return Damage(0, "read_models", f"trade {extra[0]} is not in the log")
        extra = stored_deadlines.fetchone()
        if extra is not None:
            return Damage(0, "read_models", f"deadline {extra[0]} {extra[1]} is not in the log")
    finally:
        stored_trades.close()
        stored_deadlines.close()
    if state.get("next_trade", 0) < counter:
        return Damage(0, "read_models", "next trade number")
    return None
