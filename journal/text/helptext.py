"""click commands whose help is shown in the reader's language.

The help strings in `cli.py` stay English (they are the catalog's message ids); these
classes look each one up in the catalog while the help is printed and put the English back
after, so one process may print help in either language (the tests run many commands in one
process) and `journal --help` costs one catalog read and nothing else.
"""

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

import click

from journal.text.i18n import translate


def _language() -> str:
    from journal.text.messages import reader

    return reader().language


@contextlib.contextmanager
def _in_language(objects: list[Any], attrs: tuple[str, ...]) -> Iterator[None]:
    """Swap each object's help texts for their translations, and back."""
    lang = _language()
    saved: list[tuple[Any, str, Any]] = []
    if lang != "en":
        for obj in objects:
            for attr in attrs:
                text = getattr(obj, attr, None)
                if text:
                    saved.append((obj, attr, text))
                    setattr(obj, attr, translate(lang, inspect.cleandoc(text)))
    try:
        yield
    finally:
        for obj, attr, text in saved:
            setattr(obj, attr, text)


class _Translating:
    def format_help(self: Any, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        texts = ("help", "short_help", "epilog")
        with _in_language([self], texts), _in_language(self.get_params(ctx), ("help",)):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self: Any, limit: int = 45) -> str:
        with _in_language([self], ("help", "short_help")):
            return super().get_short_help_str(limit)  # type: ignore[misc]


class Command(_Translating, click.Command):
    pass


class Group(_Translating, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too
