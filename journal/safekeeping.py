"""Keeping a journal safe, the use cases beside `Journal`'s: `verify`, `backup`, `export`,
`import` and `copy --to`. Each takes the journal (the door) and drives storage's machinery:
the chain check and the read-model comparison (`journal.storage.integrity`), the stored rows,
the online backup and the batched insert (`journal.storage.portable`).

`copy --to` sends one journal's whole log into another, empty one (a file or a PostgreSQL
database), chain and hashes intact. The log goes through the export format (written to a
private temporary file, then imported in one transaction), so a copy is checked exactly as an
import is: every hash re-computed, the chain re-linked, the read models rebuilt, all or
nothing. The sent-reminder records go with it (see `journal.storage.sent_export`): a daemon
on the copy does not remind again of what was delivered.
"""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from journal import evidence
from journal.core.errors import BadInput, JournalError
from journal.core.urls import is_url, mask
from journal.service import Journal
from journal.storage import portable
from journal.storage.attachments import beside
from journal.storage.integrity import Ahead, Damage, Report, check_log, check_read_models
from journal.storage.projections import stale
from journal.storage.queries import projection_state, seq_of_hash


def verify(journal: Journal, log_only: bool = False, kept_head: str | None = None) -> Report:
    """Check the log, then (if it is sound) the read models against a fresh fold.

    A read model that merely lags the log (a crash between commit and projection) is caught
    up first, as every command does, and one built with another rule book (the config
    changed) is rebuilt first; anything else that differs is reported, not repaired.
    `kept_head` is a head hash noted earlier: a sound chain that does not contain it was
    rebuilt from scratch, so it is reported as damage too.
    """
    for attempt in range(3):
        # Everything compared is read in ONE read transaction, a single snapshot, so events
        # appended by others meanwhile can never look like damage (a helper process that
        # compares part of a large journal checks it sees the same log).
        with journal.store.read() as conn:
            ahead = None if log_only else Ahead.start(conn, journal.store, journal.book)
            try:
                report, final = _verified(journal, conn, log_only, kept_head, attempt == 2, ahead)
            finally:
                if ahead is not None:
                    ahead.close()
        if final:
            return report
        try:
            journal.catch_up()  # lagging or built with another book: caught up, then rechecked
        except JournalError as exc:
            return Report(report.events, report.head, Damage(0, "replay", str(exc)))
    raise AssertionError("unreachable")


def _verified(
    journal: Journal,
    conn: Any,
    log_only: bool,
    kept_head: str | None,
    last_attempt: bool,
    ahead: Ahead | None,
) -> tuple[Report, bool]:
    """One attempt of `verify` in one snapshot: the report, and whether it is final (not if
    the read models must be caught up first)."""
    report = check_log(conn)
    if report.ok and kept_head is not None:
        found = seq_of_hash(conn, kept_head.strip().lower())
        if found is None:
            report = Report(report.events, report.head, Damage(0, "kept_head", kept_head))
    if not report.ok or log_only:
        return report, True
    state = projection_state(conn)
    stored = state.get("checkpoint")
    lagging = isinstance(stored, int) and stored < report.events
    lagging = lagging or stale(state, journal.book) is not None
    if lagging and not last_attempt:
        return report, False
    try:
        damage = check_read_models(conn, journal.book, report.events, ahead)
    except JournalError as exc:
        damage = Damage(0, "replay", str(exc))
    return Report(report.events, report.head, damage), True


def backup(journal: Journal, target: Path) -> tuple[int, str]:
    """A consistent, self-contained, owner-only copy, checked after; (events, head). The
    attachments go into the folder beside it (`backup.sqlite.attachments/`)."""
    done = portable.backup(journal.store, target)
    evidence.carry_to(journal, beside(target))
    return done


def export_to(journal: Journal, target: Path | None, write: Callable[[str], Any]) -> int:
    """The export (JSON lines) to a new owner-only file, or through `write`; returns events.
    A file's attachments go into the folder beside it (standard output carries none)."""
    count = portable.export_to(journal.store, target, write)
    if target is not None:
        evidence.carry_to(journal, beside(target))
    return count


def import_file(
    journal: Journal, source: Path, progress: Callable[[int], None] | None = None
) -> tuple[int, str, int]:
    """Restore an export into this (empty) journal, all or nothing; (events, head hash,
    records of sent reminders). `progress(n)` is told of every n more bytes done. The
    attachments come from the folder beside the file, each checked against its hash."""
    done = portable.import_file(journal.store, journal.book, source, progress)
    evidence.carry_from(journal, source)
    return done


def source_size(source: Path) -> int:
    """The size of a file to import (0 when it cannot be read: the import says why)."""
    try:
        return source.stat().st_size
    except OSError:
        return 0


def shown(target: Path | str) -> str:
    """How a copy's target appears in messages and JSON: never with its password."""
    return mask(target) if isinstance(target, str) else str(target)


def copy_journal(source: Journal, target: Path | str) -> tuple[int, str, int]:
    """Copy every event and sent-reminder record of `source` into the empty journal at
    `target`; (events, head, records)."""
    with tempfile.TemporaryDirectory(prefix="journal-copy-") as folder, _named(source):
        staged = Path(folder) / "events.jsonl"
        portable.export_to(source.store, staged, None)
        if is_url(target) or Path(target).exists():
            into = Journal(target, source.book, money=source.money_settings())
            if is_url(target):  # a server's attachments go where the config says
                evidence.keep_in(into, evidence.configured(source))
            try:
                with into.store.read() as conn:
                    if into.store.last_seq(conn):
                        raise BadInput("copy_not_empty", path=shown(target))
                return _copied(source, into, staged)
            finally:
                into.close()
        with Journal.new(Path(target), source.book, source.money_settings()) as into:
            return _copied(source, into, staged)


def _copied(source: Journal, into: Journal, staged: Path) -> tuple[int, str, int]:
    """The staged log imported into `into`, then the attachments copied from `source`'s
    folder into `into`'s (refused first, nothing written, if `into` has none)."""
    if evidence.recorded(source) and evidence.folder(into) is None:
        raise BadInput("attachments_no_folder")
    done = portable.import_file(into.store, into.book, staged)
    evidence.carry_to(source, evidence.folder(into))
    return done


@contextmanager
def _named(source: Journal) -> Iterator[None]:
    """An event the import refuses is named in the source journal, not in the temporary
    file it went through (an event another client wrote on a shared server, say)."""
    try:
        yield
    except BadInput as exc:
        if exc.key != "import_damaged":
            raise
        raise BadInput("copy_damaged", path=shown(source.location), why=exc.params["why"]) from None
