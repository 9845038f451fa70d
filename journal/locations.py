"""What the edge may learn about a journal without opening it (part of the door): its place
as a person may see it, and the trades Tab completion offers."""

from pathlib import Path


def shown_location(location: Path | str) -> str:
    """A journal's place as a person may see it: its file, or its server URL with the
    password masked (the journal need not exist)."""
    from journal.core.urls import mask

    return str(location) if isinstance(location, Path) else mask(location)


def trades_to_complete(location: Path | str) -> list[tuple[str, str, str]]:
    """(id, title, state) of each trade, for Tab completion: read-only and quick, nothing at all
    when the journal cannot be read."""
    from journal.storage.completion import trades

    return trades(location)
