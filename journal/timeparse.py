"""Parsing of WHEN and DURATION arguments. Pure: `now` and the user's zone are passed in."""

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from journal.errors import BadInput

# The dates this program supports (README, "Dates"): every WHEN from outside (command line,
# config, import file) must fall on one of these days, so no arithmetic ever overflows.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
# The same range as instants, wide enough for any zone's view of those days (UTC+14..-12).
EARLIEST_INSTANT = datetime(1999, 12, 31, 10, 0, tzinfo=UTC)
LATEST_INSTANT = datetime(2101, 1, 1, 12, 0, tzinfo=UTC)
# The longest offset or duration: the whole supported range.
MAX_SPAN = timedelta(days=(LATEST - EARLIEST).days + 1)

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([wdhms])\s*$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_RELATIVE = re.compile(r"^\s*([+-])\s*(\d{1,6})\s*([wdhms])\s*$")


def parse_duration(text: str) -> timedelta:
    """`48h`, `7d`, `2w`, `30m` → a timedelta."""
    match = _DURATION.match(text or "")
    if not match:
        raise BadInput("bad_duration", value=text)
    amount, unit = match.groups()
    return _span(int(amount), unit, text)


def _span(amount: int, unit: str, text: str) -> timedelta:
    delta = timedelta(**{_UNITS[unit]: amount})
    if delta > MAX_SPAN:
        raise BadInput("span_range", value=text, days=MAX_SPAN.days)
    return delta


def in_range(moment: datetime) -> bool:
    """Whether an aware instant lies within the supported dates (as some zone sees them)."""
    return EARLIEST_INSTANT <= moment <= LATEST_INSTANT


def _check_day(day: date, text: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise BadInput("when_range", value=text, low=EARLIEST, high=LATEST)


def parse_when(
    text: str,
    *,
    now: datetime,
    tz: tzinfo,
    date_only: Literal["start", "end"] = "start",
) -> datetime:
    """Parse a WHEN argument into an aware UTC datetime, whole seconds.

    A date alone means the start of that day in the user's zone, or its last minute
    (23:59) when `date_only="end"` (what a person means by "hold until the 15th").
    `today` and `yesterday` keep the current time of day, like `date -d yesterday`.
    """
    raw = (text or "").strip()
    lowered = raw.lower()
    if not raw:
        raise BadInput("bad_when", value=text)
    if lowered in ("now", "today", "yesterday", "tomorrow"):
        days = {"yesterday": -1, "tomorrow": 1}.get(lowered, 0)
        return _relative(now, timedelta(days=days), tz, text)
    relative = _RELATIVE.match(raw)
    if relative:
        sign, amount, unit = relative.groups()
        delta = _span(int(amount), unit, text)
        return _relative(now, delta if sign == "+" else -delta, tz, text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise BadInput("bad_when", value=text) from None
        _check_day(day, text)
        clock = time(23, 59) if date_only == "end" else time(0, 0)
        return datetime.combine(day, clock, tz).astimezone(UTC)
    if not _ISO.fullmatch(raw):
        raise BadInput("bad_when", value=text)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput("bad_when", value=text) from None
    _check_day(moment.date(), text)  # the day as written, before any zone arithmetic
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
        # A wall time that does not exist or is ambiguous in the user's zone (DST) is refused
        # rather than silently shifted: the user must say which instant they mean.
        roundtrip = moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        other = moment.replace(fold=1).astimezone(UTC)
        if roundtrip != moment.replace(tzinfo=None) or other != moment.astimezone(UTC):
            raise BadInput("ambiguous_when", value=text)
    return moment.astimezone(UTC).replace(microsecond=0)


def _relative(now: datetime, delta: timedelta, tz: tzinfo, text: str) -> datetime:
    """`now` moved by a bounded `delta`, refused unless the day it lands on is supported."""
    if not in_range(now):
        raise BadInput("when_range", value=text, low=EARLIEST, high=LATEST)
    moment = (now + delta).astimezone(UTC).replace(microsecond=0)
    _check_day(moment.astimezone(tz).date(), text)
    return moment
