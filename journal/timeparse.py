"""Parsing of WHEN and DURATION arguments. Pure: `now` and the user's zone are passed in."""

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from journal.errors import BadInput

_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([wdhms])\s*$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_RELATIVE = re.compile(r"^\s*([+-])\s*(\d{1,6})\s*([wdhms])\s*$")


def parse_duration(text: str) -> timedelta:
    """`48h`, `7d`, `2w`, `30m` → a timedelta."""
    match = _DURATION.match(text or "")
    if not match:
        raise BadInput("bad_duration", value=text)
    amount, unit = match.groups()
    return timedelta(**{_UNITS[unit]: int(amount)})


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
    if lowered in ("now", "today"):
        return now.astimezone(UTC).replace(microsecond=0)
    if lowered == "yesterday":
        return (now - timedelta(days=1)).astimezone(UTC).replace(microsecond=0)
    if lowered == "tomorrow":
        return (now + timedelta(days=1)).astimezone(UTC).replace(microsecond=0)
    relative = _RELATIVE.match(raw)
    if relative:
        sign, amount, unit = relative.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        moment = now + delta if sign == "+" else now - delta
        return moment.astimezone(UTC).replace(microsecond=0)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise BadInput("bad_when", value=text) from None
        clock = time(23, 59) if date_only == "end" else time(0, 0)
        return datetime.combine(day, clock, tz).astimezone(UTC)
    if not _ISO.fullmatch(raw):
        raise BadInput("bad_when", value=text)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput("bad_when", value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
        # A wall time that does not exist or is ambiguous in the user's zone (DST) is refused
        # rather than silently shifted: the user must say which instant they mean.
        roundtrip = moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        other = moment.replace(fold=1).astimezone(UTC)
        if roundtrip != moment.replace(tzinfo=None) or other != moment.astimezone(UTC):
            raise BadInput("ambiguous_when", value=text)
    return moment.astimezone(UTC).replace(microsecond=0)
