"""What `journal kobutsu` prints: the 古物台帳 (古物営業法16条) of a year's purchases, as a
table for people or as CSV in a fixed column order (UTF-8 with a byte-order mark, formulas
made inert), ready to print at once when asked."""

import io
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from journal.core.personal import is_forgotten
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


def say_shown(value: Any, say: Callable[..., str]) -> Any:
    """A forgotten 相手方 field (journal/core/personal.py) as the reader's 「削除済み」."""
    return say("forgotten") if is_forgotten(value) else value


def header(say: Callable[..., str]) -> list[str]:
    return [say(f"kobutsu_col_{name}") for name in COLUMNS]


def kobutsu_csv(rows: Sequence[dict[str, Any]], say: Callable[..., str], zone: tzinfo) -> str:
    out = io.StringIO()
    out.write(BOM)
    out.write(",".join(map(cell, header(say))) + "\r\n")
    for row in rows:
        cells = [row["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")]
        cells += ["" if row[name] is None else say_shown(row[name], say) for name in COLUMNS[1:]]
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
            shown = "-" if value is None else str(screen.shown(value))
            if name == "price":
                shown = yen(value)
            elif name == "state" and value:
                shown = label("state", value, screen.lang)
            cells.append(table.clean(shown))
        body.append(cells)
    return table.render(header(screen.say), body, max_width=screen.width, shrink=4)


# The columns' widths on A4 landscape (mm, 267 in all), in the order of COLUMNS.
_PDF_WIDTHS = (24, 12, 30, 12, 34, 18, 24, 40, 18, 10, 24, 21)


def kobutsu_pdf(rows: Sequence[dict[str, Any]], year: int, say: Callable[..., str], zone) -> bytes:
    """The register as a PDF to print on A4 (landscape), laid out as the journal's other
    printable documents (`journal.text.pdf_doc`: searchable, extractable Japanese text)."""
    from journal.text import pdf_doc

    pdf = pdf_doc.document(landscape=True)
    pdf_doc.title(pdf, say("kobutsu_pdf_title", year=year), size=14)
    if not rows:
        pdf_doc.para(pdf, say("kobutsu_none", year=year), size=7, line=5)
        return bytes(pdf.output())
    body = [_pdf_cells(row, zone, say) for row in rows]
    pdf_doc.grid(pdf, header(say), body, _PDF_WIDTHS, size=7, line_height=3.8)
    return bytes(pdf.output())


def _pdf_cells(row: dict[str, Any], zone, say: Callable[..., str]) -> list[str]:
    cells = [row["at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")]
    for name in COLUMNS[1:]:
        value = say_shown(row[name], say)
        cells.append("-" if value is None else (yen(value) if name == "price" else str(value)))
    return cells
