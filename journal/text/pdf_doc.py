"""The PDF documents the journal writes for people to print and hand over (the evidence pack,
the 古物台帳, the correction history): A4, the same margins, the same font, the same tables.

fpdf2 lays them out (a small, well-kept pure-Python PDF library that embeds a TrueType font
as a subset with its Unicode map, so the Japanese text can be searched and extracted); the
font is the IPAex Gothic that matplotlib-fontja already ships for the charts, found in that
package's folder without importing it (no font is downloaded, none needed on the system).
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from journal.core.errors import BadInput

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "IPAexGothic"


def font_file() -> Path:
    """IPAex Gothic as matplotlib-fontja ships it (its folder, without importing it)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        found = sorted(Path(folder).glob("fonts/ipaexg*.ttf"))
        if found:
            return found[0]
    raise BadInput("evidence_no_font")


def document(landscape: bool = False) -> "FPDF":
    """A new A4 document with the font embedded and its first page open (landscape for a
    register whose columns do not fit across a portrait page)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(FONT, fname=str(font_file()))
    pdf.set_creator("trade-journal")
    pdf.add_page()
    return pdf


def title(pdf: "FPDF", text: str, size: float = 16) -> None:
    """The document's title, on a line of its own."""
    pdf.set_font(FONT, size=size)
    pdf.multi_cell(0, size * 0.56, text, new_x="LMARGIN", new_y="NEXT")


def para(pdf: "FPDF", text: str, size: float = 9, alarm: bool = False, line: float = 4.8) -> None:
    """A paragraph, wrapped at any character (Japanese has no spaces); `alarm` in red."""
    pdf.set_font(FONT, size=size)
    if alarm:
        pdf.set_text_color(190, 0, 0)
    pdf.multi_cell(0, line, text, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    pdf.set_text_color(0, 0, 0)


def grid(
    pdf: "FPDF",
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    size: float = 8,
    line_height: float = 4.2,
) -> None:
    """A table with a grey heading row, repeated on each page it runs onto."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, size=size)
    heading = FontFace(emphasis="", fill_color=(225, 225, 225))  # one font: no bold
    with pdf.table(
        col_widths=tuple(widths),
        wrapmode="CHAR",
        line_height=line_height,
        text_align="LEFT",
        headings_style=heading,
    ) as table:
        for row in [header, *rows]:
            cells = table.row()
            for text in row:
                cells.cell(text)
