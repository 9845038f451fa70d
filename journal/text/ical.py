"""The deadlines as an iCalendar (RFC 5545) file, for phones and calendar apps. Pure.

Everything here is a function of the log and `now`: `journal.core.calendar.entries_of`
replays one trade's events step by step and tells, per deadline kind, its current due time
and how often and when it last changed; `calendar_text` turns those entries into the file.
Nothing reads a clock, a database or the config, so the command and (later) the daemon
produce the same bytes from the same log, and a file that is regenerated when nothing
changed stays identical.

Written by hand: the subset needed is small (one VEVENT with VALARMs per deadline), and the
command path stays free of a dependency. The tests parse the output with `icalendar`.

Identity and revisions, per (journal, trade, kind):
- `UID` = journal id (from the first event's hash) + trade + kind: a re-import or a
  re-subscription updates the event instead of adding a second one.
- `SEQUENCE` counts the events of the trade that changed what the event says (due time,
  effect, title, or open → met/gone); `LAST-MODIFIED` (and `DTSTAMP`, which RFC 5545 makes
  equal to it in a file without METHOD) is when the last of them was recorded.
- a deadline met, voided or dropped by the trade's end stays `STATUS:CANCELLED` for
  `CANCELLED_FOR` after that, so calendars that imported it drop it; then it leaves the file.
"""

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from journal.core.calendar import CANCELLED_FOR, Entry
from journal.core.clock import fmt_time
from journal.core.rules import RuleBook

PRODID = "-//trade-journal//deadlines//EN"
EVENT_LENGTH = timedelta(minutes=15)
REFRESH = "PT1H"  # a hint to subscribing apps; they choose their own interval anyway
UID_DOMAIN = "trade-journal"
_FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)

Alarms = Callable[[str], Iterable[timedelta]]


def uid(journal: str, trade: str, kind: str) -> str:
    return f"{journal}-{trade}-{kind}@{UID_DOMAIN}"


# -- to the file -----------------------------------------------------------------------------
def shown(entry: Entry, now: datetime, within: timedelta | None) -> str | None:
    """'CONFIRMED', 'CANCELLED' or None (not in the file) for this entry at `now`."""
    if within is not None and entry.due > now + within:
        return None
    if entry.gone_at is not None:
        return "CANCELLED" if now - entry.gone_at < CANCELLED_FOR else None
    if entry.due > now or not entry.trade_finished:
        return "CONFIRMED"  # open, or overdue while the trade still waits for the step
    return None


def calendar_text(
    entries: Iterable[Entry],
    now: datetime,
    language: str,
    alarms: Alarms,
    journal: str,
    within: timedelta | None,
    book: RuleBook | None,
) -> str:
    """The iCalendar file (CRLF lines, folded at 75 octets) of the entries shown at `now`.

    `alarms(kind)` gives the reminder offsets before the due time of a deadline kind
    (`scheduler.plan.Warnings.for_kind`); `language` is "en" or "ja"; `book` holds the user's
    own words for a rule's effect, if any (`journal.text.rule_text.effect_of`).
    """
    from journal.text.messages import render_in

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(render_in(language, 'calendar_name'))}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    chosen = [(e, status) for e in entries if (status := shown(e, now, within)) is not None]
    chosen.sort(key=lambda item: (item[0].due, item[0].trade, item[0].kind))
    for entry, status in chosen:
        lines.extend(_vevent(entry, status, language, alarms, journal, book))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _vevent(
    entry: Entry, status: str, language: str, alarms: Alarms, journal: str, book: RuleBook | None
) -> list[str]:
    from journal.text.messages import render_in
    from journal.text.rule_text import effect_of

    summary = render_in(
        language,
        "calendar_summary",
        kind=render_in(language, f"kind_{entry.kind}"),
        trade=entry.trade,
        title=entry.title,
    )
    description = render_in(language, f"todo_{entry.kind}")
    effect = effect_of(entry.effect, language, book)
    if effect:
        description += "\n" + render_in(language, "calendar_effect", effect=effect)
    modified = _stamp(entry.modified)
    summary = escape(summary)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(uid(journal, entry.trade, entry.kind))}",
        f"DTSTAMP:{modified}",
        f"CREATED:{_stamp(entry.created)}",
        f"LAST-MODIFIED:{modified}",
        f"SEQUENCE:{entry.sequence}",
        f"DTSTART:{_stamp(entry.due)}",
        f"DTEND:{_stamp(entry.due + EVENT_LENGTH)}",
        f"SUMMARY:{summary}",
        f"DESCRIPTION:{escape(description)}",
        f"STATUS:{status}",
        "TRANSP:TRANSPARENT",
    ]
    if status != "CANCELLED":
        for offset in sorted(set(alarms(entry.kind)), reverse=True):
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{summary}",
                f"TRIGGER:{duration(-offset)}",
                "END:VALARM",
            ]
    lines.append("END:VEVENT")
    return lines


def count_events(text: str) -> int:
    """How many VEVENTs a `calendar_text` holds (values are escaped: no line starts so)."""
    return text.count("\r\nBEGIN:VEVENT\r\n")


def count_withdrawn(text: str) -> int:
    """How many of them are withdrawn (`STATUS:CANCELLED`: met, voided or no longer due),
    kept so that calendars which imported them drop them."""
    return text.count("\r\nSTATUS:CANCELLED\r\n")


def _stamp(moment: datetime) -> str:
    """UTC date-time form: 20261122T143000Z."""
    return fmt_time(moment).replace("-", "").replace(":", "")


def duration(delta: timedelta) -> str:
    """RFC 5545 DURATION: -P1DT2H30M, PT0S."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time_part = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    text = f"{sign}P" + (f"{days}D" if days else "") + (f"T{time_part}" if time_part else "")
    return text if text not in ("P", "-P") else "PT0S"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped; other controls dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROLS.sub(" ", text)


_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # all but TAB (newlines are gone)


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets (CRLF + space), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line
    parts: list[bytes] = []
    start, limit = 0, _FOLD_AT
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, _FOLD_AT - 1  # the leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")
