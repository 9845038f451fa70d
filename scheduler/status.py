"""`journal daemon status`, as a typed answer (`journal.results.DaemonStatus`): what the
service file says, whether its program is there, what systemd says of it, and whether a
daemon runs on this journal. The edge renders it (`journal/text/views.py` for JSON,
`journal/text/status_text.py` for people)."""

import sys
from pathlib import Path

from journal.results import DaemonStatus


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
