"""The daemon's log in the reader's language.

Log calls keep their English %-format strings (the catalog's message ids, so a translator
sees the sentence); this formatter, installed at the edge, looks each one up before the
arguments are put in. Lower layers log as before and never read the language.
"""

import logging
from datetime import UTC, datetime, tzinfo

from journal.text.i18n import translate
from journal.text.labels import label


class TranslatingFormatter(logging.Formatter):
    """Each line in the reader's language, stamped in the reader's timezone with its offset
    (`2026-12-05 01:37:51,696+09:00`), so it matches `journal reminders` and the
    notifications, whatever zone the machine runs in."""

    def __init__(self, lang: str, fmt: str, zone: tzinfo = UTC) -> None:
        super().__init__(fmt)
        self.lang = lang
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        moment = datetime.fromtimestamp(record.created, self.zone)
        offset = moment.strftime("%z")
        return f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}{offset[:3]}:{offset[3:]}"

    def format(self, record: logging.LogRecord) -> str:
        if self.lang != "en" and isinstance(record.msg, str):
            record = logging.makeLogRecord(record.__dict__)
            named = NAMED_ARGS.get(record.msg)
            if named and isinstance(record.args, tuple) and len(record.args) == len(named):
                record.args = tuple(
                    label(group, arg, self.lang) if group and isinstance(arg, str) else arg
                    for group, arg in zip(named, record.args, strict=True)
                )
            record.msg = translate(self.lang, record.msg)
        return super().format(record)


def relabel(lang: str, zone: tzinfo) -> None:
    """The daemon's log in this language and zone from now on (its config changed)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, TranslatingFormatter):
            handler.formatter.lang, handler.formatter.zone = lang, zone


# The log lines whose arguments hold ids a person reads by name: the group of each argument
# (None: shown as it is). `reminded T10 ship (late)` reads `通知しました: T10 発送（遅れて送信）`.
NAMED_ARGS: dict[str, tuple[str | None, ...]] = {
    "reminded %s %s (%s)": (None, "kind", "how"),
}


def log_messages(source: str) -> list[str]:
    """The format strings of the `log.<level>("…")` calls in a module's source."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "log"
            and node.func.attr in ("debug", "info", "warning", "error", "critical")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(node.args[0].value)
    return found
