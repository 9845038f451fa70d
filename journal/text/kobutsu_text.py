"""What `journal kobutsu` prints: the 古物台帳 (古物営業法16条) of a year's purchases, as a
table for people or as CSV in a fixed column order (UTF-8 with a byte-order mark, formulas
made inert), ready to print at once when asked."""

import io
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from journal.text import table
from journal.text.csv_export import BOM, cell
from journal.text.labels import label
from journal.text.screens import Screen, yen

COLUMNS = (
    "at",
    "id",
    "title",
    "quantity",
    "features",
    "price",
    "seller_name",
    "seller_address",
    "seller_job",
    "seller_age",
    "id_check",
    "state",
)


def header(say: Callable[..., str]) -> list[str]:
    return [say(f"kobutsu_col_{name}") for name in COLUMNS]


def kobutsu_csv(rows: Sequence[dict[str, Any]], say: Callable[..., str], zone: tzinfo) -> str:
    out = io.StringIO()
    out.write(BOM)
    out.write(",".join(map(cell, header(say))) + "\r\n")
    for row in rows:
        cells = [row["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")]
        cells += ["" if row[name] is None else row[name] for name in COLUMNS[1:]]
        out.write(",".join(map(cell, cells)) + "\r\n")
    return out.getvalue()


def kobutsu_screen(rows: Sequence[dict[str, Any]], year: int, screen: Screen) -> str:
    if not rows:
        return screen.say("kobutsu_none", year=year)
    body = []
    for row in rows:
        cells = [screen.when(row["at"])]
        for name in COLUMNS[1:]:
            value = row[name]
            shown = "-" if value is None else str(value)
            if name == "price":
                shown = yen(value)
            elif name == "state" and value:
                shown = label("state", value, screen.lang)
            cells.append(table.clean(shown))
        body.append(cells)
    return table.render(header(screen.say), body, max_width=screen.width, shrink=4)
