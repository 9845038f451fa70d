"""`journal attach T1 FILE…`: keep screenshots, PDFs or a platform's CSV as evidence of a
trade (`journal verify` checks them: `journal.commands.verify_files`)."""

import click

from cli import _common, _complete_ids, _emit, _journal, _now
from journal.text.helptext import Command


@click.command(cls=Command)
@click.argument("trade_id", metavar="ID", shell_complete=_complete_ids)
@click.argument("files", metavar="FILE…", nargs=-1, required=True, type=click.Path())
@_common
def attach(trade_id: str, files: tuple[str, ...]) -> None:
    """Attach files to a trade as evidence (screenshots, PDFs, the app's CSV): each is kept
    by its SHA-256 beside the journal and the hash is recorded in the log.

    \b
    Example:
      journal attach T1 取引画面.png 発送伝票.pdf
    """
    from journal.core.validate import file_path
    from journal.evidence import attach as keep
    from journal.paths import user_path
    from journal.text.messages import render

    journal = _journal(must_exist=True)
    sources = [user_path(file_path(name)) for name in files]
    done = keep(journal, journal.resolve_id(trade_id), sources, _now())
    lines = [render("attached_file", **item, short=item["sha256"][:12]) for item in done]
    _emit({"attached": done}, "\n".join(lines))
