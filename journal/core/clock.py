"""The one clock (tests pin it with freezegun), and the one stored form of an instant."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def fmt_time(moment: datetime) -> str:
    """Stored form of an instant: UTC, whole seconds, fixed width (sorts as text).

    Plain %-formatting of the fields: a rebuild formats every deadline of every trade, and
    this is several times quicker than `strftime` (same text).
    """
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    fields = (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % fields  # noqa: UP031 - quicker than f-string specs


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)
