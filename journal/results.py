"""The door's answers as typed values, the one answer every face of the journal renders
(the command line, the web app's pages and API): what a recorded step means (`Recorded`,
through `journal/text/recorded.py`), the trades `list` shows (`Listed`) and `upcoming`'s
deadlines (`Agenda`), through `journal/text/views.py` (JSON) and `screens.py`.

A `Recorded` is worked out inside the step's own write transaction, from the trade the step
was decided on, so an `add` costs one transaction and one fold."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial

from journal.core.datatypes import record
from journal.core.deadlines import Deadline
from journal.core.events import Event
from journal.core.steps import STEPS
from journal.core.trade import Trade, apply, fold
from journal.storage import queries
from journal.storage.store import parse_time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


@record(frozen=True)
class Taken:
    """The double-listing alarm: `listing` must come down, because `by` took its item."""

    listing: Trade
    by: Trade
    how: str  # sold, approved, bundled or hold


@record(frozen=True)
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


class NextDeadline(namedtuple("NextDeadline", ("kind", "due", "overdue"))):
    """A listed trade's most pressing deadline: its oldest overdue one, else its soonest.
    (A `collections.namedtuple`: `typing.NamedTuple` would import `typing`, ~15 M
    instructions, into every command.)"""

    __slots__ = ()
    kind: str
    due: datetime
    overdue: bool


@record(frozen=True)
class Listed:
    """A trade as `list` shows it."""

    id: str
    platform: str
    title: str
    state: str
    next_deadline: NextDeadline | None


def listed(conn, include_all: bool, now: datetime) -> list[Listed]:
    """The trades `list` shows at `now` (unfinished ones, plus completed ones whose messages
    are open; `include_all`: every one), read in one transaction."""
    rows = queries.listed(conn, include_all, now)
    late: dict[str, NextDeadline] = {}
    for trade_id, kind, due, _effect in queries.overdue(conn, now):
        late.setdefault(trade_id, NextDeadline(kind, due, True))  # the oldest comes first
    out = []
    for trade_id, platform, title, state, nxt, _ in rows:
        deadline = late.get(trade_id)
        if deadline is None and nxt:
            kind, due_text = nxt.split("|", 1)
            deadline = NextDeadline(kind, parse_time(due_text), False)
        out.append(Listed(trade_id, platform, title, state, deadline))
    return out


@record(frozen=True)
class Dated:
    """One deadline on the agenda, with its trade's title; `effect` is the rule's key
    (`Rule.key`: `journal/text/rule_text.py` words it)."""

    trade: str
    kind: str
    due: datetime
    effect: str
    overdue: bool
    title: str


@record(frozen=True)
class Agenda:
    """`upcoming`'s answer at `as_of`: the overdue deadlines first (however old, whatever
    the window), then the open ones due within `within` (None: all), soonest first."""

    as_of: datetime
    within: timedelta | None
    items: tuple[Dated, ...]

    def __iter__(self) -> Iterator[Dated]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def agenda(conn, as_of: datetime, within: timedelta | None) -> Agenda:
    """The Agenda at `as_of`, read in one transaction."""
    until = as_of + within if within is not None else None
    late = queries.overdue(conn, as_of)
    rows = queries.due_after(conn, as_of, until)
    titles = queries.titles(conn, {r[0] for r in (*late, *rows)})
    items = tuple(
        Dated(*row, overdue=overdue, title=titles.get(row[0], ""))
        for overdue, group in ((True, late), (False, rows))
        for row in group
    )
    return Agenda(as_of, within, items)


@record(frozen=True)
class DaemonStatus:
    """`journal daemon status`'s answer (built by `scheduler.status.daemon_status`): the
    service file and what it runs, whether that program is there, and whether a daemon runs
    on this journal."""

    journal: str  # the journal's place as shown
    service: str | None  # the service file, if there is one
    program: str | None  # what it runs
    program_exists: bool
    inside_source_folder: str | None  # the checkout the program lives in (a warning)
    service_unreadable: str | None  # why the file could not be read (a message key's tail)
    running: bool
    pid: int | None
    # Linux with a service file: {"manager": bool, "enabled": str, "active": str | None}
    systemd: dict[str, Any] | None = None
    service_path: str = ""  # where a service file is looked for (said when it is missing)
