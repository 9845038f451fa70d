"""The translation catalogs (gettext, standard library at run time; the compiled `.mo` files
ship in the package beside their `.po` sources in `journal/locale/`).

Two kinds of entries: the journal's own sentences under a message key (`bad_duration`),
in both catalogs, the English one being their source; and the help of every command and
option and click's own sentences ("Usage:", "No such option …") with the English text as
the message id, only in the Japanese catalog. A translator works on one file.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
from collections.abc import Callable, Iterator
from datetime import UTC, tzinfo
from functools import lru_cache

from journal.core.datatypes import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import BinaryIO

DOMAIN = "trade-journal"


@record(frozen=True)
class Locale:
    """The reader: their language ("ja" or "en") and timezone. Built once at the edge (the
    command line, the daemon) from the settings and passed down to every view, message and
    reminder note; nothing below the edge reads the settings to find them."""

    language: str = "en"
    zone: tzinfo = UTC


# The catalogs' folder as text: pathlib is not imported for it (`LOCALEDIR`, its `Path`,
# is made when another module asks for it).
LOCALE_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "locale")


def __getattr__(name: str) -> object:
    if name == "LOCALEDIR":
        from pathlib import Path

        return Path(LOCALE_FOLDER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=4)
def catalog(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` ("ja" or "en"), falling back to English for a missing entry."""
    english = _compiled("en")
    if lang == "en":
        return english
    found = _compiled(lang)
    found.add_fallback(english)
    return found


def _compiled(lang: str) -> gettext.NullTranslations:
    """`gettext.translation(DOMAIN, LOCALE_FOLDER, [lang], fallback=True)`: the package's `.mo`
    of `lang`, or an empty catalog. gettext's search first expands the name through the
    `locale` module's alias table (`en` to `en_US.ISO8859-1`, …), importing it: about 6 M
    instructions for folders the package does not ship; it ends at `LOCALE_FOLDER/lang` too."""
    try:
        with open(os.path.join(LOCALE_FOLDER, lang, "LC_MESSAGES", f"{DOMAIN}.mo"), "rb") as file:
            return KeptTranslations(file, lang)
    except FileNotFoundError:
        return gettext.NullTranslations()


class KeptTranslations(gettext.GNUTranslations):
    """A `.mo` catalog parsed by gettext once, then read from the parse kept in the cache
    folder (`journal/kept.py`) while the `.mo` is the same, byte for byte.

    gettext's parse decodes every entry in Python: 2–3 ms of each command that says
    anything (10 M instructions for the English catalog, 23 M for the Japanese one, against
    a bare interpreter's 38 M); the kept parse is one `marshal` load. Overriding `_parse` is
    gettext's documented way to read a catalog from elsewhere; what it fills in (the
    messages, the header, the charset, the plural rule) is what gettext's own fills in."""

    def __init__(self, fp: BinaryIO, lang: str) -> None:
        self.lang = lang
        super().__init__(fp)

    def _parse(self, fp: BinaryIO) -> None:
        import marshal
        import sys

        from journal import kept
        from journal.paths import user_folder

        source = fp.read()
        name = f"catalog-{self.lang}-{sys.implementation.cache_tag}-m{marshal.version}.marshal"
        path = os.path.join(user_folder("cache"), name)
        payload = kept.opened(path)
        try:
            if payload is not None:
                kept_source, (messages, info, charset, plural) = marshal.loads(payload)
                if kept_source == source and isinstance(messages, dict):
                    self._catalog, self._info, self._charset = messages, info, charset
                    self.plural = _plural(plural)
                    return
        except (ValueError, EOFError, TypeError):
            pass
        super()._parse(io.BytesIO(source))
        forms = self._info.get("plural-forms")
        plural = forms.split(";")[1].split("plural=")[1] if forms else None
        parsed = (self._catalog, self._info, self._charset, plural)
        stale = (f"catalog-{self.lang}-", ".marshal")
        kept.keep(path, kept.sealed(marshal.dumps((source, parsed))), stale)


def _plural(expression: str | None) -> Callable[[int], int]:
    """The catalog's plural rule (its header's `plural=`), compiled by gettext when first
    asked (it compiles a pattern and runs `exec`); none: gettext's default."""
    if expression is None:
        return lambda n: int(n != 1)
    compiled: list[Callable[[int], int]] = []

    def plural(n: int) -> int:
        if not compiled:
            compiled.append(gettext.c2py(expression))
        return compiled[0](n)

    return plural


def translate(lang: str, text: str) -> str:
    return catalog(lang).gettext(text) if text else text


@contextlib.contextmanager
def for_click(lang: str) -> Iterator[None]:
    """Make click's own sentences (usage, errors, "Show this message and exit.") speak `lang`.

    click translates with the module-level `gettext.gettext`, i.e. the global text domain and
    the languages named in the environment; both are set for the command and put back after,
    so an in-process caller (the tests) and child processes see no change.
    """
    if lang == "en":
        yield
        return
    before_domain = gettext.textdomain()
    before_language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, LOCALE_FOLDER)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        gettext.textdomain(before_domain)
        if before_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = before_language
