"""click commands whose help is shown in the reader's language.

The help strings in `cli.py` stay English (they are the catalog's message ids); these
classes look each one up in the catalog when the help is printed, never at import, so
`journal --help` costs one catalog read and nothing else.
"""

import inspect
from typing import Any

import click

from journal.i18n import translate


def _language() -> str:
    from journal.settings import language

    return language()


class _Translating:
    """Translate this command's help and its options' help once, just before printing."""

    _translated = False

    def _translate(self: Any) -> None:
        if self._translated:
            return
        self._translated = True
        lang = _language()
        if lang == "en":
            return
        for attr in ("help", "short_help", "epilog"):
            text = getattr(self, attr, None)
            if text:
                setattr(self, attr, translate(lang, inspect.cleandoc(text)))
        for param in self.params:
            if getattr(param, "help", None):
                param.help = translate(lang, param.help)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._translate()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        self._translate()
        return super().get_short_help_str(limit)  # type: ignore[misc]


class Command(_Translating, click.Command):
    pass


class Group(_Translating, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too
