"""`journal copy --to`: one journal's whole log into another, empty one (a file or a
PostgreSQL database), chain and hashes intact.

The log goes through the export format (written to a private temporary file, then imported
in one transaction), so a copy is checked exactly as an import is: every hash re-computed,
the chain re-linked, the read models rebuilt, all or nothing. The sent-reminder records go
with it (see `journal.storage.sent_export`): a daemon on the copy does not remind again of
what was delivered.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from journal.core.errors import BadInput
from journal.storage.engines import is_url, mask
from journal.storage.portable import export_to, import_file

if TYPE_CHECKING:
    from journal.service import Journal


def shown(target: Path | str) -> str:
    """How a copy's target appears in messages and JSON: never with its password."""
    return mask(target) if isinstance(target, str) else str(target)


def copy_journal(source: "Journal", target: Path | str) -> tuple[int, str, int]:
    """Copy every event and sent-reminder record of `source` into the empty journal at
    `target`; (events, head, records)."""
    from journal.service import Journal

    with tempfile.TemporaryDirectory(prefix="journal-copy-") as folder, _named(source):
        staged = Path(folder) / "events.jsonl"
        export_to(source, staged, None)
        if is_url(target) or Path(target).exists():
            into = Journal(target)
            try:
                with into.store.read() as conn:
                    if into.store.last_seq(conn):
                        raise BadInput("copy_not_empty", path=shown(target))
                return import_file(into, staged)
            finally:
                into.close()
        with Journal.new(Path(target)) as into:
            return import_file(into, staged)


@contextmanager
def _named(source: "Journal") -> Iterator[None]:
    """An event the import refuses is named in the source journal, not in the temporary
    file it went through (an event another client wrote on a shared server, say)."""
    try:
        yield
    except BadInput as exc:
        if exc.key != "import_damaged":
            raise
        raise BadInput("copy_damaged", path=shown(source.location), why=exc.params["why"]) from None
