"""Running the daemon: once (cron), or in the foreground until a signal (a service).

The command line parses its options and prints what happened; what a run does lives here.
"""

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from journal.service import Journal
from journal.text.i18n import Locale
from scheduler.note import Notifier
from scheduler.reminders import Reminders
from scheduler.work import Outcome

Keeper = Callable[[Reminders], None]
LINE = "%(asctime)s journal daemon: %(message)s"


class Setup(NamedTuple):
    """What a daemon takes from the settings, built by the composition root
    (`journal.app.App.daemon_setup`): at the start, and again when the config changes."""

    book: Any  # the rule book the journal works with
    money: Any  # the money settings
    reminders: Callable[[Journal], Reminders]  # the reminders of a journal: offsets, lateness
    journal: Callable[[], Journal]  # opens the journal (again: a file replaced under it)
    keep: Keeper | None  # `[calendar] path`: the file kept beside the journal
    loc: Locale  # the reader of the log and the notifications
    privacy: tuple[timedelta | None, bool]  # the retention rule
    location: Path | str  # where the journal is (a change needs a restart)
    notifier: dict[str, Any]  # `[notifier]` (a change needs a restart)


def log_to_stderr(reader: Locale, verbose: bool) -> None:
    """The daemon's log on stderr, in the reader's language and timezone
    (journal/text/logtext.py)."""
    from journal.text.logtext import TranslatingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TranslatingFormatter(reader.language, LINE, reader.zone))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # a journal upgraded on opening (Alembic) is no news for the reader of the daemon's log
    logging.getLogger("alembic").setLevel(logging.WARNING)


def calendar_keeper(section: dict[str, Any], reader: Locale) -> Keeper | None:
    """`[calendar] path = "…"`: rewrite that iCalendar file whenever the plan changes
    (atomically, and only when its content changed)."""
    if not section.get("path"):
        return None
    from journal.core import clock
    from journal.core.timeparse import parse_duration
    from journal.files import replace_file
    from journal.paths import output_file
    from journal.text import ical

    target = output_file(section["path"])
    within = parse_duration(section["within"]) if section.get("within") else None

    def keep(reminders: Reminders) -> None:
        now = clock.now()
        entries, journal_id = reminders.journal.calendar_entries(now, within)
        alarms = reminders.warnings.for_kind
        text = ical.calendar_text(
            entries, now, reader.language, alarms, journal_id, within, reminders.journal.book
        )
        replace_file(target, text.encode("utf-8"))

    return keep


def once(reminders: Reminders, notifier: Notifier, now: datetime, setup: Setup) -> Outcome:
    """Deliver what is due at `now` (looking back without limit), keep the files, return."""
    from scheduler.delivery import WORKERS
    from scheduler.retention import forget_due

    reminders.fresh()
    outcome = reminders.deliver_due(notifier, now, parallel=WORKERS, full=True)
    # the retention rule: personal data of trades long finished
    forget_due(reminders.journal, now, setup.privacy)
    if setup.keep is not None:
        setup.keep(reminders)
    return outcome


def serve(
    path: Path | str,
    reminders: Reminders,
    reopen: Callable[[], Reminders],
    notifier: Notifier,
    setup: Setup,
    settings: Any = None,
) -> None:
    """Run in the foreground until SIGTERM or SIGINT, then stop cleanly; on a server, as a
    leader or a standby (scheduler/leader.py). `reopen` opens the journal's reminders afresh
    (the composition root's `App.reminders`) when the journal must be reopened; `settings`
    (`journal.app.FollowedSettings`) tells when the config changed, or SIGHUP asked, and
    gives the new `Setup` (`Daemon.reconfigure`)."""
    from scheduler.leader import daemon_for

    running = daemon_for(path, reminders, notifier, reopen=reopen, setup=setup, settings=settings)
    stop = threading.Event()

    def request_stop(_signum: int, _frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    if settings is not None:
        signal.signal(signal.SIGHUP, lambda _signum, _frame: settings.ask())
    running.run(stop)
