"""`journal reminders` as text: the reminders planned ahead, and those sent lately.

A large journal plans hundreds of reminders in a week, several for each deadline, so what
rows share (a deadline's due time and what is left of it) is written once per deadline.
"""

from __future__ import annotations

from journal.text.display import offset_words
from journal.text.labels import label
from journal.text.screens import late_mark

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

    from journal.text.screens import Screen


def reminders_screen(data: dict[str, list[dict[str, Any]]], now: datetime, screen: Screen) -> str:
    """What will be said, and what was said."""
    if not data["planned"] and not data["sent"]:
        return screen.say("no_reminders")
    lines = []
    if data["planned"]:
        lines.append(screen.say("reminders_planned"))
        names = ("at", "id", "kind", "before", "status", "title")
        if screen.narrow:  # the kind and the offset share a column: the title keeps room
            names = ("at", "id", "kind", "status", "title")
        rows = _planned_rows(data["planned"], now, screen)
        lines.append(screen.table(names, rows, "title", wrap=("kind", "status", "title")))
    if data["sent"]:
        lines.append(screen.say("reminders_sent"))
        rows = [
            [screen.moment(r["sent_at"], now), r["trade"], label("kind", r["kind"], screen.lang)]
            + [offset_words(r["before"], screen.lang), label("how", r["how"], screen.lang)]
            + [r["notifier"], r["title"]]
            for r in data["sent"]
        ]
        names = ("at", "id", "kind", "before", "how", "notifier", "title")
        lines.append(screen.table(names, rows, "title"))
    return "\n".join(lines)


def _planned_rows(planned: list[dict[str, Any]], now: datetime, screen: Screen) -> list[list[str]]:
    """One row per reminder; what rows share is written once: a deadline's due words (`due
    12/3 23:00 (in 2 d 3 h)`), a kind with its offset, a status."""
    joint, shown = screen.breaks or " ", screen.moment
    due_words: dict[datetime, str] = {}
    kinds: dict[tuple[str, str], list[str]] = {}
    statuses: dict[tuple[str, bool], str] = {}
    rows = []
    for r in planned:
        due = r["due"]
        words = due_words.get(due)
        if words is None:
            words = due_words[due] = screen.say(
                "reminder_due", due=shown(due, now), left=screen.left(due, now)
            )
        kind = kinds.get((r["kind"], r["before"]))
        if kind is None:
            kind = kinds[r["kind"], r["before"]] = _kind_before(r, screen)
        status = statuses.get((r["status"], due > now))
        if status is None:
            status = statuses[r["status"], due > now] = _reminder_status(r, now, screen)
        rows.append([shown(r["at"], now), r["trade"], *kind, status, f"{r['title']}{joint}{words}"])
    return rows


def _kind_before(r: dict[str, Any], screen: Screen) -> list[str]:
    """The deadline kind and the offset from it: two cells, or one of two lines (narrow)."""
    kind = label("kind", r["kind"], screen.lang)
    before = offset_words(r["before"], screen.lang)
    return [f"{kind}\n{before}"] if screen.narrow else [kind, before]


def _reminder_status(r: dict[str, Any], now: datetime, screen: Screen) -> str:
    """予定 ahead; due and not sent yet: 未送信; 期限超過 only once the deadline has passed."""
    if r["status"] != "overdue":
        return label("status", r["status"], screen.lang)
    unsent = label("status", "unsent", screen.lang)
    if r["due"] > now:
        return unsent
    joint = screen.breaks or ("・" if screen.lang == "ja" else ", ")
    return unsent + joint + late_mark(screen, True).strip()
