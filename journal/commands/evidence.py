"""`journal evidence T1 -o T1.pdf`: one trade's evidence pack for a dispute (a PDF)."""

import click

from cli import _app, _common, _complete_ids, _emit, _journal, _now
from journal.text.helptext import Command


@click.command(cls=Command)
@click.argument("trade_id", metavar="ID", shell_complete=_complete_ids)
@click.option("--output", "-o", metavar="FILE", required=True, help="A new PDF file.")
@click.option("--lang", type=click.Choice(("ja", "en")), help="The pack's language (default: ja).")
@_common
def evidence(trade_id: str, output: str, lang: str | None) -> None:
    """One trade's evidence pack as a PDF for A4: its timeline in JST, deadlines and whether
    each was met, money, attachments (images shown) with their hashes, every event's hash,
    the chain head and how to check it with `journal verify --head`.

    \b
    Example:
      journal evidence T1 -o T1.pdf
    """
    from journal.evidence import pack
    from journal.files import write_new
    from journal.paths import output_file
    from journal.text.evidence_pdf import render
    from journal.text.messages import render as say

    target = output_file(output)
    journal = _journal(must_exist=True)
    data = pack(journal, journal.resolve_id(trade_id), _now())
    pdf = render(data, lang or _language())
    write_new(target, pdf)
    chain = data["chain"]
    _emit(
        {"path": str(target), "trade": data["trade"].id, **chain},
        say("evidence_written", path=target, trade=data["trade"].id, head=chain["head"]),
    )


def _language() -> str:
    """Japanese, unless the settings say English (JOURNAL_LANG or `language` in the config):
    the pack is for a platform's support desk or a Japanese office, whatever the locale."""
    import os

    chosen = os.environ.get("JOURNAL_LANG") or _app().config.language or "ja"
    return "en" if chosen.lower().startswith("en") else "ja"
