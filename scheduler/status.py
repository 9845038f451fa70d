"""`journal daemon status`, as a typed answer (`journal.results.DaemonStatus`): what the
service file says, whether its program is there, what systemd says of it, and whether a
daemon runs on this journal; and a daemon's preview (`Preview`: `--dry-run`, `--once --as-of`).
The edge renders them (`journal/text/views.py` for JSON, `journal/text/status_text.py` for
people)."""

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from journal.core.datatypes import record
from journal.results import DaemonStatus

if TYPE_CHECKING:
    from scheduler.work import Work


def daemon_status(db: Path | str) -> DaemonStatus:
    """The status of the daemon for the journal at `db`, as found now."""
    from journal.locations import shown_location
    from scheduler import install as service

    path = service.service_file()
    program, problem = service.read_service(path)
    pid = service.running_daemon(db)
    source = service.source_checkout(Path(program)) if program else None
    installed = path.is_file()
    systemd = None
    if installed and sys.platform.startswith("linux"):
        from scheduler.service_state import unit_state

        systemd = unit_state(path)
    return DaemonStatus(
        journal=shown_location(db),
        service=str(path) if installed else None,
        program=program,
        program_exists=bool(program and service.program_exists(program)),
        inside_source_folder=str(source) if source else None,
        service_unreadable=problem,
        running=pid is not None,
        pid=pid or None,
        systemd=systemd,
        service_path=str(path),
    )


@record(frozen=True)
class Preview:
    """`journal daemon --dry-run` / `--once --as-of WHEN`: what a delivery pass would send
    at `as_of`, sending and recording nothing. `works` in the order they would go;
    `delivered` of them on their own, `summarized` reminders folded into summaries."""

    as_of: datetime
    works: tuple["Work", ...]
    delivered: int
    summarized: int


def preview_of(works: list["Work"], as_of: datetime) -> Preview:
    """The Preview of the works a pass would send (`Reminders.preview`)."""
    delivered = sum(1 for w in works if not w.summary)
    summarized = sum(len(w.items) for w in works if w.summary)
    return Preview(as_of, tuple(works), delivered, summarized)
