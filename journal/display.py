"""Showing instants to a person: the user's timezone, ISO 8601 for machines."""

from datetime import UTC, datetime, timedelta

from journal.settings import language, user_tz

_WEEKDAYS_JA = "月火水木金土日"


def _local(moment: datetime) -> datetime:
    """The instant in the user's zone; in UTC if that zone would put it past year 9999
    (a date stored before the supported range was enforced must still be shown)."""
    try:
        return moment.astimezone(user_tz())
    except OverflowError:
        return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 with offset, in the user's timezone (the JSON form)."""
    return _local(moment).isoformat()


def when(moment: datetime) -> str:
    local = _local(moment)
    if language() == "ja":
        return f"{local:%Y-%m-%d}({_WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    return f"{local:%Y-%m-%d %a %H:%M}"


def short_when(moment: datetime, now: datetime) -> str:
    """`11/24(火) 08:30` (this year's dates need no year), else the full `when`."""
    local, today = _local(moment), _local(now)
    if local.year != today.year:
        return when(moment)
    if language() == "ja":
        return f"{local.month}/{local.day}({_WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    return f"{local:%a} {local.month}/{local.day} {local:%H:%M}"


def span(delta: timedelta) -> str:
    """A short, rounded-down length: '2 d 3 h', '20 h', '45 min'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    ja = language() == "ja"
    if days:
        return f"{days}日{hours}時間" if ja else f"{days} d {hours} h"
    if hours:
        return f"{hours}時間{mins}分" if ja else f"{hours} h {mins} min"
    return f"{mins}分" if ja else f"{mins} min"


def remaining(due: datetime, now: datetime) -> str:
    ja = language() == "ja"
    if due >= now:
        return f"あと{span(due - now)}" if ja else f"in {span(due - now)}"
    return f"{span(now - due)}前" if ja else f"{span(now - due)} ago"
