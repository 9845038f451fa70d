"""`journal history --pdf FILE`: the correction history (訂正削除の履歴) as a PDF to print on A4
and hand to a tax office: for every correction and deletion, when it was made, the trade, the
record it voided and what that record had said, each field before and after, and the reason.
Times in JST; laid out as the journal's other printable documents (`journal.text.pdf_doc`).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from journal.core.personal import is_forgotten
from journal.text import pdf_doc
from journal.text.display import when
from journal.text.event_text import event_text
from journal.text.i18n import Locale
from journal.text.labels import label
from journal.text.messages import render_for
from journal.text.screens import yen

JST = ZoneInfo("Asia/Tokyo")
_MONEY = {"price", "shipping", "cost", "extra_cost", "transfer_fee", "amount", "fee"}
_COLUMNS = ("at", "trade", "voided", "before", "after", "reason")
_WIDTHS = (25, 17, 44, 34, 34, 26)  # mm, 180 in all: A4 portrait inside its margins


def render(
    entries: Sequence[dict[str, Any]],
    lang: str,
    made_at: datetime,
    trade: str | None = None,
    period: tuple[str | None, str | None] = (None, None),
) -> bytes:
    """The history's PDF bytes in `lang` ("ja" or "en"): `trade` and `period` (as typed) say
    what was asked for, so the printout says what it covers."""
    loc = Locale(lang, JST)

    def say(key: str, **params: Any) -> str:
        return render_for(loc, key, **params)

    pdf = pdf_doc.document()
    pdf_doc.title(pdf, say("hist_pdf_title"))
    scope = say("hist_pdf_trade", trade=trade) if trade else say("hist_pdf_all")
    first, last = period
    if first or last:
        scope += "  " + say("hist_pdf_period", first=first or "…", last=last or "…")
    pdf_doc.para(pdf, scope, size=11)
    pdf_doc.para(pdf, say("hist_pdf_made_at", at=when(made_at, loc), count=len(entries)))
    pdf.ln(2)
    if not entries:
        pdf_doc.para(pdf, say("history_none"))
    else:
        header = [say(f"hist_pdf_col_{name}") for name in _COLUMNS]
        rows = [_row(entry, loc, say) for entry in entries]
        pdf_doc.grid(pdf, header, rows, _WIDTHS, size=8)
    pdf.ln(3)
    pdf_doc.para(pdf, say("hist_pdf_note"), size=8)
    return bytes(pdf.output())


def _row(entry: dict[str, Any], loc: Locale, say) -> list[str]:
    voided = entry["voided"]
    step = label("step", voided["type"], loc.language) if voided["type"] else "?"
    what = f"#{voided['seq']} {step}"
    if voided["payload"]:
        payload = {
            k: say("forgotten") if is_forgotten(v) else v for k, v in voided["payload"].items()
        }
        what += "\n" + event_text(payload, loc)
    before = [_field(name, value, loc, say) for name, value in entry["before"].items()]
    after = [_field(name, entry["after"].get(name), loc, say) for name in entry["before"]]
    return [
        "\n".join(when(entry["recorded_at"] or entry["at"], loc).rsplit(" ", 1)),  # day, time
        f"{entry['id']}\n#{entry['seq']}",
        what,
        "\n".join(before) or "-",
        "\n".join(after) or "-",
        entry["reason"] or "-",
    ]


def _field(name: str, value: Any, loc: Locale, say) -> str:
    """`価格: ¥280`: the field's name from the catalog, its value as a person reads it."""
    key = f"history_field_{name}"
    shown = say(key)
    return f"{name if shown == key else shown}: {_value(name, value, loc, say)}"


def _value(name: str, value: Any, loc: Locale, say) -> str:
    if value is None or value == "":
        return "-"
    if is_forgotten(value):  # a personal field whose key was destroyed
        return say("forgotten")
    if isinstance(value, datetime):
        return when(value, loc)
    if isinstance(value, bool):
        return say("hist_pdf_yes" if value else "hist_pdf_no")
    if name in _MONEY and isinstance(value, int):
        return yen(value)
    if name == "state":
        return label("state", str(value), loc.language)
    if isinstance(value, dict):
        return event_text(value, loc)
    return str(value)
