"""Whether the read models are current, and bringing them up to date: a short refresh of the
streams written since the checkpoint, or a full rebuild when they were built with another
derivation or rule book.

Kept apart from `journal.storage.projections` (which writes the rows) because it is the one
place that starts a full rebuild, and the rebuild writes with `projections`: here neither
imports the other in a circle.
"""

from journal.core.rules import RuleBook
from journal.storage.engines import Connection
from journal.storage.projections import refresh, stale
from journal.storage.queries import projection_state, streams_since
from journal.storage.store import Store


def behind(conn: Connection, store: Store, book: RuleBook | int, rebuild: bool = True) -> bool:
    """Whether `catch_up` has work: the read models lag the log, or (if `rebuild`) were built
    with another derivation or rule book (or its `book_hash`: see `stale`). One small read."""
    state = projection_state(conn)
    if stale(state, book) is not None:
        return rebuild
    return state.get("checkpoint", 0) < store.last_seq(conn)


def catch_up(conn: Connection, store: Store, book: RuleBook, rebuild: bool = True) -> str | None:
    """Bring the read models up to the end of the log and to `book` (in a write transaction).

    Read models built otherwise are rebuilt from zero; the reason ("program", "settings") is
    returned when that recomputed trades, for the one line that says so. With `rebuild=False`
    (a follower whose rule book may be older than the commands') they are left as they are.
    """
    state = projection_state(conn)
    reason = stale(state, book)
    if reason is not None:
        if not rebuild:
            return None
        from journal.storage.rebuild import rebuild as rebuild_all  # rare: its machinery waits

        return reason if rebuild_all(conn, store, book) else None
    done = state.get("checkpoint", 0)
    if done < store.last_seq(conn):
        refresh(conn, store, streams_since(conn, done), book)
    return None
