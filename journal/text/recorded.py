"""A recorded step (journal/results.py) in words and in the `add --json` shape: what the
command line prints after `journal add` and what the web app shows and answers after a form
or an API call — one rendering, so the two faces cannot say different things."""

from __future__ import annotations

from datetime import datetime, timedelta

from journal.core.deadlines import Deadline, is_overdue
from journal.core.trade import Trade, warnings
from journal.text.labels import label
from journal.text.messages import render_for
from journal.text.table import clean

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from journal.results import Recorded


def report(rec: Recorded, loc: Any, now: datetime) -> tuple[dict[str, Any], list[str]]:
    """(the `add --json` object, lines for people). Warnings are in `data["warnings"]`, each
    with its message, for the caller to show apart (the command line: on stderr)."""
    subject = rec.subject
    if rec.creates:
        return {"id": subject}, [subject]  # the new id alone: `T=$(journal add listed …)`
    trade = rec.trade
    assert trade is not None
    hold = trade.hold or {}
    said = {"trade": subject, "buyer": hold.get("buyer") or "-", "until": hold.get("until")}
    notes = [{"code": k, "message": render_for(loc, k, **said)} for k in warnings(trade, rec.step)]
    notes += _double_sales(rec, loc)
    nxt = next_deadline(trade, list(rec.deadlines), now)
    mine, first, also = rec.event, rec.first, rec.also
    data: dict[str, Any] = {
        "id": subject,
        "seq": mine.seq,
        "state": trade.state,
        "warnings": notes,
        "next_deadline": nxt and {"kind": nxt[0].kind, "due": nxt[0].due, "overdue": nxt[1]},
        "notices": [],
        "also": first + also,
    }
    past = mine.occurred_at < now - timedelta(minutes=5)  # backfilled: it may have been done
    lines = [step_line(trade, [*first, rec.step, *also], mine.seq, nxt, now, loc, past)]

    def notice(code: str, message: str, **more: Any) -> None:
        data["notices"].append({"code": code, "message": message, **more})
        lines.append(message)

    if mine.occurred_at.astimezone(loc.zone).year != now.astimezone(loc.zone).year:
        notice(
            "recorded_in_year",
            render_for(loc, "recorded_in_year", trade=subject, when=mine.occurred_at),
        )
    for name in first:  # recorded first because it is certain (journal/core/decide.py)
        notice(
            "recorded_first",
            render_for(loc, "recorded_first", trade=subject, first=name, step=rec.step),
        )
    for item in _item_notices(rec, loc):  # the double-listing alarm, said at once
        notice(**item)
    if rec.step in ("completed", "rated") and trade.state == "completed":
        window = next((d for d in rec.deadlines if d.kind == "message_window"), None)
        if window and trade.role == "seller":
            notice("personal_info", render_for(loc, "personal_info", until=window.due))
    return data, lines + _message_hint(trade, rec.step, data, loc)


def next_deadline(
    trade: Trade, deadlines: list[Deadline], now: datetime
) -> tuple[Deadline, bool] | None:
    """The deadline to mention after a step: an overdue one first (a backdated step whose
    deadline has already passed says so), else the soonest open one."""
    late = [d for d in deadlines if is_overdue(d, now, trade.finished)]
    if late:
        return late[0], True
    upcoming = [d for d in deadlines if d.status(now, trade.finished) == "open"]
    return (upcoming[0], False) if upcoming else None


def step_line(trade: Trade, types: list[str], seq, nxt, now: datetime, loc, past=False) -> str:
    """`T1 #2 ワンピース: 購入申請 → 購入申請 11/24(火) 08:30（あと1日23時間）`."""
    from journal.text.display import remaining, short_when
    from journal.text.labels import step_name

    lang = loc.language
    head = render_for(loc, "add_line", trade=trade.id, seq=seq, title=clean(trade.title))
    step = "・".join(step_name(t, trade.platform, lang) for t in types)
    if past and "sold" in types and trade.platform == "yahoo-auction":  # when the auction ended
        step = render_for(
            loc, "step_won_at", step=step, at=short_when(trade.anchors["purchase"], now, loc)
        )
    if nxt is None:
        return render_for(
            loc, "add_line_done", head=head, step=step, state=label("state", trade.state, lang)
        )
    deadline, late = nxt
    return render_for(
        loc,
        ("add_line_passed" if past else "add_line_overdue") if late else "add_line_next",
        head=head,
        step=step,
        kind=label("kind", deadline.kind, lang),
        due=short_when(deadline.due, now, loc),
        left=remaining(deadline.due, now, lang),
    )


def _message_hint(trade: Trade, step: str, data: dict[str, Any], loc: Any) -> list[str]:
    """The trade message a step usually calls for: `→ journal message T1 発送連絡`."""
    from journal.core.situations import after_step, shown_name

    situation = data["message"] = after_step(trade, step)
    if situation is None:
        return []
    name = shown_name(situation, loc.language)
    return [render_for(loc, "message_suggest", trade=trade.id, name=name)]


def _item_notices(rec: Recorded, loc: Any) -> list[dict[str, Any]]:
    """The double-listing alarm (journal/core/items.py): which listing to take down on which
    app, and where the item went; or which alarms are withdrawn."""
    lang = loc.language
    out: list[dict[str, Any]] = []
    for taken in rec.taken:
        target, by = taken.listing, taken.by
        message = render_for(
            loc,
            "notice_item_taken",
            trade=target.id,
            platform=label("platform", target.platform, lang),
            by=by.id,
            by_platform=label("platform", by.platform, lang),
            how=render_for(loc, f"taken_{taken.how}"),
        )
        out.append(
            {"code": "item-taken", "message": message, "trades": [target.id]}
            | {"platform": target.platform, "by": by.id, "by_platform": by.platform}
        )
    if rec.released:
        message = render_for(loc, "notice_item_released", trades=", ".join(rec.released))
        out.append({"code": "item-released", "message": message, "trades": list(rec.released)})
    return out


def _double_sales(rec: Recorded, loc: Any) -> list[dict[str, Any]]:
    """二重販売: the step sold a listing whose item another listing had already sold."""
    lang = loc.language
    out = []
    for this, other in rec.double_sales:
        message = render_for(
            loc,
            "double_sale",
            item=clean(this.item),
            trade=this.id,
            platform=label("platform", this.platform, lang),
            other=other.id,
            other_platform=label("platform", other.platform, lang),
        )
        listings = [{"id": t.id, "platform": t.platform} for t in (this, other)]
        out.append(
            {"code": "double_sale", "message": message, "item": this.item, "trades": listings}
        )
    return out
