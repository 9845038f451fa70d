"""Running the daemon: once (cron), or in the foreground until a signal (a service).

The command line parses its options and prints what happened; what a run does lives here.
"""

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from journal.text.i18n import Locale
from scheduler.notify import Notifier
from scheduler.reminders import Reminders
from scheduler.work import Outcome

Keeper = Callable[[Reminders], None]


def log_to_stderr(reader: Locale, verbose: bool) -> None:
    """The daemon's log on stderr, in the reader's language and timezone
    (journal/text/logtext.py)."""
    from journal.text.logtext import TranslatingFormatter

    handler = logging.StreamHandler(sys.stderr)
    line = "%(asctime)s journal daemon: %(message)s"
    handler.setFormatter(TranslatingFormatter(reader.language, line, reader.zone))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # a journal upgraded on opening (Alembic) is no news for the reader of the daemon's log
    logging.getLogger("alembic").setLevel(logging.WARNING)


def calendar_keeper(section: dict[str, Any]) -> Keeper | None:
    """`[calendar] path = "…"`: rewrite that iCalendar file whenever the plan changes
    (atomically, and only when its content changed)."""
    if not section.get("path"):
        return None
    from journal.core import clock
    from journal.core.timeparse import parse_duration
    from journal.files import replace_file
    from journal.paths import output_file
    from journal.settings import reader
    from journal.text import ical

    target = output_file(section["path"])
    within = parse_duration(section["within"]) if section.get("within") else None

    def keep(reminders: Reminders) -> None:
        now = clock.now()
        entries, journal_id = reminders.journal.calendar_entries(now, within)
        alarms = reminders.warnings.for_kind
        text = ical.calendar_text(
            entries, now, reader().language, alarms, journal_id, within, reminders.journal.book
        )
        replace_file(target, text.encode("utf-8"))

    return keep


def once(reminders: Reminders, notifier: Notifier, now: datetime, keep: Keeper | None) -> Outcome:
    """Deliver what is due at `now` (looking back without limit), keep the files, return."""
    from scheduler.delivery import WORKERS
    from scheduler.retention import forget_due

    reminders.fresh()
    outcome = reminders.deliver_due(notifier, now, parallel=WORKERS, full=True)
    forget_due(reminders.journal, now)  # the retention rule: personal data of trades long finished
    if keep is not None:
        keep(reminders)
    return outcome


def serve(
    path: Path | str,
    reminders: Reminders,
    reopen: Callable[[], Reminders],
    notifier: Notifier,
    keep: Keeper | None,
) -> None:
    """Run in the foreground until SIGTERM or SIGINT, then stop cleanly; on a server, as a
    leader or a standby (scheduler/leader.py). `reopen` opens the journal's reminders afresh
    (the composition root's `App.reminders`) when the journal must be reopened."""
    from scheduler.leader import daemon_for

    running = daemon_for(path, reminders, notifier, reopen=reopen, after_change=keep)
    stop = threading.Event()

    def request_stop(_signum: int, _frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    running.run(stop)
