"""`journal kobutsu --year`: the 古物台帳 (古物営業法16条) of a year's purchases, on the screen,
as JSON or as CSV. Parses and prints; the door's use case (`journal.records.kobutsu`) reads."""

import click

from cli import _common, _emit, _journal, _now, _opts
from journal.text.helptext import Command


@click.command(cls=Command)
@click.option("--year", type=int, metavar="YYYY", help="This year (default: the current one).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV in a fixed column order.")
@click.option("--output", "-o", metavar="FILE", help="With --csv: a new file (default: stdout).")
@click.option(
    "--pdf", "pdf", metavar="FILE", help="Also write the register as a PDF (A4), a new file."
)
@_common
def kobutsu(year: int | None, as_csv: bool, output: str | None, pdf: str | None) -> None:
    """The 古物台帳 of the purchases (bought) of a year: 取引年月日, 品目, 数量, 特徴, 代価,
    the seller's name, address, occupation and age, and how identity was checked.

    \b
    Example:
      journal kobutsu --year 2026 --csv -o kobutsu-2026.csv
      journal kobutsu --year 2026 --pdf kobutsu-2026.pdf
    """
    from journal.core.money import JST
    from journal.records import kobutsu as register
    from journal.text.messages import render

    if as_csv and _opts().json:
        raise click.UsageError(render("search_one_format"))
    if output is not None and not as_csv:
        raise click.UsageError(render("search_output_needs_csv"))
    target = None
    if output is not None:
        from journal.paths import output_target

        target = output_target(output)
    chosen = year if year is not None else _now().astimezone(JST).year
    pdf_target = None
    if pdf is not None:
        from journal.paths import output_file

        pdf_target = output_file(pdf)
    rows = register(_journal(must_exist=True), chosen)
    if pdf_target is not None:
        from journal.files import write_new
        from journal.text.kobutsu_text import kobutsu_pdf

        write_new(pdf_target, kobutsu_pdf(rows, chosen, render, _opts().zone()))
    if as_csv:
        from journal.commands.records import _write
        from journal.text.kobutsu_text import kobutsu_csv

        _write(kobutsu_csv(rows, render, _opts().zone()), target)
        return
    from cli import _screen
    from journal.text.kobutsu_text import kobutsu_screen

    _emit(rows, None if _opts().json else kobutsu_screen(rows, chosen, _screen()))
