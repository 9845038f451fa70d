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


def _cells(text: str) -> int:
    """Terminal cells of `text`, escape sequences aside (a wide character takes two)."""
    from click._compat import _ansi_re

    from journal.text.table import width

    return width(_ansi_re.sub("", text))


def _first_cells(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` cells (at least one character)."""
    from journal.text.table import char_width

    used = 0
    for i, ch in enumerate(text):
        used += char_width(ch)
        if used > cells:
            return text[: max(i, 1)]
    return text


# Characters a Japanese line does not start with (kinsoku): kept with the one before.
_NO_LINE_START = set("、。，．）」』】〕・ー：；？！）,.:;!?)]}")


def _chunks(_wrapper: Any, text: str) -> list[str]:
    """Where a line may break: between spaces as in English, and between two Japanese
    characters (never inside a run of Latin letters like `Ctrl-C` or `--db`)."""
    from journal.text.table import char_width

    out: list[str] = []
    for ch in text:
        wide = char_width(ch) == 2
        if out and ch in _NO_LINE_START and not out[-1].isspace():
            out[-1] += ch
        elif ch.isspace():
            if out and out[-1].isspace():
                out[-1] += ch
            else:
                out.append(ch)
        elif wide or not out or out[-1].isspace() or char_width(out[-1][-1]) == 2:
            out.append(ch)
        else:
            out[-1] += ch
    return out


@contextlib.contextmanager
def _by_display_width() -> Iterator[None]:
    """click measures help in characters: a Japanese line of 40 characters takes 80 cells
    and the terminal breaks it wherever it overflows. While help is formatted, click's
    measures count cells instead, so its wrapping keeps each line inside the width."""
    import click._textwrap as textwrap_
    import click.formatting as formatting

    wrapper = textwrap_.TextWrapper
    saved = (formatting.term_len, textwrap_.term_len, textwrap_._truncate_visible)
    formatting.term_len = textwrap_.term_len = _cells
    textwrap_._truncate_visible = _first_cells
    wrapper._split = _chunks  # type: ignore[method-assign]
    try:
        yield
    finally:
        formatting.term_len, textwrap_.term_len, textwrap_._truncate_visible = saved
        del wrapper._split  # the standard library's, inherited, again


class _Translating:
    def format_help(self: Any, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        texts = ("help", "short_help", "epilog")
        params = self.get_params(ctx)
        with _in_language([self], texts), _in_language(params, ("help",)), _by_display_width():
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def get_short_help_str(self: Any, limit: int = 45) -> str:
        """A command's line in its group's list; in Japanese cut by display width between
        two characters (click cuts at a space, and a Japanese sentence has none)."""
        english = _language() == "en"
        with _in_language([self], ("help", "short_help")):
            text = super().get_short_help_str(limit if english else 10_000)  # type: ignore[misc]
        if english or _cells(text) <= limit:
            return text
        from journal.text.table import cut

        return cut(text, limit)


class Command(_Translating, click.Command):
    pass


class Group(_Translating, click.Group):
    command_class = Command
    group_class = type  # subgroups are of this class too


def error_text(error: click.ClickException) -> str:
    """click's refusal in the reader's words. A missing option or argument is said as needed
    (`オプション '--buyer' が必要です`): click's own sentence puts the name after a word that
    reads, in Japanese, as "there is no such option"."""
    if isinstance(error, click.MissingParameter) and error.param is not None:
        from journal.text.messages import render

        name = error.param.get_error_hint(error.ctx)
        if error.param.param_type_name == "option":
            return render("click_missing_option", name=name)
        if error.param.param_type_name == "argument":
            return render("missing_argument", name=name)
    return error.format_message()


def _choice_names(choices: Any) -> list[str] | None:
    """The Japanese names of a choice of platforms or states; None in English."""
    if _language() == "en":
        return None
    from journal.text.labels import PLATFORMS, STATES

    return [PLATFORMS.get(c) or STATES.get(c) or c for c in choices]


def choice_metavar(choices: Any) -> str | None:
    """`[ラクマ|メルカリ|…]` in Japanese help (the ids are accepted too); None: click's own."""
    names = _choice_names(choices)
    if names is None:
        return None
    shown: list[str] = []
    for name in names:  # an option's name is not wrapped: the list stops where it would
        if _cells("|".join([*shown, name])) > METAVAR_CELLS:
            return "[" + "|".join([*shown, "…"]) + "]"
        shown.append(name)
    return "[" + "|".join(shown) + "]"


METAVAR_CELLS = 48  # `  --platform [ラクマ|…]` stays within 60 of an 80-column terminal


def choice_refusal(value: Any, choices: Any) -> str | None:
    """A value that is none of the choices, refused with the names the reader knows."""
    names = _choice_names(choices)
    if names is None:
        return None
    from journal.text.messages import render

    return render("bad_choice_named", value=value, choices="、".join(names))
