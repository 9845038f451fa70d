"""`journal history --pdf FILE`: the correction history (訂正削除の履歴) printed on A4, as a
tax office may ask to see it: each correction's time, the event it voided and what that had
recorded, each field before and after, and the reason (the lines `history` prints). fpdf2
with the IPAex font, as the evidence pack (`journal.text.evidence_pdf`): searchable text."""

from collections.abc import Sequence
from typing import Any

from journal.text.records_text import history_blocks
from journal.text.screens import Screen


def history_pdf(entries: Sequence[dict[str, Any]], screen: Screen) -> bytes:
    from fpdf import FPDF

    from journal.text.evidence_pdf import FONT, font_file

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(FONT, fname=str(font_file()))
    pdf.set_creator("trade-journal")
    pdf.add_page()
    pdf.set_font(FONT, size=14)
    pdf.multi_cell(0, 8, screen.say("history_pdf_title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    blocks = history_blocks(entries, screen) or [[screen.say("history_none")]]
    for block in blocks:
        pdf.ln(2)
        for line in block:
            pdf.multi_cell(0, 4.8, line, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    return bytes(pdf.output())
