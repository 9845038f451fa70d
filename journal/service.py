"""The journal's use cases, composed from the pure core and the SQLite adapter: the library
API the command line (and the daemon, and tests) call. It takes typed values (datetimes,
ints) and returns plain data; it never prints."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from journal.core.deadlines import Deadline
from journal.core.errors import BadInput
from journal.core.events import Event
from journal.core.rules import RuleBook, load_rulebook
from journal.core.trade import Trade, fold
from journal.storage import freshness, projections, queries
from journal.storage.engines.file_feed import DataVersion, before_connect
from journal.storage.reminder_records import Records, changes
from journal.storage.store import Store

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from journal.core.decide import Step
    from journal.results import Agenda, Listed, Recorded

# The deciding machinery (journal/core/decide.py, payloads.py, validate.py) is imported by
# the methods that write: the reading commands never load it.

_RETRIES = 5


class Journal:
    """One journal file with its rule book."""

    def __init__(
        self,
        path: Path | str,
        book: RuleBook | Callable[[], RuleBook] | None = None,
        *,
        create: bool = True,
        money: Any = None,
        rule_stamp: int | None = None,
    ) -> None:
        """`book` and `money` come from the composition root (`journal.app.App`); without
        them (a library, a test) the built-in packs and default money settings, never the config."""
        from journal.storage.opening import open_store

        self.store = open_store(path, create=create)
        self._setup(book, money, rule_stamp)

    def _setup(self, book: Any, money: Any, rule_stamp: int | None = None) -> None:
        self._book, self._rule_stamp, self._money = book, rule_stamp, money
        self.on_rebuilt: Callable[[str], None] | None = None  # see `_rebuilt`
        self.follows = False  # see `follow`
        self.demands: dict[str, tuple[str, ...]] = {}  # fields a step must carry (古物台帳)

    @classmethod
    @contextmanager
    def new(cls, path: Path, book: RuleBook | None = None, money: Any = None) -> Iterator[Journal]:
        """A journal that does not exist yet, filled by the block and published at `path`
        only if the block succeeds (see `Store.new`); refused if one appeared meanwhile."""
        journal = cls.__new__(cls)
        journal._setup(book, money)
        try:
            with Store.new(path) as store:
                journal.store = store
                yield journal
        except FileExistsError:
            raise BadInput("journal_appeared", path=str(path)) from None

    def close(self) -> None:
        self.store.dispose()

    @property
    def book(self) -> RuleBook:
        if not isinstance(self._book, RuleBook):  # a callable: reads use `rule_stamp`, its hash
            self._book, self._rule_stamp = self._book() if self._book else load_rulebook(), None
        return self._book

    # -- the door for the journal's companions (the reminders, the daemon) ------------------
    @property
    def location(self) -> Path | str:
        """The journal's file, or its server URL with the password masked."""
        return self.store.path

    def reminder_records(self) -> Records:
        """What reminders are planned from, and what was sent (one snapshot per read)."""
        return Records(self.store)

    def changes(self, since: int) -> tuple[int, list[str]]:
        """A follower's step: the last seq, and the trades with an event after `since`."""
        self._fresh()
        return changes(self.store, since)

    def change_feed(self) -> Any:
        """The file's change counter; a shared journal's is its leader's LISTEN (`seat`)."""
        return DataVersion(self.store.path)

    def before_connect(self, check: Callable[[], None]) -> None:
        """Run `check` before every new connection to the file (the daemon's pin)."""
        before_connect(self.store, check)

    @staticmethod
    def seat(url: str, key_of: Callable[[str], int]) -> Any:
        """A session on a shared journal's server: its leader lock and LISTEN feed."""
        from journal.storage.engines.pg_feed import take_seat

        return take_seat(url, key_of)

    # -- writing ----------------------------------------------------------------------------
    def add(self, *args: Any, **kwargs: Any) -> list[Event]:
        """Record one step; its stored events (`record` says what they mean)."""
        return list(self.record(*args, **kwargs).events)

    def record(
        self,
        type_: str,
        trade_id: str | None,
        at: datetime,
        fields: dict[str, Any],
        sources: Sequence[str] = (),
        *,
        now: datetime,
        command_id: str | None = None,
        expected: int | None = None,
    ) -> Recorded:
        """Record one step and say what it means (journal/results.py); Refused or BadInput
        write nothing. A `command_id` sent twice records once; `expected` (a trade's `seen`)."""
        from journal.core import validate
        from journal.core.decide import Step
        from journal.core.payloads import build_payload, then_flags
        from journal.ids import new_command_id
        from journal.results import recorded

        if self.demands:  # `[books] kobutsu`: the register's fields
            from journal.core.kobutsu import check

            check(type_, fields, self.demands)
        step = Step(
            type=type_,
            trade=trade_id and validate.trade_id(trade_id),
            payload=build_payload(type_, fields),
            at=at,
            command_id=validate.command_id(command_id) if command_id else new_command_id(),
            sources=tuple(validate.trade_id(s) for s in sources),
            flags=then_flags(type_, fields),
            expected=expected,
        )
        seen: dict[str, Trade | None] = {}
        repeated: list[Event] = []

        def plan(conn):
            repeated[:] = queries.events_of_command(conn, step.command_id) if command_id else []
            return repeated or self._decide(conn, step, now, seen)

        def after(conn, stored):
            before = seen.get(stored[0].stream)
            return recorded(conn, self.store, type_, stored, before, bool(repeated))

        return self._write(plan, now, after)

    def void(self, seq: int, reason: str, *, now: datetime) -> Event:
        from journal.core import validate
        from journal.core.decide import decide_void
        from journal.ids import new_command_id

        seq = validate.seq(seq)
        reason = validate.text(reason, "reason")
        moment = now
        cid = new_command_id()

        def plan(conn):
            target = self.store.event_at(conn, seq)
            history = self.store.stream(conn, target.stream) if target else []
            void = decide_void(target, seq, history, reason, moment, cid)
            was, now = {void.stream: fold(history)}, {void.stream: fold([*history, void])}
            return [void, *self._alarms(conn, [void], was, cid, now)]

        return self._write(plan, moment)[0]

    def all_trades(self, keep: Callable[[str, str], bool] | None = None) -> list[Trade]:
        """Trades folded from the log (money, the CSV), in creation order; `keep`: trade_ids."""
        self._fresh()
        with self.store.read() as conn:
            ids = queries.trade_ids(conn, keep)
            found = {t.id: t for t in map(fold, queries.unnamed(conn, ids)) if t is not None}
        return [found[i] for i in ids if i in found]

    def money_report(self, span, by: str) -> dict[str, Any]:
        """`journal money`: the trades completed in `span`, grouped `by` month or platform."""
        from journal.core.money_report import read, report

        return report(self.all_trades(read), self.book, self.money_settings(), span, by)

    def money_settings(self):
        """The `[money]` settings; given as a function (`App.journal`), asked for on first
        use, so that a command without money never imports journal/core/money.py."""
        if callable(self._money):
            self._money = self._money()
        if self._money is None:
            from journal.core.money import MoneySettings

            return MoneySettings()
        return self._money

    def money(self, trade: Trade) -> dict[str, Any]:
        """`show`'s money. Rakuma's tiers need the completed Rakuma sales of the period
        before the sale: only trades completed in it are read, never the whole journal."""
        from journal.core.fees import fee_rule
        from journal.core.money import money_of, previous_period, sales_of, sold_at

        history: list[Trade] = []
        moment = sold_at(trade)
        rule = fee_rule(trade, self.book)
        if trade.role == "seller" and moment is not None and rule is not None and rule.tiers:
            start, end = previous_period(moment)
            with self.store.read() as conn:
                ids = queries.completed_between(conn, trade.platform, start, end)
                history = [t for t in map(fold, queries.unnamed(conn, ids)) if t is not None]
        return money_of(trade, self.book, sales_of(history), self.money_settings()).as_dict()

    def newest(self, count: int = 1000) -> list[Event]:
        """The last `count` events, newest first (`undo` looks for the step to void)."""
        with self.store.read() as conn:
            return queries.newest_events(conn, count)

    def _decide(self, conn, step: Step, now: datetime, seen: dict) -> list[Event]:
        """The events of one step; `seen` receives the trades it was decided on."""
        from journal.core.decide import decide, needs_new_id, streams_of

        trades: dict[str, Trade | None] = {i: self._fold(conn, i) for i in streams_of(step)}
        seen.update(trades)
        new_id = self._allocate(conn) if needs_new_id(step) else None
        events = decide(step, trades, new_id, now)
        events += self._alarms(conn, events, trades, step.command_id)
        return events + self._withdrawn(conn, events, step.command_id)

    def _withdrawn(self, conn, events: list[Event], command_id: str) -> list[Event]:
        """A withdrawal of the balance meets the open proceeds deadlines it draws from
        (journal/core/withdrawals.py)."""
        from journal.core.withdrawals import marks_for

        return marks_for(events, partial(queries.open_proceeds, conn), command_id)

    def _alarms(
        self, conn, events: list[Event], before: dict, command_id: str, after: dict | None = None
    ) -> list[Event]:
        """The double-listing alarms the events mean for other listings (journal/core/items.py)."""
        from journal.core.items import alarms_for

        load = partial(self._fold, conn)
        listings = partial(queries.item_listings, conn)
        return alarms_for(events, before, load, listings, command_id, after)

    def _fold(self, conn, stream: str) -> Trade | None:
        return fold(self.store.stream(conn, stream))

    def _allocate(self, conn) -> str:
        number = queries.next_trade_number(conn)
        while queries.has_stream(conn, f"T{number}"):
            number += 1
        return f"T{number}"

    def _write(self, plan, now: datetime, after=None) -> Any:
        """Plan, append and (`after`) answer in one write transaction, retried on a lost race."""
        for attempt in range(_RETRIES):
            try:
                with self.store.write() as conn:
                    rebuilt = freshness.catch_up(conn, self.store, self.book, not self.follows)
                    stored = self._append(conn, plan(conn), now)
                    answer = stored if after is None else after(conn, stored)
                self._rebuilt(rebuilt)  # said once it is committed, not by a rolled-back try
                return answer
            except self.store.duplicate:
                if attempt == _RETRIES - 1:
                    raise BadInput("conflict") from None
        raise AssertionError("unreachable")

    def _append(self, conn, pending: list[Event], now: datetime) -> list[Event]:
        if pending and self.store.has_event_id(conn, pending[0].event_id):
            return pending  # a retried command: it is in the log already
        stored = self.store.append(conn, pending, now)
        projections.refresh(conn, self.store, {e.stream for e in stored}, self.book)
        return stored

    def _rebuilt(self, reason: str | None) -> None:
        """The read models were rebuilt for this program or this rule book ("program",
        "settings"): the command line says so in one line, once (`on_rebuilt`)."""
        if reason is not None and self.on_rebuilt is not None:
            self.on_rebuilt(reason)

    def rebuild(self) -> int:
        with self.store.write() as conn:
            from journal.storage.rebuild import rebuild  # a rare command: its machinery waits

            return rebuild(conn, self.store, self.book)

    def last_seq(self) -> int:
        """How many events the log holds (its last sequence number)."""
        with self.store.read() as conn:
            return self.store.last_seq(conn)

    # -- reading ----------------------------------------------------------------------------
    def catch_up(self) -> None:
        """Public: bring the read models up to the log and to this rule book (verify does)."""
        self._fresh()

    def follow(self, book: RuleBook | None = None, money: Any = None) -> None:
        """From now on, never rebuild read models built with another rule book: the daemon's
        book is as it started, the commands' may be newer; it follows what they built. A new
        `book` (the daemon's settings changed) is taken first, its read models rebuilt once."""
        if book is not None:
            self._book, self._rule_stamp, self._money, self.follows = book, None, money, False
            self._fresh()
        self.follows = True

    def _fresh(self) -> None:
        """Repair the read models first if they lag the log (crash, or an append-only tool),
        or rebuild them if they were built with another rule book or by another release."""
        rebuild = not self.follows
        with self.store.read() as conn:
            behind = freshness.behind(conn, self.store, self._rule_stamp or self.book, rebuild)
        if behind:
            with self.store.write() as conn:
                rebuilt = freshness.catch_up(conn, self.store, self.book, rebuild)
            self._rebuilt(rebuilt)

    def trade(self, trade_id: str) -> tuple[Trade, list[Event], list[Deadline]]:
        self._fresh()
        with self.store.read() as conn:
            events = self.store.stream(conn, trade_id)
            trade = fold(events)
            if trade is None:
                raise BadInput("unknown_trade", trade=trade_id)
            deadlines = queries.deadlines_of(conn, trade_id)
        return trade, events, deadlines

    def find(self, rows: list[Listed], **wanted: str | None) -> list[Listed]:
        """`list`'s filters (platform, state, search: see `journal.core.search.keep`)."""
        from journal.core.search import keep

        def texts(ids: list[str]) -> Iterator[tuple[str, str]]:
            with self.store.read() as conn:
                yield from queries.payloads(conn, ids)

        return keep(rows, texts, **wanted)

    def trades(self, include_all: bool, now: datetime) -> list[Listed]:
        """Trades for `list`: unfinished ones, plus completed ones whose messages are open."""
        from journal.results import listed

        self._fresh()
        with self.store.read() as conn:
            return listed(conn, include_all, now)

    def upcoming(self, as_of: datetime, within: timedelta | None) -> Agenda:
        """Overdue deadlines first (however old, whatever the window), then the open ones
        due within it, soonest first."""
        from journal.results import agenda

        self._fresh()
        with self.store.read() as conn:
            return agenda(conn, as_of, within)

    def calendar_entries(self, now: datetime, within: timedelta | None) -> tuple[list, str]:
        """The deadlines a calendar shows at `now` (the open and overdue ones, and those just
        met or voided), each replayed through its trade's history, and the journal's identity;
        the edge writes the file (`journal.text.ical.calendar_text`)."""
        from journal.core.calendar import entries_of, journal_id

        self._fresh()
        entries = []
        with self.store.read() as conn:
            first = queries.first_hash(conn)
            for events in queries.streams(conn, queries.calendar_trades(conn, now, within)):
                entries.extend(entries_of(events, self.book))
        return entries, journal_id(first)

    def log(self, trade_id: str | None) -> list[Event]:
        with self.store.read() as conn:
            events = list(self.store.events(conn, trade_id))
        if trade_id is not None and not events:
            raise BadInput("unknown_trade", trade=trade_id)
        return events

    def resolve_id(self, text: str) -> str:
        """The id this journal holds for a trade id as typed: NFKC and any case (`t2`, `ｔ２`
        → `T2`; `mer-1` → `MER-1` when that is the stored one). An id it does not hold comes
        back in canonical form, to be reported unknown or taken by a new trade."""
        from journal.core import names

        typed = names.trade_id(text)
        with self.store.read() as conn:
            if queries.has_stream(conn, typed):
                return typed
            return names.resolve(text, queries.streams_alike(conn, typed))
