"""`journal search` and `journal history`: the records a tax office may ask to search, view,
print or download (検索要件, 訂正削除の履歴). They parse and print; the door's use cases
(`journal.records`) find the rows."""

import sys

import click

from cli import PLATFORM_CHOICES, _Choice, _common, _complete_ids, _emit, _journal, _opts
from journal.commands import everyday
from journal.text.helptext import Command


@click.command(cls=Command)
@click.option("--from", "first", metavar="WHEN", help="From this day or time (as for --at).")
@click.option("--to", "last", metavar="WHEN", help="To this day (included) or minute.")
@click.option("--min", "low", metavar="YEN", help="At least this amount.")
@click.option("--max", "high", metavar="YEN", help="At most this amount.")
@click.option("--party", metavar="NAME", help="A part of the other party's name (the buyer).")
@click.option("--platform", type=_Choice(PLATFORM_CHOICES), help="Only this app's trades.")
@click.option("--log", "over_log", is_flag=True, help="Search the log's events, not trades.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV in a fixed column order (for a download).")
@click.option("--output", "-o", metavar="FILE", help="With --csv: a new file (default: stdout).")
@_common
def search(first, last, low, high, party, platform, over_log, as_csv, output) -> None:
    """Trades (or, with --log, events) by date, amount and other party; every condition
    given must hold. A trade's date is when it sold or was bought; its amount its price.

    \b
    Example:
      journal search --from 2026-01-01 --to 2026-03-31 --min 1000 --max 5000
      journal search --party さくら --csv -o sakura.csv
    """
    from journal.records import search as find
    from journal.text.messages import render
    from journal.text.records_text import csv_header, search_csv

    if (as_csv or output) and _opts().json:
        raise click.UsageError(render("search_one_format"))
    if output is not None and not as_csv:
        raise click.UsageError(render("search_output_needs_csv"))
    wanted = everyday.criteria(_opts(), first, last, low, high, party, platform)
    target = None
    if output is not None:
        from journal.paths import output_target

        target = output_target(output)
    if not as_csv:
        everyday.search(_opts(), wanted, over_log)
        return
    rows = find(_journal(must_exist=True), wanted, log=over_log)
    text = search_csv(rows, over_log, csv_header(over_log, render), _opts().zone())
    _write(text, target)


def _write(text: str, target) -> None:
    from journal.files import write_new

    if target is not None:
        write_new(target, text.encode("utf-8"))
        return
    raw = getattr(sys.stdout, "buffer", None)
    if raw is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    raw.write(text.encode("utf-8"))
    raw.flush()


@click.command(cls=Command)
@click.argument("trade_id", metavar="[ID]", required=False, shell_complete=_complete_ids)
@click.option("--from", "first", metavar="WHEN", help="Corrections made from this day or time.")
@click.option("--to", "last", metavar="WHEN", help="Corrections made to this day (included).")
@click.option("--pdf", "pdf", metavar="FILE", help="Also write them as a PDF (A4), a new file.")
@_common
def history(trade_id: str | None, first: str | None, last: str | None, pdf: str | None) -> None:
    """Every correction and deletion (void, undo): when, the event voided, the values before
    and after, and the reason. The voided events stay in the log.

    \b
    Example:
      journal history T1
      journal history --from 2026-01-01 --to 2026-12-31 --pdf corrections-2026.pdf
    """
    from cli import _screen
    from journal.records import history as corrections
    from journal.text.records_text import history_screen

    wanted = everyday.criteria(_opts(), first, last)
    target = None
    if pdf is not None:
        from journal.paths import output_file

        target = output_file(pdf)
    journal = _journal(must_exist=True)
    trade = None if trade_id is None else journal.resolve_id(trade_id)
    entries = corrections(journal, trade, wanted)
    if target is not None:
        from journal.commands.history_pdf import write

        write(target, entries, trade, (first, last))
    _emit(entries, None if _opts().json else history_screen(entries, _screen()))
