"""What `journal search` and `journal history` print: a table for people, or the CSV a
tax office may ask to download (ダウンロードの求め): a fixed column order, UTF-8 with a
byte-order mark and formulas made inert, like `export --format csv`."""

from __future__ import annotations

import io
from collections.abc import Sequence

from journal.text import table
from journal.text.labels import label
from journal.text.screens import Screen, yen

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# The CSV's columns, in this order (documented in the README): the trades, or the log.
TRADE_COLUMNS = ("id", "traded_at", "platform", "role", "party", "title", "price", "state")
LOG_COLUMNS = ("id", "seq", "at", "type", "platform", "amount", "party", "voided")
_HEADS = {"price": "amount"}  # a trade's amount: a sale's price or a purchase's, not 販売価格


def search_csv(rows: Sequence[dict[str, Any]], log: bool, header: Sequence[str], zone) -> str:
    from journal.text.csv_export import BOM, cell  # the export's cells (and its imports) wait

    out = io.StringIO()
    out.write(BOM)
    columns = LOG_COLUMNS if log else TRADE_COLUMNS
    out.write(",".join(map(cell, header)) + "\r\n")
    for row in rows:
        cells = []
        for name in columns:
            value = row.get(name)
            if name in ("traded_at", "at"):
                value = value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            elif name == "voided":
                value = 1 if value else 0
            cells.append("" if value is None else value)
        out.write(",".join(map(cell, cells)) + "\r\n")
    return out.getvalue()


def csv_header(log: bool, say) -> list[str]:
    """The header in the reader's language: `say(key)` renders `csv_NAME`."""
    return [say(f"csv_{_HEADS.get(n, n)}") for n in (LOG_COLUMNS if log else TRADE_COLUMNS)]


def search_screen(rows: Sequence[dict[str, Any]], log: bool, screen: Screen) -> str:
    if not rows:
        return screen.say("search_none")
    lang = screen.lang
    if log:
        names = LOG_COLUMNS[:-1]  # a voided event is marked beside its step
        body = [
            [
                r["id"],
                str(r["seq"]),
                screen.when(r["at"]),
                label("step", r["type"], lang)
                + (f" ({screen.say('search_voided')})" if r.get("voided") else ""),
                label("platform", r["platform"], lang) if r["platform"] else "-",
                yen(r["amount"]),
                table.clean(screen.shown(r["party"] or "-")),
            ]
            for r in rows
        ]
        shrink = len(names) - 1
    else:
        names = TRADE_COLUMNS
        body = [
            [
                r["id"],
                screen.when(r["traded_at"]),
                label("platform", r["platform"], lang),
                screen.say(f"role_{r['role']}"),
                table.clean(screen.shown(r["party"] or "-")),
                table.clean(r["title"]),
                yen(r["price"]),
                label("state", r["state"], lang),
            ]
            for r in rows
        ]
        shrink = names.index("title")
    header = csv_header(log, screen.say)[: len(names)]
    return table.render(header, body, max_width=screen.width, shrink=shrink)


def _value(value: Any, screen: Screen) -> str:
    if value is None:
        return "-"
    if hasattr(value, "astimezone"):
        return screen.when(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v, screen)}" for k, v in value.items())
    return table.clean(str(screen.shown(value)))


def history_screen(entries: Sequence[dict[str, Any]], screen: Screen) -> str:
    """One block per correction: when, which event, each changed field before → after, why."""
    if not entries:
        return screen.say("history_none")
    return "\n".join(line for block in history_blocks(entries, screen) for line in block)


def history_blocks(entries: Sequence[dict[str, Any]], screen: Screen) -> list[list[str]]:
    """The lines of each correction (the screen and the PDF print the same)."""
    blocks = []
    for e in entries:
        voided = e["voided"]
        step = label("step", voided["type"], screen.lang) if voided["type"] else "?"
        lines = [
            screen.say(
                "history_entry",
                trade=e["id"],
                seq=e["seq"],
                when=screen.when(e["recorded_at"] or e["at"]),
                voided=voided["seq"],
                step=step,
                reason=table.clean(e["reason"] or "-"),
            )
        ]
        if voided["payload"]:
            what = _value(voided["payload"], screen)
            lines.append("  " + screen.say("history_recorded", what=what))
        for name, was in e["before"].items():
            now = e["after"][name]
            field = screen.say(f"history_field_{name}")
            lines.append(f"  {field}: {_value(was, screen)} → {_value(now, screen)}")
        blocks.append(lines)
    return blocks
