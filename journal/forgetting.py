"""Forgetting a trade's personal data (`journal forget`, and the retention rule).

The use cases behind `journal forget T1` and `journal forget --due` (also run by the
daemon's pass): destroy the trade's key (journal/storage/personal.py), refresh its read
models in the same transaction so none keeps a plain value, then checkpoint the file so
the old pages leave it. Money, dates and the trade's shape stay: the books keep them.

The rule: a trade's personal data is forgotten `after` (90 days by default) once the trade
is finished (completed, cancelled, delisted or bundled: the moment of its last step). With
a 古物台帳 kept (`[books] kobutsu = true`), a purchase (`bought`) is an entry of it and is
kept at least 3 years from the purchase (古物営業法 第18条), whatever `after` says.
"""

from datetime import datetime, timedelta
from typing import Any

from journal.core.clock import fmt_time
from journal.core.datatypes import record
from journal.core.errors import BadInput
from journal.core.trade import Trade, fold
from journal.storage import freshness, personal, projections, queries

DEFAULT_AFTER = timedelta(days=90)
KOBUTSU_KEEP = timedelta(days=3 * 365 + 1)  # 3 years, a leap day included


@record(frozen=True)
class Forgotten:
    """What `forget` did to one trade: `already` forgotten before; `plain` personal fields
    the log holds in plain text (recorded before sealing): hidden now, but still in the file."""

    trade: str
    already: bool
    plain: int

    def as_dict(self) -> dict[str, Any]:
        return {"trade": self.trade, "already": self.already, "plain_fields_kept": self.plain}


def forget(journal: Any, trade_id: str, now: datetime, force: bool = False) -> Forgotten:
    """Forget one trade's personal data; refused for an unfinished trade unless `force`."""
    trade, _events, _deadlines = journal.trade(trade_id)
    if not trade.finished and not force:
        raise BadInput("forget_unfinished", trade=trade.id, state=trade.state)
    return _forget_all(journal, [trade.id], now)[0]


def due(journal: Any, now: datetime, after: timedelta | None, kobutsu: bool) -> list[str]:
    """The finished trades whose personal data the rule forgets at `now` (none if `after` is
    None: the rule is off), in id order."""
    if after is None:
        return []
    journal.catch_up()
    found = []
    with journal.store.read() as conn:
        candidates = personal.finished_unforgotten(conn)
        for events in queries.streams(conn, candidates):
            trade = fold(events)
            if trade is not None and is_due(trade, now, after, kobutsu):
                found.append(trade.id)
    return sorted(found)


def is_due(trade: Trade, now: datetime, after: timedelta, kobutsu: bool) -> bool:
    """Whether the rule forgets this trade's personal data at `now`."""
    if not trade.finished or trade.last_step_at is None or trade.last_step_at + after > now:
        return False
    register = kobutsu and trade.role == "buyer"  # a purchase is an entry of the 古物台帳
    return not register or trade.created_at + KOBUTSU_KEEP <= now


def forget_due(journal: Any, now: datetime, after: timedelta | None, kobutsu: bool) -> list:
    """Apply the rule: forget every trade due at `now`; what was forgotten."""
    ids = due(journal, now, after, kobutsu)
    return _forget_all(journal, ids, now) if ids else []


def _forget_all(journal: Any, ids: list[str], now: datetime) -> list[Forgotten]:
    store = journal.store
    done = []
    with store.write() as conn:
        freshness.catch_up(conn, store, journal.book, not journal.follows)
        for trade_id in ids:
            already = personal.state(conn, trade_id) == "forgotten"
            plain = personal.plain_fields(conn, trade_id)
            personal.forget(conn, trade_id, fmt_time(now), _is_file(store))
            done.append(Forgotten(trade_id, already, plain))
        projections.refresh(conn, store, ids, journal.book)  # no read model keeps a name
    personal.settle(store)
    return done


def _is_file(store: Any) -> bool:
    return store.engine.dialect.name == "sqlite"
