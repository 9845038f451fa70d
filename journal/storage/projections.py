"""Writing the read models (trades, deadlines) and their checkpoint: derived from the log,
never the truth.

They are written in the same transaction as the events they reflect; `journal.storage.rebuild`
recomputes them from zero; `journal.storage.freshness.catch_up` repairs them when the
checkpoint lags the log (a crash, or a journal written by a tool that only appends events).
Their reads are in `journal.storage.queries`.

They also depend on the code that derives them and on the rule book (the packs, the config's
overrides and the settings that switch rules): `projection_state` keeps a stamp of both
(`stamp`), and read models stamped otherwise are rebuilt by the next command that uses them
(`freshness.catch_up`), so a config change or a new release never leaves stale deadlines behind.
"""

from collections.abc import Iterable
from functools import cache

from journal.core.deadlines import Deadline, compute
from journal.core.patterns import LazyPattern
from journal.core.rules import RuleBook, book_hash
from journal.core.trade import Trade, fold, party_of, traded_at
from journal.storage.engines import Connection
from journal.storage.store import Store, fmt_time

_AUTO_ID = LazyPattern(r"^T(\d{1,12})$")
_BATCH = 5000

# The read models' derivation: bump when what they hold for the same log and the same rule
# book changes: the fold (journal/core/trade.py), the deadlines (journal/core/deadlines.py,
# journal/core/kinds.py, how journal/core/rules.py reads a rule), or the rows written here.
# Every journal's read models are then rebuilt by the next command that uses them.
PROJECTION_VERSION = 3  # 2: each trade's date and other party (`journal search`); 3: a
# deadline's effect is its rule's key (`Rule.key`), worded at the edge (journal/text/rule_text.py)

_last_stamp: tuple[RuleBook, dict[str, int]] | None = None


def trade_row(trade: Trade, created_seq: int) -> tuple:
    return (
        trade.id,
        trade.platform,
        trade.role,
        trade.title,
        trade.price,
        trade.state,
        0 if trade.finished else 1,
        created_seq,
        trade.last_seq,
        fmt_time(traded_at(trade)),
        party_of(trade),
    )


def deadline_rows(deadlines: Iterable[Deadline]) -> list[tuple]:
    return [
        (d.trade, d.kind, fmt_time(d.due), d.effect, fmt_time(d.met_at) if d.met_at else None)
        for d in deadlines
    ]


def next_number(trade_id: str) -> int:
    """The auto-id counter after `trade_id` exists: T7 → 8; other ids don't move it."""
    match = _AUTO_ID.match(trade_id)
    return int(match.group(1)) + 1 if match else 0


def save(conn: Connection, trades: list[tuple[Trade, int]], book: RuleBook, seq: int) -> None:
    """Upsert these trades' rows and deadlines and move the checkpoint to `seq`."""
    conn.exec_driver_sql(
        "INSERT INTO trades (id, platform, role, title, price, state, active, created_seq,"
        " last_seq, traded_at, party) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE"
        " SET platform=excluded.platform, role=excluded.role, title=excluded.title,"
        " price=excluded.price, state=excluded.state, active=excluded.active,"
        " last_seq=excluded.last_seq, traded_at=excluded.traded_at, party=excluded.party",
        [trade_row(t, created) for t, created in trades],
    )
    rows: list[tuple] = []
    for trade, _ in trades:
        conn.exec_driver_sql("DELETE FROM deadlines WHERE trade = ?", (trade.id,))
        rows.extend(deadline_rows(compute(trade, book)))
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO deadlines (trade, kind, due, effect, met_at) VALUES (?,?,?,?,?)", rows
        )
    counter = max((next_number(t.id) for t, _ in trades), default=0)
    conn.exec_driver_sql(
        "UPDATE projection_state SET value = max(value, ?) WHERE key = 'next_trade'", (counter,)
    )
    conn.exec_driver_sql("UPDATE projection_state SET value = ? WHERE key = 'checkpoint'", (seq,))


def stamp(book: RuleBook) -> dict[str, int]:
    """What read models built by this program with `book` are stamped with in
    `projection_state`: `projection_version` and `rule_book`, a hash of the compiled rules.

    The hash is of the rules as used (after the overrides), so any setting that changes a rule
    changes it; it is 32 bits because `projection_state.value` is an INTEGER, 4 bytes on
    PostgreSQL (a rule book change it missed would still be caught: `verify` refolds the log).
    Computed once per book: about half a millisecond, from what was already read.
    """
    global _last_stamp
    if _last_stamp is not None and _last_stamp[0] is book:
        return _last_stamp[1]
    found = {"projection_version": PROJECTION_VERSION, "rule_book": _rules_hash(book)}
    _last_stamp = (book, found)
    return found


def _rules_hash(book: RuleBook) -> int:
    return book_hash(book)  # in journal.core.rules: the composition root caches it (App)


@cache
def _packs_hash() -> int:
    """The built-in packs' own rules, without the config: kept beside the stamp only to tell
    a new release's packs from a config change when the rule book moved (so: rarely)."""
    from journal.core.rules import load_rulebook

    return _rules_hash(load_rulebook())


def stale(state: dict[str, int], book: RuleBook | int) -> str | None:
    """Why read models with this `projection_state` must be rebuilt for `book` (or for a book
    whose `book_hash` is this int): "program" (another derivation or other built-in packs, or
    built before read models were stamped), "settings" (the config changed the rule book), or
    None."""
    if isinstance(book, RuleBook):
        wanted = stamp(book)
    else:
        wanted = {"projection_version": PROJECTION_VERSION, "rule_book": book}
    if state.get("projection_version") != wanted["projection_version"]:
        return "program"
    if state.get("rule_book") != wanted["rule_book"]:
        return "program" if state.get("rule_packs") != _packs_hash() else "settings"
    return None


def mark(conn: Connection, book: RuleBook) -> None:
    """Stamp read models rebuilt from zero with `book` (a follower, the daemon, re-plans
    everything when the stamp moves)."""
    sql = (
        "INSERT INTO projection_state (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
    )
    conn.exec_driver_sql(sql, [*stamp(book).items(), ("rule_packs", _packs_hash())])


def drop(conn: Connection, trade_id: str) -> None:
    conn.exec_driver_sql("DELETE FROM trades WHERE id = ?", (trade_id,))
    conn.exec_driver_sql("DELETE FROM deadlines WHERE trade = ?", (trade_id,))


def refresh(conn: Connection, store: Store, streams: Iterable[str], book: RuleBook) -> None:
    """Refold the given streams from the log and save them (inside a write transaction)."""
    items = []
    for stream in sorted(set(streams)):
        events = store.stream(conn, stream)
        trade = fold(events)
        if trade is None:
            drop(conn, stream)
        else:
            items.append((trade, events[0].seq))
    save(conn, items, book, store.last_seq(conn))
