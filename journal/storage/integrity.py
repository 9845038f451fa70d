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
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from journal.core.errors import JournalError
from journal.core.events import SCHEMA_VERSION
from journal.core.rules import RuleBook
from journal.storage.engines import Connection
from journal.storage.engines.sqlite import sqlite_uri
from journal.storage.projections import next_number, stale
from journal.storage.queries import projection_state
from journal.storage.rebuild import Helper, project_all, project_from, split_point
from journal.storage.store import EVENT_COLUMNS, GENESIS_HASH, Store, canonical_content


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

    def feed_many(
        self, rows: Iterable[tuple], altered: int | None = None
    ) -> tuple[int, Damage | None]:
        """Check rows in order; returns how many were sound and the first damage, if any.
        `altered`: the rows' own hashes were checked already (`import_lines.first_altered`),
        and this is the index of the first that failed; only the links are compared here.

        This is the inner loop of verify and import, hence written flat, with locals.
        """
        expected, head, versions = self.seq + 1, self.head, self.versions
        sha256, canonical = hashlib.sha256, canonical_content
        hashed, altered = altered is None, -1 if altered is None else altered
        done = 0
        damage = None
        for row in rows:
            seq, stream, version = row[0], row[2], row[3]
            if seq != expected:
                damage = Damage(expected, "missing", f"next stored event is #{seq}")
            elif row[9] != head:
                damage = Damage(seq, "broken_link")
            elif done == altered or (
                hashed and sha256((head + canonical(row[:9])).encode()).hexdigest() != row[10]
            ):
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


def check_read_models(
    conn: Connection, book: RuleBook, last_seq: int, ahead: "Ahead | None" = None
) -> Damage | None:
    """The stored read models must equal a fresh fold of the log (same rows, same checkpoint).

    Stored rows and fresh ones come in the same order (trade id, then deadline kind), so they
    are compared as two streams: memory stays flat however long the log is. With `ahead`,
    the streams from its split on were compared meanwhile by its helper process.
    """
    state = projection_state(conn)
    if state.get("checkpoint") != last_seq:
        return Damage(0, "checkpoint", f"checkpoint {state.get('checkpoint')}, log ends {last_seq}")
    split = ahead.split if ahead is not None else None
    damage, counter = compare_range(conn, project_all(conn, book, high=split), None, split)
    if damage is None and ahead is not None:
        found = ahead.result()  # the helper's range, or None: it failed (not the log)
        if found is None:
            found = compare_range(conn, project_all(conn, book, low=split), split, None)
        damage, counter = found[0], max(counter, found[1])
    if damage is not None:
        return damage
    if state.get("next_trade", 0) < counter:
        return Damage(0, "read_models", "next trade number")
    return None


def compare_range(
    conn: Any, fresh: Iterable[tuple[tuple, list]], low: str | None, high: str | None
) -> tuple[Damage | None, int]:
    """Compare freshly folded rows with the stored ones of trades `low <= id < high`; the
    first difference (or None) and the next trade number the fresh rows imply."""
    trades_cursor, deadlines_cursor = _stored_read_models(conn, low, high)
    stored_trades, stored_deadlines = iter(trades_cursor), iter(deadlines_cursor)
    counter = 1
    try:
        for trade, deadlines in fresh:
            if next(stored_trades, None) != trade:
                return Damage(0, "read_models", f"trade {trade[0]}"), counter
            counter = max(counter, next_number(trade[0]))
            if len(deadlines) > 1:
                deadlines = sorted(deadlines, key=_kind)
            for row in deadlines:
                if next(stored_deadlines, None) != row:
                    return Damage(0, "read_models", f"deadline {row[0]} {row[1]}"), counter
        extra = next(stored_trades, None)
        if extra is not None:
            return Damage(0, "read_models", f"trade {extra[0]} is not in the log"), counter
        extra = next(stored_deadlines, None)
        if extra is not None:
            detail = f"deadline {extra[0]} {extra[1]} is not in the log"
            return Damage(0, "read_models", detail), counter
    finally:
        trades_cursor.close()
        deadlines_cursor.close()
    return None, counter


def _kind(row: tuple) -> str:
    return row[1]


def _stored_read_models(conn: Any, low: str | None, high: str | None) -> tuple[Any, Any]:
    """Cursors over the stored trades (by id) and deadlines (by trade, kind) with `low <= id
    < high`, on the driver's own connection: verify compares millions of plain tuples."""
    raw = getattr(conn, "connection", None)
    raw = raw.dbapi_connection if raw is not None else conn  # a plain sqlite3 connection
    bounds = [(c, v) for c, v in ((">= ?", low), ("< ?", high)) if v is not None]
    trades = " AND ".join(f"id {c}" for c, _ in bounds)
    deadlines = " AND ".join(f"trade {c}" for c, _ in bounds)
    params = tuple(v for _, v in bounds)
    return (
        raw.execute(f"SELECT * FROM trades{_where(trades)} ORDER BY id", params),
        raw.execute(f"SELECT * FROM deadlines{_where(deadlines)} ORDER BY trade, kind", params),
    )


def _where(condition: str) -> str:
    return f" WHERE {condition}" if condition else ""


# -- verify on two cores ---------------------------------------------------------------------
# On a large journal a helper process (the rebuild's, `python -m journal.storage.rebuild_helper`)
# folds the upper part of the streams and compares them with the stored read models itself,
# in one read transaction of its own, while this process checks the chain and compares the
# lower part; it sends back only its first difference (or none). It first checks that it sees
# the log this process sees (same last seq; the log is append-only, so the same log); if not,
# or if it fails for any reason but the log, this process compares that part itself.
VERIFY_SHARE = 0.3  # this process also checks the whole chain, so it folds the smaller part


class Ahead:
    """The helper comparing the streams from `split` on, started before the chain check."""

    def __init__(self, helper: Helper, split: str) -> None:
        self.helper = helper
        self.split = split

    @classmethod
    def start(cls, conn: Connection, store: Store, book: RuleBook) -> "Ahead | None":
        """The helper, if the journal is large and its read models are current (otherwise
        verify first catches them up, or reports the checkpoint: nothing to fold ahead)."""
        state = projection_state(conn)
        if state.get("checkpoint") != store.last_seq(conn) or stale(state, book) is not None:
            return None
        split = split_point(conn, store, VERIFY_SHARE)
        if split is None:
            return None
        helper = Helper.start(str(store.path), split, book, store.last_seq(conn), "compare")
        return None if helper is None else cls(helper, split)

    def result(self) -> tuple[Damage | None, int] | None:
        """The helper's first difference and next trade number; None if it failed."""
        message = self.helper.inbox.get()
        self.helper.done = True
        if message is not None and message[0] == "compared":
            return message[1], message[2]
        if message is not None and message[0] == "error" and message[3] is not None:
            _, kind, key, params = message
            raise kind(key, **params)  # the log itself does not replay
        return None

    def close(self) -> None:
        self.helper.close()


def compare_range_to(path: str, low: str, book: RuleBook, last_seq: int, sink: Any) -> None:
    """The helper's work for verify: fold the streams from `low` on and compare them with the
    stored read models, all in one snapshot; pickle ("compared", damage, next trade number)."""
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, isolation_level=None)
        conn.execute("BEGIN")  # the log and the read models as of one moment
        seen = conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if seen != last_seq:
            raise RuntimeError(f"the helper sees the log up to #{seen}, not #{last_seq}")
        message: Any = ("compared", *compare_range(conn, project_from(conn, book, low), low, None))
        conn.close()
    except JournalError as exc:
        message = ("error", type(exc), exc.key, exc.params)
    except Exception as exc:  # noqa: BLE001 - the parent compares this part itself
        message = ("error", RuntimeError, f"{type(exc).__name__}: {exc}", None)
    pickle.dump(message, sink, pickle.HIGHEST_PROTOCOL)
    pickle.dump(None, sink, pickle.HIGHEST_PROTOCOL)
    sink.flush()
