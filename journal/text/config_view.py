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


def config_lines(data: dict[str, Any], loc: Any) -> str:
    """The table for `loc`'s reader (the edge's `Locale`)."""
    from journal.text import table
    from journal.text.labels import label
    from journal.text.messages import render_for

    def render(key: str, **params: Any) -> str:
        return render_for(loc, key, **params)

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
        [render("config_notifier"), _value_text(data["notifier"])],
        [render("config_reminders"), ", ".join(data["reminders"])],
        [render("config_overdue"), data["overdue_reminder_at"] or "off"],
        [render("config_lateness"), data["lateness"]],
    ]
    for kind, offsets in data.get("reminders_by_kind", {}).items():
        name = label("kind", kind, loc.language)
        rows.append([render("config_reminders_kind", kind=name), ", ".join(offsets) or "off"])
    if data.get("command"):
        rows.append([render("config_command"), data["command"]])
    for url in data.get("push_urls", []):
        rows.append([render("config_push_url"), url])
    rows.extend([key, value] for key, value in data.get("other", {}).items())
    return table.render([render("config_what"), render("config_value")], rows)


# The sections `journal config` names by rows of their own; the rest is shown key by key.
_SHOWN = {"timezone", "language", "database", "reminders", "notifier"}


def other_settings(raw: dict[str, Any]) -> dict[str, str]:
    """Every other setting of the file as it is written there (`[rules.mercari.payment] days`
    → `3`), so `journal config` shows all that is in effect."""
    out: dict[str, str] = {}

    def walk(section: str, table: dict[str, Any]) -> None:
        for key, value in table.items():
            name = f"{section}.{key}" if section else key
            if isinstance(value, dict):
                walk(name, value)
            elif section:
                out[f"[{section}] {key}"] = _value_text(value)
            else:
                out[key] = _value_text(value)

    walk("", {k: v for k, v in raw.items() if k not in _SHOWN})
    return out


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def program_shown(command: str | None) -> str | None:
    """The notifier command's program, its arguments left out: they may hold a token
    (`curl -H "Authorization: Bearer …"`)."""
    if not command:
        return None
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not words:
        return None
    return words[0] + (" …" if len(words) > 1 else "")
