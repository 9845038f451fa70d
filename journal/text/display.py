"""Showing instants to a person: the reader's timezone and language (a `Locale` the edge
passes in), ISO 8601 for machines."""

from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

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


# strftime's %a in the C locale (the journal never sets another): written out, a table of a
# week's reminders formats over a thousand times, several times quicker than strftime
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when(moment: datetime, loc: Locale) -> str:
    """`2026-12-03 Thu 23:00`, `2026-12-03(木) 23:00`: what strftime's `%Y-%m-%d %a %H:%M`
    writes (its year unpadded, as glibc's)."""
    local = _local(moment, loc.zone)
    fields = (local.year, local.month, local.day)
    day, clock = "%d-%02d-%02d" % fields, "%02d:%02d" % (local.hour, local.minute)  # noqa: UP031
    if loc.language == "ja":
        return f"{day}({_WEEKDAYS_JA[local.weekday()]}) {clock}"
    return f"{day} {_WEEKDAYS_EN[local.weekday()]} {clock}"


def short_when(moment: datetime, now: datetime, loc: Locale) -> str:
    """`11/24(火) 08:30` (this year's dates need no year), else the full `when`."""
    local, today = _local(moment, loc.zone), _local(now, loc.zone)
    if local.year != today.year:
        return when(moment, loc)
    if loc.language == "ja":
        return f"{local.month}/{local.day}({_WEEKDAYS_JA[local.weekday()]}) {local:%H:%M}"
    return f"{local:%a} {local.month}/{local.day} {local:%H:%M}"


def compact_when(moment: datetime, now: datetime, loc: Locale) -> str:
    """`12/3(木)23:00` for a narrow terminal (with the year when it is not this year's)."""
    local, today = _local(moment, loc.zone), _local(now, loc.zone)
    year = f"{local.year}/" if local.year != today.year else ""
    if loc.language == "ja":
        return f"{year}{local.month}/{local.day}({_WEEKDAYS_JA[local.weekday()]}){local:%H:%M}"
    return f"{local:%a} {year}{local.month}/{local.day} {local:%H:%M}"


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


@lru_cache(maxsize=256)  # a few offsets, shown on every row of `journal reminders`
def offset_words(offset: str, lang: str) -> str:
    """A reminder's offset from its deadline for a person: `24h` → `1日前`, `+541m` (a daily
    reminder of an overdue deadline, after it) → `9時間1分後`; `1 d before`, `9 h 1 min after`.
    An offset in another form is shown as it is."""
    import re

    found = re.fullmatch(r"([+-]?)(\d+)([mhd])", offset)
    if found is None:
        return offset
    sign, number, unit = found.groups()
    minutes = int(number) * {"m": 1, "h": 60, "d": 1440}[unit]
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    ja = lang == "ja"
    parts = [
        f"{n}{ja_unit if ja else ' ' + en_unit}"
        for n, ja_unit, en_unit in ((days, "日", "d"), (hours, "時間", "h"), (mins, "分", "min"))
        if n
    ] or (["0分"] if ja else ["0 min"])
    after = sign == "+"
    if ja:
        return "".join(parts) + ("後" if after else "前")
    return " ".join(parts) + (" after" if after else " before")
