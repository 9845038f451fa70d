"""The daemon's log in the reader's language.

Log calls keep their English %-format strings (the catalog's message ids, so a translator
sees the sentence); this formatter, installed at the edge, looks each one up before the
arguments are put in. Lower layers log as before and never read the language.
"""

import logging

from journal.text.i18n import translate


class TranslatingFormatter(logging.Formatter):
    def __init__(self, lang: str, fmt: str) -> None:
        super().__init__(fmt)
        self.lang = lang

    def format(self, record: logging.LogRecord) -> str:
        if self.lang != "en" and isinstance(record.msg, str):
            record = logging.makeLogRecord(record.__dict__)
            record.msg = translate(self.lang, record.msg)
        return super().format(record)


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
