"""`journal history --pdf FILE`: the correction history written as a printable PDF, in the
language the evidence pack speaks (Japanese unless the settings say English), through the
one writer of new files."""

from pathlib import Path
from typing import Any

from cli import _now


def write(
    target: Path,
    entries: list[dict[str, Any]],
    trade: str | None,
    period: tuple[str | None, str | None],
) -> None:
    """Render the entries and write them to `target`, a new file (refused as `evidence -o`
    refuses: an existing file, a link, a pipe or a device; nothing is written then)."""
    from journal.commands.evidence import _language
    from journal.files import write_new
    from journal.text.history_pdf import render

    write_new(target, render(entries, _language(), _now(), trade, period))
