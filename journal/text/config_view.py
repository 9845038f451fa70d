"""`journal config`: where each file is and the settings in effect, rendered as the edge
(`cli.py`) hands them over, read the way every command reads them (so what it shows is
what the journal does)."""

from datetime import timedelta
from typing import Any


def duration_text(span: timedelta) -> str:
    """`24h`, `3h`, `90m`, `7d`: the form the config file takes."""
    minutes = int(span.total_seconds() // 60)
    if minutes and minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def config_lines(data: dict[str, Any]) -> str:
    from journal.text import table
    from journal.text.messages import render

    def yes_no(exists: bool | None) -> str:
        return "" if exists is not False else render("config_missing")

    rows = [
        [render("config_journal"), data["journal"] + yes_no(data["journal_exists"])],
        [render("config_file"), data["config"] + yes_no(data["config_exists"])],
        [render("config_lock"), data["lock"] or "-"],
        [render("config_service"), data["service"]],
        [render("config_log"), data["log"]],
        [render("config_timezone"), data["timezone"]],
        [render("config_language"), data["language"]],
        [render("config_notifier"), data["notifier"]],
        [render("config_reminders"), ", ".join(data["reminders"])],
        [render("config_overdue"), data["overdue_reminder_at"] or "off"],
        [render("config_lateness"), data["lateness"]],
    ]
    return table.render([render("config_what"), render("config_value")], rows)
