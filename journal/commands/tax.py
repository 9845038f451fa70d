"""`journal tax --year`: the year's figures for 確定申告. Parses and prints; the door's use
case (`journal.records.tax`) and the pure core (`journal.core.tax`) compute them."""

import click

from cli import _common, _emit, _journal, _now, _opts
from journal.text.helptext import Command


@click.command(cls=Command)
@click.option("--year", type=int, metavar="YYYY", help="This year (default: the current one).")
@_common
def tax(year: int | None) -> None:
    """The year's sales, fees, shipping, purchases (仕入), stock at both ends (棚卸),
    expenses and income, per month and per app, with notes (information, not advice).

    \b
    Example:
      journal tax --year 2026
    """
    from cli import _screen
    from journal.core.money import JST
    from journal.records import tax as figures
    from journal.text.tax_text import note_text, tax_screen

    chosen = year if year is not None else _now().astimezone(JST).year
    data = figures(_journal(must_exist=True), chosen)
    screen = _screen()
    if _opts().json:
        data["notes"] = [note | {"message": note_text(note, screen)} for note in data["notes"]]
        _emit(data)
        return
    _emit(data, tax_screen(data, screen))
