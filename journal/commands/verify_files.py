"""The attachments part of `journal verify` (once the log and the read models are sound,
every attached file must still have its recorded hash) and of `journal export` to standard
output (which cannot carry them). Imported by `cli.py`, so it imports nothing of `cli`."""

from typing import Any

import click


def check_attachments(data: dict[str, Any], journal: Any) -> list[str]:
    """Adds `attachments` to verify's JSON (and `ok: false` if any file is missing or
    changed); returns one line per such file, naming it."""
    from journal.evidence import problems
    from journal.text.messages import render

    checked, found = problems(journal)
    data["attachments"] = {"checked": checked, "problems": found}
    if found:
        data["ok"] = False
    return [render(f"verify_attachment_{item['problem']}", **item) for item in found]


def note_left_behind(journal: Any) -> None:
    """One line on stderr when an export to standard output leaves attachments behind."""
    from journal.evidence import recorded
    from journal.text.messages import render

    count = len(recorded(journal))
    if count:
        click.echo(f"journal: {render('export_attachments_left', count=count)}", err=True)
