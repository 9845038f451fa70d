"""Parsing of WHEN and DURATION arguments. Pure: `now` and the user's zone are passed in."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from journal.core.errors import BadInput
from journal.core.patterns import LazyPattern  # sixteen here; a command reads one or two

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Literal

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
# The Japanese units (after NFKC) and their one-letter equivalents.
_JA_UNITS = {
    "週間": "w",
    "週": "w",
    "日間": "d",
    "日": "d",
    "時間": "h",
    "分間": "m",
    "分": "m",
    "秒": "s",
}
_UNIT = r"(w|d|h|m|s|週間|週|日間|日|時間|分間|分|秒)"
_DURATION = LazyPattern(rf"^\s*(\d{{1,6}})\s*{_UNIT}\s*$", re.ASCII)
_ISO = LazyPattern(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_RELATIVE = LazyPattern(rf"^\s*([+-])\s*(\d{{1,6}})\s*{_UNIT}\s*$", re.ASCII)
_AGO = LazyPattern(r"^(\d{1,6})\s*(週間|週|日|時間|分|秒)\s*(前|後)$", re.ASCII)  # 3日前, 2時間後
# Days named by a word; alone they keep the time of day (like `date -d yesterday`).
_DAY_WORDS = {
    "today": 0,
    "今日": 0,
    "きょう": 0,
    "本日": 0,
    "yesterday": -1,
    "昨日": -1,
    "きのう": -1,
    "一昨日": -2,
    "おととい": -2,
    "おとつい": -2,
    "tomorrow": 1,
    "明日": 1,
    "あした": 1,
    "あす": 1,
}
_CLOCK = r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|時(?:(\d{1,2})分)?)"  # 18:00, 18:00:30, 18時, 18時5分
_DAY_WORD_AT = LazyPattern(rf"^({'|'.join(_DAY_WORDS)})\s*{_CLOCK}$", re.ASCII)
_CLOCK_ONLY = LazyPattern(rf"^{_CLOCK}$", re.ASCII)
# 2026/11/21, 11/21, 2026年11月21日, 11月21日; each with an optional time of day.
_SLASHED = LazyPattern(
    rf"^(?:(\d{{4}})/)?(\d{{1,2}})/(\d{{1,2}})(?:\s+{_CLOCK})?$"
    rf"|^(?:(\d{{4}})年)?(\d{{1,2}})月(\d{{1,2}})日\s*(?:{_CLOCK})?$",
    re.ASCII,
)


_DAYS_AGO_AT = LazyPattern(rf"^(\d{{1,3}})日前\s*{_CLOCK}$", re.ASCII)  # 2日前 18:00
_WEEKDAY = LazyPattern(rf"^([月火水木金土日])曜日?\s*(?:{_CLOCK})?$", re.ASCII)  # 金曜 18:00
_MINUSES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_DASHED = LazyPattern(r"^(\d{1,2})-(\d{1,2})(?=\s|$)")  # 12-04; the other rewrites need Japanese
_REWRITES = (  # the other ways of saying the forms below, after NFKC
    (LazyPattern(r"令和(元|\d{1,2})年"), lambda m: f"{2018 + int(m[1].replace('元', '1'))}年"),
    (LazyPattern(r"(午前|午後)\s*(\d{1,2})(?=[:時])"), lambda m: _half_day(m[1], int(m[2]))),
    (LazyPattern(r"時半"), lambda m: "時30分"),
    (LazyPattern(r"^(今朝|今夜|今晩)(?=\s*\d)"), lambda m: "今日"),
    (LazyPattern(r"^(昨夜|昨晩)(?=\s*\d)"), lambda m: "昨日"),
    (_DASHED, lambda m: f"{m[1]}/{m[2]}"),
)


def normalized(text: str | None) -> str:
    """What is read of a WHEN or DURATION: NFKC (full-width digits, `：`, `／`, the
    ideographic space), any minus sign as `-`, no case, single spaces; 令和, 午前/午後,
    時半, 今朝/今夜/昨夜 with a time and `12-04` brought to the forms below."""
    raw = " ".join(unicodedata.normalize("NFKC", text or "").split()).lower()
    raw = raw.translate(_MINUSES)
    for pattern, replace in _REWRITES:
        if not raw.isascii() or (pattern is _DASHED and "-" in raw):
            raw = pattern.sub(replace, raw)
    return raw


def _half_day(half: str, hour: int) -> str:
    """午後6 → 18, 午前12 → 0 (an hour past 12 is left for the clock to refuse)."""
    if hour > 12:
        return str(hour + 100)  # 午後13時: not a time
    return str(hour % 12 + (12 if half == "午後" else 0))


def parse_duration(text: str) -> timedelta:
    """`48h`, `7d`, `2w`, `30m`, and `48時間`, `2日`, `2週間`, `30分` → a timedelta."""
    match = _DURATION.match(normalized(text))
    if not match:
        raise BadInput("bad_duration", value=text)
    amount, unit = match.groups()
    return _span(int(amount), _JA_UNITS.get(unit, unit), text)


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

    Read after NFKC, so full-width digits and `：` `／` count. The forms:
    `now`; a day word (`today`/今日, `yesterday`/昨日, 一昨日/おととい, `tomorrow`/明日),
    alone keeping the time of day like `date -d yesterday`, or with a time (`昨日 18:00`,
    `yesterday 18:00`, `明日9時`); a time alone (`18:00`: today); `+3d`, `-2h`, `3日前`,
    `2時間前`, `30分前` (`後`: ahead); a date (`2026-11-24`, `2026/11/24`, `11/24`: this
    year, `11月24日`), with or without a time (`11/24 18:00`, `2026-11-24T18:30`, an offset
    only in the ISO form). Times are wall times in `tz`.

    A date alone means the start of that day in the user's zone, or its last minute
    (23:59) when `date_only="end"` (what a person means by "hold until the 15th").
    """
    raw = normalized(text)
    if not raw:
        raise BadInput("bad_when", value=text)
    if raw == "now":
        return _relative(now, timedelta(0), tz, text)
    if raw in _DAY_WORDS:
        return _relative(now, timedelta(days=_DAY_WORDS[raw]), tz, text)
    if raw[4:5] == "-" and raw[:4].isascii() and raw[:4].isdigit():
        return _iso(raw, tz, date_only, text)  # `2026-11-24…`: none of the forms below
    relative = _RELATIVE.match(raw)
    if relative:
        sign, amount, unit = relative.groups()
        return _offset(now, int(amount), unit, sign == "-", tz, text)
    ago = _AGO.match(raw)
    if ago:
        amount, unit, direction = ago.groups()
        return _offset(now, int(amount), unit, direction == "前", tz, text)
    at_time = _DAY_WORD_AT.match(raw) or _CLOCK_ONLY.match(raw)
    if at_time:
        day = _today(now, tz, text) + timedelta(days=_DAY_WORDS.get(at_time[1], 0))
        _check_day(day, text)
        return _wall(day, _clock(at_time.groups()[-4:], text), tz, text)
    days_ago = _DAYS_AGO_AT.match(raw)
    if days_ago:
        day = _today(now, tz, text) - timedelta(days=int(days_ago[1]))
        _check_day(day, text)
        return _wall(day, _clock(days_ago.groups()[-4:], text), tz, text)
    weekday = _WEEKDAY.match(raw)
    if weekday:
        return _weekday(weekday, now, tz, date_only, text)
    slashed = _SLASHED.match(raw)
    if slashed:
        return _slashed(slashed, now, tz, date_only, text)
    return _iso(raw, tz, date_only, text)


def _slashed(slashed: re.Match, now: datetime, tz: tzinfo, date_only: str, text: str) -> datetime:
    """`2026/11/24`, `11/24`, `2026年11月24日`, `11月24日`, each with an optional time."""
    parts = slashed.groups()
    year, month, mday = parts[0:3] if parts[1] else parts[7:10]
    clock = parts[3:7] if parts[1] else parts[10:14]
    if year is None:  # this year (a date ahead of `now` is refused where it must be past)
        today = _today(now, tz, text)  # but December, typed in January for a step: last year
        year = today.year - (today.month == 1 and int(month) == 12 and date_only == "start")
    try:
        day = date(int(year), int(month), int(mday))
    except ValueError:
        raise BadInput("bad_when", value=text) from None
    _check_day(day, text)
    if clock[0] is None:
        return _date_alone(day, tz, date_only)
    return _wall(day, _clock(clock, text), tz, text)


def _weekday(found: re.Match, now: datetime, tz: tzinfo, date_only: str, text: str):
    """`金曜 18:00`: the last such day (today included) for a step, the next for an end."""
    today = _today(now, tz, text)
    wanted = "月火水木金土日".index(found[1])
    if date_only == "end":
        day = today + timedelta(days=(wanted - today.weekday()) % 7)
    else:
        day = today - timedelta(days=(today.weekday() - wanted) % 7)
    _check_day(day, text)
    if found[2] is None:
        return _date_alone(day, tz, date_only)
    return _wall(day, _clock(found.groups()[1:], text), tz, text)


def _iso(raw: str, tz: tzinfo, date_only: str, text: str) -> datetime:
    """`2026-11-24` alone, or an ISO date and time (`2026-11-24T18:30`, with an offset)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw, re.ASCII):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise BadInput("bad_when", value=text) from None
        _check_day(day, text)
        return _date_alone(day, tz, date_only)
    iso = raw.upper()  # `t` and `z` as typed in any case
    if not _ISO.fullmatch(iso):
        raise BadInput("bad_when", value=text)
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise BadInput("bad_when", value=text) from None
    _check_day(moment.date(), text)  # the day as written, before any zone arithmetic
    if moment.tzinfo is None:
        return _wall(moment.date(), moment.time(), tz, text)
    return moment.astimezone(UTC).replace(microsecond=0)


def _today(now: datetime, tz: tzinfo, text: str) -> date:
    if not in_range(now):
        raise BadInput("when_range", value=text, low=EARLIEST, high=LATEST)
    return now.astimezone(tz).date()


def _offset(now: datetime, amount: int, unit: str, back: bool, tz: tzinfo, text: str):
    delta = _span(amount, _JA_UNITS.get(unit, unit), text)
    return _relative(now, -delta if back else delta, tz, text)


def _clock(groups, text: str) -> time:
    """The time of day from `_CLOCK`'s groups (hour, minute, second | hour, 時's minute)."""
    hour, minute, second, ja_minute = groups
    try:
        return time(int(hour), int(minute or ja_minute or 0), int(second or 0))
    except ValueError:
        raise BadInput("bad_when", value=text) from None


def _date_alone(day: date, tz: tzinfo, date_only: str) -> datetime:
    clock = time(23, 59) if date_only == "end" else time(0, 0)
    return datetime.combine(day, clock, tz).astimezone(UTC)


def _wall(day: date, clock: time, tz: tzinfo, text: str) -> datetime:
    """The instant of a wall time in the user's zone. One that does not exist or is
    ambiguous there (DST) is refused rather than silently shifted: the user must say
    which instant they mean."""
    moment = datetime.combine(day, clock, tz)
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
