"""What a recorded step means, as typed values: the one answer every face of the journal
renders (the command line's `add`, the web app's forms and API, through
`journal/text/recorded.py`). It is worked out inside the step's own write transaction, from
the trade the step was decided on, so an `add` costs one transaction and one fold."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from journal.core.deadlines import Deadline
from journal.core.events import Event
from journal.core.steps import STEPS
from journal.core.trade import Trade, apply, fold
from journal.storage import queries


@dataclass(frozen=True)
class Taken:
    """The double-listing alarm: `listing` must come down, because `by` took its item."""

    listing: Trade
    by: Trade
    how: str  # sold, approved, bundled or hold


@dataclass(frozen=True)
class Recorded:
    """One step, recorded (or found recorded: the same command or form sent again)."""

    step: str
    events: tuple[Event, ...]
    trade: Trade | None  # the subject after the step; None for a step that creates a trade
    deadlines: tuple[Deadline, ...] = ()
    double_sales: tuple[tuple[Trade, Trade], ...] = ()
    taken: tuple[Taken, ...] = ()
    released: tuple[str, ...] = ()
    repeated: bool = False

    @property
    def subject(self) -> str:
        return self.events[0].stream

    @property
    def creates(self) -> bool:
        return STEPS[self.step].creates if self.step in STEPS else False

    @property
    def event(self) -> Event:
        """The step's own event (a step recorded first, or brought with it, aside)."""
        return next((e for e in self.events if e.type == self.step), self.events[0])

    @property
    def first(self) -> list[str]:
        """Steps recorded before this one because they were certain (journal/core/decide.py)."""
        mine = self._mine()
        at = mine.index(self.event.type) if self.event.type in mine else 0
        return [t for t in mine[:at] if t in STEPS]

    @property
    def also(self) -> list[str]:
        """Steps this one brought in the same command (`sold --paid`, a Yahoo!フリマ sale)."""
        mine = self._mine()
        at = mine.index(self.event.type) if self.event.type in mine else 0
        return [t for t in mine[at + 1 :] if t in STEPS and STEPS[t].addable]

    def _mine(self) -> list[str]:
        return [e.type for e in self.events if e.stream == self.subject]


def recorded(
    conn, store, step: str, stored: Sequence[Event], before: Trade | None, repeated: bool
) -> Recorded:
    """The Recorded for `stored`, read in the write transaction that stored it. `before` is
    the subject as the step was decided on; the step's events applied to it give the state
    after (a repeated command, or none, folds the stream instead)."""
    events = tuple(stored)
    subject = events[0].stream
    if step in STEPS and STEPS[step].creates:
        return Recorded(step, events, None, repeated=repeated)
    if before is None or repeated:
        trade = fold(store.stream(conn, subject))
    else:
        trade = before.copy()
        for event in (e for e in events if e.stream == subject):
            apply(trade, event)
    assert trade is not None
    load = partial(_load, conn, store, trade)
    sales: list[tuple[Trade, Trade]] = []
    if trade.item and not repeated:
        from journal.core.items import double_sales

        history = partial(store.stream, conn)
        sales = double_sales(events, history, partial(queries.item_listings, conn))
    taken = tuple(
        Taken(load(e.stream), load(e.payload["by"]), e.payload["step"])
        for e in events
        if e.type == "item-taken"
    )
    released = tuple(e.stream for e in events if e.type == "item-released")
    deadlines = tuple(queries.deadlines_of(conn, subject))
    return Recorded(step, events, trade, deadlines, tuple(sales), taken, released, repeated)


def _load(conn, store, subject: Trade, trade_id: str) -> Trade:
    if trade_id == subject.id:
        return subject
    found = fold(store.stream(conn, trade_id))
    assert found is not None, trade_id
    return found
