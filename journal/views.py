"""Turning results into JSON-ready data and into text for a terminal."""

from datetime import datetime
from typing import Any

from journal.deadlines import Deadline, is_overdue
from journal.display import remaining, when
from journal.events import VOID_TYPE, Event
from journal.messages import render
from journal.rules import RuleBook, effect_text
from journal.settings import language
from journal.trade import Trade

# The effective date of a rule version whose start is not known (the packs' default).
UNKNOWN_START = "2000-01-01"


def _voided(events: list[Event]) -> set[int]:
    return {e.payload["seq"] for e in events if e.type == VOID_TYPE}


def events_json(events: list[Event]) -> list[dict[str, Any]]:
    voided = _voided(events)
    out = []
    for e in events:
        item: dict[str, Any] = {
            "seq": e.seq,
            "trade": e.stream,
            "version": e.version,
            "type": e.type,
            "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at,
            "voided": e.seq in voided,
        }
        for key, value in e.payload.items():
            item.setdefault(key, value)
        out.append(item)
    return out


def deadline_json(d: Deadline, now: datetime, finished: bool) -> dict[str, Any]:
    effect = effect_text(d.effect)  # in the reader's language, like every text for people
    return {
        "kind": d.kind,
        "due": d.due,
        "status": d.status(now),
        "effect": effect,
        "overdue": is_overdue(d, now, finished),
    }


def trade_json(
    trade: Trade,
    events: list[Event],
    deadlines: list[Deadline],
    now: datetime,
    money: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": trade.id,
        "platform": trade.platform,
        "role": trade.role,
        "title": trade.title,
        "price": trade.price,
        "state": trade.state,
        "kind": trade.kind,
        "buyer": trade.buyer,
        "request_required": trade.request_required,
        "ship_days": trade.ship_days,
        "hold": _hold(trade),
        "offer": trade.offer,
        "bundled_into": trade.bundled_into,
        "bundled_from": trade.bundled_from,
        "item": trade.item,
        "money": money,
        "events": events_json(events),
        "deadlines": [deadline_json(d, now, trade.finished) for d in deadlines],
    }
    return data


def _hold(trade: Trade) -> dict[str, Any] | None:
    if not trade.hold:
        return None
    return {
        "buyer": trade.hold["buyer"],
        "until": trade.hold["until"],
        "active": trade.hold["active"],
    }


def trade_text(trade: Trade, events: list[Event], deadlines: list[Deadline], now: datetime) -> str:
    lines = [
        f"{trade.id}  {trade.title}",
        f"  {trade.platform} · {trade.role} · ¥{trade.price:,} · {trade.state}"
        + (f" · {trade.buyer}" if trade.buyer else ""),
    ]
    if trade.hold and trade.hold["active"]:
        lines.append(f"  hold: {trade.hold['buyer']} until {when(trade.hold['until'])}")
    if trade.bundled_into:
        lines.append(f"  bundled into {trade.bundled_into}")
    if trade.bundled_from:
        lines.append(f"  bundle of {', '.join(trade.bundled_from)}")
    if deadlines:
        lines.append("deadlines:")
        for d in deadlines:
            status = d.status(now)
            left = remaining(d.due, now) if status == "open" else ""
            lines.append(
                f"  {d.kind:<20} {when(d.due)}  {status:<6} {left:<14} {effect_text(d.effect)}"
            )
    lines.append("events:")
    lines.extend(_event_lines(events, show_trade=False))
    return "\n".join(lines)


def _event_lines(events: list[Event], show_trade: bool) -> list[str]:
    voided = _voided(events)
    out = []
    for e in events:
        details = " ".join(f"{k}={v}" for k, v in e.payload.items())
        mark = " (voided)" if e.seq in voided else ""
        who = f"{e.stream:<6} " if show_trade else ""
        out.append(f"  #{e.seq:<5} {when(e.occurred_at)}  {who}{e.type}{mark}  {details}".rstrip())
    return out


def log_text(events: list[Event]) -> str:
    return "\n".join(_event_lines(events, show_trade=True)) or render("no_trades")


def list_text(rows: list[dict[str, Any]], now: datetime) -> str:
    if not rows:
        return render("no_trades")
    lines = []
    for r in rows:
        nxt = r["next_deadline"]
        due = f"{nxt['kind']} {when(nxt['due'])} ({remaining(nxt['due'], now)})" if nxt else "-"
        lines.append(f"{r['id']:<6} {r['platform']:<13} {r['state']:<18} {due:<48} {r['title']}")
    return "\n".join(lines)


def upcoming_text(rows: list[dict[str, Any]], now: datetime) -> str:
    if not rows:
        return render("nothing_upcoming")
    lines = []
    for r in rows:
        lines.append(
            f"{when(r['due'])}  {remaining(r['due'], now):<14} {r['trade']:<6} {r['kind']:<20}"
            f" {r['title']} — {effect_text(r['effect'])}"
        )
    return "\n".join(lines)


def rules_json(book: RuleBook, names: list[str]) -> list[dict[str, Any]]:
    out = []
    for name in names:
        pack = book.packs[name]
        rules = []
        for kind, versions in pack.rules.items():
            for rule in versions:
                rules.append(
                    {
                        "kind": kind,
                        "value": rule.describe(),
                        "counted_from": list(rule.counted_from),
                        "effect": _effect(rule),
                        "effective_from": rule.effective_from.isoformat(),
                        "source": rule.source,
                        "confidence": rule.confidence,
                        "note": rule.note,
                        "enabled": rule.enabled,
                    }
                )
        out.append({"platform": name, "name": pack.name, "rules": rules, "info": list(pack.info)})
    return out


def _effect(rule) -> str:
    return rule.effect_ja if language() == "ja" and rule.effect_ja else rule.effect


def reminders_text(data: dict[str, list[dict[str, Any]]], now: datetime) -> str:
    """`journal reminders`: what will be said, and what was said."""
    if not data["planned"] and not data["sent"]:
        return render("no_reminders")
    lines = []
    if data["planned"]:
        lines.append(render("reminders_planned"))
        for r in data["planned"]:
            lines.append(
                f"  {when(r['at'])}  {r['trade']:<6} {r['kind']:<20} -{r['before']:<4}"
                f" {r['status']:<8} {r['title']} "
                + render("reminder_due", due=r["due"], left=remaining(r["due"], now))
            )
    if data["sent"]:
        lines.append(render("reminders_sent"))
        for r in data["sent"]:
            lines.append(
                f"  {when(r['sent_at'])}  {r['trade']:<6} {r['kind']:<20} -{r['before']:<4}"
                f" {r['how']:<10} {r['notifier']:<8} {r['title']}"
            )
    return "\n".join(lines)
