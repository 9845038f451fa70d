"""Reminder planning: pure functions of open deadlines, the warning config and `now`.

Nothing here reads a clock, a database or a scheduler, so planning and delivery decisions
are tested datetime-in, datetime-out. A reminder's identity is (trade, kind, due, offset):
a deadline whose due time moves gets new reminders, and a met deadline (or one closed with
its finished trade) simply drops out of the plan because it is no longer among the open
deadlines handed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, datetime, time, timedelta, tzinfo

from journal.core.clock import fmt_time
from journal.core.datatypes import field, record
from journal.core.deadlines import OVERDUE_KINDS
from journal.core.errors import BadInput
from journal.core.timeparse import parse_duration

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# Ahead of every deadline; the user's own promises also at the moment itself.
DEFAULT_WARNINGS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=3))
AT_THE_MOMENT_KINDS = ("hold_expiry", "dedicated_expiry")
# Due the moment they appear: told at once, then daily while overdue.
AT_ONCE_KINDS = ("delist",)
DEFAULT_LATENESS = timedelta(hours=24)
# A reminder delivered this long after its time is marked late (scheduling jitter is not).
GRACE = timedelta(seconds=60)
# More reminders due at once than this are a flood: the most urgent go out one by one,
# the rest in the summary.
MAX_BURST = 20
# How far back the frequent delivery passes (at each wake-up) look for missed reminders.
# The start-up pass, the periodic refresh and `--once` look back without limit, so a
# reminder missed longer ago still reaches the summary instead of vanishing.
LOOKBACK = timedelta(days=7)

# An overdue deadline is told once a day at this time of day (the user's zone) until it
# is resolved, however old (config `[reminders] overdue = "09:00"`, or "off").
DEFAULT_OVERDUE_AT = time(9, 0)
# Daily reminders older than this are not generated again (the latest one stands for them).
DAILY_LOOKBACK = timedelta(days=2)

Key = tuple[str, str, str, int]


@record(frozen=True, order=True)
class Reminder:
    """One warning `offset` before one deadline; fires at `at`."""

    at: datetime
    trade: str
    kind: str
    due: datetime
    offset: timedelta

    @property
    def key(self) -> Key:
        return (self.trade, self.kind, fmt_time(self.due), int(self.offset.total_seconds()))

    @property
    def deadline(self) -> tuple[str, str, datetime]:
        return (self.trade, self.kind, self.due)


# Reminders sorted by this key come in the order of their comparisons (time, trade, kind,
# due, offset), but in C: a record's `<` is a Python call, and a week of reminders on a
# large journal sorts in some twenty thousand of them.
SOONEST = Reminder.__record_key__


@record(frozen=True)
class Warnings:
    """Advance warnings per deadline kind (config `[reminders]`), with a default for the rest."""

    per_kind: Mapping[str, tuple[timedelta, ...]] = field(default_factory=dict)
    default: tuple[timedelta, ...] = DEFAULT_WARNINGS
    overdue_at: time | None = DEFAULT_OVERDUE_AT
    zone: tzinfo = UTC  # the user's, for the daily overdue reminder

    def for_kind(self, kind: str) -> tuple[timedelta, ...]:
        if kind in self.per_kind:
            return self.per_kind[kind]
        if kind in AT_ONCE_KINDS:
            return (timedelta(0),)
        if kind in AT_THE_MOMENT_KINDS:
            return (*self.default, timedelta(0))
        return self.default

    @property
    def longest(self) -> timedelta:
        offsets = [o for v in (*self.per_kind.values(), self.default) for o in v]
        return max([*offsets, *DEFAULT_WARNINGS, timedelta(0)])


def warnings_from_config(
    section: Mapping[str, Any], known_kinds: Iterable[str], zone: tzinfo = UTC
) -> Warnings:
    """Read `[reminders]`: `kind = ["24h", "3h"]` per kind, `default = [...]` for the others,
    `overdue = "09:00"` for the daily reminder of an overdue deadline.

    An empty list switches a kind's reminders off. Anything unreadable is refused with the
    key named, rather than silently reminding at the wrong time.
    """
    kinds = set(known_kinds)
    per_kind: dict[str, tuple[timedelta, ...]] = {}
    default = DEFAULT_WARNINGS
    overdue_at: time | None = DEFAULT_OVERDUE_AT
    for key, value in section.items():
        if key == "overdue":
            overdue_at = _time_of_day(value)
            continue
        if key != "default" and key not in kinds:
            raise BadInput("bad_reminder_kind", name=key, kinds=", ".join(sorted(kinds)))
        offsets = _offsets(key, value)
        if key == "default":
            default = offsets
        else:
            per_kind[key] = offsets
    return Warnings(per_kind, default, overdue_at, zone)


def _time_of_day(value: Any) -> time | None:
    """`overdue = "09:00"` (a time of day), or "off" / [] for no daily overdue reminder."""
    if value in ("off", []):
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise BadInput("bad_reminder_value", name="overdue", value=value) from None


def _offsets(key: str, value: Any) -> tuple[timedelta, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise BadInput("bad_reminder_value", name=key, value=value)
    try:
        found = {parse_duration(v.lstrip("+")) for v in items}
    except BadInput:
        raise BadInput("bad_reminder_value", name=key, value=value) from None
    return tuple(sorted(found, reverse=True))


def lateness_from_config(section: Mapping[str, Any]) -> timedelta:
    """`[notifier] lateness = "24h"`: how late a missed reminder may still arrive on its own."""
    value = section.get("lateness")
    if value is None:
        return DEFAULT_LATENESS
    if not isinstance(value, str):
        raise BadInput("bad_lateness", value=value)
    try:
        return parse_duration(value)
    except BadInput:
        raise BadInput("bad_lateness", value=value) from None


def plan(
    deadlines: Iterable[tuple[str, str, datetime]],
    warnings: Warnings,
    now: datetime,
    horizon: timedelta | None = None,
) -> list[Reminder]:
    """Every reminder of these open deadlines that fires by `now + horizon` (all if None).

    Reminders already in the past are included: whether they are still delivered, late,
    folded into a summary or superseded is `due_now`'s decision, not the plan's.
    """
    until = now + horizon if horizon is not None else None
    return sorted(reminders_of(deadlines, warnings, until), key=SOONEST)


def reminders_of(
    deadlines: Iterable[tuple[str, str, datetime]], warnings: Warnings, until: datetime | None
) -> Iterator[Reminder]:
    """`plan` unsorted, one at a time (the daemon keeps only the nearest few thousand)."""
    for trade, kind, due in deadlines:
        for offset in warnings.for_kind(kind):
            at = due - offset
            if until is None or at <= until:
                yield Reminder(at, trade, kind, due, offset)


def daily_overdue(
    deadlines: Iterable[tuple[str, str, datetime]],
    warnings: Warnings,
    start: datetime,
    until: datetime,
) -> Iterator[Reminder]:
    """The once-a-day reminders of deadlines that are (or will be) overdue, firing in
    (`start`, `until`]: at `overdue_at` in the user's zone, each day after the due time.
    Their offset is negative (after the deadline), so each day's reminder is its own key."""
    at_time = warnings.overdue_at
    if at_time is None:
        return
    for trade, kind, due in deadlines:
        if kind not in OVERDUE_KINDS:
            continue
        day = max(due, start).astimezone(warnings.zone).date()
        while True:
            local = datetime.combine(day, at_time, warnings.zone)
            moment = local.astimezone(UTC)
            if moment > until:
                break
            if moment > due and moment > start:
                yield Reminder(moment, trade, kind, due, due - moment)
            day += timedelta(days=1)


def due(
    deadlines: Iterable[tuple[str, str, datetime, Collection[int]]],
    overdue: Iterable[tuple[str, str, datetime, Collection[int]]],
    warnings: Warnings,
    now: datetime,
) -> list[Reminder]:
    """Every reminder whose time has come by `now` and was not sent: the warnings of open
    `deadlines` and the daily reminders of `overdue` ones from the last `DAILY_LOOKBACK`,
    each deadline handed in with the offsets already sent (seconds). Which of them are
    told, late, superseded or summarized is `due_now`'s decision."""
    found = [
        r
        for trade, kind, when, sent in deadlines
        for r in reminders_of([(trade, kind, when)], warnings, now)
        if int(r.offset.total_seconds()) not in sent
    ]
    for trade, kind, when, sent in overdue:
        daily = daily_overdue([(trade, kind, when)], warnings, now - DAILY_LOOKBACK, now)
        found.extend(r for r in daily if int(r.offset.total_seconds()) not in sent)
    return found


@record(frozen=True)
class Delivery:
    """A reminder to send now; `superseded` are its deadline's earlier, unsent warnings."""

    reminder: Reminder
    late: bool
    superseded: tuple[Reminder, ...] = ()


def due_now(
    reminders: Iterable[Reminder],
    sent: set[Key],
    now: datetime,
    lateness: timedelta = DEFAULT_LATENESS,
    known: Mapping[str, datetime] | None = None,
    burst: int = MAX_BURST,
) -> tuple[list[Delivery], list[Reminder]]:
    """What to deliver at `now`: (deliveries, reminders to fold into one summary).

    Per deadline only the latest unsent warning whose time has come is delivered (after a
    downtime, "in 3 h" makes "in 24 h" pointless); the earlier ones are recorded with it.
    A warning more than `lateness` old is not delivered on its own but summarized.
    `known` maps a trade to when its deadlines were last recorded: a warning whose time
    came before its deadline existed was not missed, so it counts from then (a hold
    granted for 2 hours is told at once, not as "late by 1 h"). Beyond `burst` deliveries
    at once, the least urgent (latest due) join the summary instead of a flood.
    """
    known = known or {}
    pending: dict[tuple[str, str, datetime], list[Reminder]] = {}
    for r in reminders:
        if r.at <= now and r.key not in sent:
            pending.setdefault(r.deadline, []).append(r)
    deliver: list[Delivery] = []
    summarize: list[Reminder] = []
    for group in pending.values():
        group.sort(key=SOONEST)
        latest = group[-1]
        since = max(latest.at, known.get(latest.trade, latest.at))
        if now - since <= lateness:
            late = now - since > GRACE
            deliver.append(Delivery(latest, late, tuple(group[:-1])))
        else:
            summarize.extend(group)
    if len(deliver) > burst:
        deliver.sort(key=lambda d: (d.reminder.due, SOONEST(d.reminder)))
        for extra in deliver[burst:]:
            summarize.extend((*extra.superseded, extra.reminder))
        deliver = deliver[:burst]
    deliver.sort(key=lambda d: SOONEST(d.reminder))
    summarize.sort(key=SOONEST)
    return deliver, summarize
