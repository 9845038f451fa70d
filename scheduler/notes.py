"""What a person reads of a reminder: its title and text, in their language; and the one
summary of the reminders missed too long ago to be told one by one."""

from datetime import datetime, timedelta

from journal.core.situations import reminder_message, shown_name
from journal.text.display import iso, remaining, span, when
from journal.text.i18n import Locale
from journal.text.labels import label
from journal.text.messages import render_for
from journal.text.table import clean
from scheduler.note import Note
from scheduler.plan import Delivery, Reminder

SUMMARY_TRADES = 50  # trade ids named in a summary's JOURNAL_TRADE / console line


def reminder_note(
    item: Delivery,
    title: str,
    now: datetime,
    loc: Locale,
    where: tuple[str, str, str, str] | None = None,
    seller: bool = False,
) -> Note:
    """The note of one reminder for `loc`'s reader (the composition root's, `App.locale`:
    a running daemon takes a changed language or zone at once, `Daemon.reconfigure`)."""
    r = item.reminder

    def render(key: str, **params) -> str:
        return render_for(loc, key, **params)

    body = render(
        "reminder_body",
        kind=render(f"kind_{r.kind}"),
        todo=_todo(r, where, loc),
        due=when(r.due, loc),
        left=remaining(r.due, now, loc.language),
    )
    if r.offset < timedelta(0):  # the daily reminder of an overdue deadline
        body = render("reminder_overdue", body=body)
    elif item.late:
        body = render("reminder_late", body=body, late=span(now - r.at, loc.language))
    situation = reminder_message(r.kind) if seller else None
    if situation is not None:  # the trade message that fits: `→ journal message T1 支払いのお願い`
        body += " " + render(
            "message_suggest", trade=r.trade, name=shown_name(situation, loc.language)
        )
    return Note(
        # stored text from any client: no escape reaches a desktop, and no NUL an argv
        title=render("reminder_title", trade=r.trade, title=clean(title)) if title else r.trade,
        message=body,
        trade=r.trade,
        kind=r.kind,
        due=iso(r.due, loc.zone),
    )


def _todo(r: Reminder, where: tuple[str, str, str, str] | None, loc: Locale) -> str:
    """What to do; for a delist alarm, `where` = (the listing's app, the listing that took
    the item, its app, how), so the note names the app to open:
    `メルカリの T20 を今すぐ取り下げてください（Yahoo!フリマの T19 で売れました）`."""
    if where is None:
        return render_for(loc, f"todo_{r.kind}")
    platform, by, by_platform, how = where
    return render_for(
        loc,
        "notice_item_taken",
        trade=r.trade,
        platform=label("platform", platform, loc.language),
        by=by,
        by_platform=label("platform", by_platform, loc.language),
        how=render_for(loc, f"taken_{how}"),
    )


def summary_note(reminders: list[Reminder], now: datetime, loc: Locale) -> Note:
    deadlines = sorted({r.deadline for r in reminders}, key=lambda d: (d[2], d[0], d[1]))
    shown = ", ".join(f"{t} {label('kind', k, loc.language)}" for t, k, _ in deadlines[:10])
    if len(deadlines) > 10:
        shown += ", …"
    trades = sorted({t for t, _, _ in deadlines})
    if len(trades) > SUMMARY_TRADES:  # keep the environment of a `command` small
        trades = [*trades[:SUMMARY_TRADES], "…"]
    return Note(
        title=render_for(loc, "summary_title"),
        message=render_for(loc, "summary_body", count=len(deadlines), items=shown),
        trade=",".join(trades),
        kind="summary",
        due=iso(deadlines[0][2], loc.zone),
    )
