"""Deadlines: computed from a trade's state and the rule book. Pure, Japan time.

A deadline is never typed by hand (except the user's own promises: hold and dedicated
dates), so when the rules change, recomputing from the log gives every trade its correct
deadlines again.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journal.core.datatypes import record
from journal.core.kinds import (  # noqa: F401 - re-exported; their home is kinds.py
    AWAITED_KINDS,
    BOTH,
    KIND_SPECS,
    OVERDUE_KINDS,
    KindSpec,
)
from journal.core.rules import Rule, RuleBook
from journal.core.trade import Trade

JST = ZoneInfo("Asia/Tokyo")
# `inspect` is computed last: it may count back from `auto_complete`.
_ORDER = tuple(k for k in KIND_SPECS if k != "inspect") + ("inspect",)
_ENDINGS = ("cancellation", "delisting", "bundling")
_KINDS_BY_ROLE = {
    role: tuple((k, KIND_SPECS[k]) for k in _ORDER if role in KIND_SPECS[k].roles) for role in BOTH
}


@record(frozen=True)
class Deadline:
    trade: str
    kind: str
    due: datetime  # aware UTC
    effect: str  # the key of the rule that set it (`Rule.key`): the edge says what happens
    met_at: datetime | None = None

    def status(self, now: datetime, finished: bool = False) -> str:
        """'met' if met in time, 'missed' if met late or past due, else 'open'; for a kind
        the app handles itself (auto-complete), 'done_by_app' once its time has come;
        'closed' if the trade is finished without the step it waited for (`is_closed`)."""
        if self.met_at is not None and self.met_at <= self.due:
            return "met"
        if is_closed(self, finished):
            return "closed"
        if self.met_at is None and self.due > now:
            return "open"
        spec = KIND_SPECS.get(self.kind)
        return "done_by_app" if spec is not None and spec.by_app else "missed"


def is_closed(deadline: Deadline, finished: bool) -> bool:
    """Unmet, waiting for a step, on a finished trade: that step will never come, so nothing
    is due any more (no reminder, not open, not overdue). The read models' queries say the
    same in SQL (`journal.storage.queries`): trades.active = 0 and the kind awaited."""
    return finished and deadline.met_at is None and deadline.kind in AWAITED_KINDS


def is_overdue(deadline: Deadline, now: datetime, finished: bool) -> bool:
    """Passed, not met, and the (unfinished) trade still waits for the step it asks for."""
    return (
        not finished
        and deadline.met_at is None
        and deadline.due <= now
        and deadline.kind in OVERDUE_KINDS
    )


def compute(trade: Trade, book: RuleBook) -> list[Deadline]:
    """Every deadline the trade has now, met or not. Ordered by due time."""
    found: dict[str, Deadline] = {}
    ended_at = _ended_at(trade)
    for kind, spec, versions in _plan(book, trade):
        deadline = _one(trade, book, kind, spec, versions, found)
        if deadline is None:
            continue
        if ended_at is not None and deadline.met_at is None and deadline.due >= ended_at:
            continue  # the trade ended first: this deadline no longer applies
        # One due before the end stays (what `show` tells), closed on the finished trade:
        # `is_closed` there, `queries._NOT_CLOSED` in the read models' reads.
        found[kind] = deadline
    if len(found) < 2:
        return list(found.values())
    return sorted(found.values(), key=_soonest)


def _soonest(deadline: Deadline) -> tuple[datetime, str]:
    return deadline.due, deadline.kind


def _plan(book: RuleBook, trade: Trade) -> tuple[tuple[str, KindSpec, tuple[Rule, ...]], ...]:
    """The kinds that may apply to this trade's platform, role and listing kind, in
    `_ORDER`, each with its rule's versions: those whose latest version is switched off
    (or that the book lacks) never give a deadline. Kept with the book: a rebuild asks it
    for every trade."""
    key = ("deadlines", trade.platform, trade.role, trade.kind)
    plan = book.memo.get(key)
    if plan is None:
        plan = tuple(
            (kind, spec, versions)
            for kind, spec in _KINDS_BY_ROLE.get(trade.role, ())
            if not spec.trade_kind or trade.kind == spec.trade_kind
            if (versions := book.versions(trade.platform, kind)) and versions[-1].enabled
        )
        book.memo[key] = plan
    return plan


def _one(
    trade: Trade,
    book: RuleBook,
    kind: str,
    spec: KindSpec,
    versions: tuple[Rule, ...],
    found: dict[str, Deadline],
) -> Deadline | None:
    # The latest version says what the deadline counts from.
    latest = versions[-1]
    anchors = trade.anchors
    counted = None
    for name in latest.counted_from:
        if name in anchors:
            counted = name
            break
    if counted is None:
        cap = found.get(latest.before) if latest.before else None
        if cap is None:
            return None
        # Not counted yet (the parcel has not arrived): the cap alone is the deadline.
        return Deadline(trade.id, kind, cap.due, latest.key, _met(spec, trade, None))
    anchor = anchors[counted]
    if len(versions) == 1:
        rule: Rule | None = latest  # in force on every date: skip the date arithmetic
    else:
        rule = book.rule_for(trade.platform, kind, anchor.astimezone(JST).date())
    if rule is None:
        return None
    due = _due(trade, rule, anchor, found)
    return Deadline(trade.id, kind, due, rule.key, _met(spec, trade, counted))


def _met(spec: KindSpec, trade: Trade, counted: str | None) -> datetime | None:
    """When the deadline counted from the anchor `counted` was met: by the first step that
    meets it recorded after the step it counts from (a decline before a new request, a hold
    ended before a new hold, does not meet the new one, even in the same second)."""
    met_at = None
    for name in spec.met_by:
        moment = trade.anchors.get(name)
        if moment is None or (counted is not None and _earlier(trade, name, counted)):
            continue
        if met_at is None or moment < met_at:
            met_at = moment
    return met_at


def _earlier(trade: Trade, name: str, counted: str) -> bool:
    """Whether anchor `name` was set before anchor `counted`: in the log's order, or by time
    for a trade built by hand without that order."""
    first, then = trade.marked.get(name), trade.marked.get(counted)
    if first is not None and then is not None:
        return first < then
    return trade.anchors[name] < trade.anchors[counted]


def _due(trade: Trade, rule: Rule, anchor: datetime, found: dict[str, Deadline]) -> datetime:
    if rule.user_until:
        given = trade.hold["until"] if rule.kind == "hold_expiry" and trade.hold else trade.until
        if given is not None:
            return given
    if rule.ship_days:
        text = trade.ship_days or rule.default_ship_days
        due = anchor + timedelta(days=int(text.split("-")[-1]))
    elif rule.on_date is not None:
        due = datetime.combine(rule.on_date, rule.at or time(0, 0), JST).astimezone(UTC)
    else:
        due = add(anchor, rule)
    if rule.before and rule.before in found:
        return min(due, found[rule.before].due)  # capped, e.g. inspect before auto-complete
    return due


def add(anchor: datetime, rule: Rule) -> datetime:
    """Apply a rule's offset to an instant, in Japan time (calendar days when `at` is set)."""
    local = anchor.astimezone(JST)
    if rule.months:
        local = _add_months(local, rule.months)
    if rule.at is not None:
        day = local.date() + timedelta(days=rule.days)
        local = datetime.combine(day, rule.at, JST)
    else:
        local = local + timedelta(days=rule.days)
    if rule.hours or rule.minutes:
        local = local + timedelta(hours=rule.hours, minutes=rule.minutes)
    return local.astimezone(UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    import calendar  # only a rule counted in months (with `locale`: 6 M instructions a start)

    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _ended_at(trade: Trade) -> datetime | None:
    times = [trade.anchors[a] for a in _ENDINGS if a in trade.anchors]
    return min(times) if times else None
