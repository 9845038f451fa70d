"""What the edge may learn about a journal without opening it (part of the door): its place
as a person may see it, and the trades Tab completion offers."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path


def shown_location(location: Path | str) -> str:
    """A journal's place as a person may see it: its file, or its server URL with the
    password masked (the journal need not exist)."""
    from journal.core.urls import mask

    return mask(location) if isinstance(location, str) else str(location)


def trades_to_complete(location: Path | str) -> list[tuple[str, str, str]]:
    """(id, title, state) of each trade, for Tab completion: read-only and quick, nothing at all
    when the journal cannot be read. A server (its URL, as text) offers none."""
    return [] if isinstance(location, str) else trades_in_file(os.fspath(location))


def trades_in_file(file: str | None) -> list[tuple[str, str, str]]:
    """`trades_to_complete` of a journal file named as text (None: a server, nothing)."""
    from journal.storage.completion import trades

    return trades(file) if file is not None else []
