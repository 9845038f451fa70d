"""`journal daemon status` for people: a line each for the journal, the service file and
what it runs, a missing program or one inside a source folder, systemd's view and whether a
daemon runs; rendered from `journal.results.DaemonStatus` in the reader's language. And a
daemon's preview (`scheduler.status.Preview`): each reminder it would send, then a count."""

from typing import TYPE_CHECKING

from journal.text.i18n import Locale
from journal.text.messages import render_for

if TYPE_CHECKING:
    from journal.results import DaemonStatus
    from scheduler.status import Preview


def daemon_status_lines(status: "DaemonStatus", loc: Locale) -> str:
    def say(key: str, **params: object) -> str:
        return render_for(loc, key, **params)

    path, program = status.service_path, status.program
    lines = [say("status_journal", path=status.journal)]
    if status.service_unreadable:
        lines.append(say(f"status_unit_{status.service_unreadable}", path=path))
    else:
        lines.append(
            say("status_service", path=path, program=program)
            if program
            else say("status_no_service")
        )
    if program and not status.program_exists:
        lines.append(say("status_program_missing", program=program))
    if status.inside_source_folder:
        lines.append(say("daemon_in_source", folder=status.inside_source_folder))
    if status.systemd is not None:
        lines.append(_systemd_line(status.systemd, say))
    running = say("status_running", pid=status.pid) if status.running else say("status_stopped")
    return "\n".join([*lines, running])


def _systemd_line(state: dict, say) -> str:
    """Whether systemd has the unit enabled and running, in words."""
    words = {w: say(f"unit_word_{w}") for w in ("enabled", "disabled", "active", "inactive")}
    words["failed"] = say("unit_word_failed")
    enabled = words.get(state["enabled"], state["enabled"])
    if not state["manager"]:
        return say("status_systemd_unreachable", enabled=enabled)
    return say(
        "status_systemd", enabled=enabled, active=words.get(state["active"], state["active"])
    )


def preview_lines(preview: "Preview", loc: Locale) -> tuple[list[str], str]:
    """The lines for standard output (each reminder as the console notifier says it) and
    the count for standard error."""
    lines = [
        render_for(loc, "would_send", line=f"{w.note.title}: {w.note.message}")
        for w in preview.works
    ]
    counts = {"delivered": preview.delivered, "summarized": preview.summarized}
    return lines, render_for(loc, "daemon_dry_run", moment=preview.as_of, **counts)
