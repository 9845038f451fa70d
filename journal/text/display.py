"""Showing instants to a person: the reader's timezone and language (a `Locale` the edge
passes in), ISO 8601 for machines."""

from datetime import UTC, datetime, timedelta, tzinfo

from journal.text.i18n import Locale

_WEEKDAYS_JA = "月火水木金土日"


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """The instant in the user's zone; in UTC if that zone would put it past year 9999
    (a date stored before the supported range was enforced must still be shown)."""
    try:
        return moment.astimezone(zone)
    except OverflowError:
        return moment.astimezone(UTC)


def iso(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 with offset, in the reader's timezone (the JSON form)."""
    return _local(moment, zone).isoformat()


def when(moment: datetime, loc: Locale) -> str:
    local = _local(moment, loc.zone)
    if loc.language == "ja":
        return f"{local:%Y-%m-%d}({_WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    return f"{local:%Y-%m-%d %a %H:%M}"


def short_when(moment: datetime, now: datetime, loc: Locale) -> str:
    """`11/24(火) 08:30` (this year's dates need no year), else the full `when`."""
    local, today = _local(moment, loc.zone), _local(now, loc.zone)
    if local.year != today.year:
        return when(moment, loc)
    if loc.language == "ja":
        return f"{local.month}/{local.day}({_WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    return f"{local:%a} {local.month}/{local.day} {local:%H:%M}"


def span(delta: timedelta, lang: str) -> str:
    """A short, rounded-down length: '2 d 3 h', '20 h', '45 min'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    ja = lang == "ja"
    if days:
        return f"{days}日{hours}時間" if ja else f"{days} d {hours} h"
    if hours:
        return f"{hours}時間{mins}分" if ja else f"{hours} h {mins} min"
    return f"{mins}分" if ja else f"{mins} min"


def remaining(due: datetime, now: datetime, lang: str) -> str:
    ja = lang == "ja"
    if due >= now:
        return f"あと{span(due - now, lang)}" if ja else f"in {span(due - now, lang)}"
    return f"{span(now - due, lang)}前" if ja else f"{span(now - due, lang)} ago"
