"""What `journal tax` prints: the year's figures (売上 … 所得), the months and the platforms
as tables, the stock at both ends of the year, and the notes, worded as information."""

from typing import Any

from journal.core.tax import AMOUNTS
from journal.text import table
from journal.text.labels import label
from journal.text.screens import Screen, yen


def note_text(note: dict[str, Any], screen: Screen) -> str:
    """A note's words; its figures in yen."""
    params = {k: yen(v) if isinstance(v, int) else v for k, v in note.items() if k != "code"}
    return screen.say(note["code"], **params)


def _table(groups: list[dict[str, Any]], first: str, screen: Screen, platforms: bool) -> str:
    rows = []
    for group in groups:
        key = label("platform", group["key"], screen.lang) if platforms else group["key"]
        rows.append([key, *(yen(group[name]) for name in AMOUNTS)])
    widths = [max([table.width(r[i]) for r in rows] + [0]) for i in range(1, len(AMOUNTS) + 1)]
    rows = [[r[0], *(c.rjust(w) for c, w in zip(r[1:], widths, strict=True))] for r in rows]
    header = [screen.say(first)] + [screen.say(f"tax_col_{name}") for name in AMOUNTS]
    return table.render(header, rows, max_width=screen.width, shrink=0)


def tax_screen(data: dict[str, Any], screen: Screen) -> str:
    totals, stock = data["totals"], data["stock"]
    figures = [
        ("tax_sales", totals["sales"]),
        ("tax_fees", totals["fees"]),
        ("tax_shipping", totals["shipping"]),
        ("tax_stock_start", stock["start"]["value"]),
        ("tax_purchases", totals["purchases"]),
        ("tax_stock_end", stock["end"]["value"]),
        ("tax_cost_of_sales", data["cost_of_sales"]),
        ("tax_expenses", totals["expenses"]),
        ("tax_income", data["income"]),
    ]
    names = [screen.say(key) for key, _ in figures]
    width = max(table.width(n) for n in names)
    amounts = [yen(value) for _, value in figures]
    right = max(len(a) for a in amounts)
    lines = [screen.say("tax_title", year=data["year"]), ""]
    pairs = zip(names, amounts, strict=True)
    lines += [f"{table.pad(n, width)}  {a.rjust(right)}" for n, a in pairs]
    if data["months"]:
        lines += ["", _table(data["months"], "money_col_key", screen, platforms=False)]
        lines += ["", _table(data["platforms"], "money_col_platform", screen, platforms=True)]
    lines.append("")
    for end in ("start", "end"):
        part = stock[end]
        lines.append(
            screen.say(f"tax_stock_{end}_line", count=part["count"], value=yen(part["value"]))
        )
    lines.append("")
    lines += [f"・{note_text(note, screen)}" for note in data["notes"]]
    return "\n".join(lines)
