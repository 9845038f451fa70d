"""Turning results into JSON-ready data and into text for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from journal.core.deadlines import Deadline, is_overdue
from journal.core.events import VOID_TYPE, Event
from journal.core.rules import RuleBook
from journal.core.trade import Trade
from journal.text.rule_text import describe, effect_of, info_of, note_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from journal.results import DaemonStatus, Dated, Listed
    from scheduler.status import Preview

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
        if e.type == VOID_TYPE:  # its payload's `seq` would clash with the event's own
            item["voids"] = e.payload["seq"]
        for key, value in e.payload.items():
            item.setdefault(key, value)
        out.append(item)
    return out


def deadline_json(
    d: Deadline, now: datetime, finished: bool, lang: str, book: RuleBook | None
) -> dict[str, Any]:
    """A deadline; its effect in the reader's language, like all text (the read models keep
    the rule's key; `book` holds the user's own words for it, if any)."""
    return {
        "kind": d.kind,
        "due": d.due,
        "status": d.status(now, finished),
        "effect": effect_of(d.effect, lang, book),
        "overdue": is_overdue(d, now, finished),
    }


def trade_json(
    trade: Trade,
    events: list[Event],
    deadlines: list[Deadline],
    now: datetime,
    lang: str,
    money: dict[str, Any] | None = None,
    *,
    book: RuleBook | None,
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
        "premium": trade.premium,  # ヤフオク: listed as a premium member (null: not said)
        "money": money,
        "events": events_json(events),
        "deadlines": [deadline_json(d, now, trade.finished, lang, book) for d in deadlines],
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


def rules_json(book: RuleBook, names: list[str], lang: str) -> list[dict[str, Any]]:
    out = []
    for name in names:
        pack = book.packs[name]
        rules = []
        for kind, versions in pack.rules.items():
            for rule in versions:
                rules.append(
                    {
                        "kind": kind,
                        "value": describe(rule, "en"),  # English, as it always was
                        "counted_from": list(rule.counted_from),
                        "effect": effect_of(rule.key, lang, book),
                        "effective_from": rule.effective_from.isoformat(),
                        "effective_at": rule.effective_at and f"{rule.effective_at:%H:%M}",
                        "source": rule.source,
                        "confidence": rule.confidence,
                        "note": note_of(rule, "en"),
                        "enabled": rule.enabled,
                    }
                )
        info = [_info_json(name, n, i) for n, i in enumerate(pack.info, 1)]
        out.append({"platform": name, "name": pack.name, "rules": rules, "info": info})
    return out


def _info_json(platform: str, number: int, info: dict[str, str]) -> dict[str, str]:
    """A pack's other fact as `rules --json` has always shown it: in both languages."""
    english, japanese = info_of(platform, number, info, "en"), info_of(platform, number, info, "ja")
    data = {"topic": english["topic"], "topic_ja": japanese["topic"]}
    data |= {"text": english["text"], "text_ja": japanese["text"], "source": info["source"]}
    if japanese["source"] != info["source"]:
        data["source_ja"] = japanese["source"]
    return data | {k: v for k, v in info.items() if k != "source"}


def list_json(rows: Iterable[Listed]) -> list[dict[str, Any]]:
    """`list --json` (and the web's `GET /api/v1/trades`): each trade and its most pressing
    deadline."""
    return [
        {
            "id": r.id,
            "platform": r.platform,
            "title": r.title,
            "state": r.state,
            "next_deadline": r.next_deadline._asdict() if r.next_deadline else None,
        }
        for r in rows
    ]


def upcoming_json(agenda: Iterable[Dated], lang: str, book: RuleBook | None) -> list[dict]:
    """`upcoming --json` (and the web's `GET /api/v1/upcoming`): each open or overdue
    deadline of the `Agenda`, its effect in the reader's language."""
    return [
        {
            "trade": d.trade,
            "kind": d.kind,
            "due": d.due,
            "effect": effect_of(d.effect, lang, book),
            "overdue": d.overdue,
        }
        for d in agenda
    ]


def jsonable(value: Any, zone: Any) -> Any:
    """Data made ready for `json.dumps`: every instant in ISO 8601 in the reader's zone."""
    if isinstance(value, datetime):
        from journal.text.display import iso

        return iso(value, zone)
    if isinstance(value, dict):
        return {k: jsonable(v, zone) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, zone) for v in value]
    return value


def daemon_status_json(status: DaemonStatus) -> dict[str, Any]:
    """`journal daemon status --json`: `systemd` only where it was asked (Linux, a service
    file)."""
    data = {
        "journal": status.journal,
        "service": status.service,
        "program": status.program,
        "program_exists": status.program_exists,
        "inside_source_folder": status.inside_source_folder,
        "service_unreadable": status.service_unreadable,
        "running": status.running,
        "pid": status.pid,
    }
    return data | ({"systemd": status.systemd} if status.systemd is not None else {})


def preview_json(preview: Preview) -> dict[str, Any]:
    """`journal daemon --dry-run --json` (and `--once --as-of WHEN --json`)."""
    would_send = [
        {
            "trade": w.note.trade,
            "kind": w.note.kind,
            "due": w.note.due,
            "title": w.note.title,
            "message": w.note.message,
        }
        for w in preview.works
    ]
    return {
        "dry_run": True,
        "as_of": preview.as_of,
        "would_send": would_send,
        "delivered": preview.delivered,
        "summarized": preview.summarized,
    }
